// Everything cirrus-web exports except `init()`, which each runtime's entry adds with its own way of
// finding the .wasm (index.js: browsers and bundlers; index.node.js: Node, Deno, Bun; index.workerd.js:
// Cloudflare Workers). Kept free of any runtime's built-ins so a bundler never meets them.

// The core functions (each writing its options as flat text, with the init() check): generated from the
// export table. parseIdentifier comes from beyond-url.js with the other exports the url module lacks.
export {
  url, apiSignRequest, signRequest, buildUploadParams, verifyIdentifier, explainSignature, generateAuthToken,
  verifyNotificationSignature, privateDownloadUrl, downloadArchiveUrl, downloadZipUrl, parseCloudinaryUrl,
} from './generated.js';
export {
  parseIdentifier, planChunks, classifyStatus, createUpload, directUpload, uploadMany, Cloudinary,
} from './beyond-url.js';
export { signedIdentifier } from './direct-upload.js';

// Browser-only helpers that need no core: the image downscale and the resumable uploads' store.
export { downscaleImage } from './downscale.js';
export { listResumableUploads, clearResumableUploads } from './resume-store.js';

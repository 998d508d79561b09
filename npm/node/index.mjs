// ESM entry: the same addon as index.cjs, with named exports.
import { createRequire } from 'node:module';

const cirrus = createRequire(import.meta.url)('./index.cjs');

export const {
  url,
  apiSignRequest,
  signRequest,
  buildUploadParams,
  verifyIdentifier,
  parseIdentifier,
  explainSignature,
  generateAuthToken,
  verifyNotificationSignature,
  privateDownloadUrl,
  downloadArchiveUrl,
  downloadZipUrl,
  parseCloudinaryUrl,
  Cloudinary,
  MediaService,
  SqliteRepository,
  PostgresRepository,
  NativeMediaService,
  UploadTask,
  sniffFormat,
  encodeOwner,
} = cirrus;
export default cirrus;

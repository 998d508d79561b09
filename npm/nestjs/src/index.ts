// cirrus-nestjs: the cirrus client and media service as NestJS providers, a streaming upload interceptor,
// content validation, direct-upload signing and signed-identifier verification.
export { CirrusModule, createClient } from './module.js';
export { CIRRUS_CLIENT, CIRRUS_MEDIA, CIRRUS_OPTIONS, type CirrusModuleOptions, type CirrusModuleAsyncOptions } from './tokens.js';
export { StreamingUpload, type StreamingUploadOptions, type StreamedFile } from './streaming-upload.interceptor.js';
export { registerCirrusMultipart, type CirrusHttpAdapter, type CirrusHttpTarget } from './fastify.js';
export { CirrusFileInterceptor, FileTypeValidationPipe, SignedIdentifierPipe, type FileLimits, type FileTypeOptions, type IdentifierCheck } from './pipes.js';
export { createSigningController, type SigningOptions, type DirectUploadSignature } from './signing.js';
export { requestIdOf, statusFor, toHttpException } from './errors.js';
export { CirrusCleanup, type CleanupOptions, type CleanupRun } from './cleanup.js';
export { CirrusHealthIndicator, type CirrusHealth } from './health.js';

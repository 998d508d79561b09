// The `cirrus` Node package, loaded from this ES module (it is CommonJS).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const cirrus = require('cirrus') as typeof import('cirrus');

export const { Cloudinary, MediaService, sniffFormat, encodeOwner } = cirrus;
export type Cloudinary = import('cirrus').Cloudinary;
export type MediaService = import('cirrus').MediaService;
export type SqliteRepository = import('cirrus').SqliteRepository;
export type { CloudinaryConfig, MediaRepository, MediaServiceOptions, IdentifierPolicy, VerifiedIdentifier, UploadResult, DirectUploadSignature } from 'cirrus';

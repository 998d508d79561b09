import { Inject, Injectable, mixin, type PipeTransform, type Type } from '@nestjs/common';
import { sniffFormat, type Cloudinary, type IdentifierPolicy, type VerifiedIdentifier } from './cirrus.js';
import { toHttpException } from './errors.js';
import { CIRRUS_CLIENT } from './tokens.js';

function coded(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

/** Options of `FileTypeValidationPipe`. */
export interface FileTypeOptions {
  /** Formats accepted, as sniffed from the content (e.g. `['jpg', 'png', 'webp']`). */
  allowed: string[];
  /** Largest file in bytes. */
  maxSize?: number;
}

/**
 * Validates a multer-style file (`{ buffer, originalname, mimetype, size }`) by its content: the claimed
 * mimetype and extension are ignored. Adds `detected: { format, mime, resource_type }`.
 */
export function FileTypeValidationPipe(options: FileTypeOptions): Type<PipeTransform> {
  @Injectable()
  class FileTypePipe implements PipeTransform {
    transform(file: any) {
      try {
        if (!file || !(file.buffer instanceof Uint8Array)) throw coded('MISSING_FILE', 'no file was uploaded');
        if (file.buffer.length === 0) throw coded('EMPTY_FILE', 'the file is empty');
        if (options.maxSize !== undefined && file.buffer.length > options.maxSize) {
          throw coded('FILE_TOO_LARGE', `the file has ${file.buffer.length} bytes; at most ${options.maxSize} are accepted`);
        }
        const detected = sniffFormat(Buffer.from(file.buffer.subarray(0, 512)));
        if (!detected || !options.allowed.includes(detected.format)) {
          throw coded('UNSUPPORTED_TYPE', `${detected ? detected.format : 'unrecognised'} content is not allowed (allowed: ${options.allowed.join(', ')})`);
        }
        return { ...file, detected };
      } catch (err) {
        throw toHttpException(err);
      }
    }
  }
  return mixin(FileTypePipe);
}

/**
 * Accepts only identifiers Cloudinary signed (what the Parse module's beforeSave did) and hands the
 * handler the verified parts, with `identifier` free of its signature; the policy pins resource type,
 * type and format.
 */
export function SignedIdentifierPipe(policy: IdentifierPolicy = {}): Type<PipeTransform> {
  @Injectable()
  class IdentifierPipe implements PipeTransform {
    constructor(@Inject(CIRRUS_CLIENT) private readonly client: Cloudinary) {}

    transform(value: unknown): VerifiedIdentifier {
      try {
        return this.client.verifyIdentifier(value as string, policy);
      } catch (err) {
        throw toHttpException(err);
      }
    }
  }
  return mixin(IdentifierPipe);
}

import { HttpException, HttpStatus, Inject, Injectable, mixin, Optional, type CallHandler, type ExecutionContext, type NestInterceptor, type PipeTransform, type Type } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Observable } from 'rxjs';
import { createRequire } from 'node:module';
import { sniffFormat, type Cloudinary, type IdentifierPolicy, type VerifiedIdentifier } from './cirrus.js';
import { requestIdOf, toHttpException } from './errors.js';
import { nodeRequest, nodeResponse } from './node-http.js';
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
 *
 * multer buffers the whole file before a pipe runs: pair it with limits, or a request as big as the
 * client likes is held in memory first. `CirrusFileInterceptor(field, { maxSize })` is `FileInterceptor`
 * with those limits set (file size, one file, few small fields).
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

/** Limits of `CirrusFileInterceptor`. */
export interface FileLimits {
  /** Largest file in bytes: multer stops reading beyond it (413). */
  maxSize: number;
  /** Most non-file fields (default 20), each at most `maxFieldSize` bytes (default 64 KiB). */
  maxFields?: number;
  maxFieldSize?: number;
}

/**
 * `FileInterceptor(field)` of `@nestjs/platform-express` with limits: one file of at most `maxSize`
 * bytes and a few small fields, so multer never buffers more than that (use it with
 * `FileTypeValidationPipe`). Express only: multer reads Express's request. On Fastify the app refuses to
 * start with it; use `StreamingUpload` there.
 */
export function CirrusFileInterceptor(field: string, limits: FileLimits): Type<NestInterceptor> {
  if (!Number.isFinite(limits?.maxSize) || limits.maxSize <= 0) throw coded('INVALID_OPTION', 'CirrusFileInterceptor needs maxSize (bytes)');
  const { FileInterceptor } = createRequire(import.meta.url)('@nestjs/platform-express');
  const maxFields = limits.maxFields ?? 20;
  const Multer: Type<NestInterceptor> = FileInterceptor(field, {
    limits: { fileSize: limits.maxSize, files: 1, fields: maxFields, parts: maxFields + 1, fieldSize: limits.maxFieldSize ?? 64 * 1024, headerPairs: 20 },
  });

  @Injectable()
  class LimitedFileInterceptor implements NestInterceptor {
    private readonly multer: NestInterceptor;

    constructor(@Optional() @Inject('MULTER_MODULE_OPTIONS') options?: unknown, @Optional() adapterHost?: HttpAdapterHost) {
      // Said at startup: on Fastify every request to the route would fail inside multer.
      if (adapterHost?.httpAdapter?.getType() === 'fastify') {
        throw coded('INVALID_OPTION', `CirrusFileInterceptor('${field}') buffers with multer, which needs @nestjs/platform-express: on Fastify use StreamingUpload`);
      }
      this.multer = new (Multer as any)(options);
    }

    async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
      try {
        return await this.multer.intercept(context, next);
      } catch (err) {
        // Over a limit: answer now and close the connection, rather than reading the rest of a body
        // that may be as big as the client likes.
        if (err instanceof HttpException && err.getStatus() === HttpStatus.PAYLOAD_TOO_LARGE) {
          const http = context.switchToHttp();
          const response = nodeResponse(http.getResponse());
          const request = nodeRequest(http.getRequest());
          response.setHeader('Connection', 'close');
          response.once('finish', () => request.socket?.destroySoon?.() ?? request.destroy?.());
          throw new HttpException({ statusCode: 413, code: 'FILE_TOO_LARGE', message: `the file is larger than ${limits.maxSize} bytes (or the form has too many parts)`, requestId: requestIdOf(request) }, 413);
        }
        // multer's other refusals (a file in another field, a malformed form) are about the file: coded so.
        if (err instanceof HttpException && err.getStatus() === HttpStatus.BAD_REQUEST) {
          throw toHttpException(coded('MISSING_FILE', err.message), context.switchToHttp().getRequest());
        }
        throw toHttpException(err, context.switchToHttp().getRequest());
      }
    }
  }
  return mixin(LimitedFileInterceptor);
}

/** Options of `SignedIdentifierPipe` beyond the policy. */
export interface IdentifierCheck {
  /**
   * Look the asset up (Admin API) and hold the policy to what Cloudinary stored, not to what the
   * identifier says. Cloudinary's signature covers only the public id and the version: the resource
   * type, type and format in an identifier are the client's word, so without `lookup` a raw `.html`
   * upload relabelled `image/upload/...png` passes an `allowed_formats: ['png']` policy.
   */
  lookup?: boolean;
}

/**
 * Accepts only identifiers Cloudinary signed (what the Parse module's beforeSave did) and hands the
 * handler the verified parts, with `identifier` free of its signature. The signature covers the public
 * id and version only; the policy's resource types, types and formats are checked against the
 * identifier's text, or, with `{ lookup: true }`, against the stored asset.
 */
export function SignedIdentifierPipe(policy: IdentifierPolicy = {}, check: IdentifierCheck = {}): Type<PipeTransform> {
  @Injectable()
  class IdentifierPipe implements PipeTransform {
    constructor(@Inject(CIRRUS_CLIENT) private readonly client: Cloudinary) {}

    async transform(value: unknown): Promise<VerifiedIdentifier> {
      try {
        const verified = this.client.verifyIdentifier(value as string, check.lookup ? {} : policy);
        if (!check.lookup) return verified;
        const asset = await this.client.resource(verified.public_id, { resource_type: verified.resource_type as any, type: verified.type as any })
          .catch((err: any) => { throw err.code === 'NOT_FOUND' || err.code === 'INVALID_OPTION' ? coded('INVALID_IDENTIFIER', 'no such asset') : err; });
        const stored = { resource_type: String(asset.resource_type), type: String(asset.type), format: asset.format ? String(asset.format) : undefined };
        if (String(asset.version) !== String(verified.version)) throw coded('INVALID_IDENTIFIER', 'the asset has changed since this identifier was issued');
        if ((verified.format ?? undefined) !== stored.format) throw coded('IDENTIFIER_NOT_ALLOWED', 'the identifier\'s format is not the stored asset\'s');
        // The policy, applied to what Cloudinary stored.
        this.client.verifyIdentifier(`${stored.resource_type}/${stored.type}/v${verified.version}/${verified.public_id}${stored.format ? `.${stored.format}` : ''}#${String(value).split('#')[1]}`, policy);
        return verified;
      } catch (err) {
        throw toHttpException(err);
      }
    }
  }
  return mixin(IdentifierPipe);
}

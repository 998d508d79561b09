import { Inject, Injectable, mixin, Optional, type CallHandler, type ExecutionContext, type NestInterceptor, type Type } from '@nestjs/common';
import busboy from 'busboy';
import type { IncomingMessage } from 'node:http';
import type { Observable } from 'rxjs';
import type { Cloudinary, MediaService } from './cirrus.js';
import { toHttpException } from './errors.js';
import { CIRRUS_CLIENT, CIRRUS_MEDIA } from './tokens.js';

/** Options of `StreamingUpload`. */
export interface StreamingUploadOptions {
  /** The multipart field carrying files (default `file`). */
  field?: string;
  /** Largest file in bytes (default 100 MB): larger is 413. */
  maxFileSize?: number;
  /** Most files per request (default 10): more is 413. */
  maxFiles?: number;
  /** The owner of the files (for MediaService): without it, files go to `client.upload`. */
  owner?: (request: any) => string | undefined;
  /** Options of each upload (`client.upload` options, or MediaService `createOne` options). */
  uploadOptions?: Record<string, unknown>;
}

/** What the interceptor puts on `request.cirrusFiles`. */
export interface StreamedFile {
  field: string;
  filename: string;
  /** As the client claimed it (not trusted: MediaService sniffs the content). */
  mimeType: string;
  /** The MediaService record, or the Cloudinary upload result. */
  result: Record<string, any>;
}

function coded(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

/**
 * An interceptor that streams multipart file parts straight into uploads, never holding a whole file in
 * memory (backpressure reaches the client's socket), with size and count limits.
 */
export function StreamingUpload(options: StreamingUploadOptions = {}): Type<NestInterceptor> {
  const field = options.field ?? 'file';
  const maxFileSize = options.maxFileSize ?? 100 * 1024 * 1024;
  const maxFiles = options.maxFiles ?? 10;

  @Injectable()
  class StreamingUploadInterceptor implements NestInterceptor {
    constructor(
      @Inject(CIRRUS_CLIENT) private readonly client: Cloudinary,
      @Optional() @Inject(CIRRUS_MEDIA) private readonly media: MediaService | null,
    ) {}

    async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
      const request = context.switchToHttp().getRequest<IncomingMessage & { cirrusFiles?: StreamedFile[] }>();
      try {
        request.cirrusFiles = await this.stream(request);
      } catch (err) {
        throw toHttpException(err);
      }
      return next.handle();
    }

    private stream(request: any): Promise<StreamedFile[]> {
      const type = String(request.headers['content-type'] ?? '');
      if (!type.startsWith('multipart/form-data')) return Promise.reject(coded('MISSING_FILE', 'expected a multipart/form-data body'));
      const owner = options.owner?.(request);
      return new Promise((resolve, reject) => {
        const uploads: Array<Promise<StreamedFile>> = [];
        const controllers: AbortController[] = [];
        let failure: Error | undefined;
        let parser: busboy.Busboy;
        try {
          parser = busboy({ headers: request.headers, limits: { fileSize: maxFileSize, files: maxFiles } });
        } catch (err) {
          reject(coded('MISSING_FILE', (err as Error).message));
          return;
        }
        // The first failure answers at once: uploads in flight are aborted and the rest of the body is drained.
        const fail = (err: Error) => {
          if (failure) return;
          failure = err;
          for (const c of controllers) c.abort();
          request.unpipe(parser);
          request.resume();
          Promise.allSettled(uploads).then(() => reject(err));
        };
        parser.on('file', (name, stream, info) => {
          if (name !== field) {
            stream.resume();
            return;
          }
          const controller = new AbortController();
          controllers.push(controller);
          stream.on('limit', () => {
            controller.abort();
            fail(coded('FILE_TOO_LARGE', `${info.filename} is larger than ${maxFileSize} bytes`));
          });
          const upload = this.media && owner
            ? this.media.createOne(stream, owner, { ...options.uploadOptions, signal: controller.signal })
            : this.client.upload(stream, { ...options.uploadOptions, signal: controller.signal });
          uploads.push(
            (upload as Promise<Record<string, any>>).then((result) => ({ field: name, filename: info.filename ?? '', mimeType: info.mimeType, result })),
          );
        });
        parser.on('filesLimit', () => fail(coded('TOO_MANY_FILES', `at most ${maxFiles} files per request`)));
        parser.on('error', (err: Error) => fail(coded('MISSING_FILE', `malformed multipart body: ${err.message}`)));
        parser.on('close', () => {
          if (failure) return;
          Promise.allSettled(uploads).then((settled) => {
            if (failure) return;
            const rejected = settled.find((s) => s.status === 'rejected') as PromiseRejectedResult | undefined;
            if (rejected) return reject(rejected.reason);
            const files = settled.map((s) => (s as PromiseFulfilledResult<StreamedFile>).value);
            if (files.length === 0) return reject(coded('MISSING_FILE', `no file in field "${field}"`));
            resolve(files);
          });
        });
        request.pipe(parser);
      });
    }
  }
  return mixin(StreamingUploadInterceptor);
}

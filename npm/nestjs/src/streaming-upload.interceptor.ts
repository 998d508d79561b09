import { HttpException, HttpStatus, Inject, Injectable, mixin, Optional, type CallHandler, type ExecutionContext, type NestInterceptor, type OnModuleInit, type Type } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import busboy from 'busboy';
import type { IncomingMessage } from 'node:http';
import { pipeline, Transform } from 'node:stream';
import type { Observable } from 'rxjs';
import type { Cloudinary, MediaService } from './cirrus.js';
import { requestIdOf, toHttpException } from './errors.js';
import { registerCirrusMultipart } from './fastify.js';
import { nodeRequest } from './node-http.js';
import { CIRRUS_CLIENT, CIRRUS_MEDIA } from './tokens.js';

/** Options of `StreamingUpload`. */
export interface StreamingUploadOptions {
  /** The multipart field carrying files (default `file`). */
  field?: string;
  /** Largest file in bytes (default 100 MB): larger is 413. */
  maxFileSize?: number;
  /** Most files per request (default 10): more is 413. */
  maxFiles?: number;
  /** Most non-file fields (default 20), each at most `maxFieldSize` bytes (default 64 KiB): more is 413. */
  maxFields?: number;
  maxFieldSize?: number;
  /**
   * The owner of the files: they go through the MediaService (owner folder, content sniffing, allowed
   * formats, size limit, a record). When it returns nothing the request is refused with 401, before a
   * byte of the body is used.
   */
  owner?: (request: any) => string | undefined | null;
  /**
   * Plain uploads with no owner and no record (`client.upload`): only when set explicitly, for trusted
   * callers (an admin tool). Exclusive with `owner`.
   */
  unowned?: boolean;
  /** Options of each upload (`client.upload` options, or MediaService `createOne` options). */
  uploadOptions?: Record<string, unknown>;
  /** A file part that sends nothing for this long is abandoned (default 30 s): 408. */
  idleTimeoutMs?: number;
}

/** What the interceptor puts on `request.cirrusFiles` (the framework's request: Express's, or Fastify's). */
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
 * memory (backpressure reaches the client's socket), with size, count and field limits. A client that
 * disconnects or stalls mid-body has its uploads cancelled and their streams and spools released.
 *
 * Works on Express and on Fastify: on Fastify it registers a parser that lets multipart bodies through
 * unread (see `registerCirrusMultipart`) and reads the Node request under Fastify's (`request.raw`).
 */
export function StreamingUpload(options: StreamingUploadOptions = {}): Type<NestInterceptor> {
  if (!options.owner && !options.unowned) {
    throw coded('INVALID_OPTION', 'StreamingUpload needs owner(request) (files go through the MediaService) or, for plain uploads without an owner, unowned: true');
  }
  if (options.owner && options.unowned) throw coded('INVALID_OPTION', 'StreamingUpload takes owner or unowned, not both');
  const field = options.field ?? 'file';
  const maxFileSize = options.maxFileSize ?? 100 * 1024 * 1024;
  const maxFiles = options.maxFiles ?? 10;
  const maxFields = options.maxFields ?? 20;
  const idleTimeoutMs = options.idleTimeoutMs ?? 30_000;

  @Injectable()
  class StreamingUploadInterceptor implements NestInterceptor, OnModuleInit {
    constructor(
      @Inject(CIRRUS_CLIENT) private readonly client: Cloudinary,
      @Optional() @Inject(CIRRUS_MEDIA) private readonly media: MediaService | null,
      @Optional() private readonly adapterHost?: HttpAdapterHost,
    ) {}

    // At app.init(), before Fastify starts (a parser can still be added) and after main.ts registered its
    // own plugins, so that one of theirs handling multipart loads first and is kept.
    onModuleInit(): void {
      if (this.adapterHost?.httpAdapter) registerCirrusMultipart(this.adapterHost.httpAdapter);
    }

    async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
      // owner() and the handler get the framework's request; the body is read from the Node one under it.
      const request = context.switchToHttp().getRequest<{ cirrusFiles?: StreamedFile[] }>();
      const raw = nodeRequest(request);
      let owner: string | undefined;
      if (options.owner) {
        owner = options.owner(request) ?? undefined;
        if (!owner) {
          raw.resume();
          throw new HttpException({ statusCode: HttpStatus.UNAUTHORIZED, code: 'SIGN_IN_REQUIRED', message: 'sign in to upload', requestId: requestIdOf(request) }, HttpStatus.UNAUTHORIZED);
        }
        if (!this.media) throw toHttpException(coded('INVALID_OPTION', 'StreamingUpload with owner needs a MediaService: give CirrusModule a repository'), request);
      }
      try {
        request.cirrusFiles = await this.stream(raw, owner ? String(owner) : undefined);
      } catch (err) {
        throw toHttpException(err, request);
      }
      return next.handle();
    }

    private stream(request: IncomingMessage, owner: string | undefined): Promise<StreamedFile[]> {
      const type = String(request.headers['content-type'] ?? '');
      if (!type.startsWith('multipart/form-data')) return Promise.reject(coded('MISSING_FILE', 'expected a multipart/form-data body'));
      return new Promise((resolve, reject) => {
        const uploads: Array<Promise<StreamedFile>> = [];
        const controllers: AbortController[] = [];
        const streams: Array<NodeJS.ReadableStream & { destroy?: (e?: Error) => void }> = [];
        const timers: NodeJS.Timeout[] = [];
        // Finished timers are dropped as they are replaced, so a long upload does not collect thousands.
        const prune = () => { if (timers.length > 64) timers.splice(0, timers.length - 8); };
        let failure: Error | undefined;
        let parser: busboy.Busboy;
        try {
          parser = busboy({
            headers: request.headers,
            limits: { fileSize: maxFileSize, files: maxFiles, fields: maxFields, parts: maxFiles + maxFields, fieldSize: options.maxFieldSize ?? 64 * 1024, headerPairs: 20 },
          });
        } catch (err) {
          reject(coded('MISSING_FILE', (err as Error).message));
          return;
        }
        const release = () => {
          for (const t of timers) clearTimeout(t);
          request.off('close', onClose);
        };
        // The first failure answers at once: uploads in flight are aborted (their tasks cancelled, their
        // spools released) and the rest of the body is drained (or the socket is already gone).
        const fail = (err: Error) => {
          if (failure) return;
          failure = err;
          for (const c of controllers) c.abort();
          for (const s of streams) s.destroy?.();
          request.unpipe(parser);
          parser.removeAllListeners('file');
          if (!request.destroyed) request.resume();
          Promise.allSettled(uploads).then(() => { release(); reject(err); });
        };
        const onClose = () => {
          if (!request.complete) fail(coded('ABORTED', 'the client went away before the upload finished'));
        };
        request.on('close', onClose);
        parser.on('file', (name, stream, info) => {
          if (name !== field) {
            stream.resume();
            return;
          }
          const controller = new AbortController();
          controllers.push(controller);
          streams.push(stream);
          // A part that stalls keeps an upload task, a spool file and a socket busy: each piece must come
          // within the idle timeout. Watched through a Transform so backpressure still reaches the socket.
          const stalled = () => fail(coded('UPLOAD_IDLE', `${info.filename} sent nothing for ${idleTimeoutMs} ms`));
          let idle = setTimeout(stalled, idleTimeoutMs);
          timers.push(idle);
          const watched = new Transform({
            transform(piece, _encoding, done) {
              clearTimeout(idle);
              idle = setTimeout(stalled, idleTimeoutMs);
              timers.push(idle);
              prune();
              done(null, piece);
            },
            flush(done) {
              clearTimeout(idle);
              done();
            },
          });
          pipeline(stream, watched, () => {});
          streams.push(watched);
          stream.on('limit', () => {
            controller.abort();
            fail(coded('FILE_TOO_LARGE', `${info.filename} is larger than ${maxFileSize} bytes`));
          });
          const upload = owner !== undefined
            ? this.media!.createOne(watched, owner, { ...options.uploadOptions, signal: controller.signal })
            : this.client.upload(watched, { ...options.uploadOptions, signal: controller.signal });
          const settled = (upload as Promise<Record<string, any>>).then((result) => ({ field: name, filename: info.filename ?? '', mimeType: info.mimeType, result }));
          settled.catch(() => {});
          uploads.push(settled);
        });
        parser.on('filesLimit', () => fail(coded('TOO_MANY_FILES', `at most ${maxFiles} files per request`)));
        parser.on('fieldsLimit', () => fail(coded('TOO_MANY_PARTS', `at most ${maxFields} fields per request`)));
        parser.on('partsLimit', () => fail(coded('TOO_MANY_PARTS', `at most ${maxFiles + maxFields} parts per request`)));
        parser.on('error', (err: Error) => fail(coded('MISSING_FILE', `malformed multipart body: ${err.message}`)));
        parser.on('close', () => {
          if (failure) return;
          Promise.allSettled(uploads).then((settled) => {
            if (failure) return;
            release();
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

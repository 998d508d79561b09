import { Body, Controller, HttpCode, HttpException, HttpStatus, Inject, Optional, Post, Req, type Type } from '@nestjs/common';
import { CIRRUS_CLIENT, CIRRUS_MEDIA } from './tokens.js';
import { encodeOwner, type Cloudinary, type MediaService } from './cirrus.js';
import { requestIdOf, toHttpException } from './errors.js';

/** Options of `createSigningController`. */
export interface SigningOptions {
  /** Route path (default `cirrus/sign`). */
  path?: string;
  /** The authenticated user, or undefined to refuse (401). */
  owner: (request: any) => string | undefined;
  /**
   * With a MediaService (the module has a repository), each signature first stores a pending record and
   * signs params bound to it: the public_id the service chose, the allowed formats, the service's tags.
   * The browser then posts the identifier to an endpoint calling `media.adopt()`. Default: true when the
   * module has a MediaService. The options below apply to plain signing only.
   */
  intent?: boolean;
  /** Folder uploads go to (`<folder>/<encoded owner>`, default `uploads`; `a/b` → `a_2Fb`). */
  folder?: string;
  /** Params a browser may ask to have signed (default: tags, context). */
  allowedParams?: string[];
  /** Params always signed. */
  fixedParams?: Record<string, unknown>;
  /** Formats Cloudinary will accept with this signature (signed as `allowed_formats`; default jpg, png, gif, webp, avif, heic). */
  allowedFormats?: string[];
  /** Tag added to every signed upload, so the service's tools find direct uploads (default `cirrus-direct`). */
  tag?: string;
  /**
   * Resource type of the upload URL (default `image`). Cloudinary's signature does not cover the resource
   * type: a browser can post the same signed params to another one. `allowed_formats` still applies
   * there, and with `intent` (a MediaService) `adopt()` refuses an identifier of another resource type.
   */
  resourceType?: 'image' | 'video' | 'raw' | 'auto';
  /** Upload API prefix given to browsers (default: the client's `upload_prefix` or Cloudinary's). */
  uploadPrefix?: string;
}

/** How old a timestamp sent by an upload widget may be (seconds); the future is never accepted. */
const WIDGET_WINDOW = 600;

/** What a browser needs for a signed direct upload: the signed params plus where to send them. */
export interface DirectUploadSignature {
  signature: string;
  api_key: string | number;
  timestamp: number;
  cloud_name: string;
  upload_url: string;
  [param: string]: unknown;
}

/**
 * A controller that signs direct uploads for the authenticated user: `POST <path>` with
 * `{ params?, timestamp?, previous? }`. With a MediaService it stores an intent first (see `intent`), or,
 * when `previous.record_id` names the user's unfinished upload, signs that one again (a long or resumed
 * upload keeps its public_id and its bytes); `{ cancel: record_id }` ends an unfinished upload the page
 * will not use (`media.cancelDirectUpload`: answers `{ cancelled }`). Plain signing
 * signs only whitelisted params, forces the folder to `<folder>/<encoded owner>`, signs the allowed
 * formats and the service's tag, and takes the widget's timestamp only from the last ten minutes (never
 * the future, so a signature is valid for at most about an hour).
 */
export function createSigningController(options: SigningOptions): Type<unknown> {
  const allowed = options.allowedParams ?? ['tags', 'context'];
  const folder = options.folder ?? 'uploads';
  const formats = options.allowedFormats ?? ['jpg', 'png', 'gif', 'webp', 'avif', 'heic'];
  const tag = options.tag ?? 'cirrus-direct';
  const resourceType = options.resourceType ?? 'image';
  if (!['image', 'video', 'raw', 'auto'].includes(resourceType)) throw new Error(`createSigningController: resourceType must be image, video, raw or auto, not ${resourceType}`);

  @Controller()
  class SigningController {
    constructor(
      @Inject(CIRRUS_CLIENT) private readonly client: Cloudinary,
      @Optional() @Inject(CIRRUS_MEDIA) private readonly media: MediaService | null,
    ) {}

    @Post(options.path ?? 'cirrus/sign')
    @HttpCode(200)
    async sign(@Req() request: any, @Body() body: any): Promise<DirectUploadSignature | { cancelled: boolean }> {
      const owner = options.owner(request);
      if (!owner) {
        throw new HttpException({ statusCode: HttpStatus.UNAUTHORIZED, code: 'SIGN_IN_REQUIRED', message: 'sign in to upload', requestId: requestIdOf(request) }, HttpStatus.UNAUTHORIZED);
      }
      if (body?.cancel !== undefined) {
        // The page will not use an intent (the file was taken out of the queue): its record ends (an upload
        // made anyway is deleted; its place under maxPendingDirectUploads is free once its signature
        // has expired).
        if (!this.media || options.intent === false) {
          throw new HttpException({ statusCode: HttpStatus.BAD_REQUEST, code: 'INVALID_ARGUMENT', message: 'nothing to cancel: plain signatures store no intent', requestId: requestIdOf(request) }, HttpStatus.BAD_REQUEST);
        }
        try {
          return await this.media.cancelDirectUpload(body.cancel, String(owner));
        } catch (err) {
          throw toHttpException(err, request);
        }
      }
      if (this.media && options.intent !== false) {
        try {
          // A long or resumed upload names its record to be signed again (cirrus-web sends `previous`).
          const recordId = body?.previous?.record_id;
          const again = typeof recordId === 'string' || Number.isInteger(recordId) ? { recordId } : {};
          return await this.media.signDirectUpload(String(owner), again);
        } catch (err) {
          throw toHttpException(err, request);
        }
      }
      try {
        const requested = body && typeof body.params === 'object' && body.params !== null ? body.params : {};
        const params: Record<string, unknown> = {};
        for (const key of allowed) if (requested[key] !== undefined) params[key] = requested[key];
        Object.assign(params, options.fixedParams);
        const tags = [tag, ...[params.tags ?? []].flat().map(String).flatMap((t) => t.split(','))].filter((t) => t !== '');
        params.tags = [...new Set(tags)];
        params.allowed_formats = formats;
        if (params.public_id !== undefined) params.overwrite = false;
        params.folder = `${folder}/${encodeOwner(String(owner))}`;
        const now = Math.floor(Date.now() / 1000);
        const sent = Number(body?.timestamp);
        params.timestamp = Number.isInteger(sent) && sent <= now && now - sent <= WIDGET_WINDOW ? sent : now;
        const signed = this.client.signRequest(params) as Record<string, unknown>;
        const config = this.client.toJSON() as Record<string, string | undefined>;
        const prefix = options.uploadPrefix ?? config.upload_prefix ?? 'https://api.cloudinary.com';
        return {
          ...signed,
          cloud_name: this.client.cloudName ?? '',
          upload_url: `${prefix}/v1_1/${this.client.cloudName}/${resourceType}/upload`,
        } as DirectUploadSignature;
      } catch (err) {
        throw toHttpException(err, request);
      }
    }
  }
  return SigningController;
}

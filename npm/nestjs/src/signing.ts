import { Body, Controller, HttpCode, HttpException, HttpStatus, Inject, Optional, Post, Req, type Type } from '@nestjs/common';
import { CIRRUS_CLIENT, CIRRUS_MEDIA } from './tokens.js';
import type { Cloudinary, MediaService } from './cirrus.js';
import { toHttpException } from './errors.js';

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
  /** Folder uploads go to (`<folder>/<owner>`, default `uploads`). */
  folder?: string;
  /** Params a browser may ask to have signed (default: tags, context, public_id suffix is not allowed). */
  allowedParams?: string[];
  /** Params always signed (e.g. `{ tags: 'my-service-tag' }`, so that reconcile sees direct uploads). */
  fixedParams?: Record<string, unknown>;
  /** Resource type of the upload URL (default `auto`). */
  resourceType?: string;
  /** Upload API prefix given to browsers (default: the client's `upload_prefix` or Cloudinary's). */
  uploadPrefix?: string;
}

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
 * `{ params?, timestamp? }` (the upload widget sends its own timestamp; it is used when within an hour).
 * Only whitelisted params are signed, and the folder is forced to `<folder>/<owner>`.
 */
export function createSigningController(options: SigningOptions): Type<unknown> {
  const allowed = options.allowedParams ?? ['tags', 'context'];
  const folder = options.folder ?? 'uploads';

  @Controller()
  class SigningController {
    constructor(
      @Inject(CIRRUS_CLIENT) private readonly client: Cloudinary,
      @Optional() @Inject(CIRRUS_MEDIA) private readonly media: MediaService | null,
    ) {}

    @Post(options.path ?? 'cirrus/sign')
    @HttpCode(200)
    async sign(@Req() request: any, @Body() body: any): Promise<DirectUploadSignature> {
      const owner = options.owner(request);
      if (!owner) {
        throw new HttpException({ statusCode: HttpStatus.UNAUTHORIZED, code: 'UNAUTHORIZED', message: 'sign in to upload' }, HttpStatus.UNAUTHORIZED);
      }
      if (this.media && options.intent !== false) {
        try {
          return await this.media.signDirectUpload(String(owner));
        } catch (err) {
          throw toHttpException(err);
        }
      }
      try {
        const requested = body && typeof body.params === 'object' && body.params !== null ? body.params : {};
        const params: Record<string, unknown> = {};
        for (const key of allowed) if (requested[key] !== undefined) params[key] = requested[key];
        Object.assign(params, options.fixedParams);
        params.folder = `${folder}/${owner}`;
        const now = Math.floor(Date.now() / 1000);
        const sent = Number(body?.timestamp);
        params.timestamp = Number.isInteger(sent) && Math.abs(now - sent) < 3600 ? sent : now;
        const signed = this.client.signRequest(params) as Record<string, unknown>;
        const config = this.client.toJSON() as Record<string, string | undefined>;
        const prefix = options.uploadPrefix ?? config.upload_prefix ?? 'https://api.cloudinary.com';
        return {
          ...signed,
          cloud_name: this.client.cloudName ?? '',
          upload_url: `${prefix}/v1_1/${this.client.cloudName}/${options.resourceType ?? 'auto'}/upload`,
        } as DirectUploadSignature;
      } catch (err) {
        throw toHttpException(err);
      }
    }
  }
  return SigningController;
}

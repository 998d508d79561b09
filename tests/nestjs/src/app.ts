// A NestJS 12 app using cirrus-nestjs the way an application would, for the e2e tests: on Express
// (@nestjs/platform-express, Nest's default) or on Fastify (@nestjs/platform-fastify).
import 'reflect-metadata';
import { Body, Controller, Inject, Injectable, Module, Post, Req, UploadedFile, UseInterceptors, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CIRRUS_MEDIA, CirrusFileInterceptor, CirrusModule, createSigningController, FileTypeValidationPipe, SignedIdentifierPipe, StreamingUpload, toHttpException, type CleanupOptions } from 'cirrus-nestjs';

const user = (req: any) => (req.headers['x-user'] as string | undefined) || undefined;

@Controller('media')
class MediaController {
  constructor(@Inject(CIRRUS_MEDIA) private readonly media: any) {}

  @Post('adopt')
  async adopt(@Req() req: any, @Body('identifier') identifier: string) {
    try {
      return await this.media.adopt(identifier, user(req));
    } catch (err) {
      throw toHttpException(err, req);
    }
  }

  @Post('slow')
  @UseInterceptors(StreamingUpload({ owner: user, maxFiles: 1, idleTimeoutMs: 500 }))
  slow(@Req() req: any) {
    return req.cirrusFiles.length;
  }

  @Post('attach-checked')
  attach2(@Body('image', SignedIdentifierPipe({ allowed_formats: ['png', 'jpg'], allowed_resource_types: ['image'] }, { lookup: true })) image: any) {
    return image;
  }

  @Post('stream')
  @UseInterceptors(StreamingUpload({ owner: user, maxFiles: 2, maxFileSize: 300 * 1024 * 1024 }))
  stream(@Req() req: any) {
    return req.cirrusFiles.map((f: any) => ({ filename: f.filename, public_id: f.result.public_id, bytes: f.result.bytes, etag: f.result.etag, id: f.result.id }));
  }

  @Post('raw')
  @UseInterceptors(StreamingUpload({ unowned: true, maxFiles: 1, maxFileSize: 300 * 1024 * 1024, uploadOptions: { resource_type: 'raw' } }))
  raw(@Req() req: any) {
    return req.cirrusFiles.map((f: any) => ({ bytes: f.result.bytes, etag: f.result.etag }));
  }

  @Post('small')
  @UseInterceptors(StreamingUpload({ unowned: true, maxFiles: 1, maxFileSize: 1000 }))
  small(@Req() req: any) {
    return req.cirrusFiles.length;
  }

  @Post('attach')
  attach(@Body('image', SignedIdentifierPipe({ allowed_formats: ['png', 'jpg'], allowed_types: ['upload'] })) image: any) {
    return image;
  }
}

// Buffered uploads (multer): Express only. On Fastify, CirrusFileInterceptor refuses to start.
@Controller('media')
class BufferedController {
  @Post('validate')
  @UseInterceptors(CirrusFileInterceptor('file', { maxSize: 1_000_000 }))
  validate(@UploadedFile(FileTypeValidationPipe({ allowed: ['png', 'jpg'], maxSize: 1_000_000 })) file: any) {
    return { format: file.detected.format, claimed: file.mimetype };
  }
}

@Injectable()
class ConfigService {
  get(key: string): string | undefined {
    return process.env[key];
  }
}

@Module({ providers: [ConfigService], exports: [ConfigService] })
class ConfigModule {}

// The media service's signer (each signature stores an intent) and a plain one.
const Signer = createSigningController({ owner: user });
const PlainSigner = createSigningController({ path: 'cirrus/sign-plain', owner: user, folder: 'direct', intent: false });

export type Platform = 'express' | 'fastify';

/** How `createApp` builds the app. */
export interface AppOptions {
  /** The HTTP platform (default express). */
  platform?: Platform;
  /** Mount the multer route (default: on Express only). */
  buffered?: boolean;
  /** Runs between NestFactory.create and init, where an application's main.ts configures its app. */
  configure?: (app: INestApplication) => void | Promise<void>;
}

/** The app, wired with `forRoot` (sync) or `forRootAsync` with a ConfigService (async). */
export async function createApp(wiring: 'sync' | 'async', repository?: unknown, cleanup?: CleanupOptions, options: AppOptions = {}): Promise<INestApplication> {
  const platform = options.platform ?? 'express';
  const buffered = options.buffered ?? platform === 'express';
  const media = { folder: 'nest', tag: 'nest', reconcileGrace: 0, pendingTtl: 300 };
  const cirrus = wiring === 'sync'
    ? CirrusModule.forRoot({ cloudinary: process.env.CLOUDINARY_URL, repository: repository as any, media, cleanup })
    : CirrusModule.forRootAsync({
      imports: [ConfigModule],
      inject: [ConfigService],
      useFactory: (config: ConfigService) => ({ cloudinary: config.get('CLOUDINARY_URL'), repository: repository as any, media, cleanup }),
    });
  @Module({ imports: [cirrus], controllers: [MediaController, ...(buffered ? [BufferedController] : []), Signer, PlainSigner] })
  class AppModule {}
  // abortOnError off: a failed startup throws to the test instead of ending its process.
  if (platform === 'express') {
    const app = await NestFactory.create(AppModule, { logger: false, bodyParser: true, abortOnError: false });
    await options.configure?.(app);
    await app.init();
    return app;
  }
  // Nothing but the adapter: StreamingUpload registers what it needs from Fastify itself.
  const { FastifyAdapter } = await import('@nestjs/platform-fastify');
  const app = await NestFactory.create(AppModule, new FastifyAdapter(), { logger: false, bodyParser: true, abortOnError: false });
  await options.configure?.(app);
  await app.init();
  // Fastify serves routes once its plugins have loaded (supertest uses the server without listen()).
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

export { Inject };

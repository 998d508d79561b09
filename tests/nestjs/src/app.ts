// A NestJS 12 app using cirrus-nestjs the way an application would, for the e2e tests.
import 'reflect-metadata';
import { Body, Controller, Inject, Injectable, Module, Post, Req, UploadedFile, UseInterceptors, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FileInterceptor } from '@nestjs/platform-express';
import { CirrusModule, createSigningController, FileTypeValidationPipe, SignedIdentifierPipe, StreamingUpload } from 'cirrus-nestjs';

const user = (req: any) => (req.headers['x-user'] as string | undefined) || undefined;

@Controller('media')
class MediaController {
  @Post('stream')
  @UseInterceptors(StreamingUpload({ owner: user, maxFiles: 2, maxFileSize: 300 * 1024 * 1024 }))
  stream(@Req() req: any) {
    return req.cirrusFiles.map((f: any) => ({ filename: f.filename, public_id: f.result.public_id, bytes: f.result.bytes, etag: f.result.etag, id: f.result.id }));
  }

  @Post('raw')
  @UseInterceptors(StreamingUpload({ maxFiles: 1, maxFileSize: 300 * 1024 * 1024, uploadOptions: { resource_type: 'raw' } }))
  raw(@Req() req: any) {
    return req.cirrusFiles.map((f: any) => ({ bytes: f.result.bytes, etag: f.result.etag }));
  }

  @Post('small')
  @UseInterceptors(StreamingUpload({ maxFiles: 1, maxFileSize: 1000 }))
  small(@Req() req: any) {
    return req.cirrusFiles.length;
  }

  @Post('validate')
  @UseInterceptors(FileInterceptor('file'))
  validate(@UploadedFile(FileTypeValidationPipe({ allowed: ['png', 'jpg'], maxSize: 1_000_000 })) file: any) {
    return { format: file.detected.format, claimed: file.mimetype };
  }

  @Post('attach')
  attach(@Body('image', SignedIdentifierPipe({ allowed_formats: ['png', 'jpg'], allowed_types: ['upload'] })) image: any) {
    return image;
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

const Signer = createSigningController({ owner: user, folder: 'direct' });

/** The app, wired with `forRoot` (sync) or `forRootAsync` with a ConfigService (async). */
export async function createApp(wiring: 'sync' | 'async', repository?: unknown): Promise<INestApplication> {
  const cirrus = wiring === 'sync'
    ? CirrusModule.forRoot({ cloudinary: process.env.CLOUDINARY_URL, repository: repository as any, media: { folder: 'nest', tag: 'nest', reconcileGrace: 0 } })
    : CirrusModule.forRootAsync({
      imports: [ConfigModule],
      inject: [ConfigService],
      useFactory: (config: ConfigService) => ({ cloudinary: config.get('CLOUDINARY_URL'), repository: repository as any, media: { folder: 'nest', tag: 'nest' } }),
    });
  @Module({ imports: [cirrus], controllers: [MediaController, Signer] })
  class AppModule {}
  const app = await NestFactory.create(AppModule, { logger: false, bodyParser: true });
  await app.init();
  return app;
}

export { Inject };

// A NestJS 12 app as a user writes it from the READMEs: cirrus-nestjs's module over the embedded SQLite
// repository, a streaming upload route, a listing; Cloudinary is the emulator from `cirrus/testing`.
import 'reflect-metadata';
import { Controller, Get, Inject, Module, Post, Req, UseInterceptors } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { SqliteRepository, type MediaService } from 'cirrus';
import { startEmulator } from 'cirrus/testing';
import { CIRRUS_MEDIA, CirrusModule, StreamingUpload } from 'cirrus-nestjs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const emulator = await startEmulator();
process.env.CLOUDINARY_URL = emulator.cloudinaryUrl;
// The app's database, removed when it shuts down (the test stops it with SIGTERM).
const databaseDir = mkdtempSync(join(tmpdir(), 'cirrus-e2e-db-'));
const owner = (req: { headers: Record<string, string | string[] | undefined> }) => req.headers['x-user'] as string | undefined;

@Controller('media')
class MediaController {
  constructor(@Inject(CIRRUS_MEDIA) private readonly media: MediaService) {}

  @Post()
  @UseInterceptors(StreamingUpload({ owner, maxFiles: 2, maxFileSize: 10_000_000 }))
  upload(@Req() req: { cirrusFiles: unknown[] }) {
    return req.cirrusFiles;
  }

  @Get()
  list(@Req() req: { headers: Record<string, string | string[] | undefined> }) {
    return this.media.list(owner(req) ?? '');
  }
}

@Module({
  imports: [CirrusModule.forRoot({
    repository: SqliteRepository.open(join(databaseDir, 'media.db')),
    media: { folder: 'e2e', urlOptions: emulator.urlOptions },
  })],
  controllers: [MediaController],
})
class AppModule {}

const app = await NestFactory.create(AppModule, { logger: ['error'] });
await app.listen(0, '127.0.0.1');
console.log(`listening on ${await app.getUrl()}`);
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, async () => {
    await app.close();
    await emulator.stop();
    rmSync(databaseDir, { recursive: true, force: true });
    process.exit(0);
  });
}

// The cirrus demo: a NestJS app with a small page. Images go from the browser straight to Cloudinary (or,
// by default, the embedded emulator), the server records them from their signed identifiers, the gallery
// shows thumbnails rendered by the emulator, and deletes remove both sides.
//   node examples/demo/dist/main.js [--port 3000] [--data dir]
import 'reflect-metadata';
import { Body, Controller, Delete, Get, Inject, Module, Param, Post, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { CIRRUS_MEDIA, CirrusModule, createSigningController, toHttpException } from 'cirrus-nestjs';

const require = createRequire(import.meta.url);
const { SqliteRepository } = require('cirrus') as typeof import('cirrus');
type MediaService = import('cirrus').MediaService;

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const OWNER = 'demo-user';
const TAG = 'cirrus-demo';
const DEMO_ACCOUNT = 'cloudinary://123456789012345:cirrus-demo-secret@demo';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
}

/** Starts the embedded emulator and resolves to its base URL. */
function startEmulator(dataDir: string): Promise<{ url: string; child: ChildProcess }> {
  const bin = join(root, 'target', 'release', 'cirrus-emulator');
  const child = spawn(bin, ['--port', '0', '--data', join(dataDir, 'emulator'), '--cloudinary-url', DEMO_ACCOUNT, '--quiet'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.stdout!.on('data', (d) => {
      const m = /listening on (\S+)/.exec(String(d));
      if (m) resolve({ url: m[1], child });
    });
  });
}

@Controller('api/media')
class MediaController {
  constructor(@Inject(CIRRUS_MEDIA) private readonly media: MediaService) {}

  @Get()
  async list() {
    return (await this.media.list(OWNER, { limit: 1000 })).items;
  }

  @Post()
  async add(@Body('identifier') identifier: string) {
    try {
      return await this.media.adopt(identifier, OWNER);
    } catch (err) {
      throw toHttpException(err);
    }
  }

  @Delete(':id')
  async remove(@Param('id') id: string) {
    try {
      return await this.media.remove(Number(id), OWNER);
    } catch (err) {
      throw toHttpException(err);
    }
  }
}

export async function startDemo(port: number, dataDir: string): Promise<{ app: INestApplication; url: string; stop: () => Promise<void> }> {
  mkdirSync(dataDir, { recursive: true });
  let emulator: { url: string; child: ChildProcess } | undefined;
  let cloudinaryUrl = process.env.CLOUDINARY_URL;
  if (!cloudinaryUrl) {
    emulator = await startEmulator(dataDir);
    cloudinaryUrl = `${DEMO_ACCOUNT}?upload_prefix=${encodeURIComponent(emulator.url)}`;
  }
  const repository = SqliteRepository.open(join(dataDir, 'demo.db'));
  const urlOptions = emulator ? { secure: false, cname: new URL(emulator.url).host } : {};
  // Each signature stores a pending record first (the media service's intent), so an upload that is
  // never adopted, or refused, is cleaned up by the sweeper.
  const Signer = createSigningController({ path: 'api/sign', owner: () => OWNER });

  @Module({
    imports: [CirrusModule.forRoot({
      cloudinary: cloudinaryUrl,
      repository,
      media: { folder: 'demo', tag: TAG, presets: { thumb: { width: 240, height: 240, crop: 'fill', gravity: 'center' } }, urlOptions },
      cleanup: { intervalMs: 60_000 },
    })],
    controllers: [MediaController, Signer],
  })
  class DemoModule {}

  const app = await NestFactory.create(DemoModule, { logger: ['error', 'warn'] });
  app.use('/web', express.static(join(root, 'npm', 'web')));
  app.use('/', express.static(join(here, '..', 'public')));
  await app.listen(port, '127.0.0.1');
  const url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  return {
    app,
    url,
    stop: async () => {
      await app.close();
      emulator?.child.kill('SIGTERM');
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const demo = await startDemo(Number(arg('--port', process.env.PORT ?? '3000')), arg('--data', join(root, '.cirrus-demo')));
  console.log(`cirrus demo: open ${demo.url}`);
  console.log(process.env.CLOUDINARY_URL ? 'using the account in CLOUDINARY_URL' : 'using the embedded emulator (set CLOUDINARY_URL to use your account)');
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => demo.stop().then(() => process.exit(0)));
}

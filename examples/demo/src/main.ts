// The cirrus demo: a NestJS app with a small page. Images go from the browser straight to Cloudinary (or,
// by default, the embedded emulator), the server records them from their signed identifiers, the gallery
// shows thumbnails rendered by the emulator, deletes go to a trash that can be restored.
//   node examples/demo/dist/main.js [--port 3000] [--data dir]     (PORT works too)
// Delivery URLs are built when records are read, from stored identities (public_id, version, format), so
// a restart on another emulator port keeps every thumbnail working.
import 'reflect-metadata';
import { Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { CirrusModule, createSigningController } from 'cirrus-nestjs';
import { openAccount } from './account.js';
import { mediaController, OWNER } from './media.controller.js';

const require = createRequire(import.meta.url);
const { SqliteRepository } = require('cirrus') as typeof import('cirrus');

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');

/** What `startDemo` gives back. */
export interface RunningDemo {
  app: INestApplication;
  url: string;
  dataDir: string;
  /** The account's CLOUDINARY_URL (the embedded emulator's, or the one given). */
  cloudinaryUrl: string;
  stop: () => Promise<void>;
}

/** Starts the demo on `port` (0: a free one) with its data under `dataRoot`. */
/** Fails fast (before an emulator is opened) when `port` is taken. */
async function ensurePortFree(port: number): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (err: NodeJS.ErrnoException) => reject(err.code === 'EADDRINUSE'
      ? Object.assign(new Error(`port ${port} is in use (another demo?): start this one on another port (--port ${port + 1}, or PORT=${port + 1})`), { code: 'EADDRINUSE' })
      : err));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}

export async function startDemo(port: number, dataRoot: string, options: { fixedRoot?: boolean } = {}): Promise<RunningDemo> {
  await ensurePortFree(port);
  const account = await openAccount(dataRoot, { fixedRoot: options.fixedRoot ?? true, fallbackRoot: `${dataRoot}-${port}` });
  try {
    mkdirSync(account.dataDir, { recursive: true });
    const repository = SqliteRepository.open(join(account.dataDir, 'demo.db'));
    // Each signature stores a pending record first (the media service's intent), so an upload that is
    // never adopted, or refused, is cleaned up by the sweeper.
    const Signer = createSigningController({ path: 'api/sign', owner: () => OWNER });

    @Module({
      imports: [CirrusModule.forRoot({
        cloudinary: account.cloudinaryUrl,
        repository,
        media: {
          folder: 'demo',
          tag: 'cirrus-demo',
          presets: { thumb: { width: 240, height: 240, crop: 'fill', gravity: 'center' } },
          urlOptions: account.urlOptions,
          directUploadTtl: 60 * 60_000,
        },
        cleanup: { intervalMs: 60_000, reconcileEveryMs: 10 * 60_000 },
      })],
      controllers: [mediaController(account.label), Signer],
    })
    class DemoModule {}

    const app = await NestFactory.create(DemoModule, { logger: ['error', 'warn'] });
    app.use('/web', express.static(join(root, 'npm', 'web')));
    app.use('/', express.static(join(here, '..', 'public')));
    try {
      await app.listen(port, '127.0.0.1');
    } catch (err) {
      await app.close();
      if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
        throw Object.assign(new Error(`port ${port} is in use (another demo?): start this one on another port (--port ${port + 1}, or PORT=${port + 1})`), { code: 'EADDRINUSE' });
      }
      throw err;
    }
    const server = app.getHttpServer() as Server;
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    let stopping: Promise<void> | undefined;
    return {
      app,
      url,
      dataDir: account.dataDir,
      cloudinaryUrl: account.cloudinaryUrl,
      // Open keep-alive connections (a browser tab) must not keep the port: they are closed, not awaited.
      stop: () => (stopping ??= (async () => {
        server.closeIdleConnections();
        const closed = app.close();
        server.closeAllConnections();
        await closed;
        repository.close(); // checkpoints the WAL: no -wal/-shm files left beside demo.db
        await account.stop();
      })()),
    };
  } catch (err) {
    await account.stop();
    throw err;
  }
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(arg('--port') ?? process.env.PORT ?? '3000');
  const dataArg = arg('--data');
  let demo: RunningDemo;
  try {
    demo = await startDemo(port, dataArg ?? join(root, '.cirrus-demo'), { fixedRoot: dataArg !== undefined });
  } catch (err) {
    console.error(`cirrus demo: ${(err as Error).message}`);
    process.exit(1);
  }
  console.log(`cirrus demo: open ${demo.url}`);
  console.log(`data in ${demo.dataDir} (delete it to start over)`);
  console.log(process.env.CLOUDINARY_URL ? 'using the account in CLOUDINARY_URL' : 'using the embedded emulator (set CLOUDINARY_URL to use your account)');
  const shutdown = () => {
    // A stop that hangs must not keep the ports: exit regardless after a few seconds.
    setTimeout(() => process.exit(0), 5000).unref();
    demo.stop().then(() => process.exit(0), () => process.exit(1));
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, shutdown);
  // Started by `npm start` with an IPC channel: when that parent dies, so does the demo.
  if (process.connected) process.on('disconnect', shutdown);
}

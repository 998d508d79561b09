// The README's TypeORM adapter (examples/typeorm) under MediaService, on TypeORM's sql.js driver.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { ACCOUNT, startEmulator } from '../shared/emulator.mjs';
import { makePng } from '../shared/png.mjs';

const require = createRequire(import.meta.url);
const { Cloudinary, MediaService } = require('../../npm/node');
const { MediaEntity, TypeOrmMediaRepository } = require('../../examples/typeorm/media-repository.cjs');
const { DataSource } = require('typeorm');

let emulator;
let dataSource;
before(async () => {
  emulator = await startEmulator({ args: ['--quiet'] });
  dataSource = new DataSource({ type: 'sqljs', entities: [MediaEntity], synchronize: true, logging: false });
  await dataSource.initialize();
});
after(async () => {
  await dataSource.destroy();
  await emulator.stop();
});

test('MediaService over a TypeORM repository: create, soft delete, purge, remove, reconcile', async () => {
  const client = new Cloudinary({ ...ACCOUNT, upload_prefix: emulator.url });
  const repository = new TypeOrmMediaRepository(dataSource);
  const service = new MediaService(client, repository, { tag: 'typeorm', folder: 'typeorm', reconcileGrace: 0, presets: { thumb: 'c_fill,w_32,h_32' } });
  const a = await service.createOne({ buffer: makePng(30, 20), originalname: 'a.png', mimetype: 'image/png' }, 'alice');
  const b = await service.createOne(makePng(10, 10), 'alice', { idempotencyKey: 'once' });
  assert.equal((await service.createOne(makePng(10, 10), 'alice', { idempotencyKey: 'once' })).id, b.id);
  assert.deepEqual([a.width, a.height, a.ownerId, typeof a.id], [30, 20, 'alice', 'number']);
  assert.match(a.urls.thumb, /\/c_fill,w_32,h_32\//);
  await assert.rejects(service.remove(a.id, 'bob'), { code: 'NOT_FOUND' });
  await service.softRemove(a.id, 'alice');
  assert.deepEqual((await service.purge({ olderThan: new Date(Date.now() + 1000) })).purged, [a.public_id]);
  await service.remove(b.id, 'alice');
  assert.equal(await dataSource.getRepository(MediaEntity).count(), 0);
  const report = await service.reconcile();
  assert.deepEqual([report.deletedAssets, report.removedRecords], [[], []]);
});

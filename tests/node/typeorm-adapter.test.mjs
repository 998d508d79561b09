// The README's TypeORM adapter (examples/typeorm) under MediaService, on a real PostgreSQL server started
// here (its contract checks are in repository-contract.test.mjs).
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { ACCOUNT, startEmulator } from '../shared/emulator.mjs';
import { freshDatabase, startPostgres } from '../shared/servers.mjs';
import { makePng } from '../shared/png.mjs';

const require = createRequire(import.meta.url);
const { Cloudinary, MediaService } = require('../../npm/node');
const { MediaEntity, TypeOrmMediaRepository } = require('../../examples/typeorm/media-repository.cjs');
const { DataSource } = require('typeorm');

let emulator;
let postgres;
let dataSource;
before(async () => {
  [emulator, postgres] = await Promise.all([startEmulator({ args: ['--quiet'] }), startPostgres()]);
  dataSource = new DataSource({ type: 'postgres', url: await freshDatabase(postgres, 'typeorm_service'), entities: [MediaEntity], synchronize: true, logging: false });
  await dataSource.initialize();
});
after(async () => {
  await dataSource?.destroy();
  await Promise.all([emulator?.stop(), postgres?.stop()]);
});

test('MediaService over a TypeORM repository: create, idempotency, soft delete, purge, remove, sweep, reconcile', async () => {
  const client = new Cloudinary({ ...ACCOUNT, upload_prefix: emulator.url });
  const repository = new TypeOrmMediaRepository(dataSource);
  const service = new MediaService(client, repository, { folder: 'typeorm', reconcileGrace: 0, presets: { thumb: 'c_fill,w_32,h_32' } });
  const a = await service.createOne({ buffer: makePng(30, 20), originalname: 'a.png', mimetype: 'image/png' }, 'alice');
  const [b, b2] = await Promise.all([
    service.createOne(makePng(10, 10), 'alice', { idempotencyKey: 'once' }),
    service.createOne(makePng(10, 10), 'alice', { idempotencyKey: 'once' }),
  ]);
  assert.equal(b2.id, b.id);
  assert.deepEqual([a.width, a.height, a.ownerId, a.state, typeof a.id], [30, 20, 'alice', 'committed', 'string']);
  assert.match(a.urls.thumb, /\/c_fill,w_32,h_32\//);
  await assert.rejects(service.remove(a.id, 'bob'), { code: 'NOT_FOUND' });
  await service.softRemove(a.id, 'alice');
  assert.deepEqual((await service.purge({ olderThan: new Date(Date.now() + 1000) })).purged, [a.public_id]);
  await service.remove(b.id, 'alice');
  assert.equal(await dataSource.getRepository(MediaEntity).count(), 0);
  const report = await service.reconcile();
  assert.deepEqual([report.destroyedCount, report.removedCount], [0, 0]);
  assert.deepEqual(await service.sweep(), { claimed: 0, finished: 0, failed: 0 });
});

// Child process of hostile.test.mjs: the hostile matrix over the Node package (sync and async API).
import { createServer } from 'node:http';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { codesSeen, hammer } from '../shared/hostile-matrix.mjs';
import { asyncCases, syncCases } from '../shared/hostile-cases.mjs';
import { tempDir } from '../shared/temp.mjs';

const require = createRequire(import.meta.url);
const api = require('../../npm/node');
const expected = 'https://res.cloudinary.com/demo/image/upload/sample';
const sanity = () => {
  if (api.url('sample', { cloud_name: 'demo' }) !== expected) throw new Error('the addon no longer works');
};

// Everything that reaches the network gets a quick, non-retried 400.
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":{"message":"refused by the test server"}}'));
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const prefix = `http://127.0.0.1:${server.address().port}`;
const repository = await api.SqliteRepository.open(join(tempDir('cirrus-hostile-'), 'media.db'));

const counts = {};
for (const [label, fn, base] of syncCases(api)) counts[label] = await hammer(label, fn, base, sanity);
for (const [label, fn, base] of asyncCases(api, prefix, repository)) counts[label] = await hammer(label, fn, base, sanity);
server.close();
console.log(JSON.stringify({ ok: true, calls: Object.values(counts).reduce((a, b) => a + b, 0), functions: Object.keys(counts).length, codes: Object.fromEntries(codesSeen) }));
process.exit(0);

// `npx cirrus` against the emulator: uploads with a summary, destroy, url, sign, verify; one-line errors.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { ACCOUNT, startEmulator } from '../shared/emulator.mjs';
import { makePng } from '../shared/png.mjs';
import { tempDir } from '../shared/temp.mjs';

const { apiSignRequest } = createRequire(import.meta.url)('../../npm/node');

const CLI = fileURLToPath(new URL('../../npm/node/cli.cjs', import.meta.url));
let emulator;
let env;
before(async () => {
  emulator = await startEmulator({ args: ['--quiet'] });
  env = { ...process.env, CLOUDINARY_URL: `cloudinary://${ACCOUNT.api_key}:${ACCOUNT.api_secret}@${ACCOUNT.cloud_name}?upload_prefix=${emulator.url}` };
});
after(() => emulator.stop());

const cirrus = (args, extraEnv = env) => spawnSync(process.execPath, [CLI, ...args], { env: extraEnv, encoding: 'utf8' });

test('upload files with a summary table; destroy them', () => {
  const files = [1, 2].map((i) => {
    const path = join(tempDir('cli-files-'), `cli-${process.pid}-${i}.png`);
    writeFileSync(path, makePng(20 * i, 10));
    return path;
  });
  const up = cirrus(['upload', ...files, '--folder', 'cli', '--concurrency', '2']);
  assert.equal(up.status, 0, up.stderr);
  const ids = [...up.stdout.matchAll(/cli\/cli-\d+-\d_[a-z0-9]{6}/g)].map((m) => m[0]);
  assert.equal(ids.length, 2, up.stdout);
  assert.match(up.stdout, /ok/);
  const del = cirrus(['destroy', ...ids]);
  assert.equal(del.status, 0, del.stderr);
  assert.equal(del.stdout.trim().split('\n').filter((l) => l.endsWith(': ok')).length, 2);
  const again = cirrus(['destroy', ids[0]]);
  assert.equal(again.status, 1);
  // Not an image: the default resource type is auto, so Cloudinary files it as raw.
  const raw = join(tempDir('cli-files-'), 'notes.bin');
  writeFileSync(raw, Buffer.from('not an image at all\n'));
  const rawUp = cirrus(['upload', raw, '--folder', 'cli']);
  assert.equal(rawUp.status, 0, rawUp.stdout + rawUp.stderr);
  const rawId = /cli\/notes_[a-z0-9]{6}\.bin/.exec(rawUp.stdout)?.[0];
  assert.ok(rawId, rawUp.stdout);
  assert.match(rawUp.stdout, /\braw\b/, 'the table says the type it was filed as');
  assert.equal(cirrus(['destroy', rawId]).status, 1, 'an image of that id is not there');
  const rawDel = cirrus(['destroy', rawId, '--resource-type', 'raw']);
  assert.deepEqual([rawDel.status, rawDel.stdout.trim()], [0, `${rawId}: ok`]);
  const missing = cirrus(['upload', '/no/such.png']);
  assert.equal(missing.status, 1);
  assert.match(missing.stdout, /INVALID_ARGUMENT/);
});

test('url, sign and verify', () => {
  // An emulator CLOUDINARY_URL: delivery URLs reach the emulator; --secure or --cname override it.
  const url = cirrus(['url', 'sample.jpg', '--width', '300', '--crop', 'fill']);
  assert.equal(url.stdout.trim(), `${emulator.url}/demo/image/upload/c_fill,w_300/sample.jpg`);
  const cloud = { ...env, CLOUDINARY_URL: `cloudinary://${ACCOUNT.api_key}:${ACCOUNT.api_secret}@${ACCOUNT.cloud_name}` };
  assert.equal(cirrus(['url', 'sample.jpg', '--width', '300'], cloud).stdout.trim(), 'https://res.cloudinary.com/demo/image/upload/w_300/sample.jpg');
  assert.equal(cirrus(['url', 'sample.jpg', '--secure', 'false'], cloud).stdout.trim(), 'http://res.cloudinary.com/demo/image/upload/sample.jpg', '"false" is false');
  assert.equal(cirrus(['url', 'sample.jpg', '--secure=true'], cloud).stdout.trim(), 'https://res.cloudinary.com/demo/image/upload/sample.jpg');
  // url() ignores names it does not know (as the SDK does), so a typo would print a URL without it: the
  // CLI refuses names npm/node/options.d.ts does not declare, and says which one was likely meant.
  const typo = cirrus(['url', 'sample.jpg', '--widht', '300'], cloud);
  assert.deepEqual([typo.status, typo.stdout, typo.stderr.trim()], [2, '', 'cirrus: url does not take --widht; did you mean --width? (cirrus url --help)']);
  const unknown = cirrus(['url', 'sample.jpg', '--wdth', '3', '--bogus', '4'], cloud);
  assert.deepEqual([unknown.status, unknown.stderr.trim()], [2, 'cirrus: url does not take --wdth, --bogus (cirrus url --help)']);
  // The account's key is CLOUDINARY_URL's, not an option of url(); and no far-fetched guess (--tag is not --page).
  for (const flag of ['--api-key', '--tag']) {
    const r = cirrus(['url', 'sample.jpg', flag, 'x'], cloud);
    assert.deepEqual([r.status, r.stderr.trim()], [2, `cirrus: url does not take ${flag} (cirrus url --help)`], flag);
  }
  // An option that takes a value, given none (it printed w_true); a boolean alone is true.
  const valueless = cirrus(['url', 'sample.jpg', '--width'], cloud);
  assert.deepEqual([valueless.status, valueless.stderr.trim()], [2, 'cirrus: --width needs a value']);
  assert.equal(cirrus(['url', 'sample.jpg', '--shorten'], cloud).stdout.trim(), 'https://res.cloudinary.com/demo/iu/sample.jpg');
  // A short flag or key=value is an extra argument, and said so.
  const extra = cirrus(['url', 'sample.jpg', 'width=300'], cloud);
  assert.deepEqual([extra.status, extra.stderr.trim()], [2, 'cirrus: url takes one public id, not 2 arguments (sample.jpg width=300): options are --name value, as --width 300']);
  // A URL needs no secret: --cloud-name without CLOUDINARY_URL.
  const { CLOUDINARY_URL: _, ...bare } = env;
  const free = cirrus(['url', 'sample.jpg', '--cloud-name', 'demo', '--width', '100'], bare);
  assert.deepEqual([free.status, free.stdout.trim()], [0, 'https://res.cloudinary.com/demo/image/upload/w_100/sample.jpg'], free.stderr);
  // Every declared option in kebab-case, and `$name` variables, pass.
  const kebab = cirrus(['url', 'sample.jpg', '--fetch-format', 'auto', '--aspect-ratio', '1.5', '--$w', '100', '--width', '$w'], cloud);
  assert.equal(kebab.stdout.trim(), 'https://res.cloudinary.com/demo/image/upload/$w_100,ar_1.5,f_auto,w_$w/sample.jpg', kebab.stderr);
  const signed = JSON.parse(cirrus(['sign', 'public_id=x', 'timestamp=1700000000']).stdout);
  assert.equal(signed.api_key, ACCOUNT.api_key);
  assert.equal(signed.signature.length, 40);
  const good = `image/upload/v5/p.jpg#${apiSignRequest({ public_id: 'p', version: 5 }, ACCOUNT.api_secret, null, 1)}`;
  assert.equal(JSON.parse(cirrus(['verify', good]).stdout).public_id, 'p');
  const bad = cirrus(['verify', good.replace('p.jpg', 'q.jpg')]);
  assert.equal(bad.status, 1);
  assert.equal(bad.stderr.trim(), "cirrus: The identifier's signature does not match (INVALID_SIGNATURE)");
});

test('usage and configuration errors are one line with exit code 2', () => {
  const noEnv = { ...process.env };
  delete noEnv.CLOUDINARY_URL;
  const r = cirrus(['upload', 'x.png'], noEnv);
  assert.deepEqual([r.status, r.stderr.trim()], [2, 'cirrus: CLOUDINARY_URL is not set']);
  const url = cirrus(['url', 'x'], noEnv);
  assert.deepEqual([url.status, url.stderr.trim()], [2, 'cirrus: CLOUDINARY_URL is not set (or pass --cloud-name: a URL needs no secret)']);
  const version = cirrus(['--version']);
  assert.deepEqual([version.status, version.stdout.trim()], [0, JSON.parse(readFileSync(new URL('../../npm/node/package.json', import.meta.url), 'utf8')).version]);
  assert.equal(cirrus(['frobnicate']).status, 2);
  assert.equal(cirrus([]).status, 2);
  assert.equal(cirrus(['--help']).status, 0);
  assert.match(cirrus(['help', 'upload']).stdout, /^usage: cirrus upload /);
  assert.equal(cirrus(['help', 'bogus']).status, 2);
  assert.equal(cirrus(['help', 'toString']).status, 2);
  for (const command of ['upload', 'sync', 'destroy', 'url', 'sign', 'doctor', 'verify']) {
    const help = cirrus([command, '--help'], noEnv);
    assert.equal(help.status, 0, `${command} --help: ${help.stderr}`);
    assert.match(help.stdout, new RegExp(`^usage: cirrus ${command} `), command);
  }
  // Each help fits an 80-column terminal as written: the texts themselves (the CLI wraps what it prints,
  // so its output would fit even when a text does not, with a word left alone on a line), and the
  // emulator's, which the emulator prints itself.
  const fits = (text, what) => {
    for (const line of text.split('\n')) assert.ok(line.length < 80, `${what}: a line of ${line.length} columns: ${line}`);
  };
  const { USAGE, HELP } = createRequire(import.meta.url)('../../npm/node/cli/help.cjs');
  fits(USAGE, 'cirrus --help');
  for (const [command, text] of Object.entries(HELP)) fits(text, `${command} --help`);
  const emulatorHelp = cirrus(['emulator', '--help'], noEnv);
  assert.equal(emulatorHelp.status, 0, emulatorHelp.stderr);
  assert.match(emulatorHelp.stdout, /^usage: cirrus-emulator /);
  fits(emulatorHelp.stdout, 'emulator --help');
  const dir = cirrus(['upload', tmpdir()]);
  assert.deepEqual([dir.status, dir.stderr.trim()], [2, `cirrus: ${tmpdir()} is a directory: pass --recursive to upload the files in it`]);
  assert.equal(cirrus(['upload', 'x.png', '--concurrency', '0']).status, 2);
  const bad = cirrus(['upload', 'x.png'], { ...env, CLOUDINARY_URL: 'cloudinary://bad' });
  assert.deepEqual([bad.status, bad.stderr.trim()], [2, 'cirrus: CLOUDINARY_URL needs an api_key and an api_secret: cloudinary://KEY:SECRET@CLOUD']);
  const typo = cirrus(['upload', 'x.png', '--foldr', 'a']);
  assert.deepEqual([typo.status, typo.stderr.trim()], [2, 'cirrus: upload does not take --foldr; did you mean --folder? (cirrus upload --help lists its options)']);
  assert.equal(cirrus(['sync', tmpdir(), '--recursive']).status, 2, 'sync is recursive already: the flag is refused, not dropped');
});

/** A directory tree of small PNGs: a.png, b.png, sub/c.png, .hidden.png. */
function tree() {
  const dir = tempDir('cli-tree-');
  mkdirSync(join(dir, 'sub'));
  for (const [name, w] of [['a.png', 11], ['b.png', 12], ['sub/c.png', 13], ['.hidden.png', 14]]) writeFileSync(join(dir, name), makePng(w, 10));
  return dir;
}

test('upload --recursive keeps the folders; --dry-run sends nothing; the table has real columns and readable sizes', () => {
  const dir = tree();
  const dry = cirrus(['upload', dir, '--recursive', '--folder', 'dry', '--dry-run']);
  assert.equal(dry.status, 0, dry.stderr);
  assert.match(dry.stdout, /^file\s+size\s+folder\n─+/);
  assert.match(dry.stdout, /sub\/c\.png\s+\d+ B\s+dry\/sub/);
  assert.doesNotMatch(dry.stdout, /hidden|\(index\)/);
  assert.match(dry.stderr, /3 files would be uploaded; nothing was sent/);
  const up = cirrus(['upload', dir, '--recursive', '--folder', 'tree']);
  assert.equal(up.status, 0, up.stderr);
  assert.match(up.stdout, /^file\s+public_id\s+type\s+size\s+time\s+result\n/);
  assert.match(up.stdout, /c\.png\s+tree\/sub\/c_[a-z0-9]{6}\s+image\s+\d+ B\s+[\d.]+ s\s+ok/);
  assert.match(up.stderr, /^3 files: 3 sent \([\d.]+ [KM]?B\)$/m);
  assert.match(up.stdout, /sub\/c\.png\s+tree\/sub\/c_/, 'the file column shows the path inside the tree');
});

test('sync uploads what is missing or changed (by etag) and skips the rest', () => {
  const dir = tree();
  const first = cirrus(['sync', dir, '--folder', 'synced']);
  assert.equal(first.status, 0, first.stderr);
  assert.equal(first.stdout.match(/uploaded/g).length, 3, first.stdout);
  const again = cirrus(['sync', dir, '--folder', 'synced']);
  assert.equal(again.stdout.match(/unchanged/g).length, 3, again.stdout);
  writeFileSync(join(dir, 'b.png'), makePng(40, 40));
  writeFileSync(join(dir, 'new.png'), makePng(9, 9));
  const dry = cirrus(['sync', dir, '--folder', 'synced', '--dry-run']);
  assert.match(dry.stdout, /b\.png\s+synced\/b\s.*would upload \(changed\)/);
  assert.match(dry.stdout, /new\.png\s+synced\/new\s.*would upload \(missing\)/);
  const third = cirrus(['sync', dir, '--folder', 'synced']);
  assert.match(third.stdout, /b\.png\s+synced\/b\s.*updated/);
  assert.match(third.stdout, /new\.png\s+synced\/new\s.*uploaded/);
  assert.equal(third.stdout.match(/unchanged/g).length, 2);
});

test('values stay as typed; what cannot work is refused up front; ids are never cut; hints where a user is stuck', () => {
  const file = join(tempDir('cli-typed-'), 'pic.png');
  writeFileSync(file, makePng(12, 12));
  // A number-looking value is kept as typed (007 is not 7, 2024.10 is not 2024.1).
  const typed = cirrus(['upload', file, '--public-id', '007', '--folder', '2024.10']);
  assert.equal(typed.status, 0, typed.stdout + typed.stderr);
  assert.match(typed.stdout, /\b2024\.10\/007\b/);
  // A value left out, a chunk smaller than Cloudinary's 5 MiB, a bad resource type: exit 2, one line.
  for (const [args, message] of [
    [['upload', file, '--folder'], 'cirrus: --folder needs a value'],
    [['upload', file, '--chunk-size', '4'], "cirrus: --chunk-size is in MiB, at least 5 (Cloudinary's smallest chunk), not 4"],
    [['upload', file, '--chunk-size', 'abc'], "cirrus: --chunk-size is in MiB, at least 5 (Cloudinary's smallest chunk), not abc"],
    [['destroy', 'x', '--resource-type', 'bogus'], 'cirrus: --resource-type is image, video or raw, not bogus'],
    [['verify', 'image/upload/v1/x.jpg#abc', '--allowd-formats', 'jpg'], 'cirrus: verify does not take --allowd-formats; did you mean --allowed-formats? (cirrus verify --help lists its options)'],
  ]) {
    const r = cirrus(args);
    assert.deepEqual([r.status, r.stderr.trim()], [2, message], args.join(' '));
  }
  for (const [url, message] of [
    [`cloudinary://${ACCOUNT.api_key}:${ACCOUNT.api_secret}@`, 'cirrus: CLOUDINARY_URL needs a cloud name: cloudinary://KEY:SECRET@CLOUD'],
    [`cloudinary://${ACCOUNT.api_key}:${ACCOUNT.api_secret}@demo?upload_prefix=notaurl`, "cirrus: CLOUDINARY_URL's upload_prefix must be an http:// or https:// URL, not notaurl"],
  ]) {
    const r = cirrus(['upload', file], { ...env, CLOUDINARY_URL: url });
    assert.deepEqual([r.status, r.stderr.trim()], [2, message]);
  }
  // A true-or-false option alone means true; the file after it is a file.
  const flag = cirrus(['upload', '--overwrite', file, '--dry-run']);
  assert.deepEqual([flag.status, flag.stderr.trim()], [0, 'dry run: 1 file would be uploaded; nothing was sent']);
  // Leading zeros and `.0` are fine where a number is wanted.
  assert.equal(cirrus(['upload', file, '--concurrency', '02', '--dry-run']).status, 0);
  // A file named twice is uploaded once.
  const twice = cirrus(['upload', file, file, '--dry-run']);
  assert.match(twice.stderr, /^dry run: 1 file would be uploaded; nothing was sent$/m);
  // A dry run with a file that is not there says so and exits 1, as the upload would.
  const dry = cirrus(['upload', file, '/no/such.png', '--dry-run']);
  assert.deepEqual([dry.status, dry.stderr.trim()], [1, 'dry run: 1 file would be uploaded, 1 missing; nothing was sent']);
  // Piped, a public id is never cut, however long (scripts read it; destroy takes it).
  const long = `${'deep/'.repeat(30)}pic`;
  const up = cirrus(['upload', file, '--public-id', long]);
  assert.equal(up.status, 0, up.stderr);
  assert.ok(up.stdout.includes(long), up.stdout);
  // destroy without --resource-type looks among images, and says where else to look.
  const missing = cirrus(['destroy', 'no/such/asset']);
  assert.deepEqual([missing.status, missing.stdout.trim()], [1, 'no/such/asset: not found (among images: --resource-type video or raw for others)']);
  // verify takes comma lists.
  const id = `image/upload/v1/x.png#${apiSignRequest({ public_id: 'x', version: 1 }, ACCOUNT.api_secret)}`;
  assert.equal(cirrus(['verify', id, '--allowed-formats', 'jpg,png']).status, 0);
  assert.equal(cirrus(['verify', id, '--allowed-formats', 'jpg,gif']).status, 1);
});

test('sync refuses two files that would be one asset, and its dry run says what it would upload', () => {
  const dir = tempDir('cli-clash-');
  writeFileSync(join(dir, 'photo.png'), makePng(10, 10));
  writeFileSync(join(dir, 'photo.gif'), makePng(11, 10));
  const clash = cirrus(['sync', dir, '--folder', 'clash']);
  assert.deepEqual([clash.status, clash.stderr.trim()], [2, 'cirrus: photo.gif and photo.png would both be the image clash/photo: rename one']);
  const ok = tempDir('cli-dry-');
  writeFileSync(join(ok, 'a.png'), makePng(10, 10));
  writeFileSync(join(ok, 'b.txt'), 'text');
  const dry = cirrus(['sync', ok, '--folder', 'drysync', '--dry-run']);
  assert.equal(dry.status, 0, dry.stderr);
  assert.match(dry.stdout, /b\.txt\s+drysync\/b\.txt\s+raw\s/);
  assert.match(dry.stderr, /^2 files: 2 would be uploaded$/m);
});

test('doctor: the string to sign, and a real Invalid Signature from the emulator explained', async () => {
  const plain = cirrus(['doctor', 'folder=a', 'timestamp=1700000000']);
  assert.equal(plain.stdout.split('\n')[0], 'You signed:        folder=a&timestamp=1700000000');
  // No params is a usage error; text that is not Cloudinary's answer is said to be unread; a signature
  // given alone is checked against the account's secret.
  assert.equal(cirrus(['doctor']).status, 2);
  const unread = cirrus(['doctor', 'folder=a', 'timestamp=1700000000', '--error', 'Something else went wrong']);
  assert.equal(unread.status, 1);
  assert.match(unread.stdout, /^- Cloudinary's message is not one the doctor reads/m);
  const now = String(Math.floor(Date.now() / 1000));
  const good = apiSignRequest({ folder: 'a', timestamp: now }, ACCOUNT.api_secret);
  assert.equal(cirrus(['doctor', 'folder=a', `timestamp=${now}`, '--signature', good]).status, 0);
  const bad = cirrus(['doctor', 'folder=a', `timestamp=${now}`, '--signature', 'deadbeef']);
  assert.equal(bad.status, 1);
  assert.match(bad.stdout, /^- The signature is not what these params and the api_secret configured here give/m);
  // Without CLOUDINARY_URL there is no secret: the signature is said to be unchecked, not found good.
  const { CLOUDINARY_URL: _, ...noAccount } = env;
  const alone = cirrus(['doctor', 'folder=a', `timestamp=${now}`, '--signature', 'deadbeef'], noAccount);
  assert.equal(alone.status, 0, alone.stderr);
  assert.match(alone.stdout, /^The signature was not checked: that needs the account's api_secret/m);
  // A browser-style mistake: the page signs {folder, timestamp} and then sends tags too.
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = apiSignRequest({ folder: 'a', timestamp }, ACCOUNT.api_secret, null, 2);
  const form = new FormData();
  for (const [k, v] of Object.entries({ folder: 'a', tags: 'x', timestamp, signature, api_key: ACCOUNT.api_key, file: 'data:image/png;base64,' + makePng(2, 2).toString('base64') })) form.set(k, v);
  const res = await fetch(`${emulator.url}/v1_1/${ACCOUNT.cloud_name}/image/upload`, { method: 'POST', body: form });
  assert.equal(res.status, 401);
  const { error } = await res.json();
  const r = cirrus(['doctor', 'folder=a', `timestamp=${timestamp}`, '--error', error.message]);
  assert.equal(r.status, 1);
  assert.match(r.stdout, /Cloudinary signed: folder=a&tags=x&timestamp=/);
  assert.match(r.stdout, /`tags` was sent \(tags=x\) but not signed/);
  // cirrus's own error pasted back in (with its "Why:" tail) reads the same.
  const pasted = cirrus(['doctor', 'folder=a', `timestamp=${timestamp}`, '--error', `${error.message} Why: whatever it's said`]);
  assert.match(pasted.stdout, /`tags` was sent \(tags=x\) but not signed/);
  assert.doesNotMatch(r.stdout + r.stderr, new RegExp(ACCOUNT.api_secret));
  console.log(r.stdout);
  // A wrong secret in CLOUDINARY_URL: the upload's error says so.
  const wrong = { ...env, CLOUDINARY_URL: env.CLOUDINARY_URL.replace(ACCOUNT.api_secret, 'not-the-secret') };
  const file = join(tempDir('cli-files-'), `cli-${process.pid}-wrong.png`);
  writeFileSync(file, makePng(8, 8));
  const up = cirrus(['upload', file], wrong);
  assert.equal(up.status, 1);
  assert.match(up.stdout, /wrong\.png: UNAUTHORIZED \(401\): Invalid Signature .*Why: The strings to sign match and the signature is right for the api_secret configured here/);
  assert.doesNotMatch(up.stdout, /not-the-secret/);
});

test('progress at 80 columns: every line fits, redrawn in place (no smear)', async () => {
  const { spawn } = await import('node:child_process');
  // A pseudo-terminal is not available here: a fake TTY stream (isTTY, columns) records what is drawn.
  const script = `
    const { progress } = require(${JSON.stringify(fileURLToPath(new URL('../../npm/node/cli/progress.cjs', import.meta.url)))});
    let out = '';
    const stream = { isTTY: true, columns: 80, rows: 10, write: (s) => { out += s; } };
    // Half the names in Japanese: two columns a character on a terminal.
    const rows = Array.from({ length: 12 }, (_, i) => ({ name: (i % 2 ? ${JSON.stringify('写真'.repeat(60))} : ${JSON.stringify('x'.repeat(120))}) + i, status: i < 9 ? 'uploading' : 'waiting', loaded: i * 10, total: 100 }));
    const p = progress(rows, stream);
    setTimeout(() => { rows.forEach((r) => { r.status = 'done'; }); p.stop(); process.stdout.write(JSON.stringify(out)); }, 350);`;
  const child = spawn(process.execPath, ['-e', script], { encoding: 'utf8' });
  let text = '';
  child.stdout.on('data', (d) => { text += d; });
  await new Promise((r) => child.on('exit', r));
  const out = JSON.parse(text);
  const lines = out.replace(/\x1b\[\d*[AK]/g, '').split('\n').filter(Boolean);
  assert.ok(lines.length > 0);
  // Columns counted here on their own: CJK ideographs take two.
  const columns = (line) => [...line].reduce((n, ch) => n + (/[\u3000-\u9fff]/.test(ch) ? 2 : 1), 0);
  for (const line of lines) assert.ok(columns(line) < 80, `fits in 80 columns: ${columns(line)}: ${line}`);
  assert.ok(lines.some((line) => line.startsWith('写真')), 'the Japanese names are drawn');
  // stop() clears the block: the output ends with its lines erased and the cursor back at its top.
  const clear = /((?:\x1b\[2K\n)+)\x1b\[(\d+)A$/.exec(out);
  assert.ok(clear, 'cleared when stopped');
  assert.equal(clear[1].split('\n').length - 1, Number(clear[2]));
  const drawing = out.slice(0, clear.index);
  const frames = drawing.split(/\x1b\[\d+A/).length - 1;
  assert.ok(frames >= 2, 'redrawn in place');
  const firstFrame = out.split(/\x1b\[\d+A/)[0].replace(/\x1b\[2K/g, '').split('\n').filter(Boolean);
  assert.ok(firstFrame.length <= 8, `no taller than the terminal (10 rows): ${firstFrame.length}`);
  assert.match(firstFrame.at(-1), /^12 files: 9 uploading, 3 waiting$/);
});

test('tables at 80 columns: long columns are cut; ids that are never cut turn the table into one block per file', () => {
  const { table } = createRequire(import.meta.url)('../../npm/node/cli/format.cjs');
  const columns = [['file', 'name'], ['public_id', 'public_id', 'left', 'keep'], ['size', 'size', 'right', 'keep'], ['result', 'result', 'left', 'keep']];
  const fits = (text) => text.split('\n').every((line) => line.length <= 80);
  const short = [{ name: `photos/${'long-name-'.repeat(6)}.png`, public_id: 'trips/a_1by3bu', size: '12 KB', result: 'ok' }];
  const cut = table(short, columns, 80);
  assert.ok(fits(cut), cut);
  assert.match(cut, /^file\s+public_id\s+size\s+result\n─+/);
  assert.match(cut, /long-name-l…\s+trips\/a_1by3bu\s+12 KB\s+ok$/);
  const long = [{ name: 'big-noise.png', public_id: `trips/${'deeply/nested/'.repeat(3)}big-noise_1by3bu`, size: '8.2 MB', result: 'ok' }, { name: 'b.png', public_id: 'trips/b', size: '1 KB', result: 'failed' }];
  const asBlocks = table(long, columns, 80);
  assert.ok(fits(asBlocks), asBlocks);
  assert.equal(asBlocks, [
    'file       big-noise.png',
    `public_id  ${long[0].public_id}`,
    'size       8.2 MB',
    'result     ok',
    '',
    'file       b.png',
    'public_id  trips/b',
    'size       1 KB',
    'result     failed',
  ].join('\n'));
  assert.ok(table(long, columns, Infinity).split('\n')[2].includes(long[0].public_id), 'piped: one row per file, nothing cut');
});

test('doctor at 80 columns: its explanation wraps at spaces, a finding indented under its text', () => {
  const CAPTION = 'caption=a sunny day at the beach with friends and family, summer 2024';
  // No pseudo-terminal here: stdout made to say it is an 80-column one.
  const script = `
    Object.defineProperty(process.stdout, 'isTTY', { value: true });
    Object.defineProperty(process.stdout, 'columns', { value: 80 });
    const { doctor } = require(${JSON.stringify(fileURLToPath(new URL('../../npm/node/cli/doctor.cjs', import.meta.url)))});
    doctor({ timestamp: '1700000000', public_id: 'folder/sample', tags: 'a,b', context: ${JSON.stringify(CAPTION)} }, {
      error: "Invalid Signature 0123456789abcdef. String to sign - 'context=${CAPTION}&public_id=folder/sample&tags=a&timestamp=1700000000'.",
    });`;
  const noEnv = { ...process.env };
  delete noEnv.CLOUDINARY_URL;
  const out = spawnSync(process.execPath, ['-e', script], { env: noEnv, encoding: 'utf8' }).stdout;
  const lines = out.trimEnd().split('\n');
  // The strings to sign stay whole lines, spaces and all (a break there would change the string).
  assert.equal(lines[0], `You signed:        context=${CAPTION}&public_id=folder/sample&tags=a,b&timestamp=1700000000`);
  assert.equal(lines[1], `Cloudinary signed: context=${CAPTION}&public_id=folder/sample&tags=a&timestamp=1700000000`);
  for (const line of lines.slice(2)) assert.ok([...line].length < 80, `fits in 80 columns: ${line}`);
  const finding = lines.findIndex((l) => l.startsWith('- `tags` was signed as `a,b`'));
  assert.ok(finding > 0 && lines.length > finding + 1, out);
  assert.match(lines[finding + 1], /^ {2}\S/, 'the finding continues under its text');
});

/** `cirrus emulator <args>` without CLOUDINARY_URL: its stdout once `until` matches it; the child is stopped. */
async function emulatorOutput(args, until) {
  const { spawn } = await import('node:child_process');
  const noEnv = { ...process.env };
  delete noEnv.CLOUDINARY_URL;
  const child = spawn(process.execPath, [CLI, 'emulator', '--port', '0', '--data', tempDir('cli-emu-'), '--quiet', ...args], { env: noEnv });
  let out = '';
  try {
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no line matching ${until}: ${out}`)), 15_000);
      child.stdout.on('data', (d) => {
        out += d;
        if (until.test(out)) { clearTimeout(timer); resolve(); }
      });
      child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`exited ${code}: ${out}`)); });
    });
    // A moment for anything printed after the line waited for.
    await new Promise((r) => setTimeout(r, 200));
    return out;
  } finally {
    child.kill('SIGTERM');
  }
}

test('cirrus emulator on an account of its own prints neither the demo account nor a clients URL', async () => {
  const out = await emulatorOutput(['--api-key', '1', '--api-secret', 'mine'], /^listening on http/m);
  assert.doesNotMatch(out, /^(account|clients): /m);
  assert.doesNotMatch(out, /mine/);
});

test('cirrus emulator without an account runs on the demo account and says which', async () => {
  {
    const out = await emulatorOutput([], /^clients: /m);
    assert.match(out, /^account: cloudinary:\/\/123456789012345:cirrus-demo-secret@demo\n {2}\(the demo account: set CLOUDINARY_URL/m);
    for (const line of out.split('\n').filter((l) => !l.startsWith('clients: '))) assert.ok(line.length < 80, `fits in 80 columns: ${line}`);
    // The URL clients use, ready to paste: the demo account on the port it listens on.
    const url = /^listening on (http:\/\/\S+)/m.exec(out)?.[1];
    assert.ok(url, out);
    assert.match(out, new RegExp(`^clients: CLOUDINARY_URL=cloudinary://123456789012345:cirrus-demo-secret@demo\\?upload_prefix=${url.replace(/[.]/g, '\\.')}$`, 'm'));
  }
});

/** Whether an emulator still answers at `url`. */
const serving = (url) => fetch(`${url}/v1_1/demo/resources/image`).then(() => true, () => false);

test('cirrus emulator stops with whoever ran it: a SIGTERM to npx (which does not pass it on), a SIGKILL to the CLI', async () => {
  const { spawn } = await import('node:child_process');
  const { CLOUDINARY_URL: _, ...noEnv } = process.env;
  const started = async (command, args) => {
    const child = spawn(command, args, { env: noEnv, cwd: tempDir('cli-npx-') });
    let out = '';
    const url = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not listening: ${out}`)), 30_000);
      child.stdout.on('data', (d) => {
        out += d;
        const m = /^listening on (http:\/\/\S+)/m.exec(out);
        if (m) { clearTimeout(timer); resolve(m[1]); }
      });
    });
    assert.ok(await serving(url), 'serving once it listens');
    return { child, url };
  };
  const gone = async (url) => {
    for (let i = 0; i < 50 && await serving(url); i++) await new Promise((r) => setTimeout(r, 100));
    return !(await serving(url));
  };
  // npx → sh → node cli.cjs → cirrus-emulator: npm's SIGTERM kills its sh and nothing more.
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const data = [tempDir('cli-emu-'), tempDir('cli-emu-')];
  try {
    const viaNpx = await started('npx', ['--prefix', root, 'cirrus', 'emulator', '--port', '0', '--data', data[0], '--quiet']);
    viaNpx.child.kill('SIGTERM');
    assert.ok(await gone(viaNpx.url), 'the emulator outlived npx');
    // The CLI itself killed outright: the emulator's stdin closes.
    const direct = await started(process.execPath, [CLI, 'emulator', '--port', '0', '--data', data[1], '--quiet']);
    direct.child.kill('SIGKILL');
    assert.ok(await gone(direct.url), 'the emulator outlived the CLI');
  } finally {
    // Whatever a failure left serving (found by the data directories it was given).
    spawnSync('pkill', ['-f', '--', `--data (${data.join('|')})`]);
  }
});

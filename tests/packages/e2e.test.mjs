// The packages as a user gets them: every package packed (`npm pack`), the tarballs installed into a fresh
// app in a temporary directory outside the repository (cirrus pulls its platform package as an optional
// dependency), then used from CommonJS, ES modules, TypeScript (node16, nodenext, bundler, no @types),
// a NestJS 12 app, Vite and esbuild builds in headless Chromium, Deno, Bun and Cloudflare's workerd
// (wrangler). Every runtime prints what it computed; the official SDK is the oracle.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import cloudinary from 'cloudinary';
import { packAll } from '../../scripts/pack.mjs';
import { hostPlatform } from '../../scripts/platforms.mjs';
import { root } from '../../scripts/run.mjs';
import { ensureRuntime, nodeOf } from '../../scripts/runtimes.mjs';
import { launchChromium } from '../shared/chromium.mjs';
import { serveDir } from '../shared/static-server.mjs';
import { makePng } from '../shared/png.mjs';

const ORACLE = {
  url: cloudinary.v2.url('sample.jpg', { cloud_name: 'demo', width: 300, height: 200, crop: 'fill', urlAnalytics: false }),
  signature: cloudinary.v2.utils.api_sign_request({ timestamp: 1315060510, public_id: 'sample' }, 'abcd'),
};
// What the browser app (the browser module) shows.
const BROWSER_ORACLE = { url: ORACLE.url, publicId: 'sample', signing: 'NOT_IN_BROWSER_BUILD', modules: ['cirrus-browser'] };
const rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const work = mkdtempSync(join(tmpdir(), 'cirrus-e2e-'));
const app = join(work, 'app');
const children = [];

/** Runs a command in the app; returns its stdout (throws with its output when it fails). */
function sh(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { cwd: app, encoding: 'utf8', timeout: 300_000, ...options, env: { ...process.env, ...options.env } });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** The last JSON line a script printed. */
const lastJson = (stdout) => JSON.parse(stdout.trim().split('\n').filter((l) => l.startsWith('{')).pop());

/** Starts a server process; resolves to the first match of `ready` in its output. */
function startServer(cmd, args, ready, options = {}) {
  // Its own process group: `npx` and wrangler start grandchildren (the emulator, workerd), stopped with it.
  const child = spawn(cmd, args, { cwd: app, detached: true, ...options, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${cmd} did not start:\n${out}`)), 120_000);
    const seen = (d) => {
      out += d;
      const m = ready.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ match: m, child });
      }
    };
    child.stdout.on('data', seen);
    child.stderr.on('data', seen);
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`${cmd} exited with ${code}:\n${out}`)); });
  });
}

/** Stops a server process and everything it started (its process group). */
function stop(child) {
  child.removeAllListeners('exit');
  const signal = (name) => {
    try {
      process.kill(-child.pid, name);
    } catch {
      // the group is gone
    }
  };
  if (child.exitCode !== null || child.signalCode) {
    signal('SIGKILL');
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    child.once('exit', () => {
      signal('SIGKILL');
      resolve();
    });
    signal('SIGTERM');
    setTimeout(() => signal('SIGKILL'), 5000).unref();
  });
}

const freePort = () => new Promise((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
});

/** Opens `dir` (served on loopback) in headless Chromium; resolves to the page's `data-result`. */
async function inChromium(dir) {
  const server = await serveDir(dir);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${server.url}/index.html`);
    await page.waitForFunction(() => document.body.dataset.result, null, { timeout: 30_000 });
    assert.deepEqual(errors, []);
    return JSON.parse(await page.evaluate(() => document.body.dataset.result));
  } finally {
    await browser.close();
    await server.close();
  }
}

before(() => {
  const tarballs = packAll(join(work, 'tarballs'));
  const file = (name) => `file:${tarballs.find((t) => t.name === name).filename}`;
  for (const t of tarballs) console.log(`packed ${t.name}: ${(t.size / 1024).toFixed(1)} KB`);
  cpSync(fileURLToPath(new URL('./app', import.meta.url)), app, { recursive: true });
  const dev = rootManifest.devDependencies;
  const platforms = tarballs.filter((t) => !['cirrus', 'cirrus-web', 'cirrus-nestjs'].includes(t.name));
  assert.ok(platforms.some((t) => t.name === `cirrus-${hostPlatform()}`), 'the host platform package is packed');
  writeFileSync(join(app, 'package.json'), `${JSON.stringify({
    name: 'cirrus-e2e-app',
    private: true,
    dependencies: {
      cirrus: file('cirrus'),
      'cirrus-web': file('cirrus-web'),
      'cirrus-nestjs': file('cirrus-nestjs'),
      '@nestjs/common': dev['@nestjs/common'],
      '@nestjs/core': dev['@nestjs/core'],
      '@nestjs/platform-express': dev['@nestjs/platform-express'],
      'reflect-metadata': dev['reflect-metadata'],
      rxjs: dev.rxjs,
    },
    devDependencies: { typescript: dev.typescript, '@types/node': dev['@types/node'], vite: '8.3.8', esbuild: '^0.28' },
    // The platform packages are not on the registry yet: cirrus's optional dependencies resolve to the
    // tarballs (the others are skipped, as npm skips packages for other platforms).
    overrides: Object.fromEntries(platforms.map((t) => [t.name, `file:${t.filename}`])),
  }, null, 2)}\n`);
  sh('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error']);
});

after(async () => {
  await Promise.all(children.map(stop));
  rmSync(work, { recursive: true, force: true });
});

test('npm installs cirrus with its platform package, and no native code in cirrus itself', () => {
  const modules = join(app, 'node_modules');
  assert.ok(existsSync(join(modules, `cirrus-${hostPlatform()}`, `cirrus.${hostPlatform()}.node`)));
  assert.deepEqual(readdirSync(join(modules, 'cirrus')).filter((f) => f.endsWith('.node')), []);
  assert.ok(!app.startsWith(root), 'the app is outside the repository');
});

test('CommonJS: the addon, an upload to the emulator from cirrus/testing, delivery, destroy', () => {
  const out = lastJson(sh(process.execPath, ['cjs.cjs']));
  assert.deepEqual({ url: out.url, signature: out.signature }, ORACLE);
  assert.deepEqual(out.uploaded, { public_id: 'e2e/pixel', bytes: 70, width: 1 });
  assert.equal(out.delivered.status, 200);
  assert.equal(out.destroyed, 'ok');
});

test('ES modules: cirrus and cirrus-web agree; the emulator comes from the platform package', () => {
  const out = lastJson(sh(process.execPath, ['esm.mjs']));
  assert.deepEqual(out, { url: ORACLE.url, webUrl: ORACLE.url, signature: ORACLE.signature, emulator: true, refused: 'INVALID_SIGNATURE' });
});

test('npx cirrus emulator runs the installed emulator', async () => {
  const data = mkdtempSync(join(work, 'emulator-'));
  const account = ['--cloud-name', 'demo', '--api-key', '1234', '--api-secret', 'e2e-secret'];
  const { match, child } = await startServer('npx', ['--no-install', 'cirrus', 'emulator', '--port', '0', '--data', data, ...account, '--quiet'], /listening on (http:\/\/[\d.]+:\d+)/);
  const res = await fetch(`${match[1]}/v1_1/demo/image/upload`, { method: 'POST' });
  assert.equal(res.status, 400, 'an unsigned request without a preset is refused as Cloudinary does');
  await stop(child);
});

test('TypeScript: node16, nodenext, bundler, and cirrus-web with "types": []', () => {
  const tsc = join(app, 'node_modules', 'typescript', 'bin', 'tsc');
  for (const config of ['node16', 'nodenext', 'bundler', 'notypes']) sh(process.execPath, [tsc, '-p', `ts/tsconfig.${config}.json`]);
});

test('NestJS 12: a streaming upload into the media service and a listing', async () => {
  const tsc = join(app, 'node_modules', 'typescript', 'bin', 'tsc');
  sh(process.execPath, [tsc, '-p', 'nest/tsconfig.json']);
  const { match, child } = await startServer(process.execPath, ['nest/dist/main.js'], /listening on (http:\/\/\S+)/);
  const base = match[1].replace('[::1]', '127.0.0.1');
  const form = new FormData();
  form.append('file', new Blob([makePng(32, 24)], { type: 'image/png' }), 'photo.png');
  const uploaded = await fetch(`${base}/media`, { method: 'POST', body: form, headers: { 'x-user': 'ada' } });
  assert.equal(uploaded.status, 201, await uploaded.clone().text());
  const anonymous = await fetch(`${base}/media`, { method: 'POST', body: form });
  assert.equal(anonymous.status, 401);
  const listed = await (await fetch(`${base}/media`, { headers: { 'x-user': 'ada' } })).json();
  assert.equal(listed.items.length, 1);
  assert.equal(listed.items[0].width, 32);
  const image = await fetch(listed.items[0].url);
  assert.equal(image.status, 200);
  await stop(child);
});

test('Vite: init() with no argument in Chromium', async () => {
  sh(process.execPath, [join(app, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', 'browser', '--outDir', '../dist-vite', '--emptyOutDir']);
  assert.deepEqual(await inChromium(join(app, 'dist-vite')), BROWSER_ORACLE);
});

test('Vite: a page that imports url() alone loads the url module only', async () => {
  const out = join(app, 'dist-vite-url');
  cpSync(join(app, 'browser', 'index.html'), join(app, 'browser-url', 'index.html')); // the same page, another main.js
  sh(process.execPath, [join(app, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', 'browser-url', '--outDir', '../dist-vite-url', '--emptyOutDir']);
  const assets = readdirSync(join(out, 'assets'));
  const urlAsset = assets.find((f) => /^cirrus-url-.*\.wasm$/.test(f));
  const urlModule = readFileSync(join(app, 'node_modules', 'cirrus-web', 'cirrus-url.wasm'));
  assert.ok(urlAsset && readFileSync(join(out, 'assets', urlAsset)).equals(urlModule), `the url module emitted: ${assets}`);
  assert.ok(urlModule.length < readFileSync(join(app, 'node_modules', 'cirrus-web', 'cirrus-browser.wasm')).length);
  // Vite emits every `new URL('<literal>', import.meta.url)` it meets, the browser module's too (in
  // beyond-url.js, which it then drops): the page's JS must not name it.
  const js = assets.filter((f) => f.endsWith('.js')).map((f) => readFileSync(join(out, 'assets', f), 'utf8')).join('\n');
  assert.doesNotMatch(js, /cirrus-browser-[\w-]+\.wasm/);
  assert.deepEqual(await inChromium(out), { url: ORACLE.url, fetched: [`/assets/${urlAsset}`] });
});

test('Vite: a chunk loaded after init() that needs the browser module gets it from init() again', async () => {
  cpSync(join(app, 'browser', 'index.html'), join(app, 'browser-lazy', 'index.html')); // the same page, another main.js
  sh(process.execPath, [join(app, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', 'browser-lazy', '--outDir', '../dist-vite-lazy', '--emptyOutDir']);
  assert.ok(readdirSync(join(app, 'dist-vite-lazy', 'assets')).filter((f) => f.endsWith('.js')).length >= 2, 'the feature is a chunk of its own');
  assert.deepEqual(await inChromium(join(app, 'dist-vite-lazy')), {
    url: ORACLE.url, before: 'NOT_IN_BROWSER_BUILD', publicId: 'sample', urlAfter: ORACLE.url, fetched: ['cirrus-url', 'cirrus-browser'],
  });
});

test('esbuild: the browser bundle has no Node built-ins; init() with the .wasm copied next to it', async () => {
  const out = join(app, 'dist-esbuild');
  sh(join(app, 'node_modules', '.bin', 'esbuild'), ['browser/main.js', '--bundle', '--format=esm', '--platform=browser', `--outfile=${join(out, 'app.js')}`]);
  assert.doesNotMatch(readFileSync(join(out, 'app.js'), 'utf8'), /node:fs|readFile/);
  cpSync(join(app, 'browser', 'esbuild.html'), join(out, 'index.html'));
  const missing = await inChromium(out);
  assert.match(missing.error, /^WASM_LOAD_FAILED: .*cirrus-browser\.wasm.*esbuild/, 'without the .wasm: a coded error saying what to do');
  cpSync(join(app, 'node_modules', 'cirrus-web', 'cirrus-browser.wasm'), join(out, 'cirrus-browser.wasm'));
  assert.deepEqual(await inChromium(out), BROWSER_ORACLE);
});

test('Node 22 and 24: cirrus-web and the addon', () => {
  for (const version of [22, 24]) {
    const node = nodeOf(version);
    assert.deepEqual(lastJson(sh(node, ['probe-web.mjs'])), { runtime: 'node', ...ORACLE }, `Node ${version} cirrus-web`);
    assert.deepEqual(lastJson(sh(node, ['probe-native.mjs'])), ORACLE, `Node ${version} cirrus`);
  }
});

test('Deno: cirrus-web (deno condition) and the addon (Node-API)', () => {
  const deno = ensureRuntime('deno');
  const env = { DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' };
  assert.deepEqual(lastJson(sh(deno, ['run', '--allow-read', '--allow-env', 'probe-web.mjs'], { env })), { runtime: 'deno', ...ORACLE });
  assert.deepEqual(lastJson(sh(deno, ['run', '--allow-read', '--allow-env', '--allow-ffi', 'probe-native.mjs'], { env })), ORACLE);
});

test('Bun: cirrus-web (bun condition) and the addon (Node-API)', () => {
  const bun = ensureRuntime('bun');
  assert.deepEqual(lastJson(sh(bun, ['probe-web.mjs'])), { runtime: 'bun', ...ORACLE });
  assert.deepEqual(lastJson(sh(bun, ['probe-native.mjs'])), ORACLE);
});

test('Cloudflare workerd (wrangler dev): cirrus-web (workerd condition)', async () => {
  const wrangler = ensureRuntime('wrangler');
  const port = await freePort();
  const env = { WRANGLER_SEND_METRICS: 'false', CI: '1', NO_COLOR: '1', HOME: work };
  const { child } = await startServer(nodeOf(22), [wrangler, 'dev', '--cwd', 'worker', '--ip', '127.0.0.1', '--port', String(port)], /Ready on http/, { env });
  const res = await fetch(`http://127.0.0.1:${port}/`);
  assert.deepEqual(await res.json(), ORACLE);
  await stop(child);
});

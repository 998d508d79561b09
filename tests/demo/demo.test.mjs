// The demo in headless Chromium, as a user meets it: uploads with thumbnails rendered by the emulator, the
// trash (delete, restore, delete for good), refused and empty files explained, a 20 MB upload interrupted
// by a reload and resumed, a restart keeping every thumbnail, a second instance, and `npm start` stopped
// by SIGTERM or killed outright releasing its ports. Screenshots go to tests/artifacts/demo-*.png.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from '../../scripts/run.mjs';
import { launchChromium } from '../shared/chromium.mjs';
import { makePng } from '../shared/png.mjs';
import { removeAtExit, tempDir } from '../shared/temp.mjs';

const { startDemo } = await import('../../examples/demo/dist/main.js');
const artifacts = join(root, 'tests', 'artifacts');
mkdirSync(artifacts, { recursive: true });
const files = tempDir('cirrus-demo-files-');
const file = (name, bytes) => {
  const path = join(files, name);
  writeFileSync(path, bytes);
  return path;
};

let dataRoot;
let demo;
let browser;
before(async () => {
  delete process.env.CLOUDINARY_URL;
  dataRoot = tempDir('cirrus-demo-');
  demo = await startDemo(0, dataRoot);
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await demo?.stop();
});

async function openPage(viewport = { width: 1100, height: 800 }) {
  const page = await browser.newPage({ viewport });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(demo.url);
  await page.waitForFunction(() => window.__demoReady);
  return { page, errors };
}

const thumbnailsLoaded = (n) => [...document.querySelectorAll('#gallery img')].length === n
  && [...document.querySelectorAll('#gallery img')].every((i) => i.complete && i.naturalWidth > 0);

/** The public ids the emulator holds (its Admin API), to check the cloud side. */
async function cloudIds() {
  const url = new URL(demo.cloudinaryUrl);
  const base = decodeURIComponent(url.searchParams.get('upload_prefix'));
  const auth = `Basic ${Buffer.from(`${url.username}:${decodeURIComponent(url.password)}`).toString('base64')}`;
  const res = await fetch(`${base}/v1_1/${url.hostname}/resources/image?max_results=500`, { headers: { authorization: auth } });
  return (await res.json()).resources.map((r) => r.public_id).sort();
}

test('two images: 240 px thumbnails; delete goes to the trash, restore brings it back, delete forever removes it', async () => {
  const { page, errors } = await openPage();
  await page.setInputFiles('#picker', [file('sunrise.png', makePng(640, 400, { seed: 3 })), file('harbour.png', makePng(300, 500, { seed: 90 }))]);
  await page.waitForFunction(thumbnailsLoaded, 2, { timeout: 30_000 });
  assert.deepEqual(await page.$$eval('#gallery img', (imgs) => imgs.map((i) => [i.naturalWidth, i.naturalHeight])), [[240, 240], [240, 240]]);
  assert.equal(await page.$$eval('#uploads li', (l) => l.length), 0, 'progress rows finish');
  assert.equal((await cloudIds()).length, 2);

  await page.click('#gallery li:first-child button.danger');
  await page.waitForFunction(() => document.querySelectorAll('#gallery li').length === 1 && document.querySelectorAll('#trash li').length === 1);
  assert.equal((await cloudIds()).length, 2, 'a trashed image stays in the cloud');
  await page.click('#trash li button:not(.danger)');
  await page.waitForFunction(thumbnailsLoaded, 2);
  assert.equal(await page.isHidden('#trash-section'), true);

  await page.click('#gallery li:first-child button.danger');
  await page.waitForFunction(() => document.querySelectorAll('#trash li').length === 1);
  await page.click('#trash li button.danger');
  await page.waitForFunction(() => document.querySelectorAll('#trash li').length === 0 && document.querySelectorAll('#gallery li').length === 1);
  assert.equal((await (await fetch(`${demo.url}/api/media`)).json()).length, 1);
  assert.equal((await cloudIds()).length, 1, 'deleted for good: gone from the cloud');

  await page.click('#sweep');
  await page.waitForFunction(() => document.querySelectorAll('#runs li').length > 0);
  assert.match(await page.textContent('#runs li'), /sweep/);
  assert.equal(await page.isHidden('#error'), true);
  await page.screenshot({ path: join(artifacts, 'demo-desktop.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test('a refused file (a PDF) and an empty file are explained in plain words, leave nothing behind, and can be dismissed', async () => {
  const before = await cloudIds();
  const { page, errors } = await openPage();
  const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
  await page.setInputFiles('#picker', [file('invoice.pdf', pdf), file('empty.png', Buffer.alloc(0))]);
  await page.waitForFunction(() => document.querySelectorAll('#uploads li.failed').length === 2, null, { timeout: 30_000 });
  const rows = await page.$$eval('#uploads li.failed', (l) => l.map((li) => li.textContent));
  const refused = rows.find((t) => t.includes('invoice.pdf'));
  assert.match(refused, /Refused: only images/);
  assert.match(rows.find((t) => t.includes('empty.png')), /empty \(0 bytes\)/);
  assert.equal(await page.$$eval('#uploads li.failed progress', (l) => l.length), 0, 'no progress bar on a failed row');
  assert.deepEqual(await cloudIds(), before, 'nothing of the refused file in the cloud');
  await page.click('#uploads li.failed button');
  await page.click('#uploads li.failed button');
  assert.equal(await page.$$eval('#uploads li', (l) => l.length), 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a 20 MB upload interrupted by a reload resumes after the file is picked again; pause and resume work; the phone layout holds', async () => {
  const big = file('panorama.png', makePng(2600, 2600, { noise: true, seed: 7 }));
  const { page, errors } = await openPage({ width: 390, height: 844 });
  const before = await page.$$eval('#gallery img', (l) => l.length);
  const cdp = await page.context().newCDPSession(page);
  // A slow uplink (6 MB/s) so the reload lands mid-upload.
  const throttle = () => cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: 50e6, uploadThroughput: 6e6 });
  await cdp.send('Network.enable');
  await throttle();
  await page.setInputFiles('#picker', big);
  await page.waitForSelector('#uploads li .toggle:not([hidden])');
  await page.click('#uploads li .toggle');
  assert.equal(await page.textContent('#uploads li .toggle'), 'Resume');
  const pausedAt = await page.$eval('#uploads progress', (p) => p.value);
  await new Promise((r) => setTimeout(r, 800));
  assert.ok(await page.$eval('#uploads progress', (p) => p.value) <= pausedAt + 1e-9, 'nothing moves while paused');
  await page.click('#uploads li .toggle');
  await page.waitForFunction(() => document.querySelector('#uploads progress')?.value > 0.4, null, { timeout: 60_000 });
  // Paused for the screenshots and the reload, so a fast machine cannot finish the upload first.
  await page.click('#uploads li .toggle');
  await page.screenshot({ path: join(artifacts, 'demo-phone-mid-upload.png'), fullPage: true });
  await page.setViewportSize({ width: 1100, height: 800 });
  await page.screenshot({ path: join(artifacts, 'demo-desktop-mid-upload.png'), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  await page.waitForFunction(() => window.__demoReady);
  await throttle();
  assert.match(await page.textContent('#unfinished'), /panorama\.png: .* of 20\.3 MB uploaded\. Pick it again/);
  await page.setInputFiles('#picker', big);
  await page.waitForFunction(() => /resumed at/.test(document.querySelector('#uploads li')?.textContent ?? ''), null, { timeout: 30_000 });
  await page.screenshot({ path: join(artifacts, 'demo-phone-resumed.png'), fullPage: true });
  await page.setViewportSize({ width: 1100, height: 800 });
  await page.screenshot({ path: join(artifacts, 'demo-desktop-resumed.png'), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForFunction(thumbnailsLoaded, before + 1, { timeout: 90_000 });
  assert.equal(await page.isHidden('#unfinished-section'), true, 'the finished upload leaves the store');
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `no horizontal scrolling on a phone (${width} px)`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('Cancel gives an upload up: its row goes, the signing route ends its record at once, nothing reaches the cloud', async () => {
  const { page, errors } = await openPage();
  const before = await cloudIds();
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: 50e6, uploadThroughput: 2e6 });
  const cancelled = page.waitForResponse((r) => r.url().endsWith('/api/sign') && /"cancel"/.test(r.request().postData() ?? ''));
  await page.setInputFiles('#picker', file('abandoned.png', makePng(1600, 1600, { noise: true, seed: 11 })));
  // Cancelled mid-chunk: bytes are on their way.
  await page.waitForFunction(() => document.querySelector('#uploads progress')?.value > 0.05, null, { timeout: 30_000 });
  await page.click('#uploads li .cancel');
  const answer = await cancelled;
  assert.equal(answer.status(), 200);
  assert.deepEqual(await answer.json(), { cancelled: true });
  assert.equal(await page.$$eval('#uploads li', (l) => l.length), 0, 'the row goes');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  // A second cancel of the same record has nothing left to end: the first one ended it.
  const record = JSON.parse(answer.request().postData()).cancel;
  const again = await fetch(`${demo.url}/api/sign`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ cancel: record }) });
  assert.deepEqual(await again.json(), { cancelled: false });
  assert.deepEqual(await cloudIds(), before);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a restart keeps every thumbnail (URLs are built when read, for the new emulator port)', async () => {
  const count = (await (await fetch(`${demo.url}/api/media`)).json()).length;
  await demo.stop();
  demo = await startDemo(0, dataRoot);
  const { page, errors } = await openPage();
  await page.waitForFunction(thumbnailsLoaded, count, { timeout: 30_000 });
  await page.screenshot({ path: join(artifacts, 'demo-desktop-after-restart.png'), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: join(artifacts, 'demo-phone-after-restart.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test('a second instance on the same data: its own directory when the default is in use, a clear error when it was chosen', async () => {
  // The demo makes that directory itself beside the test's: removed with it.
  removeAtExit(`${dataRoot}-0`);
  const second = await startDemo(0, dataRoot, { fixedRoot: false });
  try {
    assert.equal(second.dataDir, `${dataRoot}-0`);
    const res = await fetch(`${second.url}/api/media`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), []);
  } finally {
    await second.stop();
  }
  await assert.rejects(startDemo(0, dataRoot), /in use by another emulator; stop that one or pass another --data directory|in use by another emulator/);
});

test('with CLOUDINARY_URL (here another emulator) the demo keeps that account\'s records apart and its thumbnails reach it', async () => {
  const { startEmulator } = await import('cirrus/testing');
  const other = await startEmulator();
  process.env.CLOUDINARY_URL = other.cloudinaryUrl;
  let second;
  try {
    second = await startDemo(0, dataRoot);
    assert.match(second.dataDir, /accounts[/\\]demo-[0-9a-f]{10}$/);
    assert.deepEqual(await (await fetch(`${second.url}/api/media`)).json(), [], 'none of the embedded emulator\'s records');
    const page = await browser.newPage();
    await page.goto(second.url);
    await page.waitForFunction(() => window.__demoReady);
    assert.match(await page.textContent('#account'), new RegExp(`emulator at ${other.urlOptions.cname}`));
    await page.setInputFiles('#picker', file('other.png', makePng(320, 200, { seed: 5 })));
    await page.waitForFunction(thumbnailsLoaded, 1, { timeout: 30_000 });
    assert.ok((await page.getAttribute('#gallery img', 'src')).startsWith(`http://${other.urlOptions.cname}/`));
    await page.close();
  } finally {
    delete process.env.CLOUDINARY_URL;
    await second?.stop();
    await other.stop();
  }
});

/** The pids of `pid`'s descendants (from /proc). */
function descendants(pid) {
  const children = new Map();
  for (const entry of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      const ppid = Number(/PPid:\s+(\d+)/.exec(readFileSync(`/proc/${entry}/status`, 'utf8'))[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  const out = [];
  const walk = (p) => (children.get(p) ?? []).forEach((c) => { out.push(c); walk(c); });
  walk(pid);
  return out;
}

/** Alive and not a zombie (exited, not yet reaped: in a container without an init it may stay so). */
function alive(pid) {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

async function until(check, ms, what) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** `npm start` (on a free port, its own data directory): resolves once it printed its address. */
function npmStart() {
  const child = spawn('npm', ['start', '--', '--port', '0', '--data', tempDir('cirrus-demo-start-')], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CLOUDINARY_URL: '' } });
  let out = '';
  child.stderr.on('data', (d) => { out += d; });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`npm start did not start in 60 s: ${out}`)); }, 60_000);
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`npm start exited with ${code}: ${out}`)); });
    child.stdout.on('data', (d) => {
      out += d;
      const m = /open (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1] });
      }
    });
  });
}

for (const signal of ['SIGTERM', 'SIGKILL']) {
  test(`npm start stopped by ${signal}: the app and its emulator exit and release their ports`, async () => {
    const { child, url } = await npmStart();
    const tree = descendants(child.pid);
    try {
      assert.equal((await fetch(`${url}/api/media`)).status, 200);
      assert.ok(tree.length >= 3, `npm → start.mjs → demo → emulator: ${tree}`);
      child.kill(signal);
      await until(() => tree.every((pid) => !alive(pid)), 10_000, `every process of npm start exits after ${signal}`);
      await assert.rejects(fetch(`${url}/api/media`), 'the port is released');
    } finally {
      // Whatever failed above, nothing of this npm start outlives the test.
      for (const pid of [child.pid, ...tree]) try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
    }
  });
}

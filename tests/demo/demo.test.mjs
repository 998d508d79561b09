// The demo in headless Chromium: two images uploaded from the page, thumbnails rendered by the emulator at
// the requested size, one deleted; a screenshot is saved as a test artifact (tests/artifacts/demo.png).
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { root } from '../../scripts/run.mjs';
import { launchChromium } from '../shared/chromium.mjs';
import { makePng } from '../shared/png.mjs';

let demo;
let browser;
before(async () => {
  delete process.env.CLOUDINARY_URL;
  const { startDemo } = await import('../../examples/demo/dist/main.js');
  demo = await startDemo(0, mkdtempSync(join(tmpdir(), 'cirrus-demo-')));
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await demo?.stop();
});

test('upload two images, see 240 px thumbnails, delete one', async () => {
  const page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(demo.url);
  await page.waitForFunction(() => window.__demoReady);
  const dir = mkdtempSync(join(tmpdir(), 'cirrus-demo-files-'));
  const files = [['sunrise.png', makePng(640, 400, { seed: 3 })], ['harbour.png', makePng(300, 500, { seed: 90 })]].map(([name, bytes]) => {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    return path;
  });
  await page.setInputFiles('#picker', files);
  await page.waitForFunction(() => document.querySelectorAll('#gallery img').length === 2 && [...document.querySelectorAll('#gallery img')].every((i) => i.complete && i.naturalWidth > 0), null, { timeout: 30_000 });
  const sizes = await page.$$eval('#gallery img', (imgs) => imgs.map((i) => [i.naturalWidth, i.naturalHeight]));
  assert.deepEqual(sizes, [[240, 240], [240, 240]]);
  assert.equal(await page.$$eval('#uploads li', (l) => l.length), 0, 'progress rows finish');
  await page.click('#gallery li:first-child button');
  await page.waitForFunction(() => document.querySelectorAll('#gallery li').length === 1);
  const listing = await (await fetch(`${demo.url}/api/media`)).json();
  assert.equal(listing.length, 1);
  assert.equal(await page.isHidden('#error'), true);
  mkdirSync(join(root, 'tests', 'artifacts'), { recursive: true });
  const shot = join(root, 'tests', 'artifacts', 'demo.png');
  await page.screenshot({ path: shot, fullPage: true });
  console.log(`demo screenshot: ${shot}`);
  assert.deepEqual(errors, []);
});

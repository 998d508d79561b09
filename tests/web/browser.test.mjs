// The conformance vectors against the web package in real headless Chromium (Debian's).
import test from 'node:test';
import assert from 'node:assert/strict';
import { withRepoPage } from '../shared/chromium.mjs';

test('conformance vectors: wasm package in headless Chromium', async () => {
  await withRepoPage('/tests/web/browser.html', async ({ page, browser, errors }) => {
    await page.waitForFunction(() => window.__report, null, { timeout: 60_000 });
    const report = await page.evaluate(() => window.__report);
    const version = browser.version();
    assert.equal(report.error, undefined, report.error);
    for (const [area, r] of Object.entries(report.areas)) console.log(`chromium ${version} ${area.padEnd(20)} ${r.passed}/${r.cases}`);
    console.log(`chromium ${version} deviations           ${report.deviations.held}/${report.deviations.cases}`);
    assert.deepEqual(errors, []);
    assert.deepEqual(report.failures.slice(0, 20), []);
    assert.equal(report.failed, 0);
  });
});

// The web package's url() in headless Chromium against @cloudinary/url-gen and cloudinary-core, plus the
// gzipped sizes of what a page loads for each.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { withRepoPage } from '../../tests/shared/chromium.mjs';
import { root } from '../run.mjs';
import { webSize } from '../build.mjs';
import { SIMPLE, TYPICAL, conformanceMix } from './cases.mjs';

const gz = (...files) => files.reduce((n, f) => n + gzipSync(readFileSync(join(root, f)), { level: 9 }).length, 0);

export function packageSizes() {
  return [
    { package: 'cirrus-web (wasm + JS glue + loader + directUpload)', gzip_bytes: webSize().total_gzip },
    { package: '@cloudinary/url-gen (UMD bundle, everything)', gzip_bytes: gz('node_modules/@cloudinary/url-gen/bundles/umd/base.js') },
    { package: 'cloudinary-core (shrinkwrap.min, lodash included)', gzip_bytes: gz('node_modules/cloudinary-core/cloudinary-core-shrinkwrap.min.js') },
  ];
}

export function runBrowser() {
  return withRepoPage('/scripts/bench/browser.html', async ({ page, browser, errors }) => {
    await page.waitForFunction(() => window.benchReady, null, { timeout: 30_000 });
    const report = await page.evaluate((cases) => window.runBench(cases), { simple: SIMPLE, typical: TYPICAL, mix: conformanceMix() });
    if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
    return { browser: `Chromium ${browser.version()}`, ...report };
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const report = await runBrowser();
  console.log(report.browser, report.samples);
  console.table(report.rows);
  console.table(packageSizes());
}

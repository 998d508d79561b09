// The web package's url() in headless Chromium against @cloudinary/url-gen and cloudinary-core, plus the
// gzipped sizes of what a page loads for each.
import { withRepoPage } from '../../tests/shared/chromium.mjs';
import { bundleSizes } from './bundle-size.mjs';
import { SIMPLE, TYPICAL, conformanceMix } from './cases.mjs';

// The page loads cirrus-web's browser entry, which signs no URL (a page holds no secret): the mix is the
// vectors' URLs that do not ask to sign, for all three libraries.
const unsignedMix = () => conformanceMix().filter(([, options]) => !options?.sign_url);

/** What a page that builds one URL ships with each library (Vite production builds, gzipped). */
export function packageSizes() {
  return bundleSizes();
}

export function runBrowser() {
  return withRepoPage('/scripts/bench/browser.html', async ({ page, browser, errors }) => {
    await page.waitForFunction(() => window.benchReady, null, { timeout: 30_000 });
    const report = await page.evaluate((cases) => window.runBench(cases), { simple: SIMPLE, typical: TYPICAL, mix: unsignedMix() });
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

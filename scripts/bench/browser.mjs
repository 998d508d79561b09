// The web package's url() in headless Chromium against @cloudinary/url-gen and cloudinary-core, plus the
// gzipped sizes of what a page loads for each.
import { withRepoPage } from '../../tests/shared/chromium.mjs';
import { bundleSizes } from './bundle-size.mjs';
import { median } from './measure.mjs';
import { SIMPLE, TYPICAL, conformanceMix } from './cases.mjs';

// The page loads cirrus-web's browser entry, which signs no URL (a page holds no secret): the mix is the
// vectors' URLs that do not ask to sign, for all three libraries.
const unsignedMix = () => conformanceMix().filter(([, options]) => !options?.sign_url);

/** What a page that builds one URL ships with each library (Vite production builds, gzipped). */
export function packageSizes() {
  return bundleSizes();
}

/** One page load: each shape's medians for the three libraries, their rounds interleaved. */
function runPage() {
  return withRepoPage('/scripts/bench/browser.html', async ({ page, browser, errors }) => {
    await page.waitForFunction(() => window.benchReady, null, { timeout: 30_000 });
    const report = await page.evaluate((cases) => window.runBench(cases), { simple: SIMPLE, typical: TYPICAL, mix: unsignedMix() });
    if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
    return { browser: `Chromium ${browser.version()}`, ...report };
  });
}

/**
 * `runs` page loads, each in a fresh browser, one after another; each row then the medians of the loads'
 * figures, with every load's ratios against url-gen and cloudinary-core beside (`vs_url_gen`, `vs_core`)
 * and their medians (`ratio_url_gen`, `ratio_core`): as in the Node micro rows, one load's figure moves
 * with the state the machine and the browser start in.
 */
export async function runBrowser({ runs = 3 } = {}) {
  const loads = [];
  for (let i = 0; i < runs; i++) loads.push(await runPage());
  const rows = loads[0].rows.map(({ name }, i) => {
    const each = loads.map((load) => load.rows[i]);
    const vsUrlGen = each.map((r) => round2(r.urlGen / r.cirrus));
    const vsCore = each.map((r) => round2(r.core / r.cirrus));
    return {
      name,
      cirrus: median(each.map((r) => r.cirrus)),
      urlGen: median(each.map((r) => r.urlGen)),
      core: median(each.map((r) => r.core)),
      ratio_url_gen: median(vsUrlGen),
      ratio_core: median(vsCore),
      vs_url_gen: vsUrlGen,
      vs_core: vsCore,
    };
  });
  return { browser: loads[0].browser, userAgent: loads[0].userAgent, samples: loads[0].samples, rounds: loads[0].rounds, runs, rows };
}

const round2 = (n) => Math.round(n * 100) / 100;

if (import.meta.url === `file://${process.argv[1]}`) {
  const report = await runBrowser();
  console.log(report.browser, report.samples);
  console.table(report.rows);
  console.table(packageSizes());
}

// Launches Debian's Chromium headless through playwright-core (never a downloaded browser).
import { chromium } from 'playwright-core';

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
];

export function launchChromium() {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/**
 * Serves the repository, opens `path` in headless Chromium and runs `fn({ page, browser, errors })`;
 * `errors` collects the page's uncaught errors. Everything is closed afterwards.
 */
export async function withRepoPage(path, fn) {
  const { serveRepo } = await import('./static-server.mjs');
  const server = await serveRepo();
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${server.url}${path}`);
    return await fn({ page, browser, errors });
  } finally {
    await browser.close();
    await server.close();
  }
}

// Type-checked under node16 and nodenext as a CommonJS module: `require` of cirrus, and the ESM-only
// packages through dynamic import.
import cirrus = require('cirrus');
import testing = require('cirrus/testing');

export const built: string = cirrus.url('sample.jpg', { cloud_name: 'demo', width: 300 });
// @ts-expect-error width is a number or a string
cirrus.url('sample.jpg', { width: {} });
export const start = testing.startEmulator;
export async function web(): Promise<string> {
  const { init, url } = await import('cirrus-web');
  await init();
  return url('sample.jpg', { cloud_name: 'demo' });
}
export async function nest(): Promise<unknown> {
  const { CirrusModule } = await import('cirrus-nestjs');
  return CirrusModule;
}

// cirrus-web in a project with `"types": []` (no @types/node): its declarations need only the DOM lib.
import { init, url, verifyIdentifier, type UrlOptions } from 'cirrus-web';

export async function thumbnail(publicId: string): Promise<string> {
  await init(new URL('/cirrus.wasm', 'https://example.com'));
  const options: UrlOptions = { cloud_name: 'demo', width: 200, crop: 'thumb' };
  return url(publicId, options);
}
// @ts-expect-error the secret is a string
verifyIdentifier('image/upload/v1/x.jpg#sig', 42);

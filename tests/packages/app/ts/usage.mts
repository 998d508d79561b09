// Type-checked under `module node16 and nodenext (an ES module)`: every package's declarations, and misuse refused
// (a `@ts-expect-error` that is not needed fails the check, so the types cannot silently be `any`).
import { url, Cloudinary, SqliteRepository, type UrlOptions, type MediaRecord, type ErrorCode } from 'cirrus';
import { startEmulator, repositoryContract, type RunningEmulator } from 'cirrus/testing';
import { init, url as webUrl, directUpload, type CirrusError } from 'cirrus-web';
import { CirrusModule, StreamingUpload, SignedIdentifierPipe } from 'cirrus-nestjs';

const options: UrlOptions = { cloud_name: 'demo', width: 300, crop: 'fill' };
export const built: string = url('sample.jpg', options);
// @ts-expect-error a public id is a string or a number
url({ id: 1 }, options);
export const client = new Cloudinary('cloudinary://k:s@demo');
export const code: ErrorCode = 'INVALID_SIGNATURE';
// @ts-expect-error not a code of the registry
export const wrong: ErrorCode = 'NOPE';
export type Record = MediaRecord;
export async function emulator(): Promise<RunningEmulator> {
  return startEmulator({ args: ['--quiet'] });
}
export const contract = repositoryContract;
export async function web(file: Blob): Promise<string> {
  await init();
  const { identifier } = await directUpload(file, { uploadPreset: 'unsigned', cloudName: 'demo' });
  return webUrl(identifier, { cloud_name: 'demo' });
}
export const isCoded = (err: CirrusError) => err.code;
export const nest = [CirrusModule, StreamingUpload, SignedIdentifierPipe, SqliteRepository];

// Which account the demo uses and where its data lives. Each account gets its own data directory, so a
// run against a real account (CLOUDINARY_URL) never shows the embedded emulator's records, and the other
// way round.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const { startEmulator, emulatorUrlOptions, DEMO_ACCOUNT } = require('cirrus/testing') as typeof import('cirrus/testing');


export interface DemoAccount {
  /** The CLOUDINARY_URL the app uses. */
  cloudinaryUrl: string;
  /** Options of delivery URLs (the emulator's host when uploads go to an emulator). */
  urlOptions: import('cirrus').UrlOptions;
  /** Where the records (demo.db) live. */
  dataDir: string;
  /** What the page says it is talking to. */
  label: string;
  stop: () => Promise<void>;
}

/**
 * Data of a CLOUDINARY_URL account: its own directory, named by cloud and a digest of what identifies the
 * account (cloud, api_key, where uploads go), never the secret: a rotated secret keeps the gallery.
 */
function accountDir(root: string, cloudinaryUrl: string): string {
  const url = new URL(cloudinaryUrl);
  const cloud = url.hostname.replace(/[^A-Za-z0-9_-]/g, '_');
  const identity = [url.hostname, decodeURIComponent(url.username), url.searchParams.get('upload_prefix') ?? ''].join('\n');
  const digest = createHash('sha256').update(identity).digest('hex').slice(0, 10);
  return join(root, 'accounts', `${cloud}-${digest}`);
}

const IN_USE = /in use by another emulator/;

/**
 * The account of this run: CLOUDINARY_URL when set, else an embedded emulator on a free port with its
 * storage in `<root>/emulator`. When another demo holds that directory and the caller did not choose one
 * (`fixedRoot` false), this one moves to `fallbackRoot` instead of failing.
 */
export async function openAccount(root: string, options: { fixedRoot: boolean; fallbackRoot: string }): Promise<DemoAccount> {
  const given = process.env.CLOUDINARY_URL;
  if (given) {
    const viaEmulator = emulatorUrlOptions(given);
    return {
      cloudinaryUrl: given,
      urlOptions: viaEmulator ?? {},
      dataDir: accountDir(root, given),
      label: viaEmulator ? `the emulator at ${viaEmulator.cname} (CLOUDINARY_URL)` : `your account ${new URL(given).hostname} (CLOUDINARY_URL)`,
      stop: async () => {},
    };
  }
  const start = (dir: string) => startEmulator({ dataDir: join(dir, 'emulator'), account: DEMO_ACCOUNT });
  let dataDir = root;
  let emulator;
  try {
    emulator = await start(root);
  } catch (err) {
    if (options.fixedRoot || !IN_USE.test(String((err as Error).message))) throw err;
    dataDir = options.fallbackRoot;
    console.log(`another cirrus demo is using ${root}: this one keeps its data in ${dataDir}`);
    emulator = await start(dataDir);
  }
  return {
    cloudinaryUrl: emulator.cloudinaryUrl,
    urlOptions: emulator.urlOptions,
    dataDir,
    label: 'the embedded emulator',
    stop: () => emulator.stop(),
  };
}

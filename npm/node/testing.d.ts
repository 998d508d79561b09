// Types of `cirrus/testing`.
import type { MediaRepository } from './options';

/**
 * Checks that a media repository keeps the contract MediaService relies on (uniqueness, compare-and-set,
 * atomic claims under concurrency, stable paging). `fresh()` must return a repository over an empty table.
 * Resolves to the names of the checks passed; rejects with the first failure.
 */
export declare function repositoryContract(fresh: () => MediaRepository | Promise<MediaRepository>): Promise<string[]>;
/** The names of the contract's checks. */
export declare const REPOSITORY_CONTRACT_CHECKS: readonly string[];

/** A running emulator (see `startEmulator`). */
export interface RunningEmulator {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  port: number;
  account: { cloud_name: string; api_key: string; api_secret: string };
  /** A `CLOUDINARY_URL` for this emulator (works for cirrus and the official SDK). */
  cloudinaryUrl: string;
  /** URL options whose delivery URLs reach the emulator (`{ secure: false, cname: '127.0.0.1:<port>' }`). */
  urlOptions: { secure: false; cname: string };
  dataDir: string;
  /** Stops it (and removes its data directory if it made one). */
  stop(): Promise<void>;
}

/** Starts the local Cloudinary emulator on a free loopback port. */
export declare function startEmulator(options?: {
  account?: Partial<{ cloud_name: string; api_key: string; api_secret: string }>;
  dataDir?: string;
  port?: number;
  args?: string[];
  quiet?: boolean;
}): Promise<RunningEmulator>;
/** Where the emulator binary is. */
export declare function emulatorPath(): string;
/**
 * URL options whose delivery URLs reach the emulator that `cloudinaryUrl` (default `CLOUDINARY_URL`)
 * uploads to (`upload_prefix` on plain `http:`), or null when it points at Cloudinary.
 */
export declare function emulatorUrlOptions(cloudinaryUrl?: string): { secure: false; cname: string } | null;
/** The local demo account (`npx cirrus emulator` and `npm start` use it when none is given; it protects nothing). */
export declare const DEMO_ACCOUNT: { cloud_name: string; api_key: string; api_secret: string };

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

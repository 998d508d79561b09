import type { DynamicModule, ForwardReference, InjectionToken, OptionalFactoryDependency, Type } from '@nestjs/common';
import type { CloudinaryConfig, MediaRepository, MediaServiceOptions, SqliteRepository } from './cirrus.js';
import type { CleanupOptions } from './cleanup.js';

/** The module's options. */
export const CIRRUS_OPTIONS = Symbol('CIRRUS_OPTIONS');
/** The `Cloudinary` client. */
export const CIRRUS_CLIENT = Symbol('CIRRUS_CLIENT');
/** The `MediaService` (null when no repository is configured). */
export const CIRRUS_MEDIA = Symbol('CIRRUS_MEDIA');

/** Options of `CirrusModule.forRoot`. */
export interface CirrusModuleOptions {
  /** A CLOUDINARY_URL or config object; by default CLOUDINARY_URL or CLD_CLOUD_NAME/CLD_API_KEY/CLD_API_SECRET. */
  cloudinary?: string | CloudinaryConfig;
  /** The metadata repository (`SqliteRepository`, `PostgresRepository` or your own); with it, a MediaService is provided. */
  repository?: MediaRepository | SqliteRepository;
  /** MediaService options (folder, presets, limits, ...). */
  media?: MediaServiceOptions;
  /** Background cleanup (sweep, reconcile): a BullMQ repeatable job, or a timer per replica. */
  cleanup?: CleanupOptions;
  /** Register the providers globally (default true). */
  global?: boolean;
}

/** Options of `CirrusModule.forRootAsync` (e.g. with ConfigService). */
export interface CirrusModuleAsyncOptions {
  imports?: Array<Type<unknown> | DynamicModule | Promise<DynamicModule> | ForwardReference>;
  inject?: Array<InjectionToken | OptionalFactoryDependency>;
  useFactory: (...args: any[]) => CirrusModuleOptions | Promise<CirrusModuleOptions>;
  global?: boolean;
}

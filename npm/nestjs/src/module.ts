import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { Cloudinary, MediaService, type CloudinaryConfig } from './cirrus.js';
import { CirrusCleanup } from './cleanup.js';
import { CirrusHealthIndicator } from './health.js';
import { CIRRUS_CLIENT, CIRRUS_MEDIA, CIRRUS_OPTIONS, type CirrusModuleAsyncOptions, type CirrusModuleOptions } from './tokens.js';

/** The client from options, else from CLOUDINARY_URL, else from CLD_CLOUD_NAME / CLD_API_KEY / CLD_API_SECRET. */
export function createClient(options: CirrusModuleOptions, env: NodeJS.ProcessEnv = process.env): Cloudinary {
  if (options.cloudinary) return new Cloudinary(options.cloudinary as string | CloudinaryConfig);
  if (env.CLOUDINARY_URL) return new Cloudinary(env.CLOUDINARY_URL);
  if (env.CLD_CLOUD_NAME) {
    return new Cloudinary({ cloud_name: env.CLD_CLOUD_NAME, api_key: env.CLD_API_KEY, api_secret: env.CLD_API_SECRET });
  }
  const err = new Error('cirrus: no Cloudinary account: set CLOUDINARY_URL (or CLD_CLOUD_NAME, CLD_API_KEY, CLD_API_SECRET)') as Error & { code: string };
  err.code = 'MISSING_OPTION';
  throw err;
}

const providers: Provider[] = [
  { provide: CIRRUS_CLIENT, useFactory: (o: CirrusModuleOptions) => createClient(o), inject: [CIRRUS_OPTIONS] },
  {
    provide: CIRRUS_MEDIA,
    useFactory: (o: CirrusModuleOptions, client: Cloudinary) => (o.repository ? new MediaService(client, o.repository as any, o.media) : null),
    inject: [CIRRUS_OPTIONS, CIRRUS_CLIENT],
  },
  CirrusCleanup,
  CirrusHealthIndicator,
];
const exported = [CIRRUS_CLIENT, CIRRUS_MEDIA, CIRRUS_OPTIONS, CirrusCleanup, CirrusHealthIndicator];

/**
 * Provides the `Cloudinary` client (`CIRRUS_CLIENT`) and, with a repository, the `MediaService`
 * (`CIRRUS_MEDIA`) and its background cleanup (`CirrusCleanup`, when `cleanup` is set).
 */
@Module({})
export class CirrusModule {
  static forRoot(options: CirrusModuleOptions = {}): DynamicModule {
    return {
      module: CirrusModule,
      global: options.global ?? true,
      providers: [{ provide: CIRRUS_OPTIONS, useValue: options }, ...providers],
      exports: exported,
    };
  }

  static forRootAsync(options: CirrusModuleAsyncOptions): DynamicModule {
    return {
      module: CirrusModule,
      global: options.global ?? true,
      imports: options.imports ?? [],
      providers: [{ provide: CIRRUS_OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] }, ...providers],
      exports: exported,
    };
  }
}

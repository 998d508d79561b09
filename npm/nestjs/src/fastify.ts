// Fastify answers 415 to a body whose content type has no parser, before any guard, interceptor or
// handler runs, and it has none for multipart/form-data. StreamingUpload reads the multipart stream itself,
// so what it needs from Fastify is a parser that accepts the type and leaves the body unread.

const MULTIPART = 'multipart/form-data';

/** What `registerCirrusMultipart` needs of a Nest HTTP adapter (`app.getHttpAdapter()`, `HttpAdapterHost.httpAdapter`). */
export interface CirrusHttpAdapter {
  getType(): string;
  getInstance(): any;
}

/** A Nest application (`NestFastifyApplication`, `INestApplication`) or its HTTP adapter. */
export type CirrusHttpTarget = { getHttpAdapter(): CirrusHttpAdapter } | CirrusHttpAdapter;

function coded(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

// One registration per Fastify instance, however many StreamingUpload routes ask for it.
const requested = new WeakSet<object>();

/**
 * Lets multipart/form-data bodies through Fastify unread, for `StreamingUpload`. Every `StreamingUpload`
 * interceptor calls it at `app.init()`, so an app needs it by hand only when its upload routes are in a
 * module loaded after the app started (call it before `app.listen()`). A no-op on Express, and when the
 * app registers a multipart parser itself (`@fastify/multipart`, directly or through Nest's Fastify
 * `FileInterceptor`): that one leaves the body unread too, unless its `attachFieldsToBody` option is set.
 */
export function registerCirrusMultipart(target: CirrusHttpTarget): void {
  const adapter = 'getHttpAdapter' in target ? target.getHttpAdapter() : target;
  if (adapter?.getType() !== 'fastify') return;
  const instance = adapter.getInstance();
  if (requested.has(instance) || instance.hasContentTypeParser(MULTIPART)) return;
  // Registered as a plugin, not at once: plugins load in order when the app starts, so one main.ts
  // registered before is loaded by then; a multipart parser it brings is seen and kept (adding a second
  // one fails the app's startup).
  const plugin = async (fastify: any) => {
    if (fastify.hasContentTypeParser(MULTIPART) || fastify.hasRequestDecorator('isMultipart')) return;
    // Nest's adapter registers @fastify/multipart lazily, as a plugin loading after this one.
    if ((adapter as { isMultipartRequested?: boolean }).isMultipartRequested) return;
    fastify.addContentTypeParser(MULTIPART, (_request: unknown, _payload: unknown, done: (err: Error | null, body?: unknown) => void) => done(null));
  };
  // Like fastify-plugin: the parser goes on the root context, where Nest registers its routes.
  Object.assign(plugin, { [Symbol.for('skip-override')]: true, [Symbol.for('fastify.display-name')]: 'cirrus-multipart' });
  try {
    instance.register(plugin);
  } catch (cause) {
    throw Object.assign(coded('INVALID_OPTION', 'Fastify started without a multipart/form-data parser, so StreamingUpload routes would answer 415: call registerCirrusMultipart(app) before app.listen()'), { cause });
  }
  requested.add(instance);
}

// A tiny static file server for browser tests: serves the repository (or any directory) read-only on loopback.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { root } from '../../scripts/run.mjs';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
};

/** Serves the repository; resolves to `{ url, close }`. `routes` maps paths to extra handlers. */
export function serveRepo(routes = {}) {
  return serveDir(root, routes);
}

/** Serves `dir`; resolves to `{ url, close }`. */
export function serveDir(dir, routes = {}) {
  const server = createServer(async (req, res) => {
    const route = routes[new URL(req.url, 'http://x').pathname];
    if (route) return route(req, res);
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname));
    const file = join(dir, path);
    if (!file.startsWith(dir) || path.split(sep).includes('..')) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] || 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({ url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(r)) });
    });
  });
}

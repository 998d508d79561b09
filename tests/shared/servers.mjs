// Real database servers for tests, started by the tests themselves on free loopback ports in temporary
// directories: PostgreSQL 15 (initdb + pg_ctl) and Redis. `npm test` installs the Debian packages when they
// are missing (scripts/setup.mjs ensureServers); each start gives a stop() that removes everything.
import { execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PG_BIN = '/usr/lib/postgresql/15/bin';
export const REDIS_SERVER = '/usr/bin/redis-server';

/** A free TCP port on loopback. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const isRoot = () => process.getuid?.() === 0;

/** Runs a PostgreSQL binary as the `postgres` user when we are root (initdb and postgres refuse root). */
function pgRun(tool, args) {
  const cmd = join(PG_BIN, tool);
  return isRoot()
    ? execFileSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    : execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * Starts a PostgreSQL server: resolves to `{ url, port, stop() }` (`url` is a connection string for the
 * `postgres` superuser, trust auth on loopback).
 */
export async function startPostgres() {
  if (!existsSync(join(PG_BIN, 'initdb'))) throw new Error(`PostgreSQL 15 is not installed (${PG_BIN}): run npm run setup`);
  const dir = mkdtempSync(join(tmpdir(), 'cirrus-pg-'));
  if (isRoot()) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  pgRun('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const port = await freePort();
  pgRun('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-w', '-t', '60', '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off`, 'start']);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    dir,
    stop: async () => {
      try {
        pgRun('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** Creates a fresh database on a server and returns its connection string. */
export async function freshDatabase(server, name) {
  const { default: pg } = await import('pg');
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return server.url.replace(/\/postgres$/, `/${name}`);
}

/** Starts a Redis server (no persistence): resolves to `{ host, port, url, stop() }`. */
export async function startRedis() {
  if (!existsSync(REDIS_SERVER)) throw new Error(`redis-server is not installed (${REDIS_SERVER}): run npm run setup`);
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'cirrus-redis-'));
  const child = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`redis did not start: ${out}`)), 15000);
    child.on('exit', (code) => reject(new Error(`redis exited with ${code}: ${out}`)));
    child.stdout.on('data', (d) => {
      out += d;
      if (/Ready to accept connections/.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return {
    host: '127.0.0.1',
    port,
    url: `redis://127.0.0.1:${port}`,
    stop: () => new Promise((done) => {
      child.once('exit', () => {
        rmSync(dir, { recursive: true, force: true });
        done();
      });
      child.kill('SIGTERM');
    }),
  };
}

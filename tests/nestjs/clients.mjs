// The raw HTTP clients the nestjs suites use on either platform (Express, Fastify): a large streamed
// upload, an abandoned one, a stalled one, and the process's file descriptors they are measured by.
import { createHash } from 'node:crypto';
import { readdirSync, readlinkSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { makePng } from '../shared/png.mjs';

/**
 * Open file descriptors of this process (the tests run the Nest app in-process): files and pipes,
 * deleted temp files (spools), and sockets (the HTTP clients' connection pools, bounded separately).
 */
export function fds() {
  const links = readdirSync('/proc/self/fd').map((n) => { try { return readlinkSync(`/proc/self/fd/${n}`); } catch { return ''; } });
  const sockets = links.filter((l) => l.startsWith('socket:')).length;
  return { open: links.length - sockets, sockets, deletedFiles: links.filter((l) => l.endsWith('(deleted)')).length };
}

/** Starts a multipart upload of `declared` bytes, sends `sent` of them, then resets the socket. */
export function abandon(port, path, declared, sent, user = 'quitter') {
  return new Promise((resolve) => {
    const boundary = 'abandonboundary';
    const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n`);
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(`POST ${path} HTTP/1.1\r\nHost: x\r\nx-user: ${user}\r\nContent-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${head.length + declared + 100}\r\n\r\n`);
      socket.write(head);
      const png = makePng(900, 900, { noise: true });
      let written = 0;
      const pump = () => {
        while (written < sent) {
          const piece = png.subarray(0, Math.min(png.length, sent - written));
          written += piece.length;
          if (!socket.write(piece)) return socket.once('drain', pump);
        }
        setTimeout(() => { socket.resetAndDestroy(); resolve(); }, 100);
      };
      pump();
    });
    socket.on('error', () => resolve());
  });
}

/** Declares 10 MB, sends one part's first 50 KB and stops; resolves to the answer `{ status, headers, body }`. */
export function stall(port, path, user = 'staller') {
  return new Promise((resolve) => {
    const boundary = 'stallboundary';
    const req = httpRequest({ host: '127.0.0.1', port, path, method: 'POST', headers: { 'x-user': user, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': 10_000_000 } }, (res) => {
      let text = '';
      res.on('data', (d) => { text += d; });
      res.on('end', () => { req.destroy(); resolve({ status: res.statusCode, headers: res.headers, body: JSON.parse(text) }); });
    });
    req.on('error', () => {});
    req.write(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="s.png"\r\nContent-Type: image/png\r\n\r\n`);
    req.write(makePng(200, 200, { noise: true }).subarray(0, 50_000));
  });
}

/**
 * Streams one file of `total` bytes (numbered 1 MB blocks) to `path`, sampling this process's RSS; resolves
 * to `{ status, json, md5, base, peak, seconds }` (`md5` of what was sent).
 */
export async function streamLarge(port, path, total) {
  const boundary = 'cirrusboundary';
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const block = Buffer.alloc(1024 * 1024);
  const md5 = createHash('md5');
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 20);
  const base = process.memoryUsage().rss;
  const started = performance.now();
  try {
    const answer = await new Promise((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path, method: 'POST', headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': head.length + total + tail.length } }, (res) => {
        let text = '';
        res.on('data', (d) => { text += d; });
        res.on('end', () => resolve({ status: res.statusCode, json: JSON.parse(text) }));
      });
      req.on('error', reject);
      req.write(head);
      let sent = 0;
      const pump = () => {
        while (sent < total) {
          block.writeUInt32LE(sent / block.length, 0);
          md5.update(block);
          sent += block.length;
          if (!req.write(Buffer.from(block))) return req.once('drain', pump);
        }
        req.end(tail);
      };
      pump();
    });
    return { ...answer, md5: md5.digest('hex'), base, peak, seconds: (performance.now() - started) / 1000 };
  } finally {
    clearInterval(sampler);
  }
}

/** A multipart body of `count` empty fields. */
export function fieldFlood(count, boundary = 'floodboundary') {
  return Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="f"\r\n\r\n\r\n`.repeat(count) + `--${boundary}--\r\n`);
}

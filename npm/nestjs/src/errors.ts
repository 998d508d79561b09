import { HttpException, HttpStatus, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { ERROR_STATUS } from './codes.js';
import { nodeRequest } from './node-http.js';

/**
 * The HTTP status a cirrus error code answers with, from the registry (codes.ts, generated from
 * scripts/exports/errors.mjs). A code the registry does not know is a bug: 500, and logged.
 */
export function statusFor(code: string | undefined): number {
  const known = code === undefined ? undefined : ERROR_STATUS[code];
  if (!known) {
    logger.error(`unregistered error code ${String(code)}: add it to scripts/exports/errors.mjs`);
    return HttpStatus.INTERNAL_SERVER_ERROR;
  }
  return known.status;
}

const logger = new Logger('cirrus');
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The request's id: its `x-request-id` header when it is a plain token, else a new UUID. It is kept on the
 * Node request, so Fastify's request and the Node one under it (`request.raw`) answer with the same id.
 */
export function requestIdOf(request?: any): string {
  if (!request) return randomUUID();
  const node = nodeRequest(request) as { cirrusRequestId?: string; headers?: Record<string, unknown> };
  if (typeof node.cirrusRequestId === 'string') return node.cirrusRequestId;
  const given = node.headers?.['x-request-id'];
  const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
  try { node.cirrusRequestId = id; } catch { /* a frozen request keeps no id */ }
  return id;
}

/**
 * An HttpException from elsewhere (multer, Nest) given the request id cirrus puts in every error body:
 * a copy whose body is an object with `requestId`, the original as its cause.
 */
function withRequestId(err: HttpException, request?: any): HttpException {
  const body = err.getResponse();
  if (typeof body === 'object' && body !== null && typeof (body as { requestId?: unknown }).requestId === 'string') return err;
  const status = err.getStatus();
  const fields = typeof body === 'object' && body !== null ? body : { message: body };
  return new HttpException({ statusCode: status, ...fields, requestId: requestIdOf(request) }, status, { cause: err });
}

/**
 * A cirrus error as an HttpException whose body keeps the code: `{ statusCode, code, message, requestId }`
 * (an HttpException already is one: it gets the request id if its body has none).
 * Client errors (4xx) keep their message: cirrus writes those from the request alone. Server-side
 * failures (5xx: the upstream service, the repository, a bug) answer with a generic message, because
 * theirs may name hosts, URLs, users, constraints or Cloudinary's string to sign; the full error goes
 * to the log under the same request id.
 */
export function toHttpException(err: unknown, request?: any): HttpException {
  if (err instanceof HttpException) return withRequestId(err, request);
  const e = err as { code?: string; message?: string; http_code?: number };
  const code = e.code ?? 'INTERNAL';
  const status = statusFor(e.code);
  const requestId = requestIdOf(request);
  if (status < 500) {
    return new HttpException({ statusCode: status, code, message: e.message ?? String(err), requestId }, status);
  }
  logger.error(`[${requestId}] ${code}${e.http_code ? ` (HTTP ${e.http_code})` : ''}: ${e.message ?? String(err)}`);
  const message = code.startsWith('REPOSITORY_')
    ? 'The media database is unavailable; try again later'
    : 'The media service failed; try again later';
  return new HttpException({ statusCode: status, code, message: `${message} (request ${requestId})`, requestId }, status);
}

import { HttpException, HttpStatus, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { ERROR_STATUS } from './codes.js';

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

/** The request's id: its `x-request-id` header when it is a plain token, else a new UUID (kept on the request). */
export function requestIdOf(request?: any): string {
  if (!request) return randomUUID();
  if (typeof request.cirrusRequestId === 'string') return request.cirrusRequestId;
  const given = request.headers?.['x-request-id'];
  const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
  try { request.cirrusRequestId = id; } catch { /* a frozen request keeps no id */ }
  return id;
}

/**
 * A cirrus error as an HttpException whose body keeps the code: `{ statusCode, code, message, requestId }`.
 * Client errors (4xx) keep their message: cirrus writes those from the request alone. Server-side
 * failures (5xx: the upstream service, the repository, a bug) answer with a generic message, because
 * theirs may name hosts, URLs, users, constraints or Cloudinary's string to sign; the full error goes
 * to the log under the same request id.
 */
export function toHttpException(err: unknown, request?: any): HttpException {
  if (err instanceof HttpException) return err;
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

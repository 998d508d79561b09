import { HttpException, HttpStatus, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';

/** The HTTP status a cirrus error code answers with. */
export function statusFor(code: string | undefined): number {
  switch (code) {
    case 'MISSING_FILE': case 'MISSING_OWNER': case 'EMPTY_FILE': case 'INVALID_ARGUMENT': case 'INVALID_OPTION':
    case 'INVALID_IDENTIFIER': case 'INVALID_SIGNATURE': case 'IDENTIFIER_NOT_ALLOWED':
      return HttpStatus.BAD_REQUEST;
    case 'UNSUPPORTED_TYPE': return HttpStatus.UNSUPPORTED_MEDIA_TYPE;
    case 'FILE_TOO_LARGE': case 'PAYLOAD_TOO_LARGE': case 'TOO_MANY_FILES': case 'TOO_MANY_PARTS': return HttpStatus.PAYLOAD_TOO_LARGE;
    case 'NOT_FOUND': return HttpStatus.NOT_FOUND;
    case 'UPLOAD_IDLE': return HttpStatus.REQUEST_TIMEOUT;
    case 'INTENT_EXPIRED': case 'IDEMPOTENCY_IN_PROGRESS': return HttpStatus.CONFLICT;
    case 'ABORTED': return 499;
    case 'TIMEOUT': return HttpStatus.GATEWAY_TIMEOUT;
    case 'REPOSITORY_FAILED': case 'REPOSITORY_TIMEOUT': return HttpStatus.SERVICE_UNAVAILABLE;
    default: return HttpStatus.BAD_GATEWAY;
  }
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

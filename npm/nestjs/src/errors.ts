import { HttpException, HttpStatus } from '@nestjs/common';

/** The HTTP status a cirrus error code answers with. */
export function statusFor(code: string | undefined): number {
  switch (code) {
    case 'MISSING_FILE': case 'MISSING_OWNER': case 'EMPTY_FILE': case 'INVALID_ARGUMENT': case 'INVALID_OPTION':
    case 'INVALID_IDENTIFIER': case 'INVALID_SIGNATURE': case 'IDENTIFIER_NOT_ALLOWED':
      return HttpStatus.BAD_REQUEST;
    case 'UNSUPPORTED_TYPE': return HttpStatus.UNSUPPORTED_MEDIA_TYPE;
    case 'FILE_TOO_LARGE': case 'PAYLOAD_TOO_LARGE': case 'TOO_MANY_FILES': return HttpStatus.PAYLOAD_TOO_LARGE;
    case 'NOT_FOUND': return HttpStatus.NOT_FOUND;
    case 'INTENT_EXPIRED': case 'IDEMPOTENCY_IN_PROGRESS': return HttpStatus.CONFLICT;
    case 'REPOSITORY_FAILED': case 'REPOSITORY_TIMEOUT': return HttpStatus.SERVICE_UNAVAILABLE;
    case 'ABORTED': return 499;
    case 'TIMEOUT': return HttpStatus.GATEWAY_TIMEOUT;
    default: return HttpStatus.BAD_GATEWAY;
  }
}

/** A cirrus error as an HttpException whose body keeps the code: `{ statusCode, code, message }`. */
export function toHttpException(err: unknown): HttpException {
  if (err instanceof HttpException) return err;
  const e = err as { code?: string; message?: string };
  const status = statusFor(e.code);
  return new HttpException({ statusCode: status, code: e.code ?? 'INTERNAL', message: e.message ?? String(err) }, status);
}

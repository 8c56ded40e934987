import { HttpException, HttpStatus } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import { DomainError } from './domain-error';
import { ErrorBody } from './error-body';
import { UnacceptableBodyError } from './unacceptable-body';
import { RequestValidationError } from './validation';

// Network errors, and PostgreSQL's 'shutting down', 'cannot connect now', 'too many connections',
// 'not accepting connections' and connection-exception classes.
const DATABASE_UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  '57P01',
  '57P02',
  '57P03',
  '53300',
  '55000',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
]);

interface ErrorWithStatus {
  statusCode?: number;
  code?: string;
  message?: string;
  driverError?: { code?: string };
}

export interface MappedError {
  body: ErrorBody;
  /** True when the server, not the client, is at fault: worth an error log with the stack. */
  unexpected: boolean;
  /** Response headers the error calls for (`Retry-After`). */
  headers?: Record<string, string>;
}

/** Turns anything thrown into the one error shape; unknown errors never leak their message. */
export function mapError(exception: unknown, requestId: string): MappedError {
  const body = (statusCode: number, message: string, extra: Partial<ErrorBody> = {}): ErrorBody => ({
    statusCode,
    error: STATUS_CODES[statusCode] ?? 'Error',
    message,
    requestId,
    ...extra,
  });

  if (exception instanceof RequestValidationError) {
    return { body: body(400, exception.message, { code: 'VALIDATION.FAILED', errors: exception.fieldErrors }), unexpected: false };
  }
  if (exception instanceof DomainError) {
    const headers = exception.retryAfterSeconds === undefined ? undefined : { 'retry-after': String(Math.max(1, Math.ceil(exception.retryAfterSeconds))) };
    return { body: body(exception.status, exception.message, { code: exception.code, details: exception.details }), unexpected: false, headers };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    return { body: body(status, httpMessage(exception)), unexpected: status >= 500 };
  }
  const error = (exception ?? {}) as ErrorWithStatus;
  if (isDatabaseUnavailable(error)) {
    return {
      body: body(HttpStatus.SERVICE_UNAVAILABLE, 'The database is unavailable; try again shortly', { code: 'DATABASE.UNAVAILABLE' }),
      unexpected: false,
    };
  }
  if (error instanceof UnacceptableBodyError) return { body: body(400, error.message, { code: 'BODY.UNACCEPTABLE' }), unexpected: false };
  // Fastify's own errors (body too large, malformed JSON, unsupported media type) carry a 4xx statusCode.
  if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
    return { body: body(error.statusCode, fastifyMessage(error), error.code?.startsWith('FST_') ? { code: error.code } : {}), unexpected: false };
  }
  // Text PostgreSQL cannot store (NUL, invalid encoding) that reached it through a path or query.
  const sqlState = error.driverError?.code;
  if (sqlState === '22021' || sqlState === '22P05') {
    return { body: body(HttpStatus.BAD_REQUEST, 'Text must be valid Unicode without NUL characters', { code: 'VALIDATION.FAILED' }), unexpected: false };
  }
  return { body: body(HttpStatus.INTERNAL_SERVER_ERROR, 'Internal server error'), unexpected: true };
}

function httpMessage(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : exception.message;
}

function fastifyMessage(error: ErrorWithStatus): string {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'Request body is too large';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'Unsupported content type; send application/json';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'Request body is empty; send a JSON object';
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return 'Request body is not valid JSON';
    case 'FST_ERR_BAD_URL':
      return 'The URL is not valid (a malformed percent-encoding?)';
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return 'A path parameter is too long';
    default:
      return error.statusCode === 400 && /JSON/i.test(error.message ?? '')
        ? 'Request body is not valid JSON'
        : (STATUS_CODES[error.statusCode ?? 400] ?? 'Bad request');
  }
}

function isDatabaseUnavailable(error: ErrorWithStatus): boolean {
  const code = error.driverError?.code ?? error.code;
  if (code && DATABASE_UNAVAILABLE_CODES.has(code)) return true;
  const message = error.message ?? '';
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection is not established/i.test(message);
}

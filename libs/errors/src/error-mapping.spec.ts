import { BadRequestException, NotFoundException } from '@nestjs/common';
import { ConflictError, TooManyRequestsError, UnavailableError } from './domain-error';
import { mapError } from './error-mapping';
import { RequestValidationError } from './validation';

describe('mapError', () => {
  it('maps a domain error to its status and stable code', () => {
    expect(mapError(new ConflictError('ORDER.TRANSITION_NOT_ALLOWED', 'nope', { allowed: ['cancelled'] }), 'r1')).toEqual({
      body: { statusCode: 409, error: 'Conflict', message: 'nope', requestId: 'r1', code: 'ORDER.TRANSITION_NOT_ALLOWED', details: { allowed: ['cancelled'] } },
      unexpected: false,
    });
  });

  it('asks for Retry-After, in whole seconds of at least 1, when the error says when to retry', () => {
    expect(mapError(new TooManyRequestsError('AUTH.LOGIN_LOCKED', 'locked', 1.2), 'r')).toMatchObject({
      body: { statusCode: 429, error: 'Too Many Requests', code: 'AUTH.LOGIN_LOCKED', details: { retry_after_seconds: 1.2 } },
      headers: { 'retry-after': '2' },
    });
    expect(mapError(new UnavailableError('PASSWORDS.BUSY', 'busy', undefined, 0.001), 'r').headers).toEqual({ 'retry-after': '1' });
    expect(mapError(new UnavailableError('X.DOWN', 'down'), 'r').headers).toBeUndefined();
  });

  it('lists every field of a validation error', () => {
    const { body } = mapError(
      new RequestValidationError([
        { field: 'email', messages: ['bad'] },
        { field: 'password', messages: ['short'] },
      ]),
      'r',
    );
    expect(body).toMatchObject({
      statusCode: 400,
      code: 'VALIDATION.FAILED',
      message: 'bad; short',
      errors: [
        { field: 'email', messages: ['bad'] },
        { field: 'password', messages: ['short'] },
      ],
    });
  });

  it('keeps the message of Nest HTTP exceptions', () => {
    expect(mapError(new NotFoundException('Cannot GET /x'), 'r').body).toMatchObject({ statusCode: 404, error: 'Not Found', message: 'Cannot GET /x' });
    expect(mapError(new BadRequestException(['a', 'b']), 'r').body.message).toBe('a; b');
  });

  it('answers 503 when the database cannot be reached', () => {
    expect(mapError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }), 'r').body).toMatchObject({
      statusCode: 503,
      code: 'DATABASE.UNAVAILABLE',
    });
    expect(mapError(new Error('Connection terminated unexpectedly'), 'r').body.statusCode).toBe(503);
  });

  it('keeps Fastify client errors as 4xx with a clear message', () => {
    expect(mapError(Object.assign(new Error('too large'), { statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' }), 'r').body).toMatchObject({
      statusCode: 413,
      message: 'Request body is too large',
    });
  });

  it('hides the message of anything unexpected behind a 500', () => {
    const mapped = mapError(new TypeError("Cannot read properties of undefined (reading 'secret')"), 'r');
    expect(mapped).toEqual({ body: { statusCode: 500, error: 'Internal Server Error', message: 'Internal server error', requestId: 'r' }, unexpected: true });
  });
});

import { HttpStatus } from '@nestjs/common';

/**
 * A business rule said no. `code` is stable for clients (`ORDER.TRANSITION_NOT_ALLOWED`);
 * the status is decided here, in one place, so services never throw HTTP exceptions.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: HttpStatus,
    readonly details?: Record<string, unknown>,
    /** Sent as `Retry-After`: when the client may try again. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export class NotFoundError extends DomainError {
  constructor(resource: string) {
    super(`${resource.toUpperCase()}.NOT_FOUND`, `${resource} not found`, HttpStatus.NOT_FOUND);
  }
}

export class ConflictError extends DomainError {
  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(code, message, HttpStatus.CONFLICT, details);
  }
}

export class UnprocessableError extends DomainError {
  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(code, message, HttpStatus.UNPROCESSABLE_ENTITY, details);
  }
}

export class UnauthorizedError extends DomainError {
  constructor(message = 'Authentication required', code = 'AUTH.UNAUTHORIZED') {
    super(code, message, HttpStatus.UNAUTHORIZED);
  }
}

export class ForbiddenError extends DomainError {
  constructor(message = 'You are not allowed to do this') {
    super('AUTH.FORBIDDEN', message, HttpStatus.FORBIDDEN);
  }
}

/** Another service or the database could not be reached: the client may retry later. */
export class UnavailableError extends DomainError {
  constructor(code: string, message: string, details?: Record<string, unknown>, retryAfterSeconds?: number) {
    super(code, message, HttpStatus.SERVICE_UNAVAILABLE, details, retryAfterSeconds);
  }
}

/** Too many attempts of something: refused until `retryAfterSeconds` have passed. */
export class TooManyRequestsError extends DomainError {
  constructor(code: string, message: string, retryAfterSeconds: number) {
    super(code, message, HttpStatus.TOO_MANY_REQUESTS, { retry_after_seconds: retryAfterSeconds }, retryAfterSeconds);
  }
}

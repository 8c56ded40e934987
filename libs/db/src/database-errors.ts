import { QueryFailedError } from 'typeorm';

/** PostgreSQL's unique_violation. */
export const UNIQUE_VIOLATION = '23505';

/** PostgreSQL's check_violation. */
export const CHECK_VIOLATION = '23514';

/**
 * Every statement, whether TypeORM or an SqlStatement ran it, fails with TypeORM's
 * QueryFailedError around the pg error: this is the one place that reads it.
 */
function refusal(error: unknown): { code?: string; constraint?: string } | undefined {
  return error instanceof QueryFailedError ? (error.driverError as { code?: string; constraint?: string }) : undefined;
}

/** A unique index or constraint (this one, when named) refused the row. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const pgError = refusal(error);
  return pgError?.code === UNIQUE_VIOLATION && (constraint === undefined || pgError.constraint === constraint);
}

/** A CHECK constraint (this one, when named) refused the row. */
export function isCheckViolation(error: unknown, constraint?: string): boolean {
  const pgError = refusal(error);
  return pgError?.code === CHECK_VIOLATION && (constraint === undefined || pgError.constraint === constraint);
}

/** The name of the constraint a unique violation broke (for a row with two unique keys). */
export function violatedConstraint(error: unknown): string | undefined {
  return refusal(error)?.constraint;
}

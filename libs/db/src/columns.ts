import type { ValueTransformer } from 'typeorm';

/** bigint columns arrive from pg as strings; amounts in minor units stay far below 2^53. */
export const BIGINT_AS_NUMBER: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};

/** PostgreSQL's unique_violation. */
export const UNIQUE_VIOLATION = '23505';

/** For TypeORM's QueryFailedError (the pg error is its driverError) and for a pg error itself. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const pgError = ((error as { driverError?: unknown })?.driverError ?? error) as { code?: string; constraint?: string } | undefined;
  return pgError?.code === UNIQUE_VIOLATION && (constraint === undefined || pgError.constraint === constraint);
}

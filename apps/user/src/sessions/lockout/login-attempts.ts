/** How many failed logins an account may have, and how long it is then locked. */
export interface LockoutPolicy {
  maxFailures: number;
  failureWindowMs: number;
  lockoutMs: number;
  maxLockoutMs: number;
}

/**
 * Failed logins per account: Redis when REDIS_URL is set (one count for every replica), else this
 * process's memory. Each login attempt is counted as a failure before the password is checked, in one
 * atomic step, so concurrent guesses cannot slip past the limit; a success then clears the count.
 */
export abstract class LoginAttempts {
  /** 0 when the attempt may go ahead (and is counted), else the milliseconds the account stays locked. */
  abstract begin(key: string): Promise<number>;
  /** The password was right: failures, lockouts and their back-off are forgotten. */
  abstract succeeded(key: string): Promise<void>;
  /**
   * The attempt was counted but its password never checked (the hashing pool refused it, the client
   * left): it is not a failure, so a login flood the service sheds does not lock its users out.
   */
  abstract notChecked(key: string): Promise<void>;
  abstract close(): Promise<void>;
}

export interface AttemptRecord {
  failures: number;
  since: number;
  strikes: number;
  lockedUntil: number;
}

/**
 * The rule both stores apply (the Redis store in Lua, with the same steps): the attempt that reaches
 * `maxFailures` within the window is still checked, and locks the account for `lockoutMs`, doubled at
 * each further lockout up to `maxLockoutMs`. Returns the record to keep and the lock left, in ms.
 */
export function beginAttempt(record: AttemptRecord | undefined, now: number, policy: LockoutPolicy): { record: AttemptRecord; lockedForMs: number } {
  const current = record ?? { failures: 0, since: now, strikes: 0, lockedUntil: 0 };
  if (current.lockedUntil > now) return { record: current, lockedForMs: current.lockedUntil - now };
  let { failures, since, strikes, lockedUntil } = current;
  if (now - since >= policy.failureWindowMs) {
    failures = 0;
    since = now;
  }
  failures += 1;
  if (failures >= policy.maxFailures) {
    strikes += 1;
    lockedUntil = now + Math.min(policy.lockoutMs * 2 ** (strikes - 1), policy.maxLockoutMs);
    failures = 0;
    since = now;
  }
  return { record: { failures, since, strikes, lockedUntil }, lockedForMs: 0 };
}

/**
 * Takes back the failure `beginAttempt` counted for an attempt whose password was never checked. A
 * lock already set stays (the attempt that set it may have been the unchecked one, or not: the
 * cautious answer); otherwise the count drops by one.
 */
export function uncountAttempt(record: AttemptRecord, now: number): AttemptRecord {
  if (record.lockedUntil > now || record.failures === 0) return record;
  return { ...record, failures: record.failures - 1 };
}

/** How long a record is worth keeping: while locked or counting, then as long as the longest lockout, for the back-off. */
export function recordTtlMs(record: AttemptRecord, now: number, policy: LockoutPolicy): number {
  return Math.max(record.lockedUntil - now, policy.failureWindowMs) + policy.maxLockoutMs;
}

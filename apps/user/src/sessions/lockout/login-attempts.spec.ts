import { AttemptRecord, beginAttempt, LockoutPolicy } from './login-attempts';

const policy: LockoutPolicy = { maxFailures: 3, failureWindowMs: 60_000, lockoutMs: 10_000, maxLockoutMs: 25_000 };

/** Runs attempts at the given times and returns the lock left (ms) for each. */
function attempts(times: number[]): number[] {
  let record: AttemptRecord | undefined;
  return times.map((now) => {
    const result = beginAttempt(record, now, policy);
    record = result.record;
    return result.lockedForMs;
  });
}

describe('beginAttempt', () => {
  it('lets the third attempt through and locks for 10 s after it', () => {
    expect(attempts([0, 1, 2, 3, 10_001])).toEqual([0, 0, 0, 9_999, 1]);
  });

  it('doubles each further lockout, up to the maximum', () => {
    expect(attempts([0, 0, 0, 10_000, 10_000, 10_000, 10_001, 30_000, 30_000, 30_000, 30_001])).toEqual([0, 0, 0, 0, 0, 0, 19_999, 0, 0, 0, 24_999]);
  });

  it('forgets failures older than the window', () => {
    expect(attempts([0, 1, 60_002, 60_003, 60_004])).toEqual([0, 0, 0, 0, 0]);
  });
});

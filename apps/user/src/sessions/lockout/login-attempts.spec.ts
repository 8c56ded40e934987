import { AttemptRecord, beginAttempt, LockoutPolicy, uncountAttempt } from './login-attempts';

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

describe('uncountAttempt', () => {
  it('takes back an unchecked attempt, so any number of them never locks', () => {
    let record: AttemptRecord | undefined;
    for (let now = 0; now < 10; now++) {
      const result = beginAttempt(record, now, policy);
      expect(result.lockedForMs).toBe(0);
      record = uncountAttempt(result.record, now);
    }
    expect(record).toMatchObject({ failures: 0, lockedUntil: 0 });
  });

  it('keeps a lock already set, and counts real failures as before', () => {
    const locked = beginAttempt({ failures: 2, since: 0, strikes: 0, lockedUntil: 0 }, 5, policy).record;
    expect(uncountAttempt(locked, 5)).toEqual(locked);
    const failed = beginAttempt(undefined, 0, policy).record;
    expect(uncountAttempt(failed, 0).failures).toBe(0);
  });
});

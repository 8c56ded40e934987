import { AttemptRecord, beginAttempt, LockoutPolicy, LoginAttempts, recordTtlMs, uncountAttempt } from './login-attempts';

/** Bounds the memory an attacker can fill by trying many different usernames. */
const MAX_TRACKED = 100_000;

export class MemoryLoginAttempts extends LoginAttempts {
  private readonly records = new Map<string, { record: AttemptRecord; expiresAt: number }>();
  private readonly sweeper = setInterval(() => this.sweep(), 60_000).unref();

  constructor(private readonly policy: LockoutPolicy) {
    super();
  }

  async begin(key: string): Promise<number> {
    const now = Date.now();
    const entry = this.records.get(key);
    const { record, lockedForMs } = beginAttempt(entry && entry.expiresAt > now ? entry.record : undefined, now, this.policy);
    this.records.delete(key);
    if (this.records.size >= MAX_TRACKED) this.records.delete(this.records.keys().next().value!);
    this.records.set(key, { record, expiresAt: now + recordTtlMs(record, now, this.policy) });
    return lockedForMs;
  }

  async succeeded(key: string): Promise<void> {
    this.records.delete(key);
  }

  async notChecked(key: string): Promise<void> {
    const entry = this.records.get(key);
    if (entry) entry.record = uncountAttempt(entry.record, Date.now());
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
  }

  private sweep(): void {
    const now = Date.now();
    for (const [key, entry] of this.records) if (entry.expiresAt <= now) this.records.delete(key);
  }
}

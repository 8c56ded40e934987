import { UnavailableError } from '@app/errors';
import Redis from 'ioredis';
import { FailFastRedis } from '../../redis/fail-fast-redis';
import { LockoutPolicy, LoginAttempts } from './login-attempts';

const PREFIX = 'user:login-attempts:';

/**
 * `beginAttempt` (login-attempts.ts) in one Lua script: read, count and lock happen atomically, on
 * Redis's clock, however many replicas send attempts for the same account at once.
 */
const BEGIN = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local maxFailures, windowMs, lockoutMs, maxLockoutMs = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local r = redis.call('HMGET', KEYS[1], 'failures', 'since', 'strikes', 'locked_until')
local failures, since, strikes, lockedUntil = tonumber(r[1]) or 0, tonumber(r[2]) or now, tonumber(r[3]) or 0, tonumber(r[4]) or 0
if lockedUntil > now then return lockedUntil - now end
if now - since >= windowMs then failures = 0; since = now end
failures = failures + 1
if failures >= maxFailures then
  strikes = strikes + 1
  lockedUntil = now + math.floor(math.min(lockoutMs * 2 ^ (strikes - 1), maxLockoutMs))
  failures = 0; since = now
end
redis.call('HSET', KEYS[1], 'failures', failures, 'since', since, 'strikes', strikes, 'locked_until', lockedUntil)
redis.call('PEXPIRE', KEYS[1], math.max(lockedUntil - now, windowMs) + maxLockoutMs)
return 0
`;

/** `uncountAttempt` (login-attempts.ts) in one Lua script, on Redis's clock. */
const UNCOUNT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local r = redis.call('HMGET', KEYS[1], 'failures', 'locked_until')
local failures, lockedUntil = tonumber(r[1]) or 0, tonumber(r[2]) or 0
if lockedUntil > now or failures == 0 then return 0 end
redis.call('HSET', KEYS[1], 'failures', failures - 1)
return 1
`;

export class RedisLoginAttempts extends LoginAttempts {
  private readonly connection: FailFastRedis;
  private readonly redis: Redis;

  constructor(
    url: string,
    private readonly policy: LockoutPolicy,
  ) {
    super();
    this.connection = new FailFastRedis(url, () => new UnavailableError('AUTH.LOCKOUT_UNAVAILABLE', 'Logins cannot be checked right now; try again shortly'));
    this.redis = this.connection.client;
    this.redis.defineCommand('beginLoginAttempt', { numberOfKeys: 1, lua: BEGIN });
    this.redis.defineCommand('uncountLoginAttempt', { numberOfKeys: 1, lua: UNCOUNT });
  }

  connect(): Promise<void> {
    return this.connection.connect();
  }

  begin(key: string): Promise<number> {
    const { maxFailures, failureWindowMs, lockoutMs, maxLockoutMs } = this.policy;
    const redis = this.redis as unknown as { beginLoginAttempt(...args: (string | number)[]): Promise<number> };
    return this.call(() => redis.beginLoginAttempt(PREFIX + key, maxFailures, failureWindowMs, lockoutMs, maxLockoutMs));
  }

  succeeded(key: string): Promise<void> {
    return this.call(async () => void (await this.redis.del(PREFIX + key)));
  }

  notChecked(key: string): Promise<void> {
    const redis = this.redis as unknown as { uncountLoginAttempt(key: string): Promise<number> };
    return this.call(async () => void (await redis.uncountLoginAttempt(PREFIX + key)));
  }

  async close(): Promise<void> {
    this.connection.close();
  }

  private call<T>(command: () => Promise<T>): Promise<T> {
    return this.connection.call(command);
  }
}

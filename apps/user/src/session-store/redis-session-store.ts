import { UnavailableError } from '@app/errors';
import Redis from 'ioredis';
import { FailFastRedis } from '../redis/fail-fast-redis';
import { SessionStore } from './session-store';

const PREFIX = 'user:session:';

export class RedisSessionStore extends SessionStore {
  private readonly connection: FailFastRedis;
  private readonly redis: Redis;

  constructor(url: string) {
    super();
    this.connection = new FailFastRedis(url, () => new UnavailableError('SESSIONS.UNAVAILABLE', 'The session store is unavailable; try again shortly'));
    this.redis = this.connection.client;
  }

  connect(): Promise<void> {
    return this.connection.connect();
  }

  put(key: string, value: string, ttlSeconds: number): Promise<void> {
    return this.call(async () => void (await this.redis.set(PREFIX + key, value, 'EX', ttlSeconds)));
  }

  get(key: string): Promise<string | null> {
    return this.call(() => this.redis.get(PREFIX + key));
  }

  take(key: string): Promise<string | null> {
    return this.call(() => this.redis.getdel(PREFIX + key));
  }

  delete(...keys: string[]): Promise<void> {
    return this.call(async () => void (keys.length && (await this.redis.del(...keys.map((k) => PREFIX + k)))));
  }

  addMember(key: string, member: string, ttlSeconds: number): Promise<void> {
    return this.call(
      async () =>
        void (await this.redis
          .multi()
          .sadd(PREFIX + key, member)
          .expire(PREFIX + key, ttlSeconds)
          .exec()),
    );
  }

  members(key: string): Promise<string[]> {
    return this.call(() => this.redis.smembers(PREFIX + key));
  }

  removeMembers(key: string, ...members: string[]): Promise<void> {
    return this.call(async () => void (members.length && (await this.redis.srem(PREFIX + key, ...members))));
  }

  ping(): Promise<void> {
    return this.call(async () => void (await this.redis.ping()));
  }

  async close(): Promise<void> {
    this.connection.close();
  }

  private call<T>(command: () => Promise<T>): Promise<T> {
    return this.connection.call(command);
  }
}

import Redis from 'ioredis';

/**
 * The user service's Redis connection (sessions, login lockout): it fails fast while Redis is away
 * instead of queueing commands behind a reconnect, and a failed command becomes the caller's own
 * 503, so a client learns which feature is unavailable.
 */
export class FailFastRedis {
  readonly client: Redis;

  constructor(
    url: string,
    private readonly unavailable: () => Error,
  ) {
    this.client = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000, lazyConnect: true });
    // Each command's failure reaches its caller; an unhandled 'error' event would only crash the process.
    this.client.on('error', () => undefined);
  }

  async connect(): Promise<void> {
    await this.client.connect();
  }

  close(): void {
    this.client.disconnect();
  }

  async call<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch {
      throw this.unavailable();
    }
  }
}

import { PasswordHashMetrics } from './password-hash.metrics';
import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import bcrypt from 'bcryptjs';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Piscina } from 'piscina';
import { userConfig, UserConfig } from '../config/user.config';
import type { BcryptTask } from './bcrypt.worker';
import { BCRYPT_MAX_PASSWORD_BYTES, exceedsBcryptLimit } from '../password-policy/password-length';
import { HashingQueue } from './hashing-queue';

/**
 * bcrypt at the configured cost, on a pool of worker threads (PASSWORD_HASH_THREADS, default one
 * per core) so that logins neither block nor queue behind the event loop. With 0 threads it runs
 * in-process (bcryptjs's async API, which yields between rounds). The threads all start at once
 * and run at a lower priority (piscina's niceIncrement, through its optional @napi-rs/nice): when
 * the cores are busy, answering requests comes before hashing. In front of the threads, a bounded
 * queue (PASSWORD_HASH_QUEUE_LIMIT, PASSWORD_HASH_MAX_WAIT_MS) refuses work no client would wait for.
 */
const HASHING_NICENESS = 10;

@Injectable()
export class PasswordHasher implements OnApplicationShutdown {
  private readonly pool?: Piscina;
  private readonly queue: HashingQueue;
  private decoy?: Promise<string>;

  constructor(
    @Inject(userConfig.KEY) private readonly config: UserConfig,
    metrics: PasswordHashMetrics,
  ) {
    // In-process, one hash at a time: concurrent bcryptjs calls would only interleave on the one thread.
    this.queue = new HashingQueue(Math.max(1, config.PASSWORD_HASH_THREADS), config.PASSWORD_HASH_QUEUE_LIMIT, config.PASSWORD_HASH_MAX_WAIT_MS, metrics);
    if (config.PASSWORD_HASH_THREADS > 0) {
      const filename = join(__dirname, 'bcrypt.worker.js');
      if (!existsSync(filename)) throw new Error(`${filename} is missing: build the service, or set PASSWORD_HASH_THREADS=0`);
      this.pool = new Piscina({
        filename,
        minThreads: config.PASSWORD_HASH_THREADS,
        maxThreads: config.PASSWORD_HASH_THREADS,
        niceIncrement: HASHING_NICENESS,
      });
      new Logger(PasswordHasher.name).log(`Hashing passwords on ${config.PASSWORD_HASH_THREADS} worker thread(s)`);
    }
  }

  /** `clientGone`: the request's client has closed its connection, so a queued job is dropped. */
  hash(password: string, clientGone?: AbortSignal): Promise<string> {
    // Requests are validated before this; a longer password would be cut by bcrypt, never refused.
    if (exceedsBcryptLimit(password)) return Promise.reject(new Error(`A password longer than ${BCRYPT_MAX_PASSWORD_BYTES} bytes reached the hasher`));
    return this.run({ op: 'hash', password, cost: this.config.BCRYPT_COST }, clientGone) as Promise<string>;
  }

  /** A password over bcrypt's 72 bytes never matches: bcrypt would compare only its first 72. */
  verify(password: string, hash: string, clientGone?: AbortSignal): Promise<boolean> {
    if (exceedsBcryptLimit(password)) return this.verifyAgainstDecoy(password, clientGone);
    return this.run({ op: 'compare', password, hash }, clientGone) as Promise<boolean>;
  }

  /** Spends the same time as a real check, so an unknown user cannot be told from a wrong password. */
  async verifyAgainstDecoy(password: string, clientGone?: AbortSignal): Promise<false> {
    this.decoy ??= this.hash('decoy-password-for-unknown-users').catch((error: unknown) => {
      this.decoy = undefined;
      throw error;
    });
    await this.run({ op: 'compare', password, hash: await this.decoy }, clientGone);
    return false;
  }

  /** After the HTTP server has drained: requests still in flight need the pool. */
  async onApplicationShutdown(): Promise<void> {
    await this.pool?.destroy();
  }

  private run(task: BcryptTask, clientGone?: AbortSignal): Promise<string | boolean> {
    return this.queue.run(() => {
      if (this.pool) return this.pool.run(task);
      return task.op === 'hash' ? bcrypt.hash(task.password, task.cost) : bcrypt.compare(task.password, task.hash);
    }, clientGone);
  }
}

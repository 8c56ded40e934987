import { DomainError, UnavailableError } from '@app/errors';
import type { HttpStatus } from '@nestjs/common';

export interface HashingQueueEvents {
  queueLength(length: number): void;
  jobsRunning(count: number): void;
  jobSkipped(reason: 'client_gone'): void;
  jobRejected(reason: 'queue_full' | 'waited_too_long'): void;
}

interface Waiter {
  start(): void;
  fail(error: Error): void;
}

/** Like nginx's 499: nobody reads this answer, but the access log says why the request ended. */
export class ClientGoneError extends DomainError {
  constructor() {
    super('REQUEST.CLIENT_CLOSED', 'The client closed the connection before its password was checked', 499 as HttpStatus);
  }
}

/**
 * At most `concurrency` hashes run at once; at most `limit` wait, each for at most `maxWaitMs`, which
 * should be shorter than a client waits for its answer (the gateway's proxy timeout). Past either, the
 * job is refused with 503 and Retry-After instead of being done for a client that has given up. A job
 * whose client has gone is dropped from the queue at once.
 */
export class HashingQueue {
  private running = 0;
  private readonly waiting: Waiter[] = [];

  constructor(
    private readonly concurrency: number,
    private readonly limit: number,
    private readonly maxWaitMs: number,
    private readonly events: HashingQueueEvents,
  ) {}

  async run<T>(job: () => Promise<T>, clientGone?: AbortSignal): Promise<T> {
    if (clientGone?.aborted) return this.skip();
    if (this.running < this.concurrency && this.waiting.length === 0) this.started();
    else await this.waitForTurn(clientGone);
    try {
      return await job();
    } finally {
      this.running -= 1;
      this.events.jobsRunning(this.running);
      this.next();
    }
  }

  private waitForTurn(clientGone?: AbortSignal): Promise<void> {
    if (this.waiting.length >= this.limit) {
      this.events.jobRejected('queue_full');
      return Promise.reject(this.busy());
    }
    return new Promise<void>((resolve, reject) => {
      const leave = () => {
        clearTimeout(timer);
        clientGone?.removeEventListener('abort', onGone);
        const index = this.waiting.indexOf(waiter);
        if (index >= 0) this.waiting.splice(index, 1);
        this.events.queueLength(this.waiting.length);
      };
      const waiter: Waiter = {
        start: () => {
          leave();
          this.started();
          resolve();
        },
        fail: (error) => {
          leave();
          reject(error);
        },
      };
      const timer = setTimeout(() => {
        this.events.jobRejected('waited_too_long');
        waiter.fail(this.busy());
      }, this.maxWaitMs);
      const onGone = () => {
        this.events.jobSkipped('client_gone');
        waiter.fail(new ClientGoneError());
      };
      clientGone?.addEventListener('abort', onGone, { once: true });
      this.waiting.push(waiter);
      this.events.queueLength(this.waiting.length);
    });
  }

  private started(): void {
    this.running += 1;
    this.events.jobsRunning(this.running);
  }

  private next(): void {
    if (this.running < this.concurrency) this.waiting[0]?.start();
  }

  private skip(): never {
    this.events.jobSkipped('client_gone');
    throw new ClientGoneError();
  }

  private busy(): UnavailableError {
    const retryAfterSeconds = Math.max(1, Math.ceil(this.maxWaitMs / 1000));
    return new UnavailableError(
      'PASSWORDS.BUSY',
      'The service is busy checking passwords; try again shortly',
      { retry_after_seconds: retryAfterSeconds },
      retryAfterSeconds,
    );
  }
}

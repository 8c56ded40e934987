import { Injectable } from '@nestjs/common';
import { InjectMetric, makeCounterProvider, makeGaugeProvider } from '@willsoto/nestjs-prometheus';
import type { Counter, Gauge } from 'prom-client';

/** Metric names shared with the Grafana dashboards and alert rules in monitoring/. */
const METRICS = {
  passwordHashQueue: 'password_hash_queue_length',
  passwordHashRunning: 'password_hash_running',
  passwordHashSkipped: 'password_hash_skipped_total',
  passwordHashRejected: 'password_hash_rejected_total',
} as const;

export const passwordHashMetricProviders = [
  makeGaugeProvider({ name: METRICS.passwordHashQueue, help: 'Password hashes waiting for a hashing thread' }),
  makeGaugeProvider({ name: METRICS.passwordHashRunning, help: 'Password hashes and checks in progress' }),
  makeCounterProvider({ name: METRICS.passwordHashSkipped, help: 'Queued password hashes not done because their client had gone', labelNames: ['reason'] }),
  makeCounterProvider({
    name: METRICS.passwordHashRejected,
    help: 'Password hashes refused with 503: the queue was full, or the job waited longer than PASSWORD_HASH_MAX_WAIT_MS',
    labelNames: ['reason'],
  }),
];

@Injectable()
export class PasswordHashMetrics {
  constructor(
    @InjectMetric(METRICS.passwordHashQueue) private readonly queue: Gauge<string>,
    @InjectMetric(METRICS.passwordHashRunning) private readonly running: Gauge<string>,
    @InjectMetric(METRICS.passwordHashSkipped) private readonly skipped: Counter<string>,
    @InjectMetric(METRICS.passwordHashRejected) private readonly rejected: Counter<string>,
  ) {
    queue.set(0);
    running.set(0);
    skipped.inc({ reason: 'client_gone' }, 0);
    for (const reason of ['queue_full', 'waited_too_long']) rejected.inc({ reason }, 0);
  }

  queueLength(length: number): void {
    this.queue.set(length);
  }

  jobsRunning(count: number): void {
    this.running.set(count);
  }

  jobSkipped(reason: 'client_gone'): void {
    this.skipped.inc({ reason });
  }

  jobRejected(reason: 'queue_full' | 'waited_too_long'): void {
    this.rejected.inc({ reason });
  }
}

import { SqlStatement } from '@app/db';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { PaymentEvent } from './payment-event.entity';
import { paymentEventFromRow, PaymentEventRow } from './payment-event.rows';

export interface OutboxBacklog {
  undelivered: number;
  /** Age of the oldest undelivered event, 0 when every event is delivered. */
  oldestAgeSeconds: number;
}

const CLEANUP_BATCH = 1000;

/** Due events, locked until the transaction ends; other replicas skip them rather than wait. */
const LOCK_DUE = new SqlStatement<PaymentEventRow>(
  'payment_events_lock_due',
  'SELECT * FROM payment_events WHERE delivered_at IS NULL AND next_attempt_at <= now() ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED',
);

const MARK_DELIVERED = new SqlStatement<never>('payment_events_mark_delivered', 'UPDATE payment_events SET delivered_at = now() WHERE id = $1');

const SCHEDULE_RETRY = new SqlStatement<never>(
  'payment_events_schedule_retry',
  `UPDATE payment_events SET attempts = attempts + 1, next_attempt_at = now() + $2::float8 * interval '1 millisecond', last_error = $3
   WHERE id = $1`,
);

const BACKLOG = new SqlStatement<{ undelivered: number; oldest: number }>(
  'payment_events_backlog',
  `SELECT count(*)::int AS undelivered, coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8 AS oldest
   FROM payment_events WHERE delivered_at IS NULL`,
);

/** A batch at a time, so no statement holds many locks. */
const DELETE_DELIVERED = new SqlStatement<{ id: string }>(
  'payment_events_delete_delivered',
  `DELETE FROM payment_events WHERE id IN (
     SELECT id FROM payment_events WHERE delivered_at < now() - $1::float8 * interval '1 hour' LIMIT ${CLEANUP_BATCH})
   RETURNING id`,
);

export type DeliveryOutcome = { delivered: true } | { delivered: false; error: string; retryInMs: number };

@Injectable()
export class PaymentEventsRepository {
  constructor(@InjectRepository(PaymentEvent) private readonly events: Repository<PaymentEvent>) {}

  /** Locks up to `limit` due events (other replicas skip them), delivers them and records each outcome; returns how many. */
  processDue(limit: number, deliver: (event: PaymentEvent) => Promise<DeliveryOutcome>): Promise<number> {
    return this.events.manager.transaction(async (manager) => {
      const due = (await LOCK_DUE.rows(manager, [limit])).map(paymentEventFromRow);
      // Concurrently, so the transaction never idles longer than one call's timeout.
      const outcomes = await Promise.all(due.map(deliver));
      for (const [index, event] of due.entries()) {
        const outcome = outcomes[index];
        if (outcome.delivered) await MARK_DELIVERED.rows(manager, [event.id]);
        else await SCHEDULE_RETRY.rows(manager, [event.id, outcome.retryInMs, outcome.error.slice(0, 1000)]);
      }
      return due.length;
    });
  }

  /** What the relay still has to deliver: the outbox's backlog for the saturation metrics. */
  async backlog(): Promise<OutboxBacklog> {
    const [row] = await BACKLOG.rows(this.events.manager.connection, []);
    return { undelivered: Number(row.undelivered), oldestAgeSeconds: Math.max(0, Number(row.oldest)) };
  }

  /** Deletes events delivered more than `retentionHours` ago, in batches so no statement holds many locks; returns how many. */
  async deleteDelivered(retentionHours: number): Promise<number> {
    let deleted = 0;
    for (;;) {
      const count = (await DELETE_DELIVERED.rows(this.events.manager.connection, [retentionHours])).length;
      deleted += count;
      if (count < CLEANUP_BATCH) return deleted;
    }
  }
}

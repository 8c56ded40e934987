import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { PaymentEvent } from './payment-event.entity';

export interface OutboxBacklog {
  undelivered: number;
  /** Age of the oldest undelivered event, 0 when every event is delivered. */
  oldestAgeSeconds: number;
}

const CLEANUP_BATCH = 1000;

export type DeliveryOutcome = { delivered: true } | { delivered: false; error: string; retryInMs: number };

@Injectable()
export class PaymentEventsRepository {
  constructor(@InjectRepository(PaymentEvent) private readonly events: Repository<PaymentEvent>) {}

  /** Locks up to `limit` due events (other replicas skip them), delivers them and records each outcome; returns how many. */
  processDue(limit: number, deliver: (event: PaymentEvent) => Promise<DeliveryOutcome>): Promise<number> {
    return this.events.manager.transaction(async (manager) => {
      const due = await manager
        .createQueryBuilder(PaymentEvent, 'event')
        .where('event.deliveredAt IS NULL AND event.nextAttemptAt <= now()')
        .orderBy('event.nextAttemptAt', 'ASC')
        .limit(limit)
        .setLock('pessimistic_write')
        .setOnLocked('skip_locked')
        .getMany();
      // Concurrently, so the transaction never idles longer than one call's timeout.
      const outcomes = await Promise.all(due.map(deliver));
      for (const [index, event] of due.entries()) {
        const outcome = outcomes[index];
        if (outcome.delivered) {
          await manager.update(PaymentEvent, { id: event.id }, { deliveredAt: () => 'now()' });
        } else {
          await manager
            .createQueryBuilder()
            .update(PaymentEvent)
            .set({ attempts: () => 'attempts + 1', nextAttemptAt: () => "now() + :retryInMs * interval '1 millisecond'", lastError: outcome.error.slice(0, 1000) })
            .where({ id: event.id })
            .setParameter('retryInMs', outcome.retryInMs)
            .execute();
        }
      }
      return due.length;
    });
  }

  /** What the relay still has to deliver: the outbox's backlog for the saturation metrics. */
  async backlog(): Promise<OutboxBacklog> {
    const [row] = await this.events.query(
      `SELECT count(*)::int AS undelivered, coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8 AS oldest
         FROM payment_events WHERE delivered_at IS NULL`,
    );
    return { undelivered: Number(row.undelivered), oldestAgeSeconds: Math.max(0, Number(row.oldest)) };
  }

  /** Deletes events delivered more than `retentionHours` ago, in batches so no statement holds many locks; returns how many. */
  async deleteDelivered(retentionHours: number): Promise<number> {
    let deleted = 0;
    for (;;) {
      const [, count] = (await this.events.query(
        `DELETE FROM payment_events WHERE id IN (
           SELECT id FROM payment_events WHERE delivered_at < now() - $1 * interval '1 hour' LIMIT ${CLEANUP_BATCH})`,
        [retentionHours],
      )) as [unknown, number];
      deleted += count;
      if (count < CLEANUP_BATCH) return deleted;
    }
  }
}

import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { PaymentEvent } from './payment-event.entity';

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
}

import { SqlStatement } from '@app/db';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { OrderStatus } from '../orders/order-status';
import type { Settlement } from '../orders/payment-settlement';

export interface ClaimedOrder {
  id: string;
  status: OrderStatus;
  paymentId: string | null;
  paymentAttempt: number;
  totalMinor: number;
  currency: string;
  /** The claim's database time: a later change of the order makes it due again. */
  claimedAt: string;
}

interface ClaimedRow {
  id: string;
  status: OrderStatus;
  payment_id: string | null;
  payment_attempt: number;
  total_minor: string;
  currency: string;
  claimed_at: string;
}

/**
 * Due: last changed before `settleAfterMs` and not verified since (or, unless cancelled or refunded,
 * verified longer than `reverifyAfterMs` ago). SKIP LOCKED plus the lease keep two replicas off the
 * same order, with one statement and no transaction left open (PGlite shares one session).
 */
const CLAIM = new SqlStatement<ClaimedRow>(
  'reconcile_claim',
  `
  UPDATE orders o SET reconcile_lease_until = now() + $1::float8 * interval '1 millisecond'
  WHERE o.id IN (
    SELECT id FROM orders
    WHERE (reconcile_lease_until IS NULL OR reconcile_lease_until < now())
      AND updated_at < now() - $2::float8 * interval '1 millisecond'
      AND (verified_at IS NULL OR verified_at < updated_at
           OR (status NOT IN ('cancelled', 'refunded') AND verified_at < now() - $3::float8 * interval '1 millisecond'))
    ORDER BY updated_at
    LIMIT $4
    FOR UPDATE SKIP LOCKED)
  RETURNING o.id, o.status, o.payment_id, o.payment_attempt, o.total_minor, o.currency, now()::text AS claimed_at`,
);

/** Every change below also ends the lease and records the verification in the same statement. */
const DONE = 'verified_at = now(), reconcile_lease_until = NULL';

const MARK_VERIFIED = new SqlStatement<never>(
  'reconcile_mark_verified',
  'UPDATE orders SET verified_at = $2::timestamptz, reconcile_lease_until = NULL WHERE id = $1',
);

const RELEASE = new SqlStatement<never>('reconcile_release', 'UPDATE orders SET reconcile_lease_until = NULL WHERE id = $1');

/** A payment to give back ($6) leaves the order unverified, so the next pass refunds it. */
const SETTLE_PENDING = new SqlStatement<{ id: string }>(
  'reconcile_settle_pending',
  `UPDATE orders SET status = $3, payment_id = $4, status_reason = $5, updated_at = now(),
     verified_at = CASE WHEN $6 THEN NULL ELSE now() END, reconcile_lease_until = NULL
   WHERE id = $1 AND status = 'pending' AND payment_attempt = $2 RETURNING id`,
);

const EXPLAIN_PENDING = new SqlStatement<{ id: string }>(
  'reconcile_explain_pending',
  `UPDATE orders SET status_reason = $3, updated_at = now(), ${DONE}
   WHERE id = $1 AND status = 'pending' AND payment_attempt = $2 AND status_reason IS DISTINCT FROM $3 RETURNING id`,
);

const REFUND_PAID_ORDER = new SqlStatement<{ id: string }>(
  'reconcile_refund_paid_order',
  `UPDATE orders SET status = 'refunded', status_reason = $3, updated_at = now(), ${DONE}
   WHERE id = $1 AND status IN ('confirmed', 'shipped', 'delivered') AND payment_id = $2 RETURNING id`,
);

const NOTE_CANCELLED_REFUNDED = new SqlStatement<never>(
  'reconcile_note_cancelled_refunded',
  `UPDATE orders SET status_reason = $2, updated_at = now(), ${DONE} WHERE id = $1 AND status = 'cancelled'`,
);

@Injectable()
export class ReconciliationRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async claimDue(options: { leaseMs: number; settleAfterMs: number; reverifyAfterMs: number; limit: number }): Promise<ClaimedOrder[]> {
    const rows = await CLAIM.rows(this.dataSource, [options.leaseMs, options.settleAfterMs, options.reverifyAfterMs, options.limit]);
    return rows.map((row) => ({
      id: row.id,
      status: row.status,
      paymentId: row.payment_id,
      paymentAttempt: row.payment_attempt,
      totalMinor: Number(row.total_minor),
      currency: row.currency,
      claimedAt: row.claimed_at,
    }));
  }

  /** Found in agreement as of the claim. */
  async markVerified(order: ClaimedOrder): Promise<void> {
    await MARK_VERIFIED.rows(this.dataSource, [order.id, order.claimedAt]);
  }

  async release(id: string): Promise<void> {
    await RELEASE.rows(this.dataSource, [id]);
  }

  /** Settles a pending order at the attempt the reconciler saw; false when it moved meanwhile. */
  async settlePending(order: ClaimedOrder, settlement: Settlement): Promise<boolean> {
    const values = [order.id, order.paymentAttempt, settlement.status, settlement.paymentId, settlement.statusReason, settlement.refund === true];
    return (await SETTLE_PENDING.rows(this.dataSource, values)).length > 0;
  }

  /** Says why a pending order is still pending; false when it already said so (or moved). */
  async explainPending(order: ClaimedOrder, statusReason: string): Promise<boolean> {
    return (await EXPLAIN_PENDING.rows(this.dataSource, [order.id, order.paymentAttempt, statusReason])).length > 0;
  }

  async refundPaidOrder(order: ClaimedOrder, paymentId: string, statusReason: string): Promise<boolean> {
    return (await REFUND_PAID_ORDER.rows(this.dataSource, [order.id, paymentId, statusReason])).length > 0;
  }

  /** A cancelled order's payment went back: its reason no longer says the refund is pending. */
  async noteCancelledRefunded(order: ClaimedOrder, statusReason: string): Promise<void> {
    await NOTE_CANCELLED_REFUNDED.rows(this.dataSource, [order.id, statusReason]);
  }
}

import { OrderMetrics } from '../orders/order.metrics';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { PaymentsClient } from '../clients/payments.client';
import { orderConfig, OrderConfig } from '../config/order.config';
import { PAYMENT_WAS_REFUNDED } from '../orders/payment-settlement';
import { assess } from './order-payment-agreement';
import { ClaimedOrder, ReconciliationRepository } from './reconciliation.repository';
import { ReconciliationMetrics } from './reconciliation.metrics';

const BATCH_SIZE = 20;
const MAX_BATCHES_PER_PASS = 10;
/** Long enough for a batch of calls to the payment service; a replica that dies frees its orders after it. */
const LEASE_MS = 120_000;
const NO_PAYMENT = 'No payment went through for this order; pay it with POST /orders/{id}/pay';
const CANCELLED_REFUNDED = 'Cancelled; its payment was refunded';

/**
 * Brings orders and their payments into agreement after what a request could not finish (a
 * process killed mid-checkout, a lost reply, a refund that failed): on a timer, from the
 * database, each order at most once per change (plus a slow re-check while it can still change).
 */
@Injectable()
export class Reconciler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(Reconciler.name);
  private timer?: NodeJS.Timeout;
  private pass?: Promise<void>;
  private stopped = false;

  constructor(
    @Inject(orderConfig.KEY) private readonly config: OrderConfig,
    private readonly orders: ReconciliationRepository,
    private readonly payments: PaymentsClient,
    private readonly metrics: ReconciliationMetrics,
    private readonly orderMetrics: OrderMetrics,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule();
  }

  /** Before the database closes: no new pass, and the current one ends after its current order. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.pass;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.pass = this.runPass()
        .catch((error: Error) => this.logger.error(`Reconciliation pass failed: ${error.message}`))
        .finally(() => {
          this.pass = undefined;
          this.schedule();
        });
    }, this.config.RECONCILE_INTERVAL_MS);
  }

  async runPass(): Promise<void> {
    const claim = {
      leaseMs: LEASE_MS,
      // Never while a charge may still answer: the request making it settles the order itself.
      settleAfterMs: Math.max(this.config.RECONCILE_SETTLE_AFTER_MS, this.payments.chargeWindowMs),
      reverifyAfterMs: this.config.RECONCILE_REVERIFY_AFTER_MS,
      limit: BATCH_SIZE,
    };
    for (let batch = 0; batch < MAX_BATCHES_PER_PASS && !this.stopped; batch++) {
      const claimed = await this.orders.claimDue(claim);
      for (const order of claimed) {
        if (this.stopped) await this.orders.release(order.id);
        else await this.verify(order);
      }
      if (claimed.length < BATCH_SIZE) return;
    }
  }

  private async verify(order: ClaimedOrder): Promise<void> {
    const requestId = `reconcile-${randomUUID()}`;
    try {
      const finding = assess(order, await this.payments.paymentsOf(order.id, requestId));
      switch (finding.kind) {
        case 'agreed':
          return await this.orders.markVerified(order);
        case 'pending_paid':
        case 'pending_unpayable':
          if (await this.orders.settlePending(order, finding.settlement)) {
            this.metrics.found(finding.kind);
            if (finding.kind === 'pending_paid') this.orderMetrics.orderConfirmed(order.currency, order.totalMinor);
            this.logger.warn(`Order ${order.id} was pending past its charge window; its payments settle it as ${finding.settlement.status}`);
          } else await this.orders.release(order.id);
          return;
        case 'pending_unpaid':
          if (await this.orders.explainPending(order, NO_PAYMENT)) this.metrics.found(finding.kind);
          else await this.orders.markVerified(order);
          return;
        case 'unrefunded_payment':
          await this.payments.refund(finding.paymentId, requestId);
          this.metrics.found(finding.kind);
          this.logger.warn(`Order ${order.id} is ${order.status} but its payment ${finding.paymentId} was still completed: refunded it`);
          if (order.status === 'cancelled') return await this.orders.noteCancelledRefunded(order, CANCELLED_REFUNDED);
          return await this.orders.markVerified(order);
        case 'refunded_payment':
          if (await this.orders.refundPaidOrder(order, finding.paymentId, PAYMENT_WAS_REFUNDED)) this.metrics.found(finding.kind);
          else await this.orders.release(order.id);
          return;
      }
    } catch (error) {
      // The payment service unreachable, most likely: the order is due again at the next pass.
      this.logger.warn(`Could not reconcile order ${order.id}: ${(error as Error).message}`);
      await this.orders.release(order.id).catch(() => undefined);
    }
  }
}

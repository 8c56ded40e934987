import type { AuthenticatedUser } from '@app/auth';
import { ConflictError, fingerprint, PaymentMethod, NotFoundError, Page, ServiceUnreachableError, UnavailableError, UnprocessableError } from '@app/bootstrap';
import { OrderMetrics } from '@app/metrics';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { PaymentsClient } from '../clients/payments.client';
import { UsersClient } from '../clients/users.client';
import { orderConfig, OrderConfig } from '../config/order.config';
import { CreateOrderDto } from './dto/create-order.dto';
import { PaymentEventDto } from './dto/payment-event.dto';
import { Order } from './order.entity';
import { assertRequestable, assertTransition, OrderStatus } from './order-status';
import { DuplicateIdempotencyKeyError, NewOrder, OrdersRepository } from './orders.repository';

export interface PlacedOrder {
  order: Order;
  /** True when an earlier request with the same Idempotency-Key placed it. */
  replayed: boolean;
}

const PAYMENT_UNREACHABLE = 'The payment service could not be reached; the order is kept as pending: pay it later with POST /orders/{id}/pay';
const POLL_MS = 50;

@Injectable()
export class OrdersService {
  private readonly logger = new Logger(OrdersService.name);

  constructor(
    private readonly orders: OrdersRepository,
    private readonly users: UsersClient,
    private readonly payments: PaymentsClient,
    private readonly metrics: OrderMetrics,
    @Inject(orderConfig.KEY) private readonly config: OrderConfig,
  ) {}

  /** Checks the user, stores the order, charges it; with an Idempotency-Key, at most once. */
  async place(caller: AuthenticatedUser, dto: CreateOrderDto, idempotencyKey: string | undefined, requestId: string): Promise<PlacedOrder> {
    const draft = this.draft(caller, dto, idempotencyKey);
    if (idempotencyKey) {
      const earlier = await this.orders.findByIdempotencyKey(caller.id, idempotencyKey);
      if (earlier) return this.replay(earlier, draft, caller, requestId);
    }
    await this.users.assertActive(caller, requestId);
    let order: Order;
    try {
      order = await this.orders.insertPending(draft);
    } catch (error) {
      if (!(error instanceof DuplicateIdempotencyKeyError)) throw error;
      return this.replay((await this.orders.findByIdempotencyKey(caller.id, idempotencyKey!))!, draft, caller, requestId);
    }
    const placed = await this.charge(order, caller, requestId);
    this.metrics.orderPlaced(placed.status, placed.currency, placed.totalMinor);
    return { order: placed, replayed: false };
  }

  /** Pays a pending order, or retries a declined one; never a second completed payment. */
  async pay(caller: AuthenticatedUser, id: string, paymentMethod: PaymentMethod | undefined, requestId: string): Promise<Order> {
    let order = await this.getOwned(caller, id);
    if (order.status === 'payment_failed') {
      // One of several concurrent retries wins the next attempt; the others join it through its key.
      await this.orders.transition(
        order.id,
        { status: 'payment_failed', attempt: order.paymentAttempt },
        { status: 'pending', statusReason: null, nextAttempt: true, paymentMethod },
      );
      order = await this.reload(order.id);
    }
    if (order.status !== 'pending') {
      throw new ConflictError('ORDER.NOT_PAYABLE', `The order is ${order.status}; only pending or payment_failed orders can be paid`, { status: order.status });
    }
    return this.charge(order, caller, requestId);
  }

  async get(caller: AuthenticatedUser, id: string): Promise<Order> {
    const order = await this.orders.findById(id);
    if (!order || (order.userId !== caller.id && caller.role !== 'admin')) throw new NotFoundError('Order');
    return order;
  }

  list(caller: AuthenticatedUser, status: OrderStatus | undefined, offset: number, limit: number): Promise<Page<Order>> {
    return this.orders.listForUser(caller.id, status, offset, limit);
  }

  async changeStatus(caller: AuthenticatedUser, id: string, to: OrderStatus, requestId: string): Promise<Order> {
    const order = await this.get(caller, id);
    assertRequestable(order.status, to, { isOwner: order.userId === caller.id, isAdmin: caller.role === 'admin' });
    if (to === 'cancelled' && order.status === 'confirmed' && order.paymentId) {
      await this.refundForCancellation(order, caller, requestId);
    }
    if (!(await this.orders.transition(order.id, { status: order.status }, { status: to, statusReason: null }))) {
      const now = await this.reload(order.id);
      assertTransition(now.status, to);
    }
    return this.reload(order.id);
  }

  /** A payment was refunded at the payment service: the order ends `refunded`, once. */
  async applyPaymentEvent(event: PaymentEventDto): Promise<void> {
    const order = await this.orders.findById(event.order_id);
    if (!order || order.paymentId !== event.payment_id) throw new NotFoundError('Order');
    await this.orders.transition(order.id, { status: ['confirmed', 'shipped', 'delivered'] }, { status: 'refunded', statusReason: 'The payment was refunded' });
  }

  private async getOwned(caller: AuthenticatedUser, id: string): Promise<Order> {
    const order = await this.orders.findById(id);
    if (!order || order.userId !== caller.id) throw new NotFoundError('Order');
    return order;
  }

  private draft(caller: AuthenticatedUser, dto: CreateOrderDto, idempotencyKey: string | undefined): NewOrder {
    const items = dto.items.map((item) => ({
      productName: (item.product_name ?? item.name)!,
      quantity: item.quantity,
      unitPriceMinor: (item.unit_price ?? item.price)!,
    }));
    const totalMinor = items.reduce((sum, item) => sum + item.unitPriceMinor * item.quantity, 0);
    if (dto.total_amount !== undefined && dto.total_amount !== totalMinor) {
      throw new UnprocessableError('ORDER.TOTAL_MISMATCH', `total_amount does not match the items: the total is ${(totalMinor / 100).toFixed(2)}`, {
        expected_total: totalMinor / 100,
      });
    }
    const currency = dto.currency ?? 'USD';
    const paymentMethod = dto.payment_method ?? 'credit_card';
    return {
      userId: caller.id,
      currency,
      totalMinor,
      paymentMethod,
      items,
      idempotencyKey: idempotencyKey ?? null,
      requestFingerprint: idempotencyKey ? fingerprint({ items, currency, paymentMethod }) : null,
    };
  }

  /** The same key must carry the same order; the first request's result is then returned. */
  private async replay(earlier: Order, draft: NewOrder, caller: AuthenticatedUser, requestId: string): Promise<PlacedOrder> {
    if (earlier.requestFingerprint !== draft.requestFingerprint) {
      throw new UnprocessableError('ORDER.IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used for a different order; use a new key for a new order');
    }
    const settled = await this.awaitSettled(earlier);
    // The first request died before it charged (its process was killed): the retry finishes its
    // work. The payment's key comes from the order and attempt, so this cannot charge twice.
    if (isChargeUnsettled(settled)) return { order: await this.charge(settled, caller, requestId), replayed: true };
    return { order: settled, replayed: true };
  }

  /** While the first request is still charging, a duplicate waits (bounded) for its outcome. */
  private async awaitSettled(order: Order): Promise<Order> {
    const chargeWindowMs = this.config.PAYMENT_SERVICE_TIMEOUT_MS * (this.config.SERVICE_CALL_RETRIES + 1) + 1000;
    let current = order;
    while (isChargeUnsettled(current) && Date.now() - current.createdAt.getTime() < chargeWindowMs) {
      await sleep(POLL_MS);
      current = await this.reload(order.id);
    }
    return current;
  }

  private async charge(order: Order, caller: AuthenticatedUser, requestId: string): Promise<Order> {
    let outcome;
    try {
      outcome = await this.payments.charge(order, caller, requestId);
    } catch (error) {
      if (!(error instanceof ServiceUnreachableError)) throw error;
      await this.orders.setReason(order.id, 'pending', order.paymentAttempt, PAYMENT_UNREACHABLE);
      return this.reload(order.id);
    }
    const next =
      outcome.kind === 'declined'
        ? { status: 'payment_failed' as const, paymentId: outcome.paymentId, statusReason: outcome.reason }
        : { status: 'confirmed' as const, paymentId: outcome.paymentId, statusReason: null };
    const updatedAt = await this.orders.settleCharge(order.id, order.paymentAttempt, next);
    if (updatedAt) {
      if (next.status === 'confirmed') this.metrics.orderConfirmed(order.currency, order.totalMinor);
      // The row now holds exactly this: no need to read it back.
      return Object.assign(order, next, { updatedAt });
    }
    const current = await this.reload(order.id);
    if (outcome.kind !== 'declined' && current.status === 'cancelled') {
      // Cancelled while the charge was in flight: the money goes back.
      this.logger.warn(`Order ${order.id} was cancelled during its payment; refunding ${outcome.paymentId}`);
      await this.payments
        .refund(outcome.paymentId, caller, requestId)
        .catch((error: Error) => this.logger.error(`Refund of ${outcome.paymentId} failed: ${error.message}`));
    }
    return current;
  }

  private async refundForCancellation(order: Order, caller: AuthenticatedUser, requestId: string): Promise<void> {
    try {
      await this.payments.refund(order.paymentId!, caller, requestId);
    } catch (error) {
      if (error instanceof ServiceUnreachableError) {
        throw new UnavailableError(
          'PAYMENT_SERVICE.UNAVAILABLE',
          'The payment service is unreachable, so the payment cannot be refunded yet; the order stays confirmed',
        );
      }
      throw error;
    }
  }

  private async reload(id: string): Promise<Order> {
    return (await this.orders.findById(id))!;
  }
}

/** Pending with no reason: its charge is still in flight, or the request making it is gone. */
function isChargeUnsettled(order: Order): boolean {
  return order.status === 'pending' && order.statusReason === null;
}

import type { AuthenticatedUser } from '@app/auth';
import { ConflictError, DomainError, NotFoundError, UnprocessableError } from '@app/errors';
import { fingerprint, Page } from '@app/http';
import { fromMinorUnits, PaymentMethod } from '@app/money';
import { ServiceUnreachableError } from '@app/service-client';
import { OrderMetrics } from './order.metrics';
import { Injectable, Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { ChargeReply, PaymentsClient, paysExactly } from '../clients/payments.client';
import { CreateOrderDto } from './dto/create-order.dto';
import { PaymentEventDto } from './dto/payment-event.dto';
import { RefundActor } from './dto/refund-order.dto';
import { Order } from './order.entity';
import { assertRequestable, assertTransition, OrderStatus } from './order-status';
import { DuplicateIdempotencyKeyError, OrderRequest, OrdersRepository } from './orders.repository';
import { priceOrder, productRefs, RequestedItem } from './pricing';
import { PAYMENT_WAS_REFUNDED, Settlement, settlementFromPayments } from './payment-settlement';

export interface PlacedOrder {
  order: Order;
  /** True when an earlier request with the same Idempotency-Key placed it. */
  replayed: boolean;
}

const PAYMENT_UNREACHABLE = 'The payment service could not be reached; the order is kept as pending: pay it later with POST /orders/{id}/pay';
const PAYMENT_UNCONFIRMED = 'The payment’s outcome could not be confirmed yet; the order is checked again shortly, or pay it with POST /orders/{id}/pay';
const REFUND_PENDING = 'Cancelled; the payment service could not refund the payment yet: it is refunded automatically shortly';
/** From where each actor may refund: a customer only before shipment, a merchant also after. */
const REFUNDABLE_BY: Record<RefundActor, OrderStatus[]> = { owner: ['confirmed'], admin: ['confirmed', 'shipped', 'delivered'] };
const POLL_MS = 50;

@Injectable()
export class OrdersService {
  private readonly logger = new Logger(OrdersService.name);

  constructor(
    private readonly orders: OrdersRepository,
    private readonly payments: PaymentsClient,
    private readonly metrics: OrderMetrics,
  ) {}

  /**
   * Prices the order from the catalog and takes its stock, stores it, charges it; with an
   * Idempotency-Key, at most once (a replay is answered before anything is priced again). The
   * buyer was checked with the user service by the JwtAuthGuard for this very request: active,
   * with their current role.
   */
  async place(caller: AuthenticatedUser, dto: CreateOrderDto, idempotencyKey: string | undefined, requestId: string): Promise<PlacedOrder> {
    const requested = dto.items.map(requestedItem);
    const draft = this.draft(caller, dto, requested, idempotencyKey);
    if (idempotencyKey) {
      const earlier = await this.orders.findByIdempotencyKey(caller.id, idempotencyKey);
      if (earlier) return this.replay(earlier, draft, caller, requestId);
    }
    let order: Order;
    try {
      order = await this.orders.placePending(draft, productRefs(requested), (products) =>
        priceOrder(requested, products, { currency: dto.currency, totalMinor: dto.total_amount }),
      );
    } catch (error) {
      // A concurrent copy of this request got there first: it holds the order (and took the stock,
      // so this copy may have found the stock gone or the price changed since): answer with its order.
      const earlier =
        idempotencyKey && (error instanceof DuplicateIdempotencyKeyError || error instanceof DomainError)
          ? await this.orders.findByIdempotencyKey(caller.id, idempotencyKey)
          : null;
      if (!earlier) throw error;
      return this.replay(earlier, draft, caller, requestId);
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
      await this.orders.retryPayment(order, paymentMethod);
      order = await this.reload(order.id);
    }
    if (order.status !== 'pending') {
      throw new ConflictError('ORDER.NOT_PAYABLE', `The order is ${order.status}; only pending or payment_failed orders can be paid`, { status: order.status });
    }
    return this.charge(order, caller, requestId);
  }

  /** `POST /payments` sent by the buyer: the same as `/pay`, once the amount is the order's exact total. */
  async payForUser(
    caller: AuthenticatedUser,
    id: string,
    payment: { amountMinor: number; currency: string; paymentMethod: PaymentMethod },
    requestId: string,
  ): Promise<Order> {
    const order = await this.getOwned(caller, id);
    if (order.status !== 'pending' && order.status !== 'payment_failed') {
      throw new ConflictError('ORDER.NOT_PAYABLE', `The order is ${order.status}; only pending or payment_failed orders can be paid`, { status: order.status });
    }
    if (payment.amountMinor !== order.totalMinor || payment.currency !== order.currency) {
      const total = `${fromMinorUnits(order.totalMinor).toFixed(2)} ${order.currency}`;
      throw new UnprocessableError('ORDER.AMOUNT_MISMATCH', `amount and currency must equal the order's total: ${total}`, {
        expected_total: fromMinorUnits(order.totalMinor),
        currency: order.currency,
      });
    }
    return this.pay(caller, id, payment.paymentMethod, requestId);
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
    // The order moves first (a concurrent shipment cannot slip in), then its money goes back.
    if (!(await this.orders.transition(order.id, { status: order.status }, { status: to, statusReason: null }))) {
      const now = await this.reload(order.id);
      assertTransition(now.status, to);
    } else if (to === 'cancelled' && order.status === 'confirmed' && order.paymentId) {
      await this.giveBack(order.id, order.paymentId, requestId);
    }
    return this.reload(order.id);
  }

  /**
   * A refund asked for at the payment service: the order moves to `refunded` only from a status
   * this actor may refund from, in one conditional update, before any money moves. Repeating it
   * for the same payment is answered with the refunded order.
   */
  async refundOrder(id: string, paymentId: string, actor: RefundActor): Promise<Order> {
    const moved = await this.orders.transition(id, { status: REFUNDABLE_BY[actor], paymentId }, { status: 'refunded', statusReason: PAYMENT_WAS_REFUNDED });
    const order = await this.orders.findById(id);
    if (!order) throw new NotFoundError('Order');
    if (moved || (order.status === 'refunded' && order.paymentId === paymentId)) return order;
    if (order.paymentId !== paymentId) {
      throw new ConflictError('ORDER.NOT_REFUNDABLE', `This payment is not the one that paid the order (the order is ${order.status})`, {
        status: order.status,
      });
    }
    const afterShipment = actor === 'owner' && REFUNDABLE_BY.admin.includes(order.status);
    throw new ConflictError(
      'ORDER.NOT_REFUNDABLE',
      afterShipment ? `The order is ${order.status}: after shipment only the merchant can refund it` : `The order is ${order.status}; it cannot be refunded`,
      { status: order.status },
    );
  }

  /**
   * A payment was refunded at the payment service: a paid order ends `refunded`, once. An order
   * still `pending` has not caught up with its payment yet: 409, so the event is sent again later.
   */
  async applyPaymentEvent(event: PaymentEventDto): Promise<void> {
    const order = await this.orders.findById(event.order_id);
    if (!order) throw new NotFoundError('Order');
    if (order.status === 'pending') {
      throw new ConflictError('ORDER.PAYMENT_NOT_SETTLED', 'The order has not recorded its payment yet; send the event again later', { status: order.status });
    }
    // Otherwise the order is settled without this payment (cancelled, declined, already refunded): nothing to update.
    if (order.paymentId !== event.payment_id) return;
    await this.orders.transition(order.id, { status: ['confirmed', 'shipped', 'delivered'] }, { status: 'refunded', statusReason: PAYMENT_WAS_REFUNDED });
  }

  private async getOwned(caller: AuthenticatedUser, id: string): Promise<Order> {
    const order = await this.orders.findById(id);
    if (!order || order.userId !== caller.id) throw new NotFoundError('Order');
    return order;
  }

  /**
   * The order as the client asked for it. Its fingerprint is the request itself (products,
   * quantities, expected prices), not the catalog's prices: a replay after a price change is the
   * same request and gets the first answer.
   */
  private draft(caller: AuthenticatedUser, dto: CreateOrderDto, requested: RequestedItem[], idempotencyKey: string | undefined): OrderRequest {
    const paymentMethod = dto.payment_method ?? 'credit_card';
    const request = { items: requested, currency: dto.currency ?? null, total: dto.total_amount ?? null, paymentMethod };
    return {
      userId: caller.id,
      paymentMethod,
      idempotencyKey: idempotencyKey ?? null,
      requestFingerprint: idempotencyKey ? fingerprint(request) : null,
    };
  }

  /** The same key must carry the same order; the first request's result is then returned. */
  private async replay(earlier: Order, draft: OrderRequest, caller: AuthenticatedUser, requestId: string): Promise<PlacedOrder> {
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
    const window = this.payments.chargeWindowMs;
    let current = order;
    while (isChargeUnsettled(current) && Date.now() - current.createdAt.getTime() < window) {
      await sleep(POLL_MS);
      current = await this.reload(order.id);
    }
    return current;
  }

  private async charge(order: Order, caller: AuthenticatedUser, requestId: string): Promise<Order> {
    let reply: ChargeReply;
    try {
      reply = await this.payments.charge(order, caller, requestId);
    } catch (error) {
      if (!(error instanceof ServiceUnreachableError)) throw error;
      await this.orders.setReason(order.id, 'pending', order.paymentAttempt, PAYMENT_UNREACHABLE);
      return this.reload(order.id);
    }
    const next = await this.settlementOf(order, reply, requestId);
    if (!next) {
      await this.orders.setReason(order.id, 'pending', order.paymentAttempt, PAYMENT_UNCONFIRMED);
      return this.reload(order.id);
    }
    const updatedAt = await this.orders.settleCharge(order.id, order.paymentAttempt, next);
    if (updatedAt) {
      if (next.status === 'confirmed') this.metrics.orderConfirmed(order.currency, order.totalMinor);
      if (next.refund) await this.giveBack(order.id, next.paymentId, requestId);
      // The row now holds exactly this: no need to read it back.
      return Object.assign(order, { status: next.status, paymentId: next.paymentId, statusReason: next.statusReason }, { updatedAt });
    }
    const current = await this.reload(order.id);
    if (next.status === 'confirmed' && current.status === 'cancelled') {
      // Cancelled while the charge was in flight: the money goes back.
      this.logger.warn(`Order ${order.id} was cancelled during its payment; refunding ${next.paymentId}`);
      await this.giveBack(order.id, next.paymentId, requestId);
    }
    return current;
  }

  /**
   * What the charge's reply proves: this attempt's decline, or a completed payment of exactly this
   * order. Any other reply (a replayed refunded payment, "already paid") is resolved by reading the
   * order's payments, never assumed; null when that is not possible now.
   */
  private async settlementOf(order: Order, reply: ChargeReply, requestId: string): Promise<Settlement | null> {
    if (reply.kind === 'payment' && reply.payment.order_id === order.id) {
      if (reply.payment.status === 'declined')
        return { status: 'payment_failed', paymentId: reply.payment.id, statusReason: reply.payment.failure_reason ?? 'Payment declined' };
      if (paysExactly(reply.payment, order)) return { status: 'confirmed', paymentId: reply.payment.id, statusReason: null };
    }
    try {
      return settlementFromPayments(order, await this.payments.paymentsOf(order.id, requestId));
    } catch (error) {
      if (error instanceof ServiceUnreachableError) return null;
      throw error;
    }
  }

  /** Refunds a payment the order no longer keeps; if that fails now, the reconciler refunds it later. */
  private async giveBack(orderId: string, paymentId: string, requestId: string): Promise<void> {
    try {
      await this.payments.refund(paymentId, requestId);
    } catch (error) {
      this.logger.warn(`Refund of ${paymentId} for order ${orderId} failed (${(error as Error).message}); the reconciler refunds it later`);
      await this.orders.setReasonOf(orderId, 'cancelled', REFUND_PENDING);
    }
  }

  private async reload(id: string): Promise<Order> {
    return (await this.orders.findById(id))!;
  }
}

function requestedItem(item: CreateOrderDto['items'][number]): RequestedItem {
  return {
    productId: item.product_id,
    sku: item.sku,
    name: item.product_name ?? item.name,
    quantity: item.quantity,
    expectedPriceMinor: item.unit_price ?? item.price,
    priceField: item.unit_price !== undefined ? 'unit_price' : item.price !== undefined ? 'price' : undefined,
  };
}

/** Pending with no reason: its charge is still in flight, or the request making it is gone. */
function isChargeUnsettled(order: Order): boolean {
  return order.status === 'pending' && order.statusReason === null;
}

import { ConflictError } from '@app/errors';

export const ORDER_STATUSES = ['pending', 'confirmed', 'payment_failed', 'cancelled', 'shipped', 'delivered', 'refunded'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/**
 * The order's life: paid or declined; an unpaid or paid order may be cancelled (a paid one is
 * refunded first); an admin ships and delivers; a refund at the payment service ends it.
 * `payment_failed → pending` is a payment retry starting.
 */
const TRANSITIONS: Record<OrderStatus, readonly OrderStatus[]> = {
  pending: ['confirmed', 'payment_failed', 'cancelled'],
  payment_failed: ['pending', 'cancelled'],
  confirmed: ['shipped', 'cancelled', 'refunded'],
  shipped: ['delivered', 'refunded'],
  delivered: ['refunded'],
  cancelled: [],
  refunded: [],
};

/** Which targets a client may ask for with `PATCH /orders/:id/status`, and who. */
const REQUESTABLE: Partial<Record<OrderStatus, 'owner' | 'admin'>> = {
  cancelled: 'owner',
  shipped: 'admin',
  delivered: 'admin',
};

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export function assertTransition(from: OrderStatus, to: OrderStatus): void {
  if (!canTransition(from, to)) {
    throw new ConflictError('ORDER.TRANSITION_NOT_ALLOWED', `An order cannot go from ${from} to ${to}`, { from, to, allowed: [...TRANSITIONS[from]] });
  }
}

/** The statuses this caller may request from the current one. */
export function requestableFrom(from: OrderStatus, actor: { isOwner: boolean; isAdmin: boolean }): OrderStatus[] {
  return TRANSITIONS[from].filter((to) => {
    const who = REQUESTABLE[to];
    return (who === 'owner' && actor.isOwner) || (who === 'admin' && actor.isAdmin);
  });
}

export function assertRequestable(from: OrderStatus, to: OrderStatus, actor: { isOwner: boolean; isAdmin: boolean }): void {
  const allowed = requestableFrom(from, actor);
  if (!allowed.includes(to)) {
    const options = allowed.length ? `allowed: ${allowed.join(', ')}` : 'no change is allowed';
    throw new ConflictError('ORDER.TRANSITION_NOT_ALLOWED', `Cannot move this order from ${from} to ${to} (${options})`, { from, to, allowed });
  }
}

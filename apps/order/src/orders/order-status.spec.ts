import { DomainError } from '@app/errors';
import fc from 'fast-check';
import { assertRequestable, assertTransition, canTransition, ORDER_STATUSES, OrderStatus, requestableFrom } from './order-status';

const OWNER = { isOwner: true, isAdmin: false };
const ADMIN = { isOwner: false, isAdmin: true };
const STRANGER = { isOwner: false, isAdmin: false };

describe('the order state machine', () => {
  it('reaches every status from pending, and ends only in cancelled or refunded', () => {
    const reached = new Set<OrderStatus>(['pending']);
    for (let grew = true; grew;) {
      grew = false;
      for (const from of [...reached]) for (const to of ORDER_STATUSES) if (canTransition(from, to) && !reached.has(to)) grew = reached.add(to) !== undefined;
    }
    expect([...reached].sort()).toEqual([...ORDER_STATUSES].sort());
    expect(ORDER_STATUSES.filter((s) => ORDER_STATUSES.every((to) => !canTransition(s, to)))).toEqual(['cancelled', 'refunded']);
  });

  it('never goes back to confirmed or payment_failed except through a charge, and never leaves a shipment unshipped', () => {
    expect(ORDER_STATUSES.filter((from) => canTransition(from, 'confirmed'))).toEqual(['pending']);
    expect(ORDER_STATUSES.filter((from) => canTransition(from, 'payment_failed'))).toEqual(['pending']);
    expect(canTransition('shipped', 'cancelled')).toBe(false);
    expect(canTransition('delivered', 'shipped')).toBe(false);
  });

  it('lets the owner only cancel, an admin only ship and deliver, and a stranger nothing', () => {
    expect(requestableFrom('confirmed', OWNER)).toEqual(['cancelled']);
    expect(requestableFrom('confirmed', ADMIN)).toEqual(['shipped']);
    expect(requestableFrom('shipped', ADMIN)).toEqual(['delivered']);
    expect(requestableFrom('shipped', OWNER)).toEqual([]);
    fc.assert(
      fc.property(
        fc.constantFrom(...ORDER_STATUSES),
        (from) => requestableFrom(from, STRANGER).length === 0 && !requestableFrom(from, { isOwner: true, isAdmin: true }).includes('refunded'),
      ),
    );
  });

  it('refuses a move with 409 naming what is allowed', () => {
    const refusal = (work: () => void) => {
      try {
        work();
      } catch (error) {
        return error as DomainError;
      }
      throw new Error('expected a refusal');
    };
    expect(refusal(() => assertRequestable('shipped', 'cancelled', OWNER))).toMatchObject({
      code: 'ORDER.TRANSITION_NOT_ALLOWED',
      status: 409,
      message: 'Cannot move this order from shipped to cancelled (no change is allowed)',
    });
    expect(refusal(() => assertRequestable('pending', 'shipped', ADMIN)).message).toBe('Cannot move this order from pending to shipped (no change is allowed)');
    expect(refusal(() => assertTransition('refunded', 'pending')).details).toEqual({ from: 'refunded', to: 'pending', allowed: [] });
    expect(() => assertTransition('payment_failed', 'pending')).not.toThrow();
  });
});

import { DomainError } from '@app/errors';
import fc from 'fast-check';
import type { OrderedProducts } from '../catalog/catalog.repository';
import type { Product } from '../catalog/product.entity';
import { priceOrder, productRefs, RequestedItem } from './pricing';

const product = (overrides: Partial<Product>): Product =>
  ({ id: 'p', sku: 'SKU', name: 'Thing', description: '', priceMinor: 100, currency: 'USD', stockOnHand: 10, active: true, ...overrides }) as Product;

const KEYBOARD = product({ id: '00000000-0000-4000-8000-000000000001', sku: 'KB-MECH-01', name: 'Mechanical keyboard', priceMinor: 1999, stockOnHand: 5 });
const MOUSE = product({ id: '00000000-0000-4000-8000-000000000002', sku: 'MOUSE-01', name: 'Wireless mouse', priceMinor: 2450, stockOnHand: 100 });
const RETIRED = product({ id: '00000000-0000-4000-8000-000000000003', sku: 'OLD-01', name: 'Typewriter', active: false });
const MATCHA = product({ id: '00000000-0000-4000-8000-000000000004', sku: 'TEA-JP', name: 'Matcha', priceMinor: 199900, currency: 'JPY' });
/** As the lock query answers: the database folds names' case; a plain lower-case stands in for it here. */
const CATALOG: OrderedProducts = { products: [KEYBOARD, MOUSE, RETIRED, MATCHA], isNamed: (p, name) => p.name.toLowerCase() === name.toLowerCase() };

function refusal(work: () => unknown): { code: string; status: number; message: string; details?: Record<string, unknown> } {
  try {
    work();
  } catch (error) {
    if (error instanceof DomainError) return { code: error.code, status: error.status, message: error.message, details: error.details };
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('priceOrder', () => {
  it('prices every item from the catalog, by id, sku or active name, whatever price the client would have liked', () => {
    const priced = priceOrder(
      [
        { productId: KEYBOARD.id, quantity: 2 },
        { sku: 'MOUSE-01', quantity: 1 },
        { name: 'mechanical KEYBOARD', quantity: 1, expectedPriceMinor: 1999 },
      ],
      CATALOG,
      {},
    );
    expect(priced.currency).toBe('USD');
    expect(priced.items.map((i) => [i.sku, i.productName, i.unitPriceMinor, i.quantity])).toEqual([
      ['KB-MECH-01', 'Mechanical keyboard', 1999, 2],
      ['MOUSE-01', 'Wireless mouse', 2450, 1],
      ['KB-MECH-01', 'Mechanical keyboard', 1999, 1],
    ]);
    expect(priced.totalMinor).toBe(3 * 1999 + 2450);
    expect([...priced.units]).toEqual([
      [KEYBOARD.id, 3],
      [MOUSE.id, 1],
    ]);
  });

  it('refuses a price the catalog does not ask (the 0.01 attack), naming the current price', () => {
    const refused = refusal(() => priceOrder([{ name: 'Mechanical keyboard', quantity: 3, expectedPriceMinor: 1, priceField: 'price' }], CATALOG, {}));
    expect(refused).toMatchObject({ code: 'ORDER.PRICE_CHANGED', status: 422 });
    expect(refused.message).toContain('Mechanical keyboard now costs 19.99 USD');
    expect(refused.details).toEqual({ items: [{ index: 0, product_id: KEYBOARD.id, sku: 'KB-MECH-01', price: 0.01, current_price: 19.99 }] });
  });

  it('names unknown products, inactive ones, and a sku that is not the id’s', () => {
    expect(
      refusal(() =>
        priceOrder(
          [
            { sku: 'NOPE', quantity: 1 },
            { name: 'Unicorn', quantity: 1 },
          ],
          CATALOG,
          {},
        ),
      ),
    ).toMatchObject({
      code: 'ORDER.UNKNOWN_PRODUCT',
      status: 422,
      message: 'No such product in the catalog: sku NOPE, product "Unicorn"',
    });
    expect(refusal(() => priceOrder([{ productId: KEYBOARD.id, sku: 'MOUSE-01', quantity: 1 }], CATALOG, {})).code).toBe('ORDER.UNKNOWN_PRODUCT');
    expect(refusal(() => priceOrder([{ productId: KEYBOARD.id, name: 'Wireless mouse', quantity: 1 }], CATALOG, {})).code).toBe('ORDER.UNKNOWN_PRODUCT');
    expect(priceOrder([{ sku: 'KB-MECH-01', name: 'mechanical keyboard', quantity: 1 }], CATALOG, {}).totalMinor).toBe(1999);
    expect(refusal(() => priceOrder([{ sku: 'OLD-01', quantity: 1 }], CATALOG, {}))).toMatchObject({
      code: 'ORDER.PRODUCT_UNAVAILABLE',
      message: 'No longer sold: Typewriter',
    });
    // By name only an active product is found: a retired one is simply not in the catalog.
    expect(refusal(() => priceOrder([{ name: 'Typewriter', quantity: 1 }], CATALOG, {})).code).toBe('ORDER.UNKNOWN_PRODUCT');
  });

  it('pays in the products’ currency: one currency per order, and the one sent must be theirs', () => {
    expect(priceOrder([{ sku: 'TEA-JP', quantity: 2 }], CATALOG, {})).toMatchObject({ currency: 'JPY', totalMinor: 399800 });
    expect(refusal(() => priceOrder([{ sku: 'TEA-JP', quantity: 1 }], CATALOG, { currency: 'USD' })).code).toBe('ORDER.CURRENCY_MISMATCH');
    expect(
      refusal(() =>
        priceOrder(
          [
            { sku: 'TEA-JP', quantity: 1 },
            { sku: 'MOUSE-01', quantity: 1 },
          ],
          CATALOG,
          {},
        ),
      ).message,
    ).toBe('An order is paid in one currency: Matcha is sold in JPY, Wireless mouse in USD');
  });

  it('checks a total the client sent against the catalog’s', () => {
    expect(refusal(() => priceOrder([{ sku: 'MOUSE-01', quantity: 2 }], CATALOG, { totalMinor: 4800 }))).toMatchObject({
      code: 'ORDER.TOTAL_MISMATCH',
      message: 'total_amount does not match the items: the total is 49.00 USD',
    });
  });

  it('counts every line of a product against its stock: 409 with what was asked and what is left', () => {
    const refused = refusal(() =>
      priceOrder(
        [
          { sku: 'KB-MECH-01', quantity: 3 },
          { productId: KEYBOARD.id, quantity: 3 },
        ],
        CATALOG,
        {},
      ),
    );
    expect(refused).toMatchObject({ code: 'ORDER.OUT_OF_STOCK', status: 409, message: 'Not enough stock: Mechanical keyboard: 6 asked, 5 left' });
    expect(refused.details).toEqual({ items: [{ product_id: KEYBOARD.id, sku: 'KB-MECH-01', requested: 6, available: 5 }] });
  });

  it('for any basket: the total is Σ catalog price × quantity, and it is refused exactly when a product is short', () => {
    const items = fc.array(
      fc.record({ product: fc.constantFrom(KEYBOARD, MOUSE), by: fc.constantFrom('id', 'sku', 'name'), quantity: fc.integer({ min: 1, max: 60 }) }),
      { minLength: 1, maxLength: 8 },
    );
    fc.assert(
      fc.property(items, (basket) => {
        const requested: RequestedItem[] = basket.map(({ product: p, by, quantity }) =>
          by === 'id' ? { productId: p.id, quantity } : by === 'sku' ? { sku: p.sku, quantity } : { name: p.name, quantity },
        );
        const units = new Map<string, number>();
        for (const { product: p, quantity } of basket) units.set(p.id, (units.get(p.id) ?? 0) + quantity);
        const short = [KEYBOARD, MOUSE].some((p) => (units.get(p.id) ?? 0) > p.stockOnHand);
        if (short) return refusal(() => priceOrder(requested, CATALOG, {})).code === 'ORDER.OUT_OF_STOCK';
        const priced = priceOrder(requested, CATALOG, {});
        return (
          priced.totalMinor === basket.reduce((sum, { product: p, quantity }) => sum + p.priceMinor * quantity, 0) &&
          [...priced.units].every(([id, n]) => units.get(id) === n)
        );
      }),
    );
  });
});

describe('productRefs', () => {
  it('locks each item by the first reference it gives, and sends every name to be checked', () => {
    expect(
      productRefs([
        { productId: 'a', sku: 'x', quantity: 1 },
        { sku: 'b', quantity: 1 },
        { name: 'c', quantity: 1 },
      ]),
    ).toEqual({ ids: ['a'], skus: ['b'], names: ['c'] });
  });
});

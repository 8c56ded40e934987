import { ConflictError, UnprocessableError } from '@app/errors';
import { currencyDecimals, fromMinorUnits } from '@app/money';
import type { Product } from '../catalog/product.entity';
import type { OrderedProducts, ProductRefs } from '../catalog/catalog.repository';

/** An item as the client sent it: which product it names, how many, and the price it expects (if any). */
export interface RequestedItem {
  productId?: string;
  sku?: string;
  name?: string;
  quantity: number;
  expectedPriceMinor?: number;
  /** The field the client wrote the price in, for messages: `unit_price` or `price`. */
  priceField?: 'unit_price' | 'price';
}

export interface PricedItem {
  productId: string;
  sku: string;
  productName: string;
  quantity: number;
  unitPriceMinor: number;
}

export interface PricedOrder {
  currency: string;
  totalMinor: number;
  items: PricedItem[];
  /** Units each product gives to this order. */
  units: Map<string, number>;
}

/** As the currency writes it: 19.99 USD, 1999 JPY. */
const money = (minor: number, currency: string) => `${fromMinorUnits(minor).toFixed(currencyDecimals(currency))} ${currency}`;
const describe = (item: RequestedItem) =>
  item.productId !== undefined ? `product ${item.productId}` : item.sku !== undefined ? `sku ${item.sku}` : `product "${item.name}"`;

/** The products these items name, and every name they send (to find or to check). */
export function productRefs(items: RequestedItem[]): ProductRefs {
  const refs: ProductRefs = { ids: [], skus: [], names: [] };
  for (const item of items) {
    if (item.productId !== undefined) refs.ids.push(item.productId);
    else if (item.sku !== undefined) refs.skus.push(item.sku);
    if (item.name !== undefined) refs.names.push(item.name);
  }
  return refs;
}

/**
 * Prices an order from the catalog, never from the client: each item resolves to its product (by
 * id, by SKU, or by the name of an active product), takes the product's current price, and must
 * find the units it asks for on hand. A price the client sent is only what it expects to pay.
 * Pure, so the rules are tested apart from the database; the statement that takes the stock checks
 * again that the prices and the stock it saw still hold, and the caller prices again when not.
 */
export function priceOrder(requested: RequestedItem[], products: OrderedProducts, order: { currency?: string; totalMinor?: number }): PricedOrder {
  const resolved = requested.map((item) => resolve(item, products));

  const unknown = requested.filter((_, index) => resolved[index] === undefined);
  if (unknown.length) {
    throw new UnprocessableError('ORDER.UNKNOWN_PRODUCT', `No such product in the catalog: ${unknown.map(describe).join(', ')}`, {
      items: requested.flatMap((item, index) => (resolved[index] ? [] : [{ index, product: describe(item) }])),
    });
  }
  const found = resolved as Product[];

  const inactive = found.filter((product) => !product.active);
  if (inactive.length) {
    throw new UnprocessableError('ORDER.PRODUCT_UNAVAILABLE', `No longer sold: ${[...new Set(inactive.map((p) => p.name))].join(', ')}`, {
      items: found.flatMap((product, index) => (product.active ? [] : [{ index, product_id: product.id, sku: product.sku }])),
    });
  }

  const currency = order.currency ?? found[0].currency;
  const otherCurrency = found.find((product) => product.currency !== currency);
  if (otherCurrency) {
    throw new UnprocessableError(
      'ORDER.CURRENCY_MISMATCH',
      order.currency !== undefined
        ? `${otherCurrency.name} is sold in ${otherCurrency.currency}, not ${currency}`
        : `An order is paid in one currency: ${found[0].name} is sold in ${found[0].currency}, ${otherCurrency.name} in ${otherCurrency.currency}`,
      { currency, product_currency: otherCurrency.currency, product_id: otherCurrency.id },
    );
  }

  const changed = requested.flatMap((item, index) =>
    item.expectedPriceMinor !== undefined && item.expectedPriceMinor !== found[index].priceMinor ? [{ index, item, product: found[index] }] : [],
  );
  if (changed.length) {
    const what = changed.map(({ product }) => `${product.name} now costs ${money(product.priceMinor, currency)}`).join('; ');
    throw new UnprocessableError('ORDER.PRICE_CHANGED', `The price changed: ${what}. Send the order again with the current price`, {
      items: changed.map(({ index, item, product }) => ({
        index,
        product_id: product.id,
        sku: product.sku,
        [item.priceField ?? 'unit_price']: fromMinorUnits(item.expectedPriceMinor!),
        current_price: fromMinorUnits(product.priceMinor),
      })),
    });
  }

  const items = requested.map((item, index) => ({
    productId: found[index].id,
    sku: found[index].sku,
    productName: found[index].name,
    quantity: item.quantity,
    unitPriceMinor: found[index].priceMinor,
  }));
  const totalMinor = items.reduce((sum, item) => sum + item.unitPriceMinor * item.quantity, 0);
  if (order.totalMinor !== undefined && order.totalMinor !== totalMinor) {
    throw new UnprocessableError('ORDER.TOTAL_MISMATCH', `total_amount does not match the items: the total is ${money(totalMinor, currency)}`, {
      expected_total: fromMinorUnits(totalMinor),
    });
  }

  const units = new Map<string, number>();
  for (const item of items) units.set(item.productId, (units.get(item.productId) ?? 0) + item.quantity);
  const short = found.filter((product, index) => found.indexOf(product) === index && units.get(product.id)! > product.stockOnHand);
  if (short.length) {
    const what = short.map((product) => `${product.name}: ${units.get(product.id)} asked, ${product.stockOnHand} left`).join('; ');
    throw new ConflictError('ORDER.OUT_OF_STOCK', `Not enough stock: ${what}`, {
      items: short.map((product) => ({ product_id: product.id, sku: product.sku, requested: units.get(product.id), available: product.stockOnHand })),
    });
  }
  return { currency, totalMinor, items, units };
}

/**
 * The product an item names. A SKU or a name sent beside an id (or a name beside a SKU) must be
 * that product's, else the item names no product: a client never pays for another one than it named.
 */
function resolve(item: RequestedItem, { products, isNamed }: OrderedProducts): Product | undefined {
  const product =
    item.productId !== undefined
      ? products.find((p) => p.id === item.productId)
      : item.sku !== undefined
        ? products.find((p) => p.sku === item.sku)
        : products.find((p) => p.active && isNamed(p, item.name!));
  if (!product) return undefined;
  if (item.sku !== undefined && product.sku !== item.sku) return undefined;
  if (item.name !== undefined && !isNamed(product, item.name)) return undefined;
  return product;
}

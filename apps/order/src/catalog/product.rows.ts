import { Product } from './product.entity';

/** A row of `products` as pg returns it. */
export interface ProductRow {
  id: string;
  sku: string;
  name: string;
  description: string;
  price_minor: string;
  currency: string;
  stock_on_hand: number;
  active: boolean;
  created_at: Date;
  updated_at: Date;
}

/** The one place a row of written SQL becomes a Product (TypeORM hydrates the rest). */
export function productFromRow(row: ProductRow): Product {
  return Object.assign(new Product(), {
    id: row.id,
    sku: row.sku,
    name: row.name,
    description: row.description,
    priceMinor: Number(row.price_minor),
    currency: row.currency,
    stockOnHand: row.stock_on_hand,
    active: row.active,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  });
}

import { ConflictError, NotFoundError, UnprocessableError } from '@app/errors';
import { Page } from '@app/http';
import { isUniqueViolation, SqlStatement } from '@app/db';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Product } from './product.entity';
import { productFromRow, ProductRow } from './product.rows';

export type NewProduct = Pick<Product, 'sku' | 'name' | 'description' | 'priceMinor' | 'currency' | 'stockOnHand'>;
export type ProductChanges = Partial<Pick<Product, 'name' | 'description' | 'priceMinor' | 'active'>>;

/** How an order's items name their products: by id, by SKU, or by the name of an active product. */
export interface ProductRefs {
  ids: string[];
  skus: string[];
  names: string[];
}

/** The products an order names, and whether a name it sent is a product's (as the database folds case). */
export interface OrderedProducts {
  products: Product[];
  isNamed: (product: Product, name: string) => boolean;
}

/** `%` and `_` in a search are letters, not wildcards; the database folds its case. */
const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Active or not ($1 null: either), named like $2 (null: any), in the order of the name index's fold. */
const PRODUCT_FILTER = '($1::boolean IS NULL OR p.active = $1) AND ($2::text IS NULL OR lower(p.name) LIKE lower($2))';

const PRODUCT_PAGE = new SqlStatement<ProductRow>(
  'product_page',
  `SELECT p.* FROM products p WHERE ${PRODUCT_FILTER} ORDER BY lower(p.name), p.id LIMIT $3 OFFSET $4`,
);

const PRODUCT_COUNT = new SqlStatement<{ total: string }>('product_count', `SELECT count(*) AS total FROM products p WHERE ${PRODUCT_FILTER}`);

/** The seed: products whose SKU is not taken yet. */
const PRODUCTS_INSERT_MISSING = new SqlStatement<{ id: string }>(
  'products_insert_missing',
  `INSERT INTO products (sku, name, description, price_minor, currency, stock_on_hand)
   SELECT p.sku, p.name, p.description, p.price_minor, p.currency, p.stock_on_hand
   FROM jsonb_to_recordset($1::jsonb) AS p(sku varchar, name varchar, description varchar, price_minor bigint, currency char(3), stock_on_hand integer)
   ON CONFLICT DO NOTHING
   RETURNING id`,
);

/** Adds units in one statement, unless the stock on hand would then exceed $3. */
const RESTOCK = new SqlStatement<ProductRow>(
  'product_restock',
  `UPDATE products SET stock_on_hand = stock_on_hand + $2, updated_at = now()
   WHERE id = $1 AND stock_on_hand + $2 <= $3
   RETURNING *`,
);

/**
 * The products an order names, by id ($1), SKU ($2) or the case fold of an active product's name
 * ($3), each row with the requested name that matched it. Read without locks: the order's insert
 * (TAKE_STOCK below) checks again what the order was priced on.
 */
const PRODUCTS_FOR_ORDER = new SqlStatement<ProductRow & { requested_name: string | null }>(
  'products_for_order',
  `SELECT p.*, requested.name AS requested_name
   FROM products p LEFT JOIN unnest($3::text[]) AS requested(name) ON lower(upper(p.name)) = lower(upper(requested.name))
   WHERE p.id = ANY($1::uuid[]) OR p.sku = ANY($2::text[]) OR (requested.name IS NOT NULL AND p.active)`,
);

/**
 * Common table expressions that take an order's units, for the statement that inserts the order
 * (so the products are locked only while that one statement runs, not across a transaction's round
 * trips: every checkout of a popular product waits on its row). `$<units>` is a JSON array of
 * {product_id, quantity, price_minor, currency}, the units and prices the order was priced with.
 * The rows are locked in id order (as the stock trigger locks them), so checkouts and cancellations
 * never deadlock. A product whose price, currency or active flag changed since, or that has fewer
 * units on hand, is set below zero, so CHK_products_stock fails the whole statement and nothing is
 * written: the caller prices the order again from the catalog as it is now.
 */
export const TAKE_STOCK = (units: string) => `units AS (
     SELECT * FROM jsonb_to_recordset(${units}::jsonb) AS u(product_id uuid, quantity integer, price_minor bigint, currency char(3))
   ), locked AS (
     SELECT p.id FROM products p WHERE p.id IN (SELECT product_id FROM units) ORDER BY p.id FOR NO KEY UPDATE
   ), taken AS (
     UPDATE products p
     SET stock_on_hand = CASE WHEN p.active AND p.price_minor = u.price_minor AND p.currency = u.currency THEN p.stock_on_hand - u.quantity ELSE -1 END,
         updated_at = now()
     FROM units u JOIN locked l ON l.id = u.product_id
     WHERE p.id = u.product_id
     RETURNING p.id
   )`;

/** The catalog's rows: TypeORM's API where it says it, written SQL where not; its unique keys answered as 409s here. */
@Injectable()
export class CatalogRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get products() {
    return this.dataSource.getRepository(Product);
  }

  async list(filter: { search?: string; active: boolean | null; offset: number; limit: number }): Promise<Page<Product>> {
    const values = [filter.active, filter.search ? likePattern(filter.search) : null];
    const rows = await PRODUCT_PAGE.rows(this.dataSource, [...values, filter.limit, filter.offset]);
    const [{ total }] = await PRODUCT_COUNT.rows(this.dataSource, values);
    return { items: rows.map(productFromRow), total: Number(total) };
  }

  async get(id: string): Promise<Product> {
    const product = await this.products.findOneBy({ id });
    if (!product) throw new NotFoundError('Product');
    return product;
  }

  count(): Promise<number> {
    return this.products.count();
  }

  async create(product: NewProduct): Promise<Product> {
    return this.unique(() => this.products.save(this.products.create(product)));
  }

  /** Inserts the products whose SKU is not taken yet; returns how many it inserted. */
  async insertMissing(products: NewProduct[]): Promise<number> {
    const rows = products.map((p) => ({
      sku: p.sku,
      name: p.name,
      description: p.description,
      price_minor: p.priceMinor,
      currency: p.currency,
      stock_on_hand: p.stockOnHand,
    }));
    return (await PRODUCTS_INSERT_MISSING.rows(this.dataSource, [JSON.stringify(rows)])).length;
  }

  async update(id: string, changes: ProductChanges): Promise<Product> {
    await this.get(id);
    if (Object.keys(changes).length) await this.unique(() => this.products.update({ id }, changes));
    return this.get(id);
  }

  /**
   * Adds units in one statement, so a restock and concurrent orders never lose each other's change;
   * the stock on hand stays at most `limit` (a column of integers, and a typo of 10,000,000 units).
   */
  async restock(id: string, quantity: number, limit: number): Promise<Product> {
    const [row] = await RESTOCK.rows(this.dataSource, [id, quantity, limit]);
    if (row) return productFromRow(row);
    const product = await this.get(id);
    throw new UnprocessableError('CATALOG.STOCK_LIMIT', `The stock on hand would exceed ${limit} units (it is ${product.stockOnHand})`, {
      stock_on_hand: product.stockOnHand,
      limit,
    });
  }

  /**
   * The products an order names. Names are matched by the database, with the fold of the unique
   * index on active names, and each product comes with the requested names that are its own.
   */
  async forOrder(refs: ProductRefs): Promise<OrderedProducts> {
    const rows = await PRODUCTS_FOR_ORDER.rows(this.dataSource, [refs.ids, refs.skus, refs.names]);
    const products = new Map<string, Product>();
    const names = new Map<string, Set<string>>();
    for (const row of rows) {
      if (!products.has(row.id)) products.set(row.id, productFromRow(row));
      if (row.requested_name !== null) names.set(row.id, (names.get(row.id) ?? new Set()).add(row.requested_name));
    }
    return { products: [...products.values()], isNamed: (product, name) => names.get(product.id)?.has(name) ?? false };
  }

  private async unique<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (isUniqueViolation(error, 'products_sku')) throw new ConflictError('CATALOG.SKU_TAKEN', 'Another product has this sku');
      if (isUniqueViolation(error, 'products_active_name')) throw new ConflictError('CATALOG.NAME_TAKEN', 'Another active product has this name');
      throw error;
    }
  }
}

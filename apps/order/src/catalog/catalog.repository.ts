import { ConflictError, NotFoundError, UnprocessableError } from '@app/errors';
import { Page } from '@app/http';
import { isUniqueViolation, SqlStatement } from '@app/db';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
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
export interface LockedProducts {
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
 * ($3), locked in id order, each row with the requested name that matched it.
 */
const LOCK_FOR_ORDER = new SqlStatement<ProductRow & { requested_name: string | null }>(
  'products_lock_for_order',
  `SELECT p.*, requested.name AS requested_name
   FROM products p LEFT JOIN unnest($3::text[]) AS requested(name) ON lower(upper(p.name)) = lower(upper(requested.name))
   WHERE p.id = ANY($1::uuid[]) OR p.sku = ANY($2::text[]) OR (requested.name IS NOT NULL AND p.active)
   ORDER BY p.id
   FOR UPDATE OF p`,
);

const TAKE_STOCK = new SqlStatement<never>(
  'products_take_stock',
  `UPDATE products p SET stock_on_hand = p.stock_on_hand - taken.quantity, updated_at = now()
   FROM jsonb_to_recordset($1::jsonb) AS taken(product_id uuid, quantity integer)
   WHERE p.id = taken.product_id`,
);

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
   * The products an order names, locked until its transaction ends, in id order (the order the
   * stock trigger locks them in too, so checkouts and cancellations never deadlock). Names are
   * matched by the database, with the fold of the unique index on active names, and each product
   * comes with the requested names that are its own.
   */
  async lockForOrder(tx: EntityManager, refs: ProductRefs): Promise<LockedProducts> {
    const rows = await LOCK_FOR_ORDER.rows(tx, [refs.ids, refs.skus, refs.names]);
    const products = new Map<string, Product>();
    const names = new Map<string, Set<string>>();
    for (const row of rows) {
      if (!products.has(row.id)) products.set(row.id, productFromRow(row));
      if (row.requested_name !== null) names.set(row.id, (names.get(row.id) ?? new Set()).add(row.requested_name));
    }
    return { products: [...products.values()], isNamed: (product, name) => names.get(product.id)?.has(name) ?? false };
  }

  /** Takes the units an order holds; the caller has checked the stock under the lock. */
  async take(tx: EntityManager, units: Map<string, number>): Promise<void> {
    const rows = [...units].map(([product_id, quantity]) => ({ product_id, quantity }));
    await TAKE_STOCK.rows(tx, [JSON.stringify(rows)]);
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

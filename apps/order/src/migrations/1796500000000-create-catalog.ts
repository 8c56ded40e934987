import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The catalog: products with a server-side price and stock on hand. An order's items name their
 * product; an order holds its items' stock (`stock_held`) from checkout until it is declined,
 * cancelled or refunded before shipment.
 *
 * The stock follows the order's status in the database, in the same statement as the status change:
 * every path that moves an order (a checkout's charge, a cancel, a refund event, the reconciler, a
 * payment retry) then returns or takes stock exactly once, and no path can forget it. Products are
 * locked in id order, as checkout locks them, so the two never deadlock each other.
 */
export class CreateCatalog1796500000000 implements MigrationInterface {
  name = 'CreateCatalog1796500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "products" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "sku" character varying(64) NOT NULL,
      "name" character varying(200) NOT NULL,
      "description" character varying(2000) NOT NULL DEFAULT '',
      "price_minor" bigint NOT NULL,
      "currency" character(3) NOT NULL,
      "stock_on_hand" integer NOT NULL,
      "active" boolean NOT NULL DEFAULT true,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "CHK_products_price" CHECK ("price_minor" > 0),
      CONSTRAINT "CHK_products_stock" CHECK ("stock_on_hand" >= 0),
      CONSTRAINT "PK_products" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "products_sku" ON "products" ("sku")`);
    // A name names at most one active product, so the original's `{name, price}` items resolve.
    // lower(upper()) folds case fully (ΚΑΦΕΣ and καφες are one name), and orders look names up
    // with the same expression in the database: never a different fold in JavaScript.
    await queryRunner.query(`CREATE UNIQUE INDEX "products_active_name" ON "products" (lower(upper("name"))) WHERE "active"`);
    await queryRunner.query(`CREATE INDEX "products_name" ON "products" (lower("name"), "id")`);

    await queryRunner.query(`ALTER TABLE "order_items" ADD "product_id" uuid`);
    await queryRunner.query(`ALTER TABLE "order_items" ADD "sku" character varying(64)`);
    await queryRunner.query(`ALTER TABLE "order_items" ADD CONSTRAINT "FK_order_items_product" FOREIGN KEY ("product_id") REFERENCES "products"("id")`);
    await queryRunner.query(`CREATE INDEX "order_items_product_idx" ON "order_items" ("product_id")`);
    // Orders placed before the catalog hold no stock.
    await queryRunner.query(`ALTER TABLE "orders" ADD "stock_held" boolean NOT NULL DEFAULT false`);

    await queryRunner.query(`CREATE FUNCTION order_stock_follows_status() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        sign integer;
      BEGIN
        IF OLD.stock_held AND NEW.status IN ('payment_failed', 'cancelled', 'refunded') AND OLD.status NOT IN ('shipped', 'delivered') THEN
          sign := 1;   -- declined, cancelled or refunded before shipment: the stock goes back
          NEW.stock_held := false;
        ELSIF NOT OLD.stock_held AND OLD.status = 'payment_failed' AND NEW.status = 'pending' THEN
          sign := -1;  -- a payment retry takes the stock again (CHK_products_stock refuses it when short)
          NEW.stock_held := EXISTS (SELECT 1 FROM order_items WHERE order_id = NEW.id AND product_id IS NOT NULL);
        ELSE
          RETURN NEW;
        END IF;
        PERFORM 1 FROM products WHERE id IN (SELECT product_id FROM order_items WHERE order_id = NEW.id) ORDER BY id FOR UPDATE;
        UPDATE products p SET stock_on_hand = p.stock_on_hand + sign * held.quantity, updated_at = now()
          FROM (SELECT product_id, sum(quantity) AS quantity FROM order_items WHERE order_id = NEW.id AND product_id IS NOT NULL GROUP BY product_id) held
          WHERE p.id = held.product_id;
        RETURN NEW;
      END $$`);
    await queryRunner.query(`CREATE TRIGGER "orders_stock_follows_status" BEFORE UPDATE OF "status" ON "orders"
      FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION order_stock_follows_status()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER "orders_stock_follows_status" ON "orders"`);
    await queryRunner.query(`DROP FUNCTION order_stock_follows_status()`);
    await queryRunner.query(`ALTER TABLE "orders" DROP COLUMN "stock_held"`);
    await queryRunner.query(`ALTER TABLE "order_items" DROP CONSTRAINT "FK_order_items_product"`);
    await queryRunner.query(`DROP INDEX "order_items_product_idx"`);
    await queryRunner.query(`ALTER TABLE "order_items" DROP COLUMN "sku"`);
    await queryRunner.query(`ALTER TABLE "order_items" DROP COLUMN "product_id"`);
    await queryRunner.query(`DROP TABLE "products"`);
  }
}

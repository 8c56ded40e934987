import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateOrders1764190200000 implements MigrationInterface {
  name = 'CreateOrders1764190200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "orders" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "user_id" uuid NOT NULL,
      "status" character varying(20) NOT NULL,
      "status_reason" character varying(300),
      "currency" character(3) NOT NULL,
      "total_minor" bigint NOT NULL,
      "payment_method" character varying(32) NOT NULL,
      "payment_id" uuid,
      "payment_attempt" integer NOT NULL DEFAULT 1,
      "idempotency_key" character varying(255),
      "request_fingerprint" character(64),
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "CHK_orders_status" CHECK ("status" IN ('pending', 'confirmed', 'payment_failed', 'cancelled', 'shipped', 'delivered', 'refunded')),
      CONSTRAINT "CHK_orders_total" CHECK ("total_minor" > 0),
      CONSTRAINT "CHK_orders_attempt" CHECK ("payment_attempt" >= 1),
      CONSTRAINT "PK_orders" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "orders_user_created_idx" ON "orders" ("user_id", "created_at")`);
    await queryRunner.query(`CREATE UNIQUE INDEX "orders_user_idempotency_key" ON "orders" ("user_id", "idempotency_key") WHERE "idempotency_key" IS NOT NULL`);
    await queryRunner.query(`CREATE TABLE "order_items" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "order_id" uuid NOT NULL,
      "position" smallint NOT NULL,
      "product_name" character varying(200) NOT NULL,
      "quantity" integer NOT NULL,
      "unit_price_minor" bigint NOT NULL,
      CONSTRAINT "CHK_order_items_quantity" CHECK ("quantity" BETWEEN 1 AND 10000),
      CONSTRAINT "CHK_order_items_price" CHECK ("unit_price_minor" > 0),
      CONSTRAINT "PK_order_items" PRIMARY KEY ("id"),
      CONSTRAINT "FK_order_items_order" FOREIGN KEY ("order_id") REFERENCES "orders"("id") ON DELETE CASCADE)`);
    await queryRunner.query(`CREATE INDEX "order_items_order_idx" ON "order_items" ("order_id", "position")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "order_items"`);
    await queryRunner.query(`DROP TABLE "orders"`);
  }
}

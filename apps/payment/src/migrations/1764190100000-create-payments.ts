import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreatePayments1764190100000 implements MigrationInterface {
  name = 'CreatePayments1764190100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "payments" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "order_id" uuid NOT NULL,
      "user_id" uuid NOT NULL,
      "amount_minor" bigint NOT NULL,
      "currency" character(3) NOT NULL,
      "payment_method" character varying(32) NOT NULL,
      "status" character varying(16) NOT NULL,
      "transaction_id" character varying(64),
      "failure_reason" character varying(300),
      "idempotency_key" character varying(255),
      "request_fingerprint" character(64),
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "refunded_at" TIMESTAMP WITH TIME ZONE,
      CONSTRAINT "CHK_payments_status" CHECK ("status" IN ('completed', 'declined', 'refunded')),
      CONSTRAINT "CHK_payments_amount" CHECK ("amount_minor" > 0),
      CONSTRAINT "CHK_payments_refunded_at" CHECK (("status" = 'refunded') = ("refunded_at" IS NOT NULL)),
      CONSTRAINT "CHK_payments_transaction_id" CHECK (("status" = 'declined') = ("transaction_id" IS NULL)),
      CONSTRAINT "PK_payments" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "payments_user_created_idx" ON "payments" ("user_id", "created_at" DESC)`);
    await queryRunner.query(`CREATE INDEX "payments_order_idx" ON "payments" ("order_id")`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "payments_user_idempotency_key" ON "payments" ("user_id", "idempotency_key") WHERE "idempotency_key" IS NOT NULL`,
    );
    // At most one successful payment per order, whatever the application does.
    await queryRunner.query(`CREATE UNIQUE INDEX "payments_order_paid_key" ON "payments" ("order_id") WHERE "status" IN ('completed', 'refunded')`);
    await queryRunner.query(`CREATE TABLE "payment_events" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "type" character varying(40) NOT NULL,
      "payment_id" uuid NOT NULL,
      "order_id" uuid NOT NULL,
      "user_id" uuid NOT NULL,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "delivered_at" TIMESTAMP WITH TIME ZONE,
      "attempts" integer NOT NULL DEFAULT 0,
      "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "last_error" text,
      CONSTRAINT "CHK_payment_events_type" CHECK ("type" IN ('payment.refunded')),
      CONSTRAINT "CHK_payment_events_attempts" CHECK ("attempts" >= 0),
      CONSTRAINT "PK_payment_events" PRIMARY KEY ("id"),
      CONSTRAINT "FK_payment_events_payment" FOREIGN KEY ("payment_id") REFERENCES "payments"("id") ON DELETE NO ACTION)`);
    await queryRunner.query(`CREATE INDEX "payment_events_due_idx" ON "payment_events" ("next_attempt_at") WHERE "delivered_at" IS NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "payment_events"`);
    await queryRunner.query(`DROP TABLE "payments"`);
  }
}

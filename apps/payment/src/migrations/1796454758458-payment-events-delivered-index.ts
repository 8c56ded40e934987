import { MigrationInterface, QueryRunner } from 'typeorm';

/** The scheduled cleanup finds delivered events by their delivery time without reading the whole outbox. */
export class PaymentEventsDeliveredIndex1796454758458 implements MigrationInterface {
  name = 'PaymentEventsDeliveredIndex1796454758458';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX "payment_events_delivered_idx" ON "payment_events" ("delivered_at") WHERE "delivered_at" IS NOT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "payment_events_delivered_idx"`);
  }
}

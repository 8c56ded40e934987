import { MigrationInterface, QueryRunner } from 'typeorm';

/** The W3C traceparent of the request that wrote the event, so its delivery joins that trace. */
export class PaymentEventTraceparent1796454898597 implements MigrationInterface {
  name = 'PaymentEventTraceparent1796454898597';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "payment_events" ADD "traceparent" character varying(55)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "payment_events" DROP COLUMN "traceparent"`);
  }
}

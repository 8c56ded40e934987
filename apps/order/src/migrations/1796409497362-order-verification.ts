import { MigrationInterface, QueryRunner } from 'typeorm';

/** When the reconciler last found an order in agreement with its payments, and which replica holds it now. */
export class OrderVerification1796409497362 implements MigrationInterface {
  name = 'OrderVerification1796409497362';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "orders" ADD "verified_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "orders" ADD "reconcile_lease_until" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`CREATE INDEX "orders_unverified_idx" ON "orders" ("updated_at") WHERE "verified_at" IS NULL OR "verified_at" < "updated_at"`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "orders_unverified_idx"`);
    await queryRunner.query(`ALTER TABLE "orders" DROP COLUMN "reconcile_lease_until"`);
    await queryRunner.query(`ALTER TABLE "orders" DROP COLUMN "verified_at"`);
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateUsers1764190000000 implements MigrationInterface {
  name = 'CreateUsers1764190000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "users" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "email" character varying(254) NOT NULL,
      "username" character varying(32) NOT NULL,
      "password_hash" character varying(100) NOT NULL,
      "full_name" character varying(200),
      "role" character varying(16) NOT NULL DEFAULT 'user',
      "is_active" boolean NOT NULL DEFAULT true,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "UQ_users_email" UNIQUE ("email"),
      CONSTRAINT "CHK_users_role" CHECK ("role" IN ('user', 'admin')),
      CONSTRAINT "PK_users" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "users_username_lower_key" ON "users" (lower("username"))`);
    await queryRunner.query(`CREATE INDEX "IDX_users_created_at" ON "users" ("created_at")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "users"`);
  }
}

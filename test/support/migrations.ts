import { DataSource } from 'typeorm';
import { databaseConfig, dataSourceOptions, ServiceDatabase } from '@app/db';
import { createTestDatabase, onServerDatabase } from './test-database';

/** An app's migrations build exactly the schema its entities describe, and revert cleanly. */
export function describeMigrations(definition: ServiceDatabase): void {
  describe(`${definition.service} migrations`, () => {
    it('build exactly the schema the entities describe, and revert cleanly', async () => {
      const db = await createTestDatabase(definition.service);
      const config = { ...databaseConfig(), DATABASE_MIGRATIONS_RUN: false };
      const dataSource = new DataSource(dataSourceOptions(definition, config, await db.open(), !onServerDatabase));
      try {
        await dataSource.initialize();
        expect((await dataSource.runMigrations()).length).toBe(definition.migrations.length);
        const drift = await dataSource.driver.createSchemaBuilder().log();
        expect(drift.upQueries.map((q) => q.query)).toEqual([]);
        for (let i = 0; i < definition.migrations.length; i++) await dataSource.undoLastMigration();
        const tables = await dataSource.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'migrations'`);
        expect(tables).toEqual([]);
      } finally {
        await dataSource.destroy();
        await db.drop();
      }
    });
  });
}

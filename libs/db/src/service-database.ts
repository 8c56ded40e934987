import type { MigrationInterface } from 'typeorm';

/** What a service owns in its database: listed explicitly, since globs break in bundled builds. */
export interface ServiceDatabase {
  service: string;
  /** Entity classes, which TypeORM instantiates without arguments. */
  entities: (new () => object)[];
  migrations: (new () => MigrationInterface)[];
  /** Where `migration:generate` writes, relative to the repository root. */
  migrationsDir: string;
}

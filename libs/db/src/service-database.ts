import type { MixedList } from 'typeorm';

/** What a service owns in its database: listed explicitly, since globs break in bundled builds. */
export interface ServiceDatabase {
  service: string;
  entities: MixedList<Function>;
  migrations: Function[];
  /** Where `migration:generate` writes, relative to the repository root. */
  migrationsDir: string;
}

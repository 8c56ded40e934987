import type { DataSourceOptions } from 'typeorm';
import type { DatabaseConfig } from './database.config';
import type { ServiceDatabase } from './service-database';

/** One place for pool, timeouts and schema policy: the service, the CLI and the tests share it. */
export function dataSourceOptions(definition: ServiceDatabase, config: DatabaseConfig, url: string, embedded: boolean): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: definition.entities,
    migrations: definition.migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    migrationsRun: config.DATABASE_MIGRATIONS_RUN,
    synchronize: false,
    installExtensions: false,
    // gen_random_uuid() is built into PostgreSQL 13+ and PGlite: no extension needed.
    uuidExtension: 'pgcrypto',
    // Query errors reach the error filter; TypeORM's own log would print parameters (password hashes).
    logging: ['migration'],
    extra: {
      // PGlite runs one session; a larger pool would only queue on the socket.
      max: embedded ? 1 : config.DATABASE_POOL_SIZE,
      // The pool closes clients idle this long; the embedded database resets the session for the next one.
      idleTimeoutMillis: config.DATABASE_POOL_IDLE_TIMEOUT_MS,
      connectionTimeoutMillis: config.DATABASE_CONNECT_TIMEOUT_MS,
      statement_timeout: config.DATABASE_STATEMENT_TIMEOUT_MS,
      idle_in_transaction_session_timeout: config.DATABASE_STATEMENT_TIMEOUT_MS,
      application_name: definition.service,
    },
  };
}

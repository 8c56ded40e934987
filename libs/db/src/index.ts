export * from './database.config';
export * from './database.module';
export * from './data-source-options';
export * from './embedded/embedded-postgres';
export * from './health/health.module';
export * from './health/shutdown-state';
export * from './migration-cli';
export * from './service-database';

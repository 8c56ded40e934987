"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.dataSourceOptions = dataSourceOptions;
function dataSourceOptions(definition, config, url, embedded) {
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
        uuidExtension: 'pgcrypto',
        logging: ['error', 'warn', 'migration'],
        extra: {
            max: embedded ? 1 : config.DATABASE_POOL_SIZE,
            connectionTimeoutMillis: config.DATABASE_CONNECT_TIMEOUT_MS,
            statement_timeout: config.DATABASE_STATEMENT_TIMEOUT_MS,
            idle_in_transaction_session_timeout: config.DATABASE_STATEMENT_TIMEOUT_MS,
            application_name: definition.service,
        },
    };
}
//# sourceMappingURL=data-source-options.js.map
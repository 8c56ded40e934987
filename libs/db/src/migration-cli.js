"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.runMigrationCli = runMigrationCli;
const bootstrap_1 = require("../../bootstrap/src/index.js");
const node_fs_1 = require("node:fs");
const node_path_1 = require("node:path");
const typeorm_1 = require("typeorm");
const database_config_1 = require("./database.config");
const data_source_options_1 = require("./data-source-options");
const embedded_postgres_1 = require("./embedded/embedded-postgres");
const USAGE = 'usage: migrate <run|revert|show|generate NAME>';
async function runMigrationCli(definition, argv = process.argv.slice(2)) {
    const [command, name] = argv;
    if ((0, node_fs_1.existsSync)('.env'))
        process.loadEnvFile('.env');
    let config;
    try {
        config = (0, database_config_1.databaseConfig)();
    }
    catch (error) {
        if (error instanceof bootstrap_1.ConfigError)
            return fail(error.message);
        throw error;
    }
    const embedded = config.DATABASE_URL ? undefined : embedded_postgres_1.EmbeddedPostgres.forService(config.DATA_DIR, definition.service);
    const url = config.DATABASE_URL ?? (await embedded.start());
    const dataSource = new typeorm_1.DataSource({ ...(0, data_source_options_1.dataSourceOptions)(definition, config, url, !!embedded), migrationsRun: false });
    await dataSource.initialize();
    try {
        switch (command) {
            case 'run': {
                const applied = await dataSource.runMigrations({ transaction: 'each' });
                out(applied.length ? applied.map((m) => `applied ${m.name}`).join('\n') : 'no pending migrations');
                break;
            }
            case 'revert':
                await dataSource.undoLastMigration({ transaction: 'each' });
                out('reverted the last migration');
                break;
            case 'show':
                out((await dataSource.showMigrations()) ? 'pending migrations exist' : 'up to date');
                break;
            case 'generate':
                if (!name || !/^[A-Za-z][A-Za-z0-9]*$/.test(name))
                    return fail(`${USAGE} (NAME in PascalCase)`);
                out(await generate(dataSource, definition, name));
                break;
            default:
                return fail(USAGE);
        }
    }
    finally {
        await dataSource.destroy();
        await embedded?.stop();
    }
}
async function generate(dataSource, definition, name) {
    await dataSource.runMigrations({ transaction: 'each' });
    const sql = await dataSource.driver.createSchemaBuilder().log();
    if (sql.upQueries.length === 0)
        return 'the schema matches the entities: nothing to generate';
    const timestamp = Date.now();
    const className = `${name}${timestamp}`;
    const quote = (query) => '`' + query.replace(/`/g, '\\`') + '`';
    const up = sql.upQueries.map((q) => `    await queryRunner.query(${quote(q.query)});`).join('\n');
    const down = sql.downQueries.reverse().map((q) => `    await queryRunner.query(${quote(q.query)});`).join('\n');
    const source = `import { MigrationInterface, QueryRunner } from 'typeorm';

export class ${className} implements MigrationInterface {
  name = '${className}';

  async up(queryRunner: QueryRunner): Promise<void> {
${up}
  }

  async down(queryRunner: QueryRunner): Promise<void> {
${down}
  }
}
`;
    (0, node_fs_1.mkdirSync)(definition.migrationsDir, { recursive: true });
    const file = (0, node_path_1.join)(definition.migrationsDir, `${timestamp}-${name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()}.ts`);
    (0, node_fs_1.writeFileSync)(file, source);
    return `wrote ${file}; add ${className} to the service's migrations list`;
}
function out(message) {
    process.stdout.write(`${message}\n`);
}
function fail(message) {
    process.stderr.write(`${message}\n`);
    process.exitCode = 1;
}
//# sourceMappingURL=migration-cli.js.map
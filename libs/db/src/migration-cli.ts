import { ConfigError } from '@app/config';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { databaseConfig, DatabaseConfig } from './database.config';
import { dataSourceOptions } from './data-source-options';
import { EmbeddedPostgres } from './embedded/embedded-postgres';
import { ServiceDatabase } from './service-database';

const USAGE = 'usage: migrate <run|revert|show|generate NAME>';

/**
 * Migrations as their own step (`node dist/apps/<app>/main.js` never has to run them):
 * the same data source as the service, on DATABASE_URL or the embedded database.
 */
export async function runMigrationCli(definition: ServiceDatabase, argv = process.argv.slice(2)): Promise<void> {
  const [command, name] = argv;
  if (existsSync('.env')) process.loadEnvFile('.env');
  let config: DatabaseConfig;
  try {
    config = databaseConfig();
  } catch (error) {
    if (error instanceof ConfigError) return fail(error.message);
    throw error;
  }
  const embedded = config.DATABASE_URL ? undefined : EmbeddedPostgres.forService(config.DATA_DIR, definition.service);
  const url = config.DATABASE_URL ?? (await embedded!.start());
  const dataSource = new DataSource({ ...dataSourceOptions(definition, config, url, !!embedded), migrationsRun: false });
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
        if (!name || !/^[A-Za-z][A-Za-z0-9]*$/.test(name)) return fail(`${USAGE} (NAME in PascalCase)`);
        out(await generate(dataSource, definition, name));
        break;
      default:
        return fail(USAGE);
    }
  } finally {
    await dataSource.destroy();
    await embedded?.stop();
  }
}

async function generate(dataSource: DataSource, definition: ServiceDatabase, name: string): Promise<string> {
  await dataSource.runMigrations({ transaction: 'each' });
  const sql = await dataSource.driver.createSchemaBuilder().log();
  if (sql.upQueries.length === 0) return 'the schema matches the entities: nothing to generate';
  const timestamp = Date.now();
  const className = `${name}${timestamp}`;
  const quote = (query: string) => '`' + query.replace(/`/g, '\\`') + '`';
  const up = sql.upQueries.map((q) => `    await queryRunner.query(${quote(q.query)});`).join('\n');
  const down = sql.downQueries
    .reverse()
    .map((q) => `    await queryRunner.query(${quote(q.query)});`)
    .join('\n');
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
  mkdirSync(definition.migrationsDir, { recursive: true });
  const file = join(definition.migrationsDir, `${timestamp}-${name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()}.ts`);
  writeFileSync(file, source);
  return `wrote ${file}; add ${className} to the service's migrations list`;
}

function out(message: string): void {
  process.stdout.write(`${message}\n`);
}

function fail(message: string): void {
  process.stderr.write(`${message}\n`);
  process.exitCode = 1;
}

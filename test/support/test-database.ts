import { EmbeddedPostgres } from '@app/db';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { TEST_POSTGRES_URL } from './environment';

/**
 * Every e2e suite runs twice (see jest.config.js): on a server PostgreSQL and on the embedded
 * default (PGlite inside the service, DATABASE_URL unset), the way `npm start` runs it.
 */
export type DatabaseKind = 'server' | 'embedded';
export const DATABASE_KIND: DatabaseKind = process.env.E2E_DATABASE === 'embedded' ? 'embedded' : 'server';
export const onServerDatabase = DATABASE_KIND === 'server';

/** Runs SQL on a database that a service in this process holds open. */
type Executor = (sql: string, params: unknown[]) => Promise<unknown[]>;

/** In-process services on the embedded database register here, by data folder, so a test can read what they wrote. */
const embeddedExecutors = new Map<string, Executor>();
export function registerEmbeddedExecutor(dataDir: string, executor: Executor | undefined): void {
  if (executor) embeddedExecutors.set(dataDir, executor);
  else embeddedExecutors.delete(dataDir);
}

export interface TestDatabase {
  kind: DatabaseKind;
  name: string;
  /** The server database's URL; on the embedded kind reading it throws: pass `env` to the service instead. */
  url: string;
  /** The environment that points a service at this database: DATABASE_URL, or DATA_DIR for the embedded one. */
  env: Record<string, string | undefined>;
  /** A URL a client in this process can use; for the embedded kind this starts the database here (closed by drop()). */
  open(): Promise<string>;
  /** Runs SQL in the test database (to check what the service wrote). */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Cuts every session of the service and refuses new ones, like a database that went away (server only). */
  goAway(): Promise<void>;
  comeBack(): Promise<void>;
  drop(): Promise<void>;
}

/**
 * A test that needs what only a server database offers (cutting its sessions, a second process
 * reading it) is listed on the embedded run as skipped with its reason, never dropped silently.
 */
export function itOnServer(reason: string): jest.It {
  if (onServerDatabase) return it;
  const skipWithReason = ((name: string) => it.skip(`${name} [server PostgreSQL only: ${reason}]`, () => undefined)) as unknown as jest.It;
  return skipWithReason;
}

async function admin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * A database of its own for one suite, created here and dropped after. `kind` overrides the run's
 * kind; `dataDir` lets several embedded databases share one DATA_DIR, as under npm start.
 */
export async function createTestDatabase(service: string, options: { kind?: DatabaseKind; dataDir?: string } = {}): Promise<TestDatabase> {
  return (options.kind ?? DATABASE_KIND) === 'server' ? createServerDatabase(service) : createEmbeddedDatabase(service, options.dataDir);
}

async function createServerDatabase(service: string): Promise<TestDatabase> {
  const name = `test_${service}_${randomBytes(4).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  const terminate = (c: Client) => c.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
  let reader: Client | undefined;
  return {
    kind: 'server',
    name,
    url: url.toString(),
    env: { DATABASE_URL: url.toString() },
    open: async () => url.toString(),
    async query<T>(sql: string, params: unknown[] = []) {
      if (!reader) {
        reader = new Client({ connectionString: url.toString() });
        await reader.connect();
      }
      return (await reader.query(sql, params)).rows as T[];
    },
    async goAway() {
      await reader?.end().catch(() => undefined);
      reader = undefined;
      await admin(async (c) => {
        await c.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
        await terminate(c);
      });
    },
    async comeBack() {
      await admin((c) => c.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`));
    },
    async drop() {
      await reader?.end().catch(() => undefined);
      await admin(async (c) => {
        await c.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`).catch(() => undefined);
        await terminate(c);
        await c.query(`DROP DATABASE IF EXISTS ${name}`);
      });
    },
  };
}

async function createEmbeddedDatabase(service: string, sharedDataDir?: string): Promise<TestDatabase> {
  // The service keeps its files in DATA_DIR/<service>, as under npm start.
  const dataDir = sharedDataDir ?? mkdtempSync(join(tmpdir(), `test-${service}-`));
  let standalone: { database: EmbeddedPostgres; url: string } | undefined;
  const unsupported = (what: string) => () =>
    Promise.reject(new Error(`${what} needs a server PostgreSQL; this test runs on the embedded database (mark it itOnServer)`));
  return {
    kind: 'embedded',
    name: join(dataDir, service),
    get url(): string {
      throw new Error(`The embedded ${service} database has no URL of its own: start the service with the database's env`);
    },
    env: { DATABASE_URL: undefined, DATA_DIR: dataDir },
    async open() {
      // Only once no service holds it: PGlite is one process's database at a time.
      if (!standalone) {
        const database = EmbeddedPostgres.forService(dataDir, service);
        standalone = { database, url: await database.start() };
      }
      return standalone.url;
    },
    async query<T>(sql: string, params: unknown[] = []) {
      const executor = embeddedExecutors.get(dataDir);
      if (!executor && standalone) {
        // One connection at a time: held only for this query.
        const client = new Client({ connectionString: standalone.url });
        await client.connect();
        try {
          return (await client.query(sql, params)).rows as T[];
        } finally {
          await client.end();
        }
      }
      if (!executor) {
        throw new Error(`The embedded ${service} database belongs to another process; read it through that service's API (or mark the test itOnServer)`);
      }
      return (await executor(sql, params)) as T[];
    },
    goAway: unsupported('Cutting the database away'),
    comeBack: unsupported('Cutting the database away'),
    async drop() {
      await standalone?.database.stop();
      rmSync(sharedDataDir ? join(dataDir, service) : dataDir, { recursive: true, force: true });
    },
  };
}

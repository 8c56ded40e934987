import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { TEST_POSTGRES_URL } from './environment';

export interface TestDatabase {
  name: string;
  url: string;
  /** Runs SQL in the test database (to check what the service wrote). */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Cuts every session of the service and refuses new ones, like a database that went away. */
  goAway(): Promise<void>;
  comeBack(): Promise<void>;
  drop(): Promise<void>;
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

/** A database of its own for one suite, created here and dropped after. */
export async function createTestDatabase(service: string): Promise<TestDatabase> {
  const name = `test_${service}_${randomBytes(4).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  const terminate = (c: Client) => c.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
  let reader: Client | undefined;
  return {
    name,
    url: url.toString(),
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

import { EmbeddedPostgres } from '@app/db';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Pool } from 'pg';

/**
 * PGlite is one PostgreSQL session behind a socket. Every connection a pool opens must still meet a
 * fresh session, as it would on a server: the pool drops idle clients and opens new ones over time.
 */
describe('embedded PostgreSQL: every connection starts a fresh session', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'embedded-session-'));
  const embedded = new EmbeddedPostgres(dataDir);
  let url: string;

  beforeAll(async () => {
    url = await embedded.start();
  });

  afterAll(async () => {
    await embedded.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function withClient<T>(work: (client: Client) => Promise<T>, end: 'end' | 'destroy' = 'end'): Promise<T> {
    const client = new Client({ connectionString: url });
    // A destroyed socket is reported as an error event; that is the point of the test.
    client.on('error', () => undefined);
    await client.connect();
    try {
      return await work(client);
    } finally {
      if (end === 'end') await client.end();
      else (client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    }
  }

  it('lets a new connection prepare a statement with the name a closed one used', async () => {
    const named = { name: 'probe', text: 'SELECT $1::int AS n', values: [1] };
    await withClient((c) => c.query(named));
    const rows = await withClient(async (c) => (await c.query({ ...named, values: [2] })).rows);
    expect(rows).toEqual([{ n: 2 }]);
  });

  it('does not hand a SET of a closed connection to the next one', async () => {
    const defaultTimeout = await withClient(async (c) => (await c.query('SHOW statement_timeout')).rows[0].statement_timeout);
    await withClient((c) => c.query("SET statement_timeout = '1234ms'"));
    const after = await withClient(async (c) => (await c.query('SHOW statement_timeout')).rows[0].statement_timeout);
    expect(after).toBe(defaultTimeout);
  });

  it('rolls back the open transaction of a client that died, so its writes are not seen or kept', async () => {
    await withClient((c) => c.query('CREATE TABLE IF NOT EXISTS died (n int)'));
    await withClient(async (c) => {
      await c.query('BEGIN');
      await c.query('INSERT INTO died VALUES (1)');
    }, 'destroy');
    await sleep(100);
    const state = await withClient(async (c) => {
      const inserted = (await c.query('SELECT count(*)::int AS n FROM died')).rows[0].n;
      // BEGIN inside an open transaction only warns; a fresh session starts outside one.
      await c.query('BEGIN');
      await c.query('INSERT INTO died VALUES (2)');
      await c.query('ROLLBACK');
      return { inserted, after: (await c.query('SELECT count(*)::int AS n FROM died')).rows[0].n };
    });
    expect(state).toEqual({ inserted: 0, after: 0 });
  });

  it('keeps working for a pool that drops idle clients, across many idle periods', async () => {
    const pool = new Pool({ connectionString: url, max: 1, idleTimeoutMillis: 50 });
    try {
      for (let round = 0; round < 5; round++) {
        const { rows } = await pool.query({ name: 'pool_probe', text: 'SELECT $1::int AS round', values: [round] });
        expect(rows).toEqual([{ round }]);
        await sleep(150);
      }
    } finally {
      await pool.end();
    }
  });

  it('serves a pool that replaces a client after each failed query, under concurrency, as a server would', async () => {
    // pg's pool destroys a client whose query failed and opens the next connection at once.
    const pool = new Pool({ connectionString: url, max: 1 });
    try {
      await pool.query('CREATE TABLE unique_keys (k text PRIMARY KEY, n int)');
      const outcomes = await Promise.allSettled(
        Array.from({ length: 20 }, (_, n) => pool.query({ name: 'insert_key', text: 'INSERT INTO unique_keys VALUES ($1, $2)', values: ['same', n] })),
      );
      const codes = outcomes.map((o) =>
        o.status === 'fulfilled' ? 'ok' : ((o.reason as { code?: string; message: string }).code ?? (o.reason as Error).message),
      );
      expect(codes.sort()).toEqual([...Array(19).fill('23505'), 'ok']);
    } finally {
      await pool.end();
    }
  });
});

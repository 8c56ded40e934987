import type { Pool, QueryResultRow } from 'pg';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/**
 * A statement written in SQL, for what TypeORM's Repository API cannot say and for the hot paths
 * (the README's "Data access" rule). Outside a transaction it runs as a named prepared statement on
 * TypeORM's own pool: PostgreSQL parses and plans it once per connection instead of on every request
 * (measured: a third of the order page's database time), and TypeORM's query runner is skipped. In a
 * transaction it runs on that transaction's connection. Either way a refused statement throws
 * TypeORM's QueryFailedError, so a database error has one shape whichever tool ran the statement.
 */
export class SqlStatement<Row extends QueryResultRow> {
  constructor(
    readonly name: string,
    readonly text: string,
  ) {}

  /** The rows it returned (of an UPDATE or DELETE, those of its RETURNING clause). */
  async rows(on: DataSource | EntityManager, values: unknown[]): Promise<Row[]> {
    if (on instanceof EntityManager) {
      if (!on.queryRunner) return this.rows(on.connection, values);
      return ((await on.queryRunner.query(this.text, values, true)) as { records: Row[] }).records;
    }
    const pool = (on.driver as PostgresDriver).master as Pool;
    const client = await pool.connect();
    let broken: Error | undefined;
    // A connection the server ends (a restart, a failover, an administrator) fails the statement and
    // also emits 'error' on its client. The pool listens only while the client is idle, and an
    // 'error' event nobody listens to ends the process: this listener keeps it for the statement,
    // and the broken client is then destroyed instead of going back to the pool.
    const onError = (error: Error) => (broken = error);
    client.on('error', onError);
    try {
      return (await client.query<Row>({ name: this.name, text: this.text, values })).rows;
    } catch (error) {
      // A statement the database refused (a unique key, a check) leaves the connection sound;
      // pool.query would close it anyway, and the next connection then has to start over. A FATAL
      // one (the session terminated) is followed by the server closing the connection.
      if (!refusedOnSoundConnection(error)) broken ??= error as Error;
      throw isServerError(error) ? new QueryFailedError(this.text, values, error as Error) : error;
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  }
}

/** An error the server answered with (it has a SQLSTATE and a severity), as opposed to a broken connection. */
function isServerError(error: unknown): boolean {
  return typeof (error as { severity?: unknown }).severity === 'string' && typeof (error as { code?: unknown }).code === 'string';
}

/** The server refused the statement and keeps the session (severity ERROR, not FATAL or PANIC). */
function refusedOnSoundConnection(error: unknown): boolean {
  return isServerError(error) && (error as { severity: string }).severity === 'ERROR';
}

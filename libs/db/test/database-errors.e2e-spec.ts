import { mapError } from '@app/errors';
import { databaseConfig, dataSourceOptions, isUniqueViolation, SqlStatement } from '@app/db';
import { DataSource } from 'typeorm';
import { eventually } from '../../../test/support/eventually';
import { createTestDatabase, itOnServer, onServerDatabase, TestDatabase } from '../../../test/support/test-database';

const caught = (work: () => Promise<unknown>) =>
  work().then(
    () => {
      throw new Error('the statement was expected to fail');
    },
    (error: unknown) => error,
  );

/** A statement the database refuses means one thing, whether TypeORM or an SqlStatement ran it. */
describe('database errors: one meaning whichever tool ran the statement', () => {
  let db: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase('errors');
    dataSource = new DataSource(
      dataSourceOptions(
        { service: 'errors', entities: [], migrations: [], migrationsDir: '' },
        { ...databaseConfig(), DATABASE_MIGRATIONS_RUN: false },
        await db.open(),
        !onServerDatabase,
      ),
    );
    await dataSource.initialize();
    await dataSource.query('CREATE TABLE accounts (id serial PRIMARY KEY, email varchar(254) NOT NULL CONSTRAINT accounts_email UNIQUE)');
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  const byEmail = new SqlStatement<{ id: string }>('test_account_by_email', 'SELECT id FROM accounts WHERE email = $1');
  const insertAccount = new SqlStatement<{ id: string }>('test_account_insert', 'INSERT INTO accounts (email) VALUES ($1) RETURNING id');

  it('answers text PostgreSQL cannot store (a NUL) with 400 on both paths, not 500 on the prepared one', async () => {
    const throughTypeOrm = await caught(() => dataSource.query('SELECT id FROM accounts WHERE email = $1', ['a\u0000b@example.com']));
    const throughPrepared = await caught(() => byEmail.rows(dataSource, ['a\u0000b@example.com']));
    expect(mapError(throughTypeOrm, 'r').body).toMatchObject({ statusCode: 400, code: 'VALIDATION.FAILED' });
    expect(mapError(throughPrepared, 'r').body).toMatchObject({ statusCode: 400, code: 'VALIDATION.FAILED' });
  });

  itOnServer('its sessions are ended from another connection')(
    'fails only the statement when the server ends its connection while it runs: the process does not crash, the pool goes on',
    async () => {
      const SLEEP = 'SELECT pg_sleep(30)';
      const sleeping = new SqlStatement('test_sleep', SLEEP);
      const running = caught(() => sleeping.rows(dataSource, []));
      const sessions = `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query = '${SLEEP}'`;
      await eventually(
        () => db.query(sessions),
        (rows) => rows.length === 1,
        { what: 'the statement running' },
      );
      // What a database restart, a failover or an administrator does to a service's connections.
      await db.query(`SELECT pg_terminate_backend(pid) FROM (${sessions}) running`);
      expect(await running).toBeInstanceOf(Error);
      expect(await byEmail.rows(dataSource, ['nobody@example.com'])).toEqual([]);
    },
  );

  it('reports a unique violation with its constraint on both paths', async () => {
    await insertAccount.rows(dataSource, ['taken@example.com']);
    const throughTypeOrm = await caught(() => dataSource.query('INSERT INTO accounts (email) VALUES ($1)', ['taken@example.com']));
    const throughPrepared = await caught(() => insertAccount.rows(dataSource, ['taken@example.com']));
    const inTransaction = await caught(() => dataSource.transaction((tx) => insertAccount.rows(tx, ['taken@example.com'])));
    for (const error of [throughTypeOrm, throughPrepared, inTransaction]) {
      expect(isUniqueViolation(error, 'accounts_email')).toBe(true);
      expect(Object.getPrototypeOf(error)).toBe(Object.getPrototypeOf(throughTypeOrm));
    }
  });
});

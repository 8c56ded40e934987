import { databaseConfig, DatabaseConfig, dataSourceOptions, ServiceDatabase } from '@app/db';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { orderDatabase } from '../../apps/order/src/order-service';
import { paymentDatabase } from '../../apps/payment/src/payment-service';
import { userDatabase } from '../../apps/user/src/user-service';
import { TEST_POSTGRES_URL } from '../support/environment';
import { ROOT } from './support/manifests';

/**
 * docker/postgres/init-databases.sh (and the service-database.sql it runs, which the Kubernetes
 * roles Job runs too) on the real PostgreSQL of this machine, with roles and databases of unique
 * names, dropped afterwards. The server here trusts local connections, so this proves privileges,
 * not passwords: that each role owns its database, cannot connect to another's, and can migrate its own.
 */

const run = promisify(execFile);
const INIT = join(ROOT, 'docker', 'postgres', 'init-databases.sh');
const server = new URL(TEST_POSTGRES_URL);
const suffix = randomBytes(3).toString('hex');
const APPS: Record<string, ServiceDatabase> = { user: userDatabase, order: orderDatabase, payment: paymentDatabase };

interface ServiceRole {
  app: string;
  role: string;
  database: string;
  password: string;
  url: string;
  file: string;
}

const dir = mkdtempSync(join(tmpdir(), 'service-roles-'));
const roles: ServiceRole[] = Object.keys(APPS).map((app) => {
  const role = `test_${suffix}_${app}_service`;
  const database = `test_${suffix}_${app}s`;
  const password = randomBytes(24).toString('hex');
  const url = `postgres://${role}:${password}@${server.host}/${database}`;
  return { app, role, database, password, url, file: join(dir, `${app}_database_url`) };
});
for (const { url, file } of roles) writeFileSync(file, `${url}\n`);

const shellEnv = (files: string[]) => ({
  PATH: process.env.PATH,
  PGHOST: server.hostname,
  PGPORT: server.port || '5432',
  PGPASSWORD: decodeURIComponent(server.password),
  POSTGRES_USER: decodeURIComponent(server.username),
  POSTGRES_DB: server.pathname.slice(1) || 'postgres',
  SERVICE_DATABASE_URL_FILES: files.join(' '),
});
const init = (files = roles.map((r) => r.file)) => run('sh', [INIT], { env: shellEnv(files) });

/** A connection as the service's role: the service's URL, on this machine's server. */
async function connectAs(role: ServiceRole, database = role.database): Promise<Client> {
  const url = new URL(role.url);
  url.pathname = `/${database}`;
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  return client;
}

const admin = new Client({ connectionString: TEST_POSTGRES_URL });

beforeAll(async () => {
  await admin.connect();
  await init();
});

afterAll(async () => {
  for (const { database } of roles) await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  for (const { role } of roles) await admin.query(`DROP ROLE IF EXISTS "${role}"`);
  await admin.end();
  rmSync(dir, { recursive: true, force: true });
});

describe('docker/postgres/init-databases.sh on a real PostgreSQL', () => {
  it('creates each service a login role with a password and no special power', async () => {
    const { rows } = await admin.query(
      `SELECT rolname, rolcanlogin, rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls, rolpassword IS NOT NULL AS has_password
         FROM pg_authid WHERE rolname = ANY($1) ORDER BY rolname`,
      [roles.map((r) => r.role)],
    );
    expect(rows).toEqual(
      [...roles]
        .sort((a, b) => a.role.localeCompare(b.role))
        .map(({ role }) => ({
          rolname: role,
          rolcanlogin: true,
          rolsuper: false,
          rolcreatedb: false,
          rolcreaterole: false,
          rolreplication: false,
          rolbypassrls: false,
          has_password: true,
        })),
    );
  });

  it('makes each role the owner of its own database and of no other', async () => {
    const { rows } = await admin.query(
      `SELECT datname, pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datdba IN (SELECT oid FROM pg_roles WHERE rolname = ANY($1)) ORDER BY datname`,
      [roles.map((r) => r.role)],
    );
    expect(rows).toEqual([...roles].sort((a, b) => a.database.localeCompare(b.database)).map(({ database, role }) => ({ datname: database, owner: role })));
  });

  it.each(roles.map((role) => [role.app, role] as const))("lets the %s role connect to its own database, and to no other service's", async (_app, role) => {
    const own = await connectAs(role);
    await own.end();
    for (const other of roles.filter((candidate) => candidate !== role)) {
      await expect(connectAs(role, other.database)).rejects.toMatchObject({
        code: '42501',
        message: expect.stringContaining(`permission denied for database "${other.database}"`),
      });
    }
  });

  it("keeps a service's tables from every other service's role, even given a connection", async () => {
    const [user, order] = roles;
    const owner = await connectAs(user);
    await owner.query('CREATE TABLE secrets_of_users (id int)');
    await owner.end();
    // Even with CONNECT granted back by mistake, the tables stay the owner's.
    await admin.query(`GRANT CONNECT ON DATABASE "${user.database}" TO "${order.role}"`);
    const intruder = await connectAs(order, user.database);
    try {
      await expect(intruder.query('SELECT * FROM secrets_of_users')).rejects.toMatchObject({ code: '42501' });
      await expect(intruder.query('CREATE TABLE planted (id int)')).rejects.toMatchObject({ code: '42501' });
    } finally {
      await intruder.end();
      await admin.query(`REVOKE CONNECT ON DATABASE "${user.database}" FROM "${order.role}"`);
    }
  });

  it('runs again without harm, handing the role what the superuser created there before', async () => {
    const [, , payment] = roles;
    const legacy = new Client({ connectionString: Object.assign(new URL(TEST_POSTGRES_URL), { pathname: `/${payment.database}` }).toString() });
    await legacy.connect();
    await legacy.query(`CREATE TYPE legacy_status AS ENUM ('a', 'b'); CREATE TABLE legacy (id serial PRIMARY KEY, status legacy_status)`);
    await legacy.end();
    await init([payment.file]);
    const own = await connectAs(payment);
    try {
      await own.query(`INSERT INTO legacy (status) VALUES ('a')`);
      const { rows } = await own.query(`SELECT pg_get_userbyid(relowner) AS owner FROM pg_class WHERE relname IN ('legacy', 'legacy_id_seq')`);
      expect(rows).toEqual([{ owner: payment.role }, { owner: payment.role }]);
      await own.query('DROP TABLE legacy; DROP TYPE legacy_status');
    } finally {
      await own.end();
    }
  });

  it('works for an administrator that is no superuser, only CREATEROLE and CREATEDB, as managed PostgreSQL gives', async () => {
    const administrator = `test_${suffix}_admin`;
    const role = `test_${suffix}_extra_service`;
    const database = `test_${suffix}_extras`;
    const file = join(dir, 'extra_database_url');
    writeFileSync(file, `postgres://${role}:${randomBytes(24).toString('hex')}@${server.host}/${database}`);
    await admin.query(`CREATE ROLE "${administrator}" LOGIN CREATEROLE CREATEDB`);
    try {
      await run('sh', [INIT], { env: { ...shellEnv([file]), POSTGRES_USER: administrator } });
      const { rows } = await admin.query(`SELECT pg_get_userbyid(datdba) AS owner, rolsuper FROM pg_database, pg_roles WHERE datname = $1 AND rolname = $2`, [
        database,
        role,
      ]);
      expect(rows).toEqual([{ owner: role, rolsuper: false }]);
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      await admin.query(`DROP ROLE IF EXISTS "${role}"`);
      await admin.query(`DROP ROLE IF EXISTS "${administrator}"`);
    }
  });

  it('refuses a URL that names the superuser, and one that is not a service URL, naming no password', async () => {
    const superuser = join(dir, 'superuser_url');
    writeFileSync(superuser, `postgres://${decodeURIComponent(server.username) || 'postgres'}:pw123@postgres:5432/${roles[0].database}`);
    await expect(init([superuser])).rejects.toMatchObject({ stderr: expect.stringContaining('not as a superuser or the administrator') });
    const garbled = join(dir, 'garbled_url');
    writeFileSync(garbled, 'postgres://someone:p@ss word@postgres/x');
    const failure = await init([garbled]).catch((error: { stderr: string }) => error);
    expect(failure).toMatchObject({ stderr: expect.stringContaining('must hold postgres://role:password@host:port/database') });
    expect(failure.stderr).not.toContain('ss word');
    await expect(init([join(dir, 'missing')])).rejects.toMatchObject({ stderr: expect.stringContaining('generate-secrets.sh') });
  });
});

describe("each app's migrations, run as its own role", () => {
  it.each(roles.map((role) => [role.app, role] as const))('apply on the %s database and leave every table owned by the role', async (app, role) => {
    const saved = process.env;
    let config: DatabaseConfig;
    try {
      process.env = { DATABASE_URL: role.url, DATABASE_CONNECT_TIMEOUT_MS: '5000' };
      config = databaseConfig();
    } finally {
      process.env = saved;
    }
    const dataSource = new DataSource({ ...dataSourceOptions(APPS[app], config, role.url, false), migrationsRun: false, logging: false });
    await dataSource.initialize();
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      expect(applied.length).toBe(APPS[app].migrations.length);
      const rows: { relname: string; owner: string }[] = await dataSource.query(
        `SELECT relname, pg_get_userbyid(relowner) AS owner FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'p')`,
      );
      expect(rows.length).toBeGreaterThan(1);
      expect(rows.filter((row) => row.owner !== role.role)).toEqual([]);
    } finally {
      await dataSource.destroy();
    }
  });
});

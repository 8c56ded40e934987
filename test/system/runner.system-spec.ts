import { ACCESS_TOKEN_AUDIENCE, PUBLISHED_JWT_SECRETS } from '@app/auth';
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../support/spawned-service';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { signTestToken } from '../support/tokens';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { installationJwtSecret } = require('../../scripts/jwt-secret') as { installationJwtSecret: (dir: string) => { file: string; created: boolean } };

const ROOT = join(__dirname, '..', '..');

interface RunResult {
  code: number | null;
  output: string;
}

/** Runs `npm start`'s script as a user would, with the given environment, until it exits by itself. */
async function runStart(env: Record<string, string>): Promise<RunResult> {
  const child = spawn(process.execPath, ['scripts/start.js', '--quiet'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  // A start that hangs is ended the way a user would, so that it stops its own services too.
  const stopper = setTimeout(() => child.kill('SIGINT'), 50_000);
  const killer = setTimeout(() => child.kill('SIGKILL'), 70_000);
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  clearTimeout(stopper);
  clearTimeout(killer);
  return { code, output };
}

/** Runs `npm start`'s script until it says the system is up; the caller stops it. */
async function startUntilUp(env: Record<string, string>): Promise<{ child: ChildProcess; output: () => string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['scripts/start.js'], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
    const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(killer);
  };
  const deadline = Date.now() + 150_000;
  while (!output.includes('The system is up')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(
        `npm start did not come up:\n${output
          .split('\n')
          .filter((l) => !l.includes('"level":30'))
          .slice(-40)
          .join('\n')}`,
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { child, output: () => output, stop };
}

/** The environment of each process npm start runs (Linux /proc), by pid. */
function childEnvironments(parent: number): Record<string, string>[] {
  const pids = execFileSync('ps', ['-o', 'pid=', '--ppid', String(parent)], { encoding: 'utf8' })
    .split('\n')
    .map((p) => p.trim())
    .filter(Boolean);
  return pids.flatMap((pid) => {
    try {
      const raw = readFileSync(`/proc/${pid}/environ`, 'utf8');
      return [
        Object.fromEntries(
          raw
            .split('\0')
            .filter(Boolean)
            .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
        ),
      ];
    } catch {
      return [];
    }
  });
}

async function listenOn(port: number): Promise<Server> {
  const server = createServer((socket) => socket.end('HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok'));
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}

jest.setTimeout(90_000);

describe('npm start tells the truth about start-up', () => {
  let dataDir: string;
  let env: Record<string, string>;

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'runner-'));
    const [user, order, payment, gateway, tls, status, internal] = await Promise.all(Array.from({ length: 7 }, freePort));
    env = {
      DATA_DIR: dataDir,
      USER_PORT: String(user),
      ORDER_PORT: String(order),
      PAYMENT_PORT: String(payment),
      GATEWAY_PORT: String(gateway),
      GATEWAY_TLS_PORT: String(tls),
      GATEWAY_STATUS_PORT: String(status),
      GATEWAY_INTERNAL_PORT: String(internal),
    };
  });

  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('refuses to start, naming the port and the service, when another program holds a service port', async () => {
    const squatter = await listenOn(Number(env.USER_PORT));
    try {
      const { code, output } = await runStart(env);
      expect(code).not.toBe(0);
      expect(output).toContain(`port ${env.USER_PORT}`);
      expect(output).toMatch(/user/);
      expect(output).not.toContain('The system is up');
      expect(output).not.toContain('user is healthy');
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });

  it('refuses to start, naming the gateway port, when another program holds it', async () => {
    const squatter = await listenOn(Number(env.GATEWAY_PORT));
    try {
      const { code, output } = await runStart(env);
      expect(code).not.toBe(0);
      expect(output).toContain(`port ${env.GATEWAY_PORT}`);
      expect(output).not.toContain('The system is up');
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });

  it('stops with the service name and its last log lines when a service exits during start-up', async () => {
    const { code, output } = await runStart({ ...env, DATABASE_POOL_SIZE: 'many' });
    expect(code).not.toBe(0);
    expect(output).toMatch(/(user|order|payment) exited during start-up/);
    // The service's own last words, not just "did not become ready".
    expect(output).toContain('DATABASE_POOL_SIZE must be an integer');
    expect(output).not.toContain('The system is up');
  });

  it("with no JWT_SECRET, signs with the installation's own secret (DATA_DIR/jwt-secret, 0600, given as a file) and refuses a token signed with any secret published in the repository", async () => {
    const admin = { email: 'runner-admin@example.com', password: 'runner-admin-password' };
    const run = await startUntilUp({ ...env, ADMIN_EMAIL: admin.email, ADMIN_PASSWORD: admin.password });
    try {
      const file = join(dataDir, 'jwt-secret');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const secret = readFileSync(file, 'utf8').trim();
      expect(Buffer.byteLength(secret)).toBeGreaterThanOrEqual(32);
      expect(run.output()).toContain(file);
      expect(run.output()).not.toContain(secret);
      if (existsSync('/proc')) {
        const services = childEnvironments(run.child.pid!).filter((e) => e.JWT_SECRET_FILE !== undefined);
        expect(services.length).toBeGreaterThanOrEqual(3);
        for (const e of services) expect({ file: e.JWT_SECRET_FILE, secret: e.JWT_SECRET }).toEqual({ file, secret: undefined });
      }

      const user = `http://127.0.0.1:${env.USER_PORT}`;
      const login = await fetch(`${user}/users/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(admin) });
      expect(login.status).toBe(200);
      const me = await fetch(`${user}/users/me`, { headers: { authorization: `Bearer ${((await login.json()) as { access_token: string }).access_token}` } });
      const adminId = ((await me.json()) as { id: string }).id;
      // What an attacker who read the repository would send: an admin token for the real admin's id.
      const listUsers = (signedWith: string) =>
        fetch(`${user}/users`, {
          headers: { authorization: `Bearer ${signTestToken({ sub: adminId, role: 'admin', typ: 'access', aud: ACCESS_TOKEN_AUDIENCE }, {}, signedWith)}` },
        });
      const answers: Record<string, string> = {};
      for (const published of PUBLISHED_JWT_SECRETS) {
        const res = await listUsers(published);
        answers[published] = `${res.status} ${((await res.json()) as { code?: string }).code}`;
      }
      expect(answers).toEqual(Object.fromEntries(PUBLISHED_JWT_SECRETS.map((s) => [s, '401 AUTH.TOKEN_INVALID'])));
      // The same token signed with the installation's secret is what the services accept.
      expect((await listUsers(secret)).status).toBe(200);
    } finally {
      await run.stop();
    }
  }, 240_000);

  it('makes the installation secret once and keeps it, owner-readable only, across starts', () => {
    const first = installationJwtSecret(dataDir);
    const secret = readFileSync(first.file, 'utf8');
    chmodSync(first.file, 0o644);
    const second = installationJwtSecret(dataDir);
    expect([first.created, second.created, second.file]).toEqual([true, false, first.file]);
    expect(readFileSync(second.file, 'utf8')).toBe(secret);
    expect(statSync(second.file).mode & 0o777).toBe(0o600);
    const other = mkdtempSync(join(tmpdir(), 'runner-other-'));
    try {
      expect(readFileSync(installationJwtSecret(other).file, 'utf8')).not.toBe(secret);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Running, or stopped but not yet reaped by its new parent (a zombie holds no port and runs nothing). */
const isAlive = (pid: number) => {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

/** Resolves true once the port can be bound again on 127.0.0.1, false if it is still held after timeoutMs. */
async function portFreed(port: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free || Date.now() > deadline) return free;
    await sleep(200);
  }
}

/** Eight free ports: the three services and the gateway's four listeners. */
async function runnerPorts(): Promise<Record<string, string>> {
  const [user, order, payment, gateway, tls, status, internal] = await Promise.all(Array.from({ length: 7 }, freePort));
  return {
    USER_PORT: String(user),
    ORDER_PORT: String(order),
    PAYMENT_PORT: String(payment),
    GATEWAY_PORT: String(gateway),
    GATEWAY_TLS_PORT: String(tls),
    GATEWAY_STATUS_PORT: String(status),
    GATEWAY_INTERNAL_PORT: String(internal),
  };
}

/** `npm start`'s script left running as a user has it in a terminal: its own process group, output collected. */
class RunningStart {
  readonly process: ChildProcess;
  output = '';
  readonly exited: Promise<{ code: number | null; at: number }>;
  /** Every process it started (pid and command line), as seen while it ran. */
  readonly started = new Map<number, string>();

  constructor(env: Record<string, string>, options: { cwd?: string; quiet?: boolean } = {}) {
    const args = [join(ROOT, 'scripts', 'start.js'), ...(options.quiet === false ? [] : ['--quiet'])];
    this.process = spawn(process.execPath, args, {
      cwd: options.cwd ?? ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    this.process.stdout!.on('data', (d) => (this.output += d));
    this.process.stderr!.on('data', (d) => (this.output += d));
    this.exited = new Promise((resolve) => this.process.on('exit', (code) => resolve({ code, at: Date.now() })));
  }

  get running(): boolean {
    return this.process.exitCode === null && this.process.signalCode === null;
  }

  async waitFor(text: string | RegExp, timeoutMs = 150_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const found = () => (typeof text === 'string' ? this.output.includes(text) : text.test(this.output));
    while (!found()) {
      if (!this.running) throw new Error(`npm start exited before printing ${text}:\n${this.output}`);
      if (Date.now() > deadline) throw new Error(`npm start did not print ${text} in ${timeoutMs} ms:\n${this.output}`);
      await sleep(200);
    }
    this.recordStarted();
  }

  recordStarted(): void {
    if (!this.running) return;
    let listing = '';
    try {
      listing = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(this.process.pid)], { encoding: 'utf8' });
    } catch {
      // no children yet
    }
    for (const line of listing.trim().split('\n').filter(Boolean)) {
      const [, pid, command] = /^\s*(\d+)\s+(.*)$/.exec(line)!;
      this.started.set(Number(pid), command);
    }
  }

  pidOf(pattern: RegExp): number {
    const found = [...this.started].find(([, command]) => pattern.test(command));
    if (!found) throw new Error(`no process matching ${pattern} among ${[...this.started.values()].join(', ')}`);
    return found[0];
  }

  signalGroup(signal: NodeJS.Signals): void {
    process.kill(-this.process.pid!, signal);
  }

  /** Ends what is left: the runner's group and every process it was seen to start (with nginx's workers, in its group). */
  cleanUp(): void {
    for (const pid of [this.process.pid!, ...this.started.keys()]) {
      for (const target of [-pid, pid]) {
        try {
          process.kill(target, 'SIGKILL');
        } catch {
          // gone, or not a group
        }
      }
    }
  }
}

/** A request through the gateway with a request id of our choosing; the services' logs reach the runner within a second. */
async function requestWithId(gatewayPort: string, requestId: string): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${gatewayPort}/users/me`, { headers: { 'x-request-id': requestId } });
  await res.arrayBuffer();
  return res.status;
}

describe('npm start in use', () => {
  let dataDir: string;
  let ports: Record<string, string>;
  let run: RunningStart | undefined;
  let databases: TestDatabase[] = [];

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'runner-'));
    ports = await runnerPorts();
  });

  afterEach(async () => {
    run?.cleanUp();
    run = undefined;
    await Promise.all(databases.map((db) => db.drop()));
    databases = [];
    rmSync(dataDir, { recursive: true, force: true });
  });

  const baseEnv = (): Record<string, string> => ({ DATA_DIR: dataDir, ...ports });
  /** A server database for each service: the embedded ones take far longer to start on a busy machine. */
  const withServerDatabases = async (): Promise<Record<string, string>> => {
    databases = await Promise.all(['user', 'order', 'payment'].map((app) => createTestDatabase(app, { kind: 'server' })));
    const [user, order, payment] = databases;
    return { ...baseEnv(), USER_DATABASE_URL: user.url, ORDER_DATABASE_URL: order.url, PAYMENT_DATABASE_URL: payment.url };
  };

  it('reads only variables that .env.example lists, described', () => {
    const listed = new Set([...readFileSync(join(ROOT, '.env.example'), 'utf8').matchAll(/^#? ?([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]));
    const read = new Set<string>();
    for (const file of ['start.js', 'stack.js', 'log-format.js', 'stop-signals.js']) {
      const text = readFileSync(join(ROOT, 'scripts', file), 'utf8');
      for (const [, name] of text.matchAll(/env\.([A-Z][A-Z0-9_]*)/g)) read.add(name);
      for (const [, suffix] of text.matchAll(/toUpperCase\(\)\}(_[A-Z0-9_]+)`\]/g)) for (const app of ['USER', 'ORDER', 'PAYMENT']) read.add(`${app}${suffix}`);
    }
    read.delete('PATH');
    expect(read.size).toBeGreaterThan(15);
    expect([...read].filter((name) => !listed.has(name)).sort()).toEqual([]);
  });

  it('stops when Ctrl-C comes during start-up, leaving no service behind', async () => {
    run = new RunningStart(baseEnv());
    while (run.started.size < 3) {
      await sleep(200);
      run.recordStarted();
      if (!run.running) throw new Error(run.output);
    }
    run.process.kill('SIGINT');
    await run.exited;
    const deadline = Date.now() + 20_000;
    while ([...run.started.keys()].some(isAlive) && Date.now() < deadline) await sleep(200);
    expect([...run.started.keys()].filter(isAlive)).toEqual([]);
  }, 60_000);

  it('closing the terminal (SIGHUP to its process group) stops nginx and the services and frees the gateway port', async () => {
    run = new RunningStart(await withServerDatabases());
    await run.waitFor('The system is up');
    const gateway = run.pidOf(/nginx/);
    run.signalGroup('SIGHUP');
    await run.exited;
    expect(await portFreed(Number(ports.GATEWAY_PORT), 20_000)).toBe(true);
    expect(isAlive(gateway)).toBe(false);
    expect([...run.started.keys()].filter(isAlive)).toEqual([]);
  }, 200_000);

  describe('output not to a terminal', () => {
    it("prints the services' log lines as JSON; a service that dies stops everything, showing its last log lines", async () => {
      run = new RunningStart(await withServerDatabases(), { quiet: false });
      await run.waitFor('The system is up');
      expect(await requestWithId(ports.GATEWAY_PORT, 'runner-json-1')).toBe(401);
      await run.waitFor('runner-json-1', 10_000);
      const lines = run.output.split('\n').filter((line) => line.includes('runner-json-1'));
      expect(lines.length).toBeGreaterThan(0);
      const logged = lines.map((line) => JSON.parse(line));
      expect(logged).toContainEqual(expect.objectContaining({ service: 'user', requestId: 'runner-json-1', res: { statusCode: 401 } }));

      // The order service ends by itself (here: told to), while the rest runs on.
      process.kill(run.pidOf(/apps\/order\//), 'SIGTERM');
      const { code } = await run.exited;
      expect(code).not.toBe(0);
      expect(run.output).toMatch(/order exited unexpectedly/);
      const report = run.output.slice(run.output.indexOf('order exited unexpectedly'));
      // Its own last words, in the report itself.
      expect(report).toContain('SIGTERM received');
      expect(await portFreed(Number(ports.GATEWAY_PORT), 20_000)).toBe(true);
      expect([...run.started.keys()].filter(isAlive)).toEqual([]);
    }, 200_000);
  });

  describe('with a .env in the working directory', () => {
    let envDir: string;
    beforeEach(() => (envDir = mkdtempSync(join(tmpdir(), 'runner-env-'))));
    afterEach(() => rmSync(envDir, { recursive: true, force: true }));

    it('takes the gateway port and LOG_FORMAT=pretty from it (one readable line per request with service, status and request id); a second Ctrl-C stops at once', async () => {
      const { GATEWAY_PORT, ...rest } = await withServerDatabases();
      // SHUTDOWN_DELAY_MS: after SIGTERM each service would keep serving for a minute before it closes.
      writeFileSync(join(envDir, '.env'), `GATEWAY_PORT=${GATEWAY_PORT}\nLOG_FORMAT=pretty\nSHUTDOWN_DELAY_MS=60000\n`);
      run = new RunningStart(rest, { cwd: envDir, quiet: false });
      await run.waitFor('The system is up');
      expect(run.output).toContain(`gateway is up on http://127.0.0.1:${GATEWAY_PORT}`);
      expect(await requestWithId(GATEWAY_PORT, 'runner-pretty-1')).toBe(401);
      await run.waitFor('runner-pretty-1', 10_000);
      await sleep(1500);
      const lines = run.output.split('\n').filter((line) => line.includes('runner-pretty-1'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: user +GET \/users\/me 401 \d+ms +req runner-pretty-1$/);
      expect(lines[0].length).toBeLessThan(120);

      run.process.kill('SIGINT');
      await sleep(1500);
      expect(run.running).toBe(true);
      const second = Date.now();
      run.process.kill('SIGINT');
      const { at } = await run.exited;
      expect(at - second).toBeLessThan(3000);
      for (const port of [rest.USER_PORT, rest.ORDER_PORT, rest.PAYMENT_PORT, GATEWAY_PORT]) expect(await portFreed(Number(port), 2000)).toBe(true);
      expect([...run.started.keys()].filter(isAlive)).toEqual([]);
    }, 200_000);
  });
});

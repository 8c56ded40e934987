import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../support/spawned-service';

const ROOT = join(__dirname, '..', '..');

interface RunResult {
  code: number | null;
  output: string;
}

/** Runs `npm start`'s script as a user would, with the given environment, until it exits by itself. */
async function runStart(env: Record<string, string>): Promise<RunResult> {
  const child = spawn(process.execPath, ['scripts/start.js', '--quiet'], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
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
      JWT_SECRET: 'runner-test-secret-that-is-long-enough-0123456789',
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
});

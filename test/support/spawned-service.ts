import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { TEST_JWT_SECRET } from './environment';
import { SERVICES } from '@app/contracts';

export type AppName = 'user' | 'order' | 'payment';

/** The production build of an app; `npm test` builds it before the suites run. */
export function builtEntry(app: AppName, entry: 'main' | 'migrate' = 'main'): string {
  const file = join(__dirname, '..', '..', 'dist', 'apps', app, 'apps', app, 'src', `${entry}.js`);
  if (!existsSync(file)) throw new Error(`${file} is missing: run npm run build first (npm test does)`);
  return file;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export interface SpawnedService {
  url: string;
  port: number;
  process: ChildProcess;
  output(): string;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Runs the built service as its own process, as production does, and waits for its readiness. */
export async function spawnService(app: AppName, env: Record<string, string | undefined>, options: { waitReady?: boolean } = {}): Promise<SpawnedService> {
  const port = Number(env.PORT ?? (await freePort()));
  const child = spawn(process.execPath, [builtEntry(app)], {
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', LOG_LEVEL: 'warn', JWT_SECRET: TEST_JWT_SECRET, HOST: '127.0.0.1', PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const prefix = SERVICES[app].prefix;
  const url = `http://127.0.0.1:${port}`;
  const service: SpawnedService = {
    url,
    port,
    process: child,
    output: () => output,
    exited,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
  if (options.waitReady !== false) {
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${app} exited with ${child.exitCode} before it was ready:\n${output}`);
      const ready = await fetch(`${url}/${prefix}/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (ready) break;
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`${app} was not ready within 30 s:\n${output}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return service;
}

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { freePort } from '../support/spawned-service';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startStack } = require('../../scripts/stack') as typeof import('../../scripts/stack');

const README = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');

describe('the README walkthrough', () => {
  it('runs as written against the stack on its embedded defaults (PGlite, in-process sessions) behind nginx', async () => {
    const walkthrough = /## Walkthrough[\s\S]*?```bash\n([\s\S]*?)```/.exec(README)?.[1];
    expect(walkthrough).toContain('GW=http://127.0.0.1:8080');
    const dataDir = mkdtempSync(join(tmpdir(), 'readme-'));
    const [gateway, tls, status, user, order, payment] = await Promise.all(Array.from({ length: 6 }, freePort));
    const env: Record<string, string | undefined> = {
      DATA_DIR: dataDir,
      GATEWAY_PORT: String(gateway),
      GATEWAY_TLS_PORT: String(tls),
      GATEWAY_STATUS_PORT: String(status),
      USER_PORT: String(user),
      ORDER_PORT: String(order),
      PAYMENT_PORT: String(payment),
      LOG_LEVEL: 'warn',
    };
    for (const name of ['DATABASE_URL', 'USER_DATABASE_URL', 'ORDER_DATABASE_URL', 'PAYMENT_DATABASE_URL', 'REDIS_URL', 'JWT_SECRET', 'NODE_ENV']) env[name] = undefined;
    const stack = await startStack({ env, dir: join(dataDir, 'run') });
    try {
      const script = walkthrough!.replace('GW=http://127.0.0.1:8080', `GW=http://127.0.0.1:${gateway}`);
      const output = execFileSync('bash', ['-euo', 'pipefail', '-c', script], {
        env: { PATH: `${dirname(process.execPath)}:${process.env.PATH}`, HOME: process.env.HOME },
        encoding: 'utf8',
        timeout: 60_000,
      });
      const lines = output.trim().split('\n');
      expect(JSON.parse(lines[0])).toMatchObject({ username: 'jane_doe', full_name: 'Jane Doe' });
      expect(output).toContain('"total_amount":59.97');
      expect(output).toContain('"status":"refunded"');
      expect(lines.at(-1)).toBe('refunded');
    } finally {
      await stack.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

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
    for (const name of ['DATABASE_URL', 'USER_DATABASE_URL', 'ORDER_DATABASE_URL', 'PAYMENT_DATABASE_URL', 'REDIS_URL', 'JWT_SECRET', 'NODE_ENV'])
      env[name] = undefined;
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
      expect(output).toContain('"sku":"KB-MECH-01"');
      expect(output).toContain('"code":"ORDER.PRICE_CHANGED"');
      expect(output).toContain('"total_amount":59.97');
      // The demo's 250 keyboards: 3 held by the order, back after its refund.
      expect(lines).toEqual(expect.arrayContaining(['247', '250']));
      expect(lines.indexOf('247')).toBeLessThan(lines.indexOf('250'));
      expect(output).toContain('"status":"refunded"');
      expect(lines.at(-1)).toBe('refunded');

      // The reference document's own order examples, verbatim, against the demo catalog.
      const gw = `http://127.0.0.1:${gateway}`;
      const post = (path: string, body: object, token?: string) =>
        fetch(`${gw}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
          body: JSON.stringify(body),
        });
      expect((await post('/users/register', { email: 'demo@example.com', username: 'testuser', password: 'testpass123' })).status).toBe(201);
      const token = ((await (await post('/users/login', { username: 'testuser', password: 'testpass123' })).json()) as { access_token: string }).access_token;
      const both = await post(
        '/orders',
        {
          items: [
            { name: 'Product 1', quantity: 2, price: 29.99 },
            { name: 'Product 2', quantity: 1, price: 49.99 },
          ],
        },
        token,
      );
      expect(both.status).toBe(201);
      expect(await both.json()).toMatchObject({
        total_amount: 109.97,
        items: [
          { sku: 'DEMO-P1', line_total: 59.98 },
          { sku: 'DEMO-P2', line_total: 49.99 },
        ],
      });
      const checked = await post('/orders', { items: [{ name: 'Product 1', quantity: 2, price: 29.99 }], total_amount: 59.98 }, token);
      expect(checked.status).toBe(201);
      expect(await checked.json()).toMatchObject({ total_amount: 59.98 });
    } finally {
      await stack.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

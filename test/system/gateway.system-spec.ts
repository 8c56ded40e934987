import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { IncomingMessage } from 'node:http';
import { get as httpsGet } from 'node:https';
import { connect as tlsConnect } from 'node:tls';
import { join } from 'node:path';
import { chromium, Browser } from 'playwright-core';
import request from 'supertest';
import TestAgent from 'supertest/lib/agent';
import { Account, bearer, registerAndLogin } from '../support/accounts';
import { freePort } from '../support/spawned-service';
import { RunningStack, startSystemStack } from '../support/system-stack';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { renderGateway, gatewayVariables, findNginx } = require('../../scripts/stack') as typeof import('../../scripts/stack');

const SCREENSHOTS = join(__dirname, '..', '..', 'test-artifacts', 'screenshots');
const ITEMS = [{ product_name: 'Desk', quantity: 2, unit_price: 149.95 }];
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 150));
  }
}

describe('the system through the nginx gateway', () => {
  let system: RunningStack;
  let gw: TestAgent;
  let jane: Account;

  beforeAll(async () => {
    system = await startSystemStack();
    gw = request(system.gatewayUrl);
    jane = await registerAndLogin(gw);
  }, 120_000);

  afterAll(async () => {
    await system?.close();
  });

  it('runs the walkthrough: register, login, order, payment, refund, order refunded', async () => {
    const placed = await gw.post('/orders').set(bearer(jane.accessToken)).send({ items: ITEMS, payment_method: 'test_success' }).expect(201);
    expect(placed.body).toMatchObject({ status: 'confirmed', total_amount: 299.9 });
    const payment = await gw.get(`/payments/${placed.body.payment_id}`).set(bearer(jane.accessToken)).expect(200);
    expect(payment.body).toMatchObject({ status: 'completed', amount: 299.9, order_id: placed.body.id });
    const refunded = await gw.post(`/payments/${placed.body.payment_id}/refund`).set(bearer(jane.accessToken)).expect(200);
    expect(refunded.body.status).toBe('refunded');
    const order = await eventually(
      async () => (await gw.get(`/orders/${placed.body.id}`).set(bearer(jane.accessToken))).body,
      (o) => o.status === 'refunded',
    );
    expect(order.status).toBe('refunded');
  });

  it('keeps query strings and paths intact', async () => {
    for (let i = 0; i < 3; i++) await gw.post('/orders').set(bearer(jane.accessToken)).send({ items: ITEMS, payment_method: 'test_success' }).expect(201);
    const page = await gw.get('/orders?limit=2&skip=1').set(bearer(jane.accessToken)).expect(200);
    expect(page.body).toHaveLength(2);
    expect(Number(page.headers['x-total-count'])).toBeGreaterThanOrEqual(4);
    await gw.get('/users/me/').set(bearer(jane.accessToken)).expect(200);
  });

  it('keeps a client X-Request-Id end to end, and makes one otherwise', async () => {
    const res = await gw.get('/users/me').set(bearer(jane.accessToken)).set('X-Request-Id', 'gw-trace-42').expect(200);
    expect(res.headers['x-request-id']).toBe('gw-trace-42');
    const made = await gw.get('/users/me').set(bearer(jane.accessToken)).expect(200);
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
    const accessLog = await eventually(
      async () => system.logs.join('\n'),
      (logs) => logs.includes('"requestId":"gw-trace-42"'),
    );
    expect(accessLog).toContain('"requestId":"gw-trace-42"');
  });

  it('serves the landing page, its own health and one docs page over the three specs', async () => {
    const landing = await gw.get('/').expect(200);
    for (const prefix of ['users', 'orders', 'payments']) {
      expect(landing.text).toContain(`/${prefix}/docs`);
      expect(landing.text).toContain(`/${prefix}/openapi.json`);
      expect(landing.text).toContain(`/${prefix}/health`);
    }
    await gw.get('/health').expect(200, { status: 'ok', service: 'gateway' });
    const docs = await gw.get('/docs/').expect(200);
    expect(docs.text).not.toMatch(/https?:\/\//);
  });

  it.each(['users', 'orders', 'payments'])('serves /%s/docs, its assets and its spec through the gateway', async (prefix) => {
    for (const path of [`/${prefix}/docs`, `/${prefix}/docs/`]) {
      const html = await gw.get(path).expect(200);
      expect(html.text).toContain('swagger');
    }
    const spec = await gw.get(`/${prefix}/openapi.json`).expect(200);
    expect(Object.keys(spec.body.paths).every((p) => p.startsWith(`/${prefix}`))).toBe(true);
    await gw.get(`/${prefix}/openapi.yaml`).expect(200);
    await gw.get(`/${prefix}/health`).expect(200);
  });

  it.each([
    ['/user-docs', 'users'],
    ['/order-docs', 'orders'],
    ['/payment-docs', 'payments'],
  ])("reaches the docs at the original system's documented URL %s", async (path, prefix) => {
    const response = await fetch(`${system.gatewayUrl}${path}`, { redirect: 'follow' });
    expect(response.status).toBe(200);
    expect(new URL(response.url).pathname).toMatch(new RegExp(`^/${prefix}/docs/?$`));
    expect(await response.text()).toContain('swagger');
  });

  it('answers unknown paths with JSON 404 and hides metrics and internal routes', async () => {
    for (const path of ['/nothing', '/metrics', '/users/metrics', '/orders/metrics', '/payments/metrics', '/orders/internal/payment-events']) {
      const res = await gw.get(path).expect(404);
      expect(res.headers['content-type']).toMatch(/application\/json/);
      expect(res.body).toMatchObject({ statusCode: 404, requestId: expect.any(String) });
      expect(res.text).not.toContain('process_cpu');
    }
    await gw.post('/orders/internal/payment-events').send({}).expect(404);
  });

  it('sets the security headers and hides the server version', async () => {
    const res = await gw.get('/users/health').expect(200);
    expect(res.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'content-security-policy': expect.stringContaining("default-src 'self'"),
    });
    expect(res.headers.server).toBe('nginx');
    expect(res.headers['strict-transport-security']).toBeUndefined();
  });

  it('gzips JSON', async () => {
    const res = await gw.get('/users/openapi.json').set('accept-encoding', 'gzip').expect(200);
    expect(res.headers['content-encoding']).toBe('gzip');
  });

  it('answers a body over its limit with JSON 413', async () => {
    const res = await gw
      .post('/users')
      .set('content-type', 'application/json')
      .send(JSON.stringify({ x: 'y'.repeat(1024 * 1024) }))
      .expect(413);
    expect(res.body).toMatchObject({ statusCode: 413, requestId: expect.any(String) });
  });

  it('serves HTTPS with TLS 1.2+ and HSTS, and refuses TLS 1.0', async () => {
    const negotiated = await new Promise<string>((resolve, reject) => {
      const socket = tlsConnect({ host: '127.0.0.1', port: system.tlsPort, servername: 'localhost', rejectUnauthorized: false }, () => {
        resolve(socket.getProtocol() ?? '');
        socket.end();
      });
      socket.on('error', reject);
    });
    expect(['TLSv1.2', 'TLSv1.3']).toContain(negotiated);
    const old = await new Promise<string>((resolve) => {
      const socket = tlsConnect(
        {
          host: '127.0.0.1',
          port: system.tlsPort,
          servername: 'localhost',
          rejectUnauthorized: false,
          minVersion: 'TLSv1',
          maxVersion: 'TLSv1',
          ciphers: 'DEFAULT@SECLEVEL=0',
        },
        () => {
          resolve(`connected with ${socket.getProtocol()}`);
          socket.end();
        },
      );
      socket.on('error', (error) => resolve(`refused: ${error.message}`));
    });
    expect(old).toMatch(/^refused/);
    const res = await new Promise<IncomingMessage>((resolve, reject) =>
      httpsGet({ host: '127.0.0.1', port: system.tlsPort, path: '/users/health', servername: 'localhost', rejectUnauthorized: false }, resolve).on(
        'error',
        reject,
      ),
    );
    res.resume();
    expect(res.statusCode).toBe(200);
    expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
  });

  describe('rate limits, on a gateway with the default configuration', () => {
    let limited: TestAgent;
    let nginx: ReturnType<typeof spawn>;

    beforeAll(async () => {
      const dir = join(system.stack.gateway!.dir, '..', `limited-${Date.now()}`);
      const upstream = (app: 'user' | 'order' | 'payment') => system.stack.instances[app].map((i) => `server 127.0.0.1:${i.port};`).join(' ');
      const [port, tls, status] = await Promise.all([freePort(), freePort(), freePort()]);
      const variables = gatewayVariables(
        { GATEWAY_PORT: String(port), GATEWAY_TLS_PORT: String(tls), GATEWAY_STATUS_PORT: String(status) },
        { user: upstream('user'), order: upstream('order'), payment: upstream('payment') },
        dir,
      );
      mkdirSync(dir, { recursive: true });
      nginx = spawn(findNginx()!, ['-c', renderGateway(dir, variables), '-p', dir, '-e', join(dir, 'error.log')], { stdio: 'ignore' });
      limited = request(`http://127.0.0.1:${port}`);
      await eventually(
        () =>
          fetch(`http://127.0.0.1:${port}/health`).then(
            (r) => r.ok,
            () => false,
          ),
        (ok) => ok,
      );
    });

    afterAll(() => {
      nginx?.kill('SIGQUIT');
    });

    it('answers 429 with Retry-After past the burst (10 r/s, burst 20)', async () => {
      const responses = [];
      for (let i = 0; i < 40; i++) responses.push(await limited.get('/users/health'));
      const statuses = responses.map((r) => r.status);
      expect(statuses.slice(0, 20).every((s) => s === 200)).toBe(true);
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(5);
      // One taken from the burst: a request sent after it may find a token refilled (one per 100 ms).
      const res = responses.find((r) => r.status === 429)!;
      expect(res.headers['retry-after']).toBe('1');
      expect(res.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests', requestId: expect.any(String) });
    });

    it('limits password guessing on POST /users/login harder than the rest', async () => {
      await new Promise((r) => setTimeout(r, 3000));
      const statuses = [];
      for (let i = 0; i < 12; i++) statuses.push((await limited.post('/users/login').send({ username: jane.username, password: 'guess-guess' })).status);
      expect(statuses.slice(0, 5).every((s) => s === 401)).toBe(true);
      expect(statuses).toContain(429);
    });
  });

  describe('in a real browser (Chromium)', () => {
    let browser: Browser;

    beforeAll(async () => {
      mkdirSync(SCREENSHOTS, { recursive: true });
      browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS });
    });

    afterAll(async () => {
      await browser?.close();
    });

    it.each([
      ['users', 'getMe'],
      ['orders', 'listOrders'],
      ['payments', 'listPayments'],
    ])('renders /%s/docs, then Authorize and Try it out on %s answer 200', async (prefix, operation) => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const problems: string[] = [];
      page.on('requestfailed', (r) => problems.push(`failed ${r.url()}: ${r.failure()?.errorText}`));
      page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
      page.on('response', (r) => r.status() >= 400 && problems.push(`${r.status()} ${r.url()}`));
      try {
        await page.goto(`${system.gatewayUrl}/${prefix}/docs`, { waitUntil: 'networkidle' });
        await page.waitForSelector('.opblock', { timeout: 15_000 });
        expect(await page.locator('.opblock').count()).toBeGreaterThan(2);

        await page.click('button.authorize');
        await page.fill('.modal-ux input', jane.accessToken);
        await page.click('.modal-ux .auth-btn-wrapper button.authorize');
        await page.click('.modal-ux .auth-btn-wrapper button.btn-done');

        const block = page.locator(`[id$="-${operation}"]`).first();
        await block.locator('.opblock-summary').first().click();
        await block.locator('button.try-out__btn').click();
        await block.locator('button.execute').click();
        const status = block.locator('.live-responses-table .response .response-col_status').first();
        await status.waitFor({ timeout: 15_000 });
        expect((await status.textContent())?.trim()).toBe('200');
        await page.screenshot({ path: join(SCREENSHOTS, `${prefix}-docs.png`), fullPage: false });
        expect(problems).toEqual([]);
      } finally {
        await page.close();
      }
    });

    it('renders the gateway docs page with a selector over the three specs', async () => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const problems: string[] = [];
      page.on('requestfailed', (r) => problems.push(`failed ${r.url()}`));
      page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
      page.on('response', (r) => r.status() >= 400 && problems.push(`${r.status()} ${r.url()}`));
      try {
        await page.goto(`${system.gatewayUrl}/docs/`, { waitUntil: 'networkidle' });
        await page.waitForSelector('.opblock', { timeout: 15_000 });
        const options = await page.locator('.topbar select option').allTextContents();
        expect(options).toEqual(['users', 'orders', 'payments']);
        await page.screenshot({ path: join(SCREENSHOTS, 'gateway-docs.png') });
        expect(problems).toEqual([]);
      } finally {
        await page.close();
      }
    });
  });

  it('answers JSON 503 with the request id when a service is down, while the others keep working', async () => {
    const [payment] = system.stack.instances.payment;
    payment.process.kill('SIGKILL');
    await new Promise((r) => payment.process.once('exit', r));
    const res = await gw.get('/payments').set(bearer(jane.accessToken)).set('X-Request-Id', 'down-check-1').expect(503);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.body).toEqual({ statusCode: 503, error: 'Service Unavailable', message: expect.stringContaining('/payments'), requestId: 'down-check-1' });
    await gw.get('/users/me').set(bearer(jane.accessToken)).expect(200);
    await gw.get('/orders').set(bearer(jane.accessToken)).expect(200);
  });
});

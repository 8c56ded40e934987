import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { connect as netConnect, Socket } from 'node:net';
import { networkInterfaces } from 'node:os';
import { promisify } from 'node:util';
import { IncomingMessage } from 'node:http';
import { get as httpsGet } from 'node:https';
import { connect as tlsConnect } from 'node:tls';
import { join } from 'node:path';
import { chromium, Browser } from 'playwright-core';
import request from 'supertest';
import TestAgent from 'supertest/lib/agent';
import { Account, bearer, registerAndLogin } from '../support/accounts';
import { limitedByGateway, rawRequest, RawResponse, SecondGateway, startSecondGateway } from '../support/second-gateway';
import { RunningStack, startSystemStack } from '../support/system-stack';
import { eventually } from '../support/eventually';

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

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'content-security-policy': expect.stringContaining("default-src 'self'"),
  'x-request-id': expect.any(String),
};

/** `openssl s_client` against the gateway's TLS port: its output, and whether a session was established. */
async function openssl(port: number, ...args: string[]): Promise<{ connected: boolean; output: string }> {
  const run = promisify(execFile);
  try {
    const { stdout, stderr } = await run('sh', ['-c', `openssl s_client -connect 127.0.0.1:${port} -servername localhost ${args.join(' ')} </dev/null`], {
      timeout: 10_000,
    });
    return { connected: /Cipher is (?!\(NONE\))\S+/.test(stdout), output: stdout + stderr };
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    return { connected: false, output: stdout + stderr };
  }
}

/** Resolves with the milliseconds until the gateway closed the socket, or with `open` after `waitMs`. */
function closedWithin(socket: Socket, waitMs: number): Promise<number | 'open'> {
  const started = Date.now();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      socket.destroy();
      resolve('open');
    }, waitMs);
    socket.on('error', () => undefined);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(Date.now() - started);
    });
  });
}

function connectFrom(port: number, localAddress: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host: '127.0.0.1', port, localAddress }, () => resolve(socket));
    socket.once('error', reject);
  });
}

describe('the system through the nginx gateway', () => {
  let system: RunningStack;
  let gw: TestAgent;
  let jane: Account;
  /**
   * Guesses at a fresh account each time: the user service locks an account after a few failed
   * logins (429 AUTH.LOGIN_LOCKED), and the gateway's limits are proven apart from that lockout.
   */
  let guesses = 0;
  const wrongLogin = () => ({ username: `guesser_${process.pid}_${guesses++}`, password: 'guess-guess' });

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
      { timeoutMs: 15_000 },
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
      { timeoutMs: 15_000 },
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
    // Each test gets a gateway of its own, so its limit zones start full: none waits for another's to refill.
    let limited: SecondGateway | undefined;
    const startLimited = async () => {
      limited = await startSecondGateway(system);
      return request(limited.url);
    };

    afterEach(() => {
      limited?.stop();
      limited = undefined;
    });

    it('answers 429 with Retry-After past the burst (10 r/s, burst 20)', async () => {
      const gateway = await startLimited();
      const responses = [];
      for (let i = 0; i < 40; i++) responses.push(await gateway.get('/users/health'));
      const statuses = responses.map((r) => r.status);
      expect(statuses.slice(0, 20).every((s) => s === 200)).toBe(true);
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(5);
      // One taken from the burst: a request sent after it may find a token refilled (one per 100 ms).
      const res = responses.find((r) => r.status === 429)!;
      expect(res.headers['retry-after']).toBe('1');
      expect(res.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests', requestId: expect.any(String) });
    });

    it('limits password guessing on POST /users/login harder than the rest', async () => {
      const gateway = await startLimited();
      const statuses = [];
      for (let i = 0; i < 12; i++) statuses.push((await gateway.post('/users/login').send(wrongLogin())).status);
      expect(statuses.slice(0, 5).every((s) => s === 401)).toBe(true);
      expect(statuses).toContain(429);
    });
  });

  it('listens on the loopback interface only, as npm start runs it', async () => {
    const outside = Object.values(networkInterfaces())
      .flat()
      .find((address) => address && address.family === 'IPv4' && !address.internal)?.address;
    expect(outside).toBeDefined();
    for (const port of [new URL(system.gatewayUrl).port, String(system.tlsPort)]) {
      const reached = await new Promise<string>((resolve) => {
        const socket = netConnect({ host: outside!, port: Number(port) }, () => {
          socket.destroy();
          resolve('connected');
        });
        socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
      });
      expect(`${outside}:${port} ${reached}`).toBe(`${outside}:${port} ECONNREFUSED`);
    }
  });

  describe('the credential routes under the strict limit, however the path is spelt (2 r/s, burst 5 per address)', () => {
    let second: SecondGateway;
    let address = 10;
    /** Each spelling from its own loopback address, so that none spends another's budget. */
    const nextAddress = () => `127.0.0.${address++}`;

    beforeAll(async () => {
      second = await startSecondGateway(system);
    });

    afterAll(() => second?.stop());

    /**
     * Those of twelve requests sent at once that reached a handler: neither limited by the gateway nor
     * without a route. At once, so that the bucket cannot refill between them however slow the handler
     * (one after the other, twelve bcrypt checks on a busy machine take longer than a refill).
     */
    async function passed(method: string, path: string, options: { headers?: Record<string, string>; body?: unknown }): Promise<RawResponse[]> {
      const localAddress = nextAddress();
      const answers = await Promise.all(Array.from({ length: 12 }, () => rawRequest(second.port, method, path, { ...options, localAddress })));
      return answers.filter((answer) => !limitedByGateway(answer) && answer.status !== 404);
    }

    it.each([
      '/users/login',
      '/users/login/',
      '/users/login//',
      '//users/login',
      '/users//login',
      '/users/./login',
      '/users/x/../login',
      '/users/%6Cogin',
      '/users/%6cogin/',
      '/USERS/login',
      '/users/LOGIN',
      '/users/Login/',
    ])('lets at most the burst of wrong-password logins to POST %s reach the login handler', async (path) => {
      const answers = await passed('POST', path, { body: wrongLogin() });
      expect(answers.length).toBeLessThanOrEqual(7);
      // The login handler's own answers: wrong credentials, then the account's lockout.
      for (const answer of answers) expect(answer.status === 401 || answer.text.includes('AUTH.LOGIN_LOCKED')).toBe(true);
    });

    it.each(['/users', '/users/', '//users', '/users/register', '/users/register/', '/users/%72egister'])(
      'lets at most the burst of registrations to POST %s reach the handler',
      async (path) => {
        const answers = await passed('POST', path, { body: { username: 'x' } });
        expect(answers.length).toBeLessThanOrEqual(7);
      },
    );

    it.each(['/users/me', '/users/me/', '//users/me', '/users/%6De'])(
      'lets at most the burst of password changes to PATCH %s reach the handler',
      async (path) => {
        const answers = await passed('PATCH', path, {
          headers: bearer(jane.accessToken),
          body: { password: 'a-new-long-passphrase', current_password: 'not-the-current-one' },
        });
        expect(answers.length).toBeLessThanOrEqual(7);
        expect(answers.every((answer) => answer.status !== 200)).toBe(true);
      },
    );

    it('does not let a client buy a fresh budget with a forged X-Forwarded-For when no proxy is trusted', async () => {
      const localAddress = nextAddress();
      const answers: RawResponse[] = [];
      const guessed = wrongLogin();
      for (let i = 0; i < 12; i++) {
        answers.push(
          await rawRequest(second.port, 'POST', '/users/login', {
            localAddress,
            headers: { 'x-forwarded-for': `203.0.113.${i + 1}`, 'x-real-ip': `203.0.113.${i + 1}` },
            body: guessed,
          }),
        );
      }
      expect(answers.filter(limitedByGateway).length).toBeGreaterThanOrEqual(5);
    });
  });

  describe('behind a trusted proxy (GATEWAY_TRUSTED_PROXIES=127.0.0.2)', () => {
    let second: SecondGateway;
    const login = (localAddress: string, forwardedFor: string) =>
      rawRequest(second.port, 'POST', '/users/login', {
        localAddress,
        headers: { 'x-forwarded-for': forwardedFor },
        body: wrongLogin(),
      });

    beforeAll(async () => {
      second = await startSecondGateway(system, { GATEWAY_TRUSTED_PROXIES: '127.0.0.2' });
    });

    afterAll(() => second?.stop());

    it("limits each client by the address the proxy reports, not by the proxy's own address", async () => {
      const first: RawResponse[] = [];
      for (let i = 0; i < 12; i++) first.push(await login('127.0.0.2', '198.51.100.1'));
      expect(first.filter(limitedByGateway).length).toBeGreaterThanOrEqual(5);
      // Another client through the same proxy has its whole burst.
      const other: RawResponse[] = [];
      for (let i = 0; i < 5; i++) other.push(await login('127.0.0.2', '198.51.100.2'));
      expect(other.map((answer) => answer.status)).toEqual([401, 401, 401, 401, 401]);
    });

    it('keys on the last address the trusted proxy appended, not on what the client wrote before it', async () => {
      const answers: RawResponse[] = [];
      for (let i = 0; i < 12; i++) answers.push(await login('127.0.0.2', `192.0.2.${i + 1}, 198.51.100.3`));
      expect(answers.filter(limitedByGateway).length).toBeGreaterThanOrEqual(5);
    });

    it('ignores X-Forwarded-For from an address that is not a trusted proxy', async () => {
      const answers: RawResponse[] = [];
      for (let i = 0; i < 12; i++) answers.push(await login('127.0.0.3', `198.51.100.${100 + i}`));
      expect(answers.filter(limitedByGateway).length).toBeGreaterThanOrEqual(5);
    });
  });

  describe('slow clients (GATEWAY_CLIENT_TIMEOUT=1s, GATEWAY_CONN_LIMIT=2)', () => {
    let second: SecondGateway;

    beforeAll(async () => {
      second = await startSecondGateway(system, { GATEWAY_CLIENT_TIMEOUT: '1s', GATEWAY_CONN_LIMIT: '2' });
    });

    afterAll(() => second?.stop());

    it('closes a connection whose request headers never finish', async () => {
      const socket = await connectFrom(second.port, '127.0.0.40');
      socket.write('GET /users/health HTTP/1.1\r\nHost: localhost\r\nX-Slow: ');
      expect(await closedWithin(socket, 5_000)).toBeLessThan(4_000);
    });

    it('closes a connection whose request body never finishes', async () => {
      const socket = await connectFrom(second.port, '127.0.0.41');
      socket.write('POST /users/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{"username":');
      expect(await closedWithin(socket, 5_000)).toBeLessThan(4_000);
    });

    it('answers 429 to a third request from an address with two requests still being received', async () => {
      const slow = await Promise.all([connectFrom(second.port, '127.0.0.42'), connectFrom(second.port, '127.0.0.42')]);
      for (const socket of slow) {
        socket.on('error', () => undefined);
        socket.write('POST /users/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{');
      }
      await new Promise((r) => setTimeout(r, 200));
      try {
        const third = await rawRequest(second.port, 'GET', '/users/health', { localAddress: '127.0.0.42' });
        expect(third.status).toBe(429);
        expect(limitedByGateway(third)).toBe(true);
        expect((await rawRequest(second.port, 'GET', '/users/health', { localAddress: '127.0.0.43' })).status).toBe(200);
      } finally {
        slow.forEach((socket) => socket.destroy());
      }
    });
  });

  describe("the gateway's own answers", () => {
    let second: SecondGateway;

    beforeAll(async () => {
      second = await startSecondGateway(system);
    });

    afterAll(() => second?.stop());

    it('carry the same security headers as proxied responses (404, 413, 414, 400, 429)', async () => {
      const answers: Record<string, RawResponse> = {
        404: await rawRequest(second.port, 'GET', '/nothing'),
        413: await rawRequest(second.port, 'POST', '/users', { body: { x: 'y'.repeat(1024 * 1024) } }),
        414: await rawRequest(second.port, 'GET', `/orders/${'a'.repeat(10_000)}`),
        400: await rawRequest(second.port, 'GET', '/orders', { headers: { 'x-padding': 'a'.repeat(10_000) } }),
      };
      for (let i = 0; i < 12 && !answers[429]; i++) {
        const answer = await rawRequest(second.port, 'POST', '/users/login', { localAddress: '127.0.0.50', body: { username: 'x', password: 'y' } });
        if (limitedByGateway(answer)) answers[429] = answer;
      }
      for (const [status, answer] of Object.entries(answers)) {
        expect(`${answer.status}`).toBe(status);
        expect(answer.headers).toMatchObject(SECURITY_HEADERS);
        expect(JSON.parse(answer.text)).toMatchObject({ statusCode: Number(status), requestId: answer.headers['x-request-id'] });
      }
      expect(answers[429].headers['retry-after']).toBe('1');
    });

    it.each(['/nothing/a"b\\c', '/nothing/%22%7D,%22statusCode%22:200,%22x%22:%22', '/nothing/%5C%22', '/nothing/\u00e9%C3'])(
      'answers %s with a 404 whose body is JSON with exactly its four fields',
      async (path) => {
        const answer = await rawRequest(second.port, 'GET', path);
        expect(answer.status).toBe(404);
        const body = JSON.parse(answer.text);
        expect(Object.keys(body).sort()).toEqual(['error', 'message', 'requestId', 'statusCode']);
        expect(body).toMatchObject({ statusCode: 404, error: 'Not Found', requestId: answer.headers['x-request-id'] });
      },
    );
  });

  describe('HTTPS', () => {
    it('follows the Mozilla intermediate profile: TLS 1.1 and CBC or non-forward-secret ciphers refused, no session tickets', async () => {
      expect((await openssl(system.tlsPort, '-tls1_2')).connected).toBe(true);
      expect((await openssl(system.tlsPort, '-tls1_3')).connected).toBe(true);
      expect((await openssl(system.tlsPort, '-tls1_1', '-cipher', "'DEFAULT@SECLEVEL=0'")).connected).toBe(false);
      for (const cipher of ['AES128-SHA', 'AES256-GCM-SHA384', 'ECDHE-RSA-AES128-SHA', 'ECDHE-RSA-AES256-SHA384']) {
        expect(`${cipher}: ${(await openssl(system.tlsPort, '-tls1_2', '-cipher', cipher)).connected}`).toBe(`${cipher}: false`);
      }
      const session = await openssl(system.tlsPort, '-tls1_2');
      expect(session.output).not.toMatch(/TLS session ticket:/);
    });

    describe('with GATEWAY_HTTPS_REDIRECT=on', () => {
      let second: SecondGateway;

      beforeAll(async () => {
        second = await startSecondGateway(system, { GATEWAY_HTTPS_REDIRECT: 'on' });
      });

      afterAll(() => second?.stop());

      it('redirects plain HTTP to HTTPS with the path, the query and the method kept (308)', async () => {
        for (const method of ['GET', 'POST']) {
          const answer = await rawRequest(second.port, method, '/users/health?probe=1');
          expect(answer.status).toBe(308);
          expect(answer.headers.location).toBe(`https://127.0.0.1:${second.tlsPort}/users/health?probe=1`);
          expect(answer.headers['strict-transport-security']).toBeUndefined();
        }
      });

      it('logs no warning of its own configuration while redirecting (an uninitialised variable)', async () => {
        await rawRequest(second.port, 'GET', '/orders?x=1');
        await new Promise((r) => setTimeout(r, 200));
        expect(readFileSync(join(second.dir, 'error.log'), 'utf8')).not.toMatch(/uninitialized/);
      });

      it("keeps the gateway's own /health on plain HTTP, for probes", async () => {
        expect((await rawRequest(second.port, 'GET', '/health')).status).toBe(200);
      });

      it('answers HTTPS with HSTS, on its own error pages too', async () => {
        for (const [path, status] of [
          ['/users/health', 200],
          ['/nothing', 404],
        ] as const) {
          const res = await new Promise<IncomingMessage>((resolve, reject) =>
            httpsGet({ host: '127.0.0.1', port: second.tlsPort, path, servername: 'localhost', rejectUnauthorized: false }, resolve).on('error', reject),
          );
          res.resume();
          expect(res.statusCode).toBe(status);
          expect(res.headers['strict-transport-security']).toMatch(/max-age=(\d{8,})/);
        }
      });
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
    expect(res.headers).toMatchObject(SECURITY_HEADERS);
    const crafted = await rawRequest(Number(new URL(system.gatewayUrl).port), 'GET', '/payments/%22,%22statusCode%22:200,%22x%22:%22%5C');
    expect(crafted.status).toBe(503);
    expect(JSON.parse(crafted.text)).toEqual({
      statusCode: 503,
      error: 'Service Unavailable',
      message: expect.stringContaining('/payments'),
      requestId: expect.any(String),
    });
    expect(crafted.headers).toMatchObject(SECURITY_HEADERS);
    await gw.get('/users/me').set(bearer(jane.accessToken)).expect(200);
    await gw.get('/orders').set(bearer(jane.accessToken)).expect(200);
  });
});

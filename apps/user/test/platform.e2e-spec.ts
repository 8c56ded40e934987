import { registerAndLogin, bearer } from '../../../test/support/accounts';
import { TEST_REDIS_URL } from '../../../test/support/environment';
import { startService, ServiceUnderTest } from '../../../test/support/service-under-test';
import { createTestDatabase, itOnServer, TestDatabase } from '../../../test/support/test-database';
import { UserAppModule } from '../src/user-app.module';
import { userService } from '../src/user-service';
import { load as parseYaml } from 'js-yaml';
import { eventually } from '../../../test/support/eventually';

const ERROR_SHAPE = { statusCode: expect.any(Number), error: expect.any(String), message: expect.any(String), requestId: expect.any(String) };

describe('user service: errors, request ids, metrics, docs and health', () => {
  let db: TestDatabase;
  let svc: ServiceUnderTest;

  beforeAll(async () => {
    db = await createTestDatabase('user');
    svc = await startService(UserAppModule, userService, { ...db.env, REDIS_URL: TEST_REDIS_URL, DATABASE_CONNECT_TIMEOUT_MS: '500' });
  });

  afterAll(async () => {
    await svc?.close();
    await db?.drop();
  });

  describe('errors', () => {
    it('answers an unknown route with a JSON 404', async () => {
      const res = await svc.http.get('/nowhere').expect(404);
      expect(res.body).toEqual({ ...ERROR_SHAPE, statusCode: 404, error: 'Not Found' });
    });

    it('answers a body over the limit with 413', async () => {
      const res = await svc.http
        .post('/users')
        .set('content-type', 'application/json')
        .send(JSON.stringify({ full_name: 'x'.repeat(200 * 1024) }))
        .expect(413);
      expect(res.body).toEqual({ ...ERROR_SHAPE, statusCode: 413, message: 'Request body is too large' });
    });

    it('answers malformed JSON with 400', async () => {
      const res = await svc.http.post('/users').set('content-type', 'application/json').send('{"email": ').expect(400);
      expect(res.body).toMatchObject({ ...ERROR_SHAPE, statusCode: 400 });
      expect(res.text).not.toMatch(/at .*\.js:\d+/);
    });

    it('answers a non-JSON content type with 415', async () => {
      const res = await svc.http.post('/users').set('content-type', 'text/plain').send('email=a').expect(415);
      expect(res.body).toMatchObject({ ...ERROR_SHAPE, statusCode: 415 });
    });

    it('answers a JSON array where an object is expected with 400', async () => {
      const res = await svc.http.post('/users').send([1, 2]).expect(400);
      expect(res.body).toMatchObject({ ...ERROR_SHAPE, statusCode: 400 });
    });
  });

  describe('request ids', () => {
    it('echoes a valid X-Request-Id into the response header and error body', async () => {
      const res = await svc.http.get('/nowhere').set('X-Request-Id', 'trace-abc-123').expect(404);
      expect(res.headers['x-request-id']).toBe('trace-abc-123');
      expect(res.body.requestId).toBe('trace-abc-123');
    });

    it('replaces an unsafe X-Request-Id with a generated one', async () => {
      const res = await svc.http.get('/users/health/live').set('X-Request-Id', 'bad id\twith spaces').expect(200);
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });
  });

  describe('metrics', () => {
    it('labels HTTP metrics by route template, never by the raw path, outside the public prefix', async () => {
      const account = await registerAndLogin(svc.http);
      await svc.http.get(`/users/${account.id}`).set(bearer(account.accessToken)).expect(200);
      await svc.http.get('/no/such/route').expect(404);
      const metrics = (await svc.http.get('/metrics').expect(200)).text;
      expect(metrics).toMatch(/http_requests_total\{method="GET",route="\/users\/:id",status_code="200"/);
      expect(metrics).toMatch(/http_request_duration_seconds_bucket\{le="[\d.]+",.*method="GET",route="\/users\/:id"/);
      expect(metrics).toMatch(/route="unmatched",status_code="404"/);
      expect(metrics).not.toContain(account.id);
      expect(metrics).toContain('process_cpu_seconds_total');
      expect(metrics).toContain('nodejs_eventloop_lag_seconds');
      await svc.http.get('/users/metrics').expect(401);
    });
  });

  describe('OpenAPI docs', () => {
    it.each(['/users/docs', '/users/docs/'])('serves Swagger UI at %s with assets from the service itself', async (path) => {
      const res = await svc.http.get(path).expect(200);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(res.text).not.toMatch(/https?:\/\/(cdn|unpkg|cdnjs)/);
      const assets = [...res.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]).filter((a) => !a.startsWith('http'));
      expect(assets.length).toBeGreaterThan(0);
      for (const asset of assets) {
        const url = asset.startsWith('/') ? asset : `/users/docs/${asset.replace(/^\.\//, '')}`;
        await svc.http.get(url).expect(200);
      }
    });

    it('publishes the spec as JSON and YAML with every path under /users and bearer auth', async () => {
      const json = (await svc.http.get('/users/openapi.json').expect(200)).body;
      const yaml = parseYaml((await svc.http.get('/users/openapi.yaml').expect(200)).text) as typeof json;
      expect(yaml).toEqual(json);
      const paths = Object.keys(json.paths);
      expect(paths).toEqual(
        expect.arrayContaining([
          '/users',
          '/users/register',
          '/users/login',
          '/users/refresh',
          '/users/logout',
          '/users/me',
          '/users/{id}',
          '/users/health',
          '/users/health/live',
        ]),
      );
      expect(paths.every((p) => p.startsWith('/users'))).toBe(true);
      expect(json.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
      expect(json.paths['/users/me'].get.security).toEqual([{ bearer: [] }]);
      expect(json.paths['/users/login'].post.security).toEqual([]);
      expect(json.paths['/users/me'].get.responses['401']).toBeDefined();
      // The service-to-service routes are in the internal contract only (libs/contracts/openapi).
      expect(paths.some((p) => p.includes('/internal/'))).toBe(false);
      expect(json.components.schemas).not.toHaveProperty('AccountStatusResponse');
      expect(json.paths['/users'].post.responses['409']).toBeDefined();
      expect(json.components.schemas.RegisterUserDto.properties.email.example).toBe('jane@example.com');
    });
  });

  describe('health', () => {
    it('reports liveness', async () => {
      await svc.http.get('/users/health/live').expect(200, { status: 'ok' });
    });

    itOnServer('an embedded database cannot be cut away from the process that holds it')(
      'turns readiness 503 while the database is gone and back to 200 when it returns',
      async () => {
        await svc.http.get('/users/health').expect(200);
        await db.goAway();
        try {
          await eventually(async () => (await svc.http.get('/users/health')).status === 503, Boolean, { timeoutMs: 15_000 });
          const down = await svc.http.get('/users/health').expect(503);
          expect(down.body.status).toBe('error');
          const during = await svc.http.post('/users/login').send({ username: 'someone', password: 'whatever-pass' });
          expect(during.status).toBe(503);
          expect(during.body).toMatchObject({ ...ERROR_SHAPE, code: 'DATABASE.UNAVAILABLE' });
        } finally {
          await db.comeBack();
        }
        await eventually(async () => (await svc.http.get('/users/health')).status === 200, Boolean, { timeoutMs: 15_000 });
        await registerAndLogin(svc.http);
      },
    );
  });
});

import { JwtService } from '@nestjs/jwt';
import { Account, bearer, registerAndLogin } from '../../../test/support/accounts';
import { ACCESS_TOKEN_AUDIENCE } from '@app/auth';
import { TEST_JWT_SECRET, TEST_REDIS_URL } from '../../../test/support/environment';
import { signServiceToken } from '../../../test/support/tokens';
import { startService, ServiceUnderTest } from '../../../test/support/service-under-test';
import { createTestDatabase, TestDatabase } from '../../../test/support/test-database';
import { UserAppModule } from '../src/user-app.module';
import { userService } from '../src/user-service';

const ADMIN = { email: 'admin@example.com', password: 'admin-password-123' };
const jwt = new JwtService({ secret: TEST_JWT_SECRET });
const serviceToken = (sub = 'order') => signServiceToken(sub);

describe.each([
  ['Redis', TEST_REDIS_URL],
  ['memory', undefined],
])('user service: deactivation, roles and sessions (%s session store)', (_store, redisUrl) => {
  let db: TestDatabase;
  let svc: ServiceUnderTest;
  let admin: { id: string; token: string };

  beforeAll(async () => {
    db = await createTestDatabase('user');
    svc = await startService(UserAppModule, userService, { ...db.env, REDIS_URL: redisUrl, ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password });
    const tokens = (await svc.http.post('/users/login').send({ email: ADMIN.email, password: ADMIN.password }).expect(200)).body;
    admin = { id: (await svc.http.get('/users/me').set(bearer(tokens.access_token)).expect(200)).body.id, token: tokens.access_token };
  });

  afterAll(async () => {
    await svc?.close();
    await db?.drop();
  });

  const patchUser = (token: string, id: string, body: object) => svc.http.patch(`/users/${id}`).set(bearer(token)).send(body);
  const login = (account: Account) => svc.http.post('/users/login').send({ username: account.username, password: account.password });

  describe('PATCH /users/:id', () => {
    it('lets an admin deactivate a user and answers with the user', async () => {
      const account = await registerAndLogin(svc.http);
      const res = await patchUser(admin.token, account.id, { is_active: false }).expect(200);
      expect(res.body).toMatchObject({ id: account.id, username: account.username, is_active: false, role: 'user' });
      expect(JSON.stringify(res.body)).not.toMatch(/hash/);
    });

    it('revokes every session of a deactivated user and refuses new logins', async () => {
      const account = await registerAndLogin(svc.http);
      const second = (await login(account).expect(200)).body;
      await patchUser(admin.token, account.id, { is_active: false }).expect(200);
      await login(account).expect(401);
      // Reactivation alone does not bring the revoked sessions back.
      await patchUser(admin.token, account.id, { is_active: true }).expect(200);
      for (const refreshToken of [account.refreshToken, second.refresh_token]) {
        const res = await svc.http.post('/users/refresh').send({ refresh_token: refreshToken }).expect(401);
        expect(res.body.code).toBe('AUTH.REFRESH_TOKEN_INVALID');
      }
    });

    it('lets a reactivated user log in and work again', async () => {
      const account = await registerAndLogin(svc.http);
      await patchUser(admin.token, account.id, { is_active: false }).expect(200);
      await login(account).expect(401);
      const res = await patchUser(admin.token, account.id, { is_active: true }).expect(200);
      expect(res.body.is_active).toBe(true);
      const tokens = (await login(account).expect(200)).body;
      await svc.http.patch('/users/me').set(bearer(tokens.access_token)).send({ full_name: 'Back Again' }).expect(200);
    });

    it('stops a deactivated user at once: only GET /users/me still answers, with is_active false', async () => {
      const account = await registerAndLogin(svc.http);
      await patchUser(admin.token, account.id, { is_active: false }).expect(200);
      const me = await svc.http.get('/users/me').set(bearer(account.accessToken)).expect(200);
      expect(me.body).toMatchObject({ id: account.id, is_active: false });
      const refused = [
        svc.http.patch('/users/me').set(bearer(account.accessToken)).send({ full_name: 'Still Here' }),
        svc.http.get(`/users/${account.id}`).set(bearer(account.accessToken)),
        svc.http.post('/users/logout').set(bearer(account.accessToken)).send({ refresh_token: account.refreshToken }),
      ];
      for (const res of await Promise.all(refused)) {
        expect(res.body).toMatchObject({ statusCode: 401, code: 'AUTH.USER_INACTIVE' });
      }
      const [row] = await db.query<{ full_name: string | null }>('SELECT full_name FROM users WHERE id = $1', [account.id]);
      expect(row.full_name).toBeNull();
    });

    it('stops a deactivated admin from listing or changing users with an unexpired token', async () => {
      const other = await registerAndLogin(svc.http);
      await patchUser(admin.token, other.id, { role: 'admin' }).expect(200);
      const otherAdmin = (await login(other).expect(200)).body.access_token as string;
      await svc.http.get('/users').set(bearer(otherAdmin)).expect(200);
      await patchUser(admin.token, other.id, { is_active: false }).expect(200);
      for (const res of [await svc.http.get('/users').set(bearer(otherAdmin)), await patchUser(otherAdmin, admin.id, { is_active: false })]) {
        expect(res.body).toMatchObject({ statusCode: 401, code: 'AUTH.USER_INACTIVE' });
      }
      await svc.http.get('/users/me').set(bearer(admin.token)).expect(200);
    });

    it('gives and takes admin rights at once, whatever role the token says', async () => {
      const account = await registerAndLogin(svc.http);
      await svc.http.get('/users').set(bearer(account.accessToken)).expect(403);
      const promoted = await patchUser(admin.token, account.id, { role: 'admin' }).expect(200);
      expect(promoted.body.role).toBe('admin');
      await svc.http.get('/users').set(bearer(account.accessToken)).expect(200);
      const adminToken = (await login(account).expect(200)).body.access_token as string;
      await patchUser(admin.token, account.id, { role: 'user' }).expect(200);
      const res = await svc.http.get('/users').set(bearer(adminToken)).expect(403);
      expect(res.body.code).toBe('AUTH.FORBIDDEN');
    });

    it.each([
      ['deactivate', { is_active: false }],
      ['demote', { role: 'user' }],
    ])('refuses to let an admin %s themself (409), so the last admin cannot be lost by accident', async (_what, body) => {
      const res = await patchUser(admin.token, admin.id, body).expect(409);
      expect(res.body).toMatchObject({ statusCode: 409, code: 'USER.OWN_ACCESS_LOCKED', message: expect.stringMatching(/another admin/) });
      const me = await svc.http.get('/users/me').set(bearer(admin.token)).expect(200);
      expect(me.body).toMatchObject({ role: 'admin', is_active: true });
    });

    it('answers 404 for an unknown id', async () => {
      const res = await patchUser(admin.token, '00000000-0000-4000-8000-000000000000', { is_active: false }).expect(404);
      expect(res.body.code).toBe('USER.NOT_FOUND');
    });

    it('is reserved to admins', async () => {
      const account = await registerAndLogin(svc.http);
      const victim = await registerAndLogin(svc.http);
      await patchUser(account.accessToken, victim.id, { is_active: false }).expect(403);
      await patchUser(account.accessToken, account.id, { role: 'admin' }).expect(403);
      await svc.http.patch(`/users/${victim.id}`).send({ is_active: false }).expect(401);
      await svc.http.get('/users/me').set(bearer(victim.accessToken)).expect(200);
    });

    it.each([
      [{ is_active: 'no' }, 'is_active', 'is_active must be true or false'],
      [{ role: 'root' }, 'role', 'role must be one of user, admin'],
      // Found by the hostile-input system suite: an explicit null passed @IsOptional and reached a NOT NULL column (500).
      [{ is_active: null }, 'is_active', 'is_active must be true or false'],
      [{ is_active: true, role: null }, 'role', 'role must be one of user, admin'],
      [{ email: 'x@example.com' }, 'email', 'property email should not exist'],
    ])('validates %j', async (body, field, message) => {
      const account = await registerAndLogin(svc.http);
      const res = await patchUser(admin.token, account.id, body).expect(400);
      expect(res.body.errors).toEqual([{ field, messages: [message] }]);
    });

    it('is documented in OpenAPI with its DTO and examples', async () => {
      const spec = (await svc.http.get('/users/openapi.json').expect(200)).body;
      const operation = spec.paths['/users/{id}'].patch;
      expect(operation).toMatchObject({ operationId: 'updateUser', security: [{ bearer: [] }] });
      expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '403', '404', '409']));
      const ref = operation.requestBody.content['application/json'].schema.$ref.split('/').pop();
      expect(spec.components.schemas[ref].properties).toMatchObject({
        is_active: { type: 'boolean', example: false },
        role: { enum: ['user', 'admin'], example: 'admin' },
      });
    });
  });

  describe('PATCH /users/me with a new password', () => {
    it("revokes the user's other sessions and keeps the current one", async () => {
      const account = await registerAndLogin(svc.http);
      const other = (await login(account).expect(200)).body;
      await svc.http
        .patch('/users/me')
        .set(bearer(account.accessToken))
        .send({ password: 'a-new-long-passphrase', current_password: account.password })
        .expect(200);
      await svc.http.post('/users/refresh').send({ refresh_token: other.refresh_token }).expect(401);
      const kept = await svc.http.post('/users/refresh').send({ refresh_token: account.refreshToken }).expect(200);
      // The session goes on after a refresh too.
      await svc.http.post('/users/refresh').send({ refresh_token: kept.body.refresh_token }).expect(200);
      await login({ ...account, password: 'a-new-long-passphrase' }).expect(200);
    });

    it('puts the session id in the access token', async () => {
      const account = await registerAndLogin(svc.http);
      const claims = jwt.decode<{ sid?: string }>(account.accessToken);
      expect(claims.sid).toMatch(/^[0-9a-f-]{36}$/);
      const refreshed = (await svc.http.post('/users/refresh').send({ refresh_token: account.refreshToken }).expect(200)).body;
      expect(jwt.decode<{ sid?: string }>(refreshed.access_token).sid).toBe(claims.sid);
    });
  });

  describe('GET /users/internal/users/:id/status', () => {
    it('answers the current status and role to another service', async () => {
      const account = await registerAndLogin(svc.http);
      const status = () => svc.http.get(`/users/internal/users/${account.id}/status`).set(bearer(serviceToken()));
      expect((await status().expect(200)).body).toEqual({ is_active: true, role: 'user' });
      await patchUser(admin.token, account.id, { is_active: false, role: 'admin' }).expect(200);
      expect((await status().expect(200)).body).toEqual({ is_active: false, role: 'admin' });
    });

    it('answers 404 for an unknown user and 401 without a service token', async () => {
      const account = await registerAndLogin(svc.http);
      await svc.http.get('/users/internal/users/00000000-0000-4000-8000-000000000000/status').set(bearer(serviceToken())).expect(404);
      const res = await svc.http.get(`/users/internal/users/${account.id}/status`).set(bearer(account.accessToken)).expect(401);
      expect(res.body.code).toBe('AUTH.SERVICE_TOKEN_REQUIRED');
    });

    it('answers 200 to the order and payment services, and 403 AUTH.SERVICE_NOT_ALLOWED to a service that has no business asking', async () => {
      const account = await registerAndLogin(svc.http);
      const status = (token: string) => svc.http.get(`/users/internal/users/${account.id}/status`).set(bearer(token));
      await status(serviceToken('order')).expect(200);
      await status(serviceToken('payment')).expect(200);
      for (const caller of ['user', 'gateway']) {
        const res = await status(serviceToken(caller)).expect(403);
        expect(res.body).toMatchObject({ statusCode: 403, code: 'AUTH.SERVICE_NOT_ALLOWED', message: expect.stringContaining(caller) });
      }
    });

    it.each([
      ['without exp (valid for ever)', { exp: undefined }],
      ["with the users' audience", { aud: ACCESS_TOKEN_AUDIENCE }],
      ['without aud', { aud: undefined }],
      ['from another issuer', { iss: 'someone-else' }],
    ])('answers 401 AUTH.SERVICE_TOKEN_REQUIRED to a service token %s', async (_name, overrides) => {
      const account = await registerAndLogin(svc.http);
      const res = await svc.http
        .get(`/users/internal/users/${account.id}/status`)
        .set(bearer(signServiceToken('order', overrides)))
        .expect(401);
      expect(res.body.code).toBe('AUTH.SERVICE_TOKEN_REQUIRED');
    });

    it('refuses a service token presented as a user access token (401 AUTH.TOKEN_INVALID)', async () => {
      const account = await registerAndLogin(svc.http);
      const asUser = signServiceToken('order', { sub: account.id, role: 'admin', typ: 'access' });
      const res = await svc.http.get('/users/me').set(bearer(asUser)).expect(401);
      expect(res.body.code).toBe('AUTH.TOKEN_INVALID');
    });
  });
});

import Redis from 'ioredis';
import { bearer, registerAndLogin, uniqueName } from '../../../test/support/accounts';
import { EXAMPLE_JWT_SECRET, FORMER_DEVELOPMENT_JWT_SECRET, SERVICE_TOKEN_AUDIENCE } from '@app/auth';
import { TEST_REDIS_URL } from '../../../test/support/environment';
import { signAccessToken, signTestToken } from '../../../test/support/tokens';
import { startService, ServiceUnderTest } from '../../../test/support/service-under-test';
import { createTestDatabase, TestDatabase } from '../../../test/support/test-database';
import { UserAppModule } from '../src/user-app.module';
import { userService } from '../src/user-service';

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('user service: login, tokens and sessions', () => {
  let db: TestDatabase;
  let svc: ServiceUnderTest;

  beforeAll(async () => {
    db = await createTestDatabase('user');
    svc = await startService(UserAppModule, userService, { ...db.env, REDIS_URL: TEST_REDIS_URL, JWT_EXPIRES_IN: '15m' });
  });

  afterAll(async () => {
    await svc?.close();
    await db?.drop();
  });

  describe('POST /users/login', () => {
    it('logs in by username, by email in the username field, and by the email field', async () => {
      const account = await registerAndLogin(svc.http);
      for (const body of [
        { username: account.username, password: account.password },
        { username: account.email, password: account.password },
        { email: account.email.toUpperCase(), password: account.password },
      ]) {
        const res = await svc.http.post('/users/login').send(body).expect(200);
        expect(res.body).toEqual({ access_token: expect.any(String), token_type: 'bearer', expires_in: 900, refresh_token: expect.any(String) });
        await svc.http.get('/users/me').set(bearer(res.body.access_token)).expect(200);
      }
    });

    it('answers an unknown user and a wrong password with the same 401', async () => {
      const account = await registerAndLogin(svc.http);
      const wrong = await svc.http.post('/users/login').send({ username: account.username, password: 'wrong-password' }).expect(401);
      const unknown = await svc.http
        .post('/users/login')
        .send({ username: uniqueName('nobody'), password: 'wrong-password' })
        .expect(401);
      expect({ ...wrong.body, requestId: '' }).toEqual({ ...unknown.body, requestId: '' });
      expect(wrong.body).toMatchObject({ code: 'AUTH.INVALID_CREDENTIALS', message: 'Invalid username/email or password' });
    });

    it('refuses a deactivated user, whose unexpired token still reads its own profile', async () => {
      const account = await registerAndLogin(svc.http);
      await db.query('UPDATE users SET is_active = false WHERE id = $1', [account.id]);
      await svc.http.post('/users/login').send({ username: account.username, password: account.password }).expect(401);
      expect((await svc.http.get('/users/me').set(bearer(account.accessToken)).expect(200)).body.is_active).toBe(false);
      await svc.http.patch('/users/me').set(bearer(account.accessToken)).send({ full_name: 'Still Here' }).expect(401);
    });

    it('asks for an identifier and a password', async () => {
      const res = await svc.http.post('/users/login').send({}).expect(400);
      expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['password', 'username']);
    });
  });

  describe('access tokens', () => {
    it.each([
      [
        'a tampered payload',
        (t: string, id: string) => {
          const [h, , s] = t.split('.');
          return `${h}.${b64({ sub: id, role: 'admin', typ: 'access', exp: 9999999999 })}.${s}`;
        },
      ],
      [
        'a token signed with another secret',
        (_t: string, id: string) => signTestToken({ sub: id, role: 'user', typ: 'access' }, {}, 'another-secret-another-secret-123'),
      ],
      [
        'a token signed with the .env.example secret',
        (_t: string, id: string) => signTestToken({ sub: id, role: 'user', typ: 'access' }, {}, EXAMPLE_JWT_SECRET),
      ],
      [
        'a token signed with the former development secret',
        (_t: string, id: string) => signTestToken({ sub: id, role: 'user', typ: 'access' }, {}, FORMER_DEVELOPMENT_JWT_SECRET),
      ],
      ['alg none', (_t: string, id: string) => `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: id, role: 'user', typ: 'access', exp: 9999999999 })}.`],
      ['an expired token', (_t: string, id: string) => signAccessToken({ sub: id }, { exp: 1000 })],
      ['a token without typ access', (_t: string, id: string) => signAccessToken({ sub: id }, { typ: undefined })],
      ['a token without exp (valid for ever)', (_t: string, id: string) => signAccessToken({ sub: id }, { exp: undefined })],
      ['a token without iss', (_t: string, id: string) => signAccessToken({ sub: id }, { iss: undefined })],
      ['a token from another issuer', (_t: string, id: string) => signAccessToken({ sub: id }, { iss: 'someone-else' })],
      ['a token without aud', (_t: string, id: string) => signAccessToken({ sub: id }, { aud: undefined })],
      ["a token with the service tokens' audience", (_t: string, id: string) => signAccessToken({ sub: id }, { aud: SERVICE_TOKEN_AUDIENCE })],
      ['garbage', () => 'not.a.jwt'],
    ])('answers 401 to %s', async (_name, forge) => {
      const account = await registerAndLogin(svc.http);
      const res = await svc.http
        .get('/users/me')
        .set(bearer(forge(account.accessToken, account.id)))
        .expect(401);
      expect(res.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
    });

    it('says when the token has expired', async () => {
      const account = await registerAndLogin(svc.http);
      const expired = signAccessToken({ sub: account.id }, { exp: 1000 });
      const res = await svc.http.get('/users/me').set(bearer(expired)).expect(401);
      expect(res.body.code).toBe('AUTH.TOKEN_EXPIRED');
    });
  });

  describe('refresh tokens', () => {
    it('rotates: a refresh returns new tokens and spends the old refresh token', async () => {
      const account = await registerAndLogin(svc.http);
      const first = await svc.http.post('/users/refresh').send({ refresh_token: account.refreshToken }).expect(200);
      expect(first.body.refresh_token).not.toBe(account.refreshToken);
      await svc.http.get('/users/me').set(bearer(first.body.access_token)).expect(200);
      const second = await svc.http.post('/users/refresh').send({ refresh_token: first.body.refresh_token }).expect(200);
      expect(second.body.refresh_token).not.toBe(first.body.refresh_token);
    });

    it('revokes the whole session when a spent refresh token comes back', async () => {
      const account = await registerAndLogin(svc.http);
      const rotated = await svc.http.post('/users/refresh').send({ refresh_token: account.refreshToken }).expect(200);
      const replay = await svc.http.post('/users/refresh').send({ refresh_token: account.refreshToken }).expect(401);
      expect(replay.body.code).toBe('AUTH.REFRESH_TOKEN_INVALID');
      await svc.http.post('/users/refresh').send({ refresh_token: rotated.body.refresh_token }).expect(401);
    });

    it('keeps other sessions of the same user alive when one is revoked', async () => {
      const account = await registerAndLogin(svc.http);
      const other = await svc.http.post('/users/login').send({ username: account.username, password: account.password }).expect(200);
      await svc.http.post('/users/refresh').send({ refresh_token: account.refreshToken }).expect(200);
      await svc.http.post('/users/refresh').send({ refresh_token: account.refreshToken }).expect(401);
      await svc.http.post('/users/refresh').send({ refresh_token: other.body.refresh_token }).expect(200);
    });

    it('answers 401 to an unknown refresh token', async () => {
      await svc.http.post('/users/refresh').send({ refresh_token: 'never-issued' }).expect(401);
    });

    it('stores refresh tokens only as hashes', async () => {
      const account = await registerAndLogin(svc.http);
      const redis = new Redis(TEST_REDIS_URL);
      const keys = await redis.keys('user:session:*');
      // A user's session ids are kept in a set, beside the string values.
      const values = await Promise.all(keys.map(async (k) => ((await redis.type(k)) === 'set' ? (await redis.smembers(k)).join(',') : redis.get(k))));
      redis.disconnect();
      expect(keys.join(' ') + values.join(' ')).not.toContain(account.refreshToken);
      expect(keys.length).toBeGreaterThan(0);
    });
  });

  describe('POST /users/logout', () => {
    it('revokes the session so its refresh token no longer works', async () => {
      const account = await registerAndLogin(svc.http);
      await svc.http.post('/users/logout').set(bearer(account.accessToken)).send({ refresh_token: account.refreshToken }).expect(204);
      await svc.http.post('/users/refresh').send({ refresh_token: account.refreshToken }).expect(401);
    });

    it("cannot revoke someone else's session", async () => {
      const a = await registerAndLogin(svc.http);
      const b = await registerAndLogin(svc.http);
      await svc.http.post('/users/logout').set(bearer(a.accessToken)).send({ refresh_token: b.refreshToken }).expect(204);
      await svc.http.post('/users/refresh').send({ refresh_token: b.refreshToken }).expect(200);
    });

    it('requires an access token', async () => {
      await svc.http.post('/users/logout').send({ refresh_token: 'x' }).expect(401);
    });
  });
});

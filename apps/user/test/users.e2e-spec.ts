import { bearer, registerAndLogin, uniqueName } from '../../../test/support/accounts';
import { TEST_REDIS_URL } from '../../../test/support/environment';
import { startService, ServiceUnderTest } from '../../../test/support/service-under-test';
import { createTestDatabase, TestDatabase } from '../../../test/support/test-database';
import { UserAppModule } from '../src/user-app.module';
import { userService } from '../src/user-service';

const ADMIN = { email: 'admin@example.com', password: 'admin-password-123' };
const TOO_LONG = expect.stringMatching(/^password must be at most 72 bytes in UTF-8/);
/** Exactly 72 bytes in UTF-8 (bcrypt's limit) in 54 characters: 36 ASCII, 18 accented. */
const AT_LIMIT = `${'a'.repeat(36)}${'é'.repeat(18)}`;

describe('user service: registration, profiles and listing', () => {
  let db: TestDatabase;
  let svc: ServiceUnderTest;

  beforeAll(async () => {
    db = await createTestDatabase('user');
    svc = await startService(UserAppModule, userService, {
      ...db.env,
      REDIS_URL: TEST_REDIS_URL,
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
    });
  });

  afterAll(async () => {
    await svc?.close();
    await db?.drop();
  });

  const adminToken = async () =>
    (await svc.http.post('/users/login').send({ email: ADMIN.email, password: ADMIN.password }).expect(200)).body.access_token as string;

  describe('POST /users', () => {
    it('registers a user and never returns the password hash', async () => {
      const username = uniqueName();
      const res = await svc.http
        .post('/users')
        .send({ email: `${username}@Example.COM`, username, password: 'correct-horse-battery', full_name: 'Jane Doe' })
        .expect(201);
      expect(res.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        email: `${username}@example.com`,
        username,
        full_name: 'Jane Doe',
        role: 'user',
        is_active: true,
        created_at: expect.any(String),
        updated_at: expect.any(String),
      });
      expect(JSON.stringify(res.body)).not.toMatch(/hash|correct-horse/);
      const [row] = await db.query<{ password_hash: string }>('SELECT password_hash FROM users WHERE id = $1', [res.body.id]);
      expect(row.password_hash).toMatch(/^\$2[aby]\$04\$/);
    });

    it('accepts POST /users/register, the path the original system documents', async () => {
      const username = uniqueName();
      await svc.http
        .post('/users/register')
        .send({ email: `${username}@example.com`, username, password: 'correct-horse-battery' })
        .expect(201);
    });

    it('answers 409 for an email taken in any letter case', async () => {
      const account = await registerAndLogin(svc.http);
      const res = await svc.http
        .post('/users')
        .send({ email: account.email.toUpperCase(), username: uniqueName(), password: 'correct-horse-battery' })
        .expect(409);
      expect(res.body).toMatchObject({ statusCode: 409, error: 'Conflict', code: 'USER.EMAIL_TAKEN', message: 'A user with this email already exists' });
    });

    it('answers 409 for a username taken in any letter case', async () => {
      const account = await registerAndLogin(svc.http);
      const res = await svc.http
        .post('/users')
        .send({ email: `${uniqueName()}@example.com`, username: account.username.toUpperCase(), password: 'correct-horse-battery' })
        .expect(409);
      expect(res.body.code).toBe('USER.USERNAME_TAKEN');
    });

    it('creates exactly one user from 20 parallel registrations of one email', async () => {
      const email = `${uniqueName()}@example.com`;
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => svc.http.post('/users').send({ email, username: uniqueName(`race${i}`), password: 'correct-horse-battery' })),
      );
      const statuses = results.map((r) => r.status).sort();
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(19);
      const [{ count }] = await db.query<{ count: string }>('SELECT count(*) FROM users WHERE email = $1', [email]);
      expect(count).toBe('1');
    });

    it.each([
      [{ username: 'ok_name', password: 'correct-horse-battery' }, 'email', 'email must be a valid email address'],
      [{ email: 'not-an-email', username: 'ok_name', password: 'correct-horse-battery' }, 'email', 'email must be a valid email address'],
      [{ email: 'a@example.com', username: 'ab', password: 'correct-horse-battery' }, 'username', 'username must be 3-32 letters, digits, _ . or -'],
      [{ email: 'a@example.com', username: 'has space', password: 'correct-horse-battery' }, 'username', 'username must be 3-32 letters, digits, _ . or -'],
      [{ email: 'a@example.com', username: 'x'.repeat(33), password: 'correct-horse-battery' }, 'username', 'username must be 3-32 letters, digits, _ . or -'],
      [{ email: 'a@example.com', username: 'ok_name', password: 'short' }, 'password', 'password must be at least 8 characters'],
      [{ email: 'a@example.com', username: 'ok_name', password: 'p'.repeat(129) }, 'password', TOO_LONG],
      [{ email: 'a@example.com', username: 'ok_name', password: 12345678 }, 'password', 'password must be a string'],
      [{ email: 'a@example.com', username: 'ok_name', password: 'correct-horse-battery', role: 'admin' }, 'role', 'property role should not exist'],
    ])('rejects %j with 400 naming %s', async (body, field, message) => {
      const res = await svc.http.post('/users').send(body).expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request', code: 'VALIDATION.FAILED', requestId: expect.any(String) });
      expect(res.body.errors).toEqual(expect.arrayContaining([{ field, messages: expect.arrayContaining([message]) }]));
    });

    describe("passwords past bcrypt's 72 bytes, which it would cut without a word", () => {
      it.each([
        ['73 ASCII characters', 'p'.repeat(73)],
        ['37 accented characters (74 bytes)', 'é'.repeat(37)],
        ['19 emoji (76 bytes, 38 UTF-16 units)', '🔑'.repeat(19)],
        ['72 bytes and one more character', `${AT_LIMIT}x`],
      ])('refuses %s at registration with 400 and a message that says bytes', async (_what, password) => {
        const username = uniqueName();
        const res = await svc.http
          .post('/users')
          .send({ email: `${username}@example.com`, username, password })
          .expect(400);
        expect(res.body.errors).toEqual([{ field: 'password', messages: [TOO_LONG] }]);
        const [{ count }] = await db.query<{ count: string }>('SELECT count(*) FROM users WHERE username = $1', [username]);
        expect(count).toBe('0');
      });

      it('accepts exactly 72 bytes, multibyte characters counted as bytes', async () => {
        expect(Buffer.byteLength(AT_LIMIT)).toBe(72);
        const account = await registerAndLogin(svc.http, { password: AT_LIMIT });
        expect(account.accessToken).toBeTruthy();
      });

      it('lets nobody log in with a longer password that merely starts with the real one (401, as for any wrong password)', async () => {
        const account = await registerAndLogin(svc.http, { password: AT_LIMIT });
        for (const suffix of ['x', 'anything at all', 'é']) {
          const res = await svc.http
            .post('/users/login')
            .send({ username: account.username, password: `${AT_LIMIT}${suffix}` })
            .expect(401);
          expect(res.body.code).toBe('AUTH.INVALID_CREDENTIALS');
        }
      });

      it('refuses a new password over 72 bytes at PATCH /users/me with 400, and the old one still works', async () => {
        const account = await registerAndLogin(svc.http);
        const res = await svc.http
          .patch('/users/me')
          .set(bearer(account.accessToken))
          .send({ password: `${AT_LIMIT}-and-more`, current_password: account.password })
          .expect(400);
        expect(res.body.errors).toEqual([{ field: 'password', messages: [TOO_LONG] }]);
        await svc.http.post('/users/login').send({ username: account.username, password: account.password }).expect(200);
      });
    });

    it('lists every bad field at once', async () => {
      const res = await svc.http.post('/users').send({ email: 'x', username: 'y', password: 'z' }).expect(400);
      expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['email', 'password', 'username']);
    });
  });

  describe('GET and PATCH /users/me', () => {
    it('returns the caller', async () => {
      const account = await registerAndLogin(svc.http);
      const res = await svc.http.get('/users/me').set(bearer(account.accessToken)).expect(200);
      expect(res.body).toMatchObject({ id: account.id, username: account.username, email: account.email });
    });

    it('answers 401 without a token', async () => {
      const res = await svc.http.get('/users/me').expect(401);
      expect(res.body).toMatchObject({ statusCode: 401, error: 'Unauthorized', code: 'AUTH.TOKEN_MISSING' });
    });

    it('changes the full name', async () => {
      const account = await registerAndLogin(svc.http);
      const res = await svc.http.patch('/users/me').set(bearer(account.accessToken)).send({ full_name: 'New Name' }).expect(200);
      expect(res.body.full_name).toBe('New Name');
    });

    it('changes the password only with the right current password', async () => {
      const account = await registerAndLogin(svc.http);
      const missing = await svc.http.patch('/users/me').set(bearer(account.accessToken)).send({ password: 'a-brand-new-password' }).expect(400);
      expect(missing.body.errors[0].field).toBe('current_password');
      const wrong = await svc.http
        .patch('/users/me')
        .set(bearer(account.accessToken))
        .send({ password: 'a-brand-new-password', current_password: 'nope-nope' })
        .expect(422);
      expect(wrong.body.code).toBe('USER.CURRENT_PASSWORD_INCORRECT');
      await svc.http
        .patch('/users/me')
        .set(bearer(account.accessToken))
        .send({ password: 'a-brand-new-password', current_password: account.password })
        .expect(200);
      await svc.http.post('/users/login').send({ username: account.username, password: account.password }).expect(401);
      await svc.http.post('/users/login').send({ username: account.username, password: 'a-brand-new-password' }).expect(200);
    });

    it('refuses fields that cannot be changed', async () => {
      const account = await registerAndLogin(svc.http);
      const res = await svc.http.patch('/users/me').set(bearer(account.accessToken)).send({ role: 'admin' }).expect(400);
      expect(res.body.errors[0]).toEqual({ field: 'role', messages: ['property role should not exist'] });
    });
  });

  describe('GET /users/:id', () => {
    it('shows users their own record', async () => {
      const account = await registerAndLogin(svc.http);
      await svc.http.get(`/users/${account.id}`).set(bearer(account.accessToken)).expect(200);
    });

    it("answers 404 for someone else's record, exactly as for a missing one", async () => {
      const a = await registerAndLogin(svc.http);
      const b = await registerAndLogin(svc.http);
      const other = await svc.http.get(`/users/${b.id}`).set(bearer(a.accessToken)).expect(404);
      const missing = await svc.http.get('/users/00000000-0000-4000-8000-000000000000').set(bearer(a.accessToken)).expect(404);
      expect({ ...other.body, requestId: 'x' }).toEqual({ ...missing.body, requestId: 'x' });
    });

    it('lets an admin read any user', async () => {
      const account = await registerAndLogin(svc.http);
      const res = await svc.http
        .get(`/users/${account.id}`)
        .set(bearer(await adminToken()))
        .expect(200);
      expect(res.body.id).toBe(account.id);
    });

    it('answers 400 for an id that is not a UUID', async () => {
      const account = await registerAndLogin(svc.http);
      const res = await svc.http.get('/users/42').set(bearer(account.accessToken)).expect(400);
      expect(res.body.errors).toEqual([{ field: 'id', messages: ['id must be a UUID'] }]);
    });
  });

  describe('GET /users', () => {
    it('is reserved to admins', async () => {
      const account = await registerAndLogin(svc.http);
      const res = await svc.http.get('/users').set(bearer(account.accessToken)).expect(403);
      expect(res.body).toMatchObject({ statusCode: 403, code: 'AUTH.FORBIDDEN' });
    });

    it('pages newest first with the total in X-Total-Count, accepting skip for offset', async () => {
      await registerAndLogin(svc.http);
      const token = await adminToken();
      const all = await svc.http.get('/users?limit=100').set(bearer(token)).expect(200);
      const total = Number(all.headers['x-total-count']);
      expect(total).toBe(all.body.length);
      const created = all.body.map((u: { created_at: string }) => u.created_at);
      expect([...created].sort().reverse()).toEqual(created);
      const page = await svc.http.get('/users?limit=2&offset=1').set(bearer(token)).expect(200);
      expect(page.body.map((u: { id: string }) => u.id)).toEqual(all.body.slice(1, 3).map((u: { id: string }) => u.id));
      const skipped = await svc.http.get('/users?limit=2&skip=1').set(bearer(token)).expect(200);
      expect(skipped.body).toEqual(page.body);
    });

    it.each(['limit=0', 'limit=101', 'limit=abc', 'offset=-1', 'skip=1.5'])('rejects %s with 400', async (query) => {
      const res = await svc.http
        .get(`/users?${query}`)
        .set(bearer(await adminToken()))
        .expect(400);
      expect(res.body.code).toBe('VALIDATION.FAILED');
    });
  });

  it('creates the admin account from ADMIN_EMAIL and ADMIN_PASSWORD', async () => {
    const rows = await db.query<{ role: string }>('SELECT role FROM users WHERE email = $1', [ADMIN.email]);
    expect(rows).toEqual([{ role: 'admin' }]);
  });
});

import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bearer, registerAndLogin } from '../../../test/support/accounts';
import { startService } from '../../../test/support/service-under-test';
import { UserAppModule } from '../src/user-app.module';
import { userService } from '../src/user-service';

describe('user service on the embedded defaults (no DATABASE_URL, no REDIS_URL)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'user-embedded-'));
  const env = { DATABASE_URL: undefined, REDIS_URL: undefined, DATA_DIR: dataDir };

  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('serves the whole account flow on PGlite and keeps the data on disk across restarts', async () => {
    const first = await startService(UserAppModule, userService, env);
    let account;
    try {
      account = await registerAndLogin(first.http);
      await first.http.get('/users/me').set(bearer(account.accessToken)).expect(200);
      const refreshed = await first.http.post('/users/refresh').send({ refresh_token: account.refreshToken }).expect(200);
      await first.http.post('/users/refresh').send({ refresh_token: account.refreshToken }).expect(401);
      await first.http.post('/users/logout').set(bearer(refreshed.body.access_token)).send({ refresh_token: refreshed.body.refresh_token }).expect(204);
      await first.http.get('/users/health').expect(200);
    } finally {
      await first.close();
    }
    expect(existsSync(join(dataDir, 'user', 'PG_VERSION'))).toBe(true);

    const second = await startService(UserAppModule, userService, env);
    try {
      const login = await second.http.post('/users/login').send({ username: account.username, password: account.password }).expect(200);
      const me = await second.http.get('/users/me').set(bearer(login.body.access_token)).expect(200);
      expect(me.body.id).toBe(account.id);
    } finally {
      await second.close();
    }
  });
});

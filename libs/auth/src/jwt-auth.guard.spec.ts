import { UnauthorizedError } from '@app/errors';
import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { AccountStatus } from './account-status';
import { JwtAuthGuard } from './jwt-auth.guard';
import { ACCESS_TOKEN_AUDIENCE, TOKEN_ISSUER } from './token-claims';

const SECRET = 'a-test-secret-of-at-least-32-bytes-long';

describe('JwtAuthGuard', () => {
  const jwt = new JwtService({ secret: SECRET, signOptions: { algorithm: 'HS256', issuer: TOKEN_ISSUER, audience: ACCESS_TOKEN_AUDIENCE } });
  const accounts: AccountStatus = { lookup: () => Promise.resolve({ isActive: true, role: 'user' }) };
  let guard: JwtAuthGuard;

  beforeEach(() => {
    guard = new JwtAuthGuard(jwt, new Reflector(), accounts);
  });

  afterEach(() => jest.useRealTimers());

  const contextWith = (token: string) => {
    const request = { id: 'req-1', headers: { authorization: `Bearer ${token}` } } as Record<string, unknown>;
    const context = {
      switchToHttp: () => ({ getRequest: () => request }),
      getHandler: () => contextWith,
      getClass: () => JwtAuthGuard,
    } as unknown as ExecutionContext;
    return { context, request };
  };
  const codeOf = (promise: Promise<unknown>) =>
    promise.then(
      () => 'accepted',
      (error: UnauthorizedError) => error.code,
    );

  it('refuses a token it accepted before once the token has expired', async () => {
    jest.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') });
    const token = jwt.sign({ sub: 'u1', role: 'user', typ: 'access' }, { expiresIn: 60 });
    const { context, request } = contextWith(token);
    expect(await guard.canActivate(context)).toBe(true);
    expect(request.user).toMatchObject({ id: 'u1', role: 'user' });
    jest.setSystemTime(new Date('2026-01-01T00:00:59Z'));
    expect(await codeOf(guard.canActivate(contextWith(token).context))).toBe('accepted');
    jest.setSystemTime(new Date('2026-01-01T00:01:00Z'));
    expect(await codeOf(guard.canActivate(contextWith(token).context))).toBe('AUTH.TOKEN_EXPIRED');
  });

  it('refuses a token signed with another secret, or for another audience, every time it is sent', async () => {
    const forged = new JwtService({ secret: 'another-secret-of-at-least-32-bytes-long' }).sign(
      { sub: 'u1', role: 'admin', typ: 'access' },
      { expiresIn: 60, issuer: TOKEN_ISSUER, audience: ACCESS_TOKEN_AUDIENCE },
    );
    const otherAudience = jwt.sign({ sub: 'u1', role: 'user', typ: 'access' }, { expiresIn: 60, audience: 'nest-commerce:services' });
    for (let attempt = 0; attempt < 2; attempt++) {
      expect(await codeOf(guard.canActivate(contextWith(forged).context))).toBe('AUTH.TOKEN_INVALID');
      expect(await codeOf(guard.canActivate(contextWith(otherAudience).context))).toBe('AUTH.TOKEN_INVALID');
    }
  });

  it('takes the role from the account status on every request, not from the token it remembers', async () => {
    const token = jwt.sign({ sub: 'u1', role: 'admin', typ: 'access' }, { expiresIn: 60 });
    let state: { isActive: boolean; role: 'admin' | 'user' } = { isActive: true, role: 'admin' };
    guard = new JwtAuthGuard(jwt, new Reflector(), { lookup: () => Promise.resolve(state) });
    const first = contextWith(token);
    await guard.canActivate(first.context);
    expect(first.request.user).toMatchObject({ role: 'admin' });
    state = { isActive: true, role: 'user' };
    const second = contextWith(token);
    await guard.canActivate(second.context);
    expect(second.request.user).toMatchObject({ role: 'user' });
    state = { isActive: false, role: 'user' };
    expect(await codeOf(guard.canActivate(contextWith(token).context))).toBe('AUTH.USER_INACTIVE');
  });
});

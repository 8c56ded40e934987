import { ACCESS_TOKEN_AUDIENCE, SERVICE_TOKEN_AUDIENCE, TOKEN_ISSUER } from '@app/auth';
import { TEST_JWT_SECRET } from './environment';
import { signJwt } from './fuzz/forged-tokens';

const now = () => Math.floor(Date.now() / 1000);

/**
 * A token as the services sign them (HS256, issuer, audience, expiry) with the test secret;
 * `overrides` replaces or, when undefined, removes a claim, to forge exactly one thing wrong.
 */
export function signTestToken(claims: Record<string, unknown>, overrides: Record<string, unknown> = {}, secret = TEST_JWT_SECRET): string {
  const merged: Record<string, unknown> = { iss: TOKEN_ISSUER, iat: now(), exp: now() + 900, ...claims, ...overrides };
  for (const [key, value] of Object.entries(merged)) if (value === undefined) delete merged[key];
  return signJwt(merged, secret);
}

/** A user's access token, as the user service issues at login. */
export function signAccessToken(claims: { sub: string; role?: 'user' | 'admin'; sid?: string }, overrides: Record<string, unknown> = {}): string {
  return signTestToken({ role: 'user', typ: 'access', aud: ACCESS_TOKEN_AUDIENCE, ...claims }, overrides);
}

/** A token of the named service, as it presents to another. */
export function signServiceToken(service: string, overrides: Record<string, unknown> = {}): string {
  return signTestToken({ sub: service, typ: 'service', aud: SERVICE_TOKEN_AUDIENCE, exp: now() + 300 }, overrides);
}

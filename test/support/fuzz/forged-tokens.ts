import { EXAMPLE_JWT_SECRET, FORMER_DEVELOPMENT_JWT_SECRET, SERVICE_TOKEN_AUDIENCE } from '@app/auth';
import { createHmac } from 'node:crypto';

const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

export function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** A JWT signed with HMAC (HS256 unless the header says HS384/HS512). */
export function signJwt(claims: object, secret: string, header: { alg: string; typ?: string } = { alg: 'HS256', typ: 'JWT' }): string {
  const unsigned = `${encode(header)}.${encode(claims)}`;
  const hash = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' }[header.alg] ?? 'sha256';
  return `${unsigned}.${createHmac(hash, secret).update(unsigned).digest('base64url')}`;
}

/** Changes one character in the middle of the signature (the last one may only carry padding bits). */
function tamper(signature: string): string {
  const i = Math.floor(signature.length / 2);
  return signature.slice(0, i) + (signature[i] === 'A' ? 'B' : 'A') + signature.slice(i + 1);
}

/**
 * Every way we know to get a token the services must refuse, made from a real access token
 * (so the claims are right: only the signature or the lifetime is wrong).
 */
export function forgeTokens(valid: string, secret: string): Record<string, string> {
  const [header, payload, signature] = valid.split('.');
  const claims = claimsOf(valid);
  const now = Math.floor(Date.now() / 1000);
  const without = (name: string) => Object.fromEntries(Object.entries(claims).filter(([key]) => key !== name));
  return {
    'a tampered signature': `${header}.${payload}.${tamper(signature)}`,
    'a tampered payload (role admin) under the original signature': `${header}.${encode({ ...claims, role: 'admin' })}.${signature}`,
    'alg none without a signature': `${encode({ alg: 'none', typ: 'JWT' })}.${payload}.`,
    'alg none with the original signature': `${encode({ alg: 'none', typ: 'JWT' })}.${payload}.${signature}`,
    'another secret': signJwt(claims, 'another-secret-that-is-also-long-enough-42'),
    'the right secret with HS512 instead of HS256': signJwt(claims, secret, { alg: 'HS512', typ: 'JWT' }),
    'an expired token': signJwt({ ...claims, iat: now - 3_600, exp: now - 60 }, secret),
    'the .env.example secret': signJwt(claims, EXAMPLE_JWT_SECRET),
    'the former development secret': signJwt(claims, FORMER_DEVELOPMENT_JWT_SECRET),
    'the right secret without exp (valid for ever)': signJwt(without('exp'), secret),
    'the right secret without iss': signJwt(without('iss'), secret),
    'the right secret from another issuer': signJwt({ ...claims, iss: 'another-issuer' }, secret),
    "the right secret with the service tokens' audience": signJwt({ ...claims, aud: SERVICE_TOKEN_AUDIENCE }, secret),
  };
}

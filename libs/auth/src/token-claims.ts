/** `iss` of every token the services sign. */
export const TOKEN_ISSUER = 'nest-commerce';
/** `aud` of the access tokens users get at login: only the user-facing guard accepts them. */
export const ACCESS_TOKEN_AUDIENCE = 'nest-commerce:users';
/** `aud` of the tokens one service presents to another: only the service guards accept them. */
export const SERVICE_TOKEN_AUDIENCE = 'nest-commerce:services';

/** The services that sign service tokens, by the name they put in `sub`. */
export const SERVICE_NAMES = ['user', 'order', 'payment'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** A verified token without `exp` would be valid for ever: refused like a bad signature. */
export function hasExpiry(claims: object): boolean {
  const { exp } = claims as { exp?: unknown };
  return typeof exp === 'number' && Number.isFinite(exp);
}

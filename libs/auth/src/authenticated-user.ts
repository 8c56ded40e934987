export const ROLES = ['user', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling, as the access token says. */
export interface AuthenticatedUser {
  id: string;
  role: Role;
  /** The raw bearer token, to forward to other services on the caller's behalf. */
  token: string;
}

export interface AccessTokenClaims {
  sub: string;
  role: Role;
  typ: 'access';
}

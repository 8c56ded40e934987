export const ROLES = ['user', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling: the id from the access token, the role as the user service has it now. */
export interface AuthenticatedUser {
  id: string;
  role: Role;
  /** The login session the access token belongs to (absent in tokens issued before sessions had ids). */
  sessionId?: string;
  /** The raw bearer token, to forward to other services on the caller's behalf. */
  token: string;
}

export interface AccessTokenClaims {
  sub: string;
  role: Role;
  typ: 'access';
  /** The session id, so that a password change can keep the caller's own session. */
  sid?: string;
}

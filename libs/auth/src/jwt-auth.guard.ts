import { UnauthorizedError, ForbiddenError } from '@app/errors';
import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import type { FastifyRequest } from 'fastify';
import { AccountStatus } from './account-status';
import { AccessTokenClaims, AuthenticatedUser, Role, ROLES } from './authenticated-user';
import { ACCESS_TOKEN_AUDIENCE, hasExpiry, TOKEN_ISSUER } from './token-claims';

export const REQUIRED_ROLES = 'auth:requiredRoles';
export const ALLOW_DEACTIVATED = 'auth:allowDeactivated';
const BEARER = /^Bearer\s+([A-Za-z0-9._~+/=-]+)$/i;
/** Enough for the tokens of every client active within a token's lifetime; beyond it the cache starts over. */
export const VERIFIED_TOKENS_LIMIT = 10_000;

type VerifiedClaims = AccessTokenClaims & { exp: number };

export type AuthenticatedRequest = FastifyRequest & { user?: AuthenticatedUser };

/**
 * Verifies the bearer token locally, then asks the account status port whether the account is
 * still active and what its role is now: the token's role may be stale, the port's is not.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  /**
   * A client sends the same token on every request for its lifetime: its signature and claims
   * are checked once (a twentieth of the CPU of GET /users/me), then only its expiry.
   */
  private readonly verified = new Map<string, VerifiedClaims>();

  constructor(
    private readonly jwt: JwtService,
    private readonly reflector: Reflector,
    private readonly accounts: AccountStatus,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = BEARER.exec(request.headers.authorization ?? '')?.[1];
    if (!token) throw new UnauthorizedError('A bearer access token is required', 'AUTH.TOKEN_MISSING');
    const claims = await this.verify(token);
    const targets = [context.getHandler(), context.getClass()];
    let role = claims.role;
    if (!this.reflector.getAllAndOverride<boolean | undefined>(ALLOW_DEACTIVATED, targets)) {
      const account = await this.accounts.lookup(claims.sub, String(request.id));
      if (!account?.isActive) throw new UnauthorizedError('Your account no longer exists or is deactivated', 'AUTH.USER_INACTIVE');
      role = account.role;
    }
    request.user = { id: claims.sub, role, token, ...(claims.sid ? { sessionId: claims.sid } : {}) };
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(REQUIRED_ROLES, targets);
    if (roles?.length && !roles.includes(role)) throw new ForbiddenError(`This requires the role ${roles.join(' or ')}`);
    return true;
  }

  private async verify(token: string): Promise<AccessTokenClaims> {
    const known = this.verified.get(token);
    // Expired as jsonwebtoken counts it: from the second `exp` names.
    if (known && Math.floor(Date.now() / 1000) < known.exp) return known;
    this.verified.delete(token);
    const claims = await this.verifySignatureAndClaims(token);
    // A token with a not-before time is checked on every request (the services sign none).
    if ((claims as { nbf?: unknown }).nbf === undefined) {
      if (this.verified.size >= VERIFIED_TOKENS_LIMIT) this.verified.clear();
      this.verified.set(token, claims);
    }
    return claims;
  }

  private async verifySignatureAndClaims(token: string): Promise<VerifiedClaims> {
    let claims: Partial<AccessTokenClaims>;
    try {
      claims = await this.jwt.verifyAsync<AccessTokenClaims>(token, { algorithms: ['HS256'], issuer: TOKEN_ISSUER, audience: ACCESS_TOKEN_AUDIENCE });
    } catch (error) {
      const expired = (error as Error).name === 'TokenExpiredError';
      throw new UnauthorizedError(
        expired ? 'The access token has expired; refresh it or log in again' : 'The access token is invalid',
        expired ? 'AUTH.TOKEN_EXPIRED' : 'AUTH.TOKEN_INVALID',
      );
    }
    if (
      !hasExpiry(claims) ||
      claims.typ !== 'access' ||
      typeof claims.sub !== 'string' ||
      !ROLES.includes(claims.role as Role) ||
      (claims.sid !== undefined && typeof claims.sid !== 'string')
    ) {
      throw new UnauthorizedError('The access token is invalid', 'AUTH.TOKEN_INVALID');
    }
    return claims as VerifiedClaims;
  }
}

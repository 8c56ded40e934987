import { UnauthorizedError, ForbiddenError } from '@app/bootstrap';
import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import type { FastifyRequest } from 'fastify';
import { AccessTokenClaims, AuthenticatedUser, Role, ROLES } from './authenticated-user';

export const REQUIRED_ROLES = 'auth:requiredRoles';
const BEARER = /^Bearer\s+([A-Za-z0-9._~+/=-]+)$/i;

export type AuthenticatedRequest = FastifyRequest & { user?: AuthenticatedUser };

/** Verifies the bearer token locally (no call to the user service) and checks the role. */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly jwt: JwtService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = BEARER.exec(request.headers.authorization ?? '')?.[1];
    if (!token) throw new UnauthorizedError('A bearer access token is required', 'AUTH.TOKEN_MISSING');
    const claims = await this.verify(token);
    request.user = { id: claims.sub, role: claims.role, token };
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(REQUIRED_ROLES, [context.getHandler(), context.getClass()]);
    if (roles?.length && !roles.includes(claims.role)) throw new ForbiddenError(`This requires the role ${roles.join(' or ')}`);
    return true;
  }

  private async verify(token: string): Promise<AccessTokenClaims> {
    let claims: Partial<AccessTokenClaims>;
    try {
      claims = await this.jwt.verifyAsync<AccessTokenClaims>(token, { algorithms: ['HS256'] });
    } catch (error) {
      const expired = (error as Error).name === 'TokenExpiredError';
      throw new UnauthorizedError(
        expired ? 'The access token has expired; refresh it or log in again' : 'The access token is invalid',
        expired ? 'AUTH.TOKEN_EXPIRED' : 'AUTH.TOKEN_INVALID',
      );
    }
    if (claims.typ !== 'access' || typeof claims.sub !== 'string' || !ROLES.includes(claims.role as Role)) {
      throw new UnauthorizedError('The access token is invalid', 'AUTH.TOKEN_INVALID');
    }
    return claims as AccessTokenClaims;
  }
}

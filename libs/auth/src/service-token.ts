import { DomainError, ForbiddenError, UnauthorizedError } from '@app/errors';
import { ApiErrors, ApiInternal } from '@app/openapi';
import { applyDecorators, CanActivate, ExecutionContext, HttpStatus, Injectable, SetMetadata, UseGuards } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { ApiBearerAuth, ApiHeader } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { hasExpiry, SERVICE_TOKEN_AUDIENCE, ServiceName, TOKEN_ISSUER } from './token-claims';

export interface ServiceTokenClaims {
  sub: ServiceName;
  typ: 'service';
}

const BEARER = /^Bearer\s+([A-Za-z0-9._~+/=-]+)$/i;
const ALLOWED_CALLERS = 'auth:allowedServiceCallers';

/** Short-lived tokens one service presents to another; clients cannot mint them without the secret. */
@Injectable()
export class ServiceTokens {
  private readonly issued = new Map<string, { token: Promise<string>; renewAt: number }>();

  constructor(private readonly jwt: JwtService) {}

  /** Valid five minutes; reused for four, so a busy service signs one token a few times an hour. */
  sign(service: ServiceName): Promise<string> {
    const current = this.issued.get(service);
    if (current && current.renewAt > Date.now()) return current.token;
    const token = this.jwt.signAsync({ sub: service, typ: 'service' } satisfies ServiceTokenClaims, { expiresIn: 300, audience: SERVICE_TOKEN_AUDIENCE });
    this.issued.set(service, { token, renewAt: Date.now() + 240_000 });
    return token;
  }
}

/** The claims of a valid service token (right key, issuer, audience, an expiry), or undefined. */
export async function verifyServiceToken(jwt: JwtService, token: string | undefined): Promise<Partial<ServiceTokenClaims> | undefined> {
  if (!token) return undefined;
  const claims = await jwt
    .verifyAsync<Partial<ServiceTokenClaims>>(token, { algorithms: ['HS256'], issuer: TOKEN_ISSUER, audience: SERVICE_TOKEN_AUDIENCE })
    .catch(() => undefined);
  return claims?.typ === 'service' && typeof claims.sub === 'string' && hasExpiry(claims) ? claims : undefined;
}

/** A valid service token of a service that may not call this route. */
export class ServiceNotAllowedError extends DomainError {
  constructor(caller: string, allowed: readonly ServiceName[]) {
    super('AUTH.SERVICE_NOT_ALLOWED', `The ${caller} service may not call this route (only ${allowed.join(', ')})`, HttpStatus.FORBIDDEN);
  }
}

@Injectable()
export class ServiceTokenGuard implements CanActivate {
  constructor(
    private readonly jwt: JwtService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const claims = await verifyServiceToken(this.jwt, BEARER.exec(request.headers.authorization ?? '')?.[1]);
    if (!claims) throw new UnauthorizedError('A service token is required', 'AUTH.SERVICE_TOKEN_REQUIRED');
    const allowed = this.reflector.getAllAndOverride<ServiceName[] | undefined>(ALLOWED_CALLERS, [context.getHandler(), context.getClass()]);
    if (!allowed?.length) throw new Error('ServiceTokenGuard used without @ServiceOnly(...callers)');
    if (!allowed.includes(claims.sub!)) throw new ServiceNotAllowedError(claims.sub!, allowed);
    return true;
  }
}

/** For service-to-service endpoints: a service token of one of `callers`; documented in the internal contract, not in the served docs. */
export function ServiceOnly(...callers: [ServiceName, ...ServiceName[]]): MethodDecorator {
  return applyDecorators(SetMetadata(ALLOWED_CALLERS, callers), UseGuards(ServiceTokenGuard), ApiInternal(callers), ApiBearerAuth(), ApiErrors(401, 403));
}

export const ON_BEHALF_HEADER = 'x-service-token';

/**
 * For endpoints a user may only reach through another service (payments are made by the order
 * service for the user's own order): the user's bearer token plus that service's token in
 * `X-Service-Token`.
 */
@Injectable()
export class OnBehalfGuard implements CanActivate {
  constructor(private readonly jwt: JwtService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const expected = Reflect.getMetadata(ON_BEHALF_HEADER, context.getHandler()) as { service: ServiceName; message: string };
    const token = context.switchToHttp().getRequest<FastifyRequest>().headers[ON_BEHALF_HEADER];
    const claims = await verifyServiceToken(this.jwt, typeof token === 'string' ? token : undefined);
    if (claims?.sub !== expected.service) throw new ForbiddenError(expected.message);
    return true;
  }
}

export function OnBehalfOf(service: ServiceName, message: string): MethodDecorator {
  return applyDecorators(
    SetMetadata(ON_BEHALF_HEADER, { service, message }),
    UseGuards(OnBehalfGuard),
    ApiHeader({ name: 'X-Service-Token', required: true, description: `A token of the ${service} service: ${message}` }),
    ApiErrors(403),
  );
}

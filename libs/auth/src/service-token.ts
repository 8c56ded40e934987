import { ApiErrors, ForbiddenError, UnauthorizedError } from '@app/bootstrap';
import { applyDecorators, CanActivate, ExecutionContext, Injectable, SetMetadata, UseGuards } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { ApiExcludeEndpoint, ApiHeader } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';

export interface ServiceTokenClaims {
  sub: string;
  typ: 'service';
}

const BEARER = /^Bearer\s+([A-Za-z0-9._~+/=-]+)$/i;

/** Short-lived tokens one service presents to another; clients cannot mint them without the secret. */
@Injectable()
export class ServiceTokens {
  private readonly issued = new Map<string, { token: Promise<string>; renewAt: number }>();

  constructor(private readonly jwt: JwtService) {}

  /** Valid five minutes; reused for four, so a busy service signs one token a few times an hour. */
  sign(service: string): Promise<string> {
    const current = this.issued.get(service);
    if (current && current.renewAt > Date.now()) return current.token;
    const token = this.jwt.signAsync({ sub: service, typ: 'service' } satisfies ServiceTokenClaims, { expiresIn: 300 });
    this.issued.set(service, { token, renewAt: Date.now() + 240_000 });
    return token;
  }
}

@Injectable()
export class ServiceTokenGuard implements CanActivate {
  constructor(private readonly jwt: JwtService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const token = BEARER.exec(request.headers.authorization ?? '')?.[1];
    const claims = token ? await this.jwt.verifyAsync<Partial<ServiceTokenClaims>>(token, { algorithms: ['HS256'] }).catch(() => undefined) : undefined;
    if (claims?.typ !== 'service') throw new UnauthorizedError('A service token is required', 'AUTH.SERVICE_TOKEN_REQUIRED');
    return true;
  }
}

/** For service-to-service endpoints: a service token, and kept out of the public docs. */
export function ServiceOnly(): MethodDecorator {
  return applyDecorators(UseGuards(ServiceTokenGuard), ApiExcludeEndpoint());
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
    const expected = Reflect.getMetadata(ON_BEHALF_HEADER, context.getHandler()) as { service: string; message: string };
    const token = context.switchToHttp().getRequest<FastifyRequest>().headers[ON_BEHALF_HEADER];
    const claims = typeof token === 'string' ? await this.jwt.verifyAsync<Partial<ServiceTokenClaims>>(token, { algorithms: ['HS256'] }).catch(() => undefined) : undefined;
    if (claims?.typ !== 'service' || claims.sub !== expected.service) throw new ForbiddenError(expected.message);
    return true;
  }
}

export function OnBehalfOf(service: string, message: string): MethodDecorator {
  return applyDecorators(
    SetMetadata(ON_BEHALF_HEADER, { service, message }),
    UseGuards(OnBehalfGuard),
    ApiHeader({ name: 'X-Service-Token', required: true, description: `A token of the ${service} service: ${message}` }),
    ApiErrors(403),
  );
}

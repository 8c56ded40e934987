import { UnauthorizedError } from '@app/bootstrap';
import { applyDecorators, CanActivate, ExecutionContext, Injectable, UseGuards } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { ApiExcludeEndpoint } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';

export interface ServiceTokenClaims {
  sub: string;
  typ: 'service';
}

const BEARER = /^Bearer\s+([A-Za-z0-9._~+/=-]+)$/i;

/** Short-lived tokens one service presents to another; clients cannot mint them without the secret. */
@Injectable()
export class ServiceTokens {
  constructor(private readonly jwt: JwtService) {}

  sign(service: string): Promise<string> {
    return this.jwt.signAsync({ sub: service, typ: 'service' } satisfies ServiceTokenClaims, { expiresIn: 300 });
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

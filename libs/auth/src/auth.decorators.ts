import { ApiErrors } from '@app/openapi';
import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata, UseGuards } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import { AuthenticatedUser, Role } from './authenticated-user';
import { ALLOW_DEACTIVATED, AuthenticatedRequest, JwtAuthGuard, REQUIRED_ROLES } from './jwt-auth.guard';

/** Requires a valid access token of an active account, and one of `roles` (its current role) when given. */
export function Authenticated(...roles: Role[]): MethodDecorator & ClassDecorator {
  const decorators = [UseGuards(JwtAuthGuard), ApiBearerAuth(), ApiErrors(401)];
  if (roles.length) decorators.push(SetMetadata(REQUIRED_ROLES, roles), ApiErrors(403));
  return applyDecorators(...decorators);
}

/**
 * With `@Authenticated()`: a deactivated account's unexpired token is accepted here too, so a client
 * can read its own profile and tell the user why everything else is refused. Skips the account check.
 */
export function AllowDeactivated(): MethodDecorator {
  return SetMetadata(ALLOW_DEACTIVATED, true);
}

export const CurrentUser = createParamDecorator((_data: unknown, context: ExecutionContext): AuthenticatedUser => {
  const user = context.switchToHttp().getRequest<AuthenticatedRequest>().user;
  if (!user) throw new Error('CurrentUser used on a route without @Authenticated()');
  return user;
});

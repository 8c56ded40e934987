import { ApiErrors } from '@app/bootstrap';
import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata, UseGuards } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import { AuthenticatedUser, Role } from './authenticated-user';
import { AuthenticatedRequest, JwtAuthGuard, REQUIRED_ROLES } from './jwt-auth.guard';

/** Requires a valid access token, and one of `roles` when given. */
export function Authenticated(...roles: Role[]): MethodDecorator & ClassDecorator {
  const decorators = [UseGuards(JwtAuthGuard), ApiBearerAuth(), ApiErrors(401)];
  if (roles.length) decorators.push(SetMetadata(REQUIRED_ROLES, roles), ApiErrors(403));
  return applyDecorators(...decorators);
}

export const CurrentUser = createParamDecorator((_data: unknown, context: ExecutionContext): AuthenticatedUser => {
  const user = context.switchToHttp().getRequest<AuthenticatedRequest>().user;
  if (!user) throw new Error('CurrentUser used on a route without @Authenticated()');
  return user;
});

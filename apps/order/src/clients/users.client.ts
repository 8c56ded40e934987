import type { AuthenticatedUser } from '@app/auth';
import { ServiceClient, ServiceUnreachableError, UnauthorizedError, UnavailableError } from '@app/bootstrap';

/** Asks the user service whether the caller still exists and is active, with the caller's own token. */
export class UsersClient {
  constructor(private readonly client: ServiceClient) {}

  async assertActive(caller: AuthenticatedUser, requestId: string): Promise<void> {
    let response;
    try {
      response = await this.client.request<{ is_active?: boolean }>({
        method: 'GET',
        url: `/users/${caller.id}`,
        headers: { authorization: `Bearer ${caller.token}` },
        idempotent: true,
        requestId,
      });
    } catch (error) {
      if (error instanceof ServiceUnreachableError) {
        throw new UnavailableError('USER_SERVICE.UNAVAILABLE', 'The user service is unavailable, so the order was not placed; try again shortly', { reason: error.reason });
      }
      throw error;
    }
    if (response.status === 200 && response.data.is_active === true) return;
    if ([401, 403, 404].includes(response.status) || response.status === 200) {
      throw new UnauthorizedError('Your account no longer exists or is deactivated', 'AUTH.USER_INACTIVE');
    }
    throw new UnavailableError('USER_SERVICE.UNAVAILABLE', `The user service answered ${response.status}; try again shortly`);
  }
}

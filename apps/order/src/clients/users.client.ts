import { AccountStatus, type AuthenticatedUser } from '@app/auth';
import { UnauthorizedError } from '@app/errors';

/** Whether the caller still exists and is active: the same single-flight check as the JwtAuthGuard's. */
export class UsersClient {
  constructor(private readonly accounts: AccountStatus) {}

  async assertActive(caller: AuthenticatedUser, requestId: string): Promise<void> {
    const account = await this.accounts.lookup(caller.id, requestId);
    if (!account?.isActive) throw new UnauthorizedError('Your account no longer exists or is deactivated', 'AUTH.USER_INACTIVE');
  }
}

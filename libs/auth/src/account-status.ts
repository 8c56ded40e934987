import type { Role } from './authenticated-user';

/** What the user service knows of an account right now, as opposed to what its token says. */
export interface AccountState {
  isActive: boolean;
  role: Role;
}

/**
 * The port the JwtAuthGuard asks on every authenticated request, so that a deactivation or a
 * demotion takes effect at once: the user service reads its own database, the others ask it.
 */
export abstract class AccountStatus {
  /** Null when the account does not exist. */
  abstract lookup(userId: string, requestId?: string): Promise<AccountState | null>;
}

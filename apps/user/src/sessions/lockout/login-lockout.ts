import { TooManyRequestsError } from '@app/errors';
import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { LoginAttempts } from './login-attempts';

/**
 * Per account, not per address: an account's failures count wherever they come from. An unknown
 * identifier is counted (and locked) by its spelling, so a lock says nothing about who exists.
 */
@Injectable()
export class LoginLockout {
  constructor(private readonly attempts: LoginAttempts) {}

  /** The key of the account a login names: its user id when it exists, else the identifier given. */
  keyFor(identifier: string, userId: string | undefined): string {
    const subject = userId ? `id:${userId}` : `name:${identifier.trim().toLowerCase()}`;
    return createHash('sha256').update(subject).digest('base64url');
  }

  /** Counts the attempt, or refuses it with 429 while the account is locked. */
  async admit(key: string): Promise<void> {
    const lockedForMs = await this.attempts.begin(key);
    if (lockedForMs > 0) {
      const seconds = Math.max(1, Math.ceil(lockedForMs / 1000));
      throw new TooManyRequestsError('AUTH.LOGIN_LOCKED', `Too many failed logins for this account; try again in ${seconds} second(s)`, seconds);
    }
  }

  succeeded(key: string): Promise<void> {
    return this.attempts.succeeded(key);
  }

  /** The attempt was admitted but its password never checked: it does not count as a failure. */
  notChecked(key: string): Promise<void> {
    return this.attempts.notChecked(key);
  }
}

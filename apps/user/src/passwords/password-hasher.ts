import { Inject, Injectable } from '@nestjs/common';
import bcrypt from 'bcryptjs';
import { userConfig, UserConfig } from '../config/user.config';

/** bcrypt hashing at the configured cost; the async API yields to the event loop between rounds. */
@Injectable()
export class PasswordHasher {
  private decoy?: Promise<string>;

  constructor(@Inject(userConfig.KEY) private readonly config: UserConfig) {}

  hash(password: string): Promise<string> {
    return bcrypt.hash(password, this.config.BCRYPT_COST);
  }

  verify(password: string, hash: string): Promise<boolean> {
    return bcrypt.compare(password, hash);
  }

  /** Spends the same time as a real check, so an unknown user cannot be told from a wrong password. */
  async verifyAgainstDecoy(password: string): Promise<false> {
    this.decoy ??= this.hash('decoy-password-for-unknown-users');
    await bcrypt.compare(password, await this.decoy);
    return false;
  }
}

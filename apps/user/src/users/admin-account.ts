import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { userConfig, UserConfig } from '../config/user.config';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

/** Creates the admin account from ADMIN_EMAIL / ADMIN_PASSWORD on start, once. */
@Injectable()
export class AdminAccount implements OnApplicationBootstrap {
  private readonly logger = new Logger(AdminAccount.name);

  constructor(
    @Inject(userConfig.KEY) private readonly config: UserConfig,
    private readonly users: UsersService,
    private readonly repository: UsersRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { ADMIN_EMAIL: email, ADMIN_PASSWORD: password, ADMIN_USERNAME: username } = this.config;
    if (!email || !password) return;
    if (await this.repository.findByEmail(email)) return;
    try {
      await this.users.register({ email: email.toLowerCase(), username, password }, 'admin');
      this.logger.log(`Created the admin account ${email}`);
    } catch (error) {
      this.logger.warn(`Could not create the admin account ${email}: ${(error as Error).message}`);
    }
  }
}

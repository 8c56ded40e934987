import { Module, OnApplicationShutdown } from '@nestjs/common';
import { userConfig, UserConfig } from '../../config/user.config';
import { LockoutPolicy, LoginAttempts } from './login-attempts';
import { LoginLockout } from './login-lockout';
import { MemoryLoginAttempts } from './memory-login-attempts';
import { RedisLoginAttempts } from './redis-login-attempts';

export function lockoutPolicy(config: UserConfig): LockoutPolicy {
  return {
    maxFailures: config.LOGIN_MAX_FAILURES,
    failureWindowMs: config.LOGIN_FAILURE_WINDOW_SECONDS * 1000,
    lockoutMs: config.LOGIN_LOCKOUT_SECONDS * 1000,
    maxLockoutMs: config.LOGIN_LOCKOUT_MAX_SECONDS * 1000,
  };
}

@Module({
  providers: [
    LoginLockout,
    {
      provide: LoginAttempts,
      inject: [userConfig.KEY],
      useFactory: async (config: UserConfig): Promise<LoginAttempts> => {
        if (!config.REDIS_URL) return new MemoryLoginAttempts(lockoutPolicy(config));
        const attempts = new RedisLoginAttempts(config.REDIS_URL, lockoutPolicy(config));
        await attempts.connect();
        return attempts;
      },
    },
  ],
  exports: [LoginLockout],
})
export class LoginLockoutModule implements OnApplicationShutdown {
  constructor(private readonly attempts: LoginAttempts) {}

  async onApplicationShutdown(): Promise<void> {
    await this.attempts.close();
  }
}

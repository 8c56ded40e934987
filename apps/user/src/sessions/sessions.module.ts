import { Module, OnApplicationShutdown } from '@nestjs/common';
import { PasswordsModule } from '../passwords/passwords.module';
import { userConfig, UserConfig } from '../config/user.config';
import { UsersModule } from '../users/users.module';
import { MemorySessionStore } from './memory-session-store';
import { RedisSessionStore } from './redis-session-store';
import { SessionStore } from './session-store';
import { SessionsController } from './sessions.controller';
import { SessionsService } from './sessions.service';

@Module({
  imports: [UsersModule, PasswordsModule],
  controllers: [SessionsController],
  providers: [
    SessionsService,
    {
      provide: SessionStore,
      inject: [userConfig.KEY],
      useFactory: async (config: UserConfig): Promise<SessionStore> => {
        if (!config.REDIS_URL) return new MemorySessionStore();
        const store = new RedisSessionStore(config.REDIS_URL);
        await store.connect();
        return store;
      },
    },
  ],
})
export class SessionsModule implements OnApplicationShutdown {
  constructor(private readonly store: SessionStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}

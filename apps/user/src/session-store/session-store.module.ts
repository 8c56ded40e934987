import { Module, OnApplicationShutdown } from '@nestjs/common';
import { userConfig, UserConfig } from '../config/user.config';
import { MemorySessionStore } from './memory-session-store';
import { RedisSessionStore } from './redis-session-store';
import { SessionStore } from './session-store';
import { UserSessions } from './user-sessions';

/** The session store on its own, for the sessions feature and for the users feature's revocations. */
@Module({
  providers: [
    UserSessions,
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
  exports: [SessionStore, UserSessions],
})
export class SessionStoreModule implements OnApplicationShutdown {
  constructor(private readonly store: SessionStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}

import { Module } from '@nestjs/common';
import { PasswordsModule } from '../passwords/passwords.module';
import { UsersModule } from '../users/users.module';
import { LoginLockoutModule } from './lockout/login-lockout.module';
import { SessionStoreModule } from '../session-store/session-store.module';
import { SessionsController } from './sessions.controller';
import { SessionsService } from './sessions.service';

@Module({
  imports: [UsersModule, PasswordsModule, SessionStoreModule, LoginLockoutModule],
  controllers: [SessionsController],
  providers: [SessionsService],
})
export class SessionsModule {}

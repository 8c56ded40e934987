import { Module } from '@nestjs/common';
import { PasswordsModule } from '../passwords/passwords.module';
import { UsersModule } from '../users/users.module';
import { SessionStoreModule } from './session-store.module';
import { SessionsController } from './sessions.controller';
import { SessionsService } from './sessions.service';

@Module({
  imports: [UsersModule, PasswordsModule, SessionStoreModule],
  controllers: [SessionsController],
  providers: [SessionsService],
})
export class SessionsModule {}

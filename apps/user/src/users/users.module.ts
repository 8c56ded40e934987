import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PasswordsModule } from '../passwords/passwords.module';
import { SessionStoreModule } from '../session-store/session-store.module';
import { AdminAccount } from './admin-account';
import { InternalUsersController } from './internal-users.controller';
import { User } from './user.entity';
import { UsersController } from './users.controller';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

@Module({
  imports: [TypeOrmModule.forFeature([User]), PasswordsModule, SessionStoreModule],
  controllers: [UsersController, InternalUsersController],
  providers: [UsersRepository, UsersService, AdminAccount],
  exports: [UsersRepository],
})
export class UsersModule {}

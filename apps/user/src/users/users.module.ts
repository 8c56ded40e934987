import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PasswordsModule } from '../passwords/passwords.module';
import { AdminAccount } from './admin-account';
import { User } from './user.entity';
import { UsersController } from './users.controller';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

@Module({
  imports: [TypeOrmModule.forFeature([User]), PasswordsModule],
  controllers: [UsersController],
  providers: [UsersRepository, UsersService, AdminAccount],
  exports: [UsersRepository],
})
export class UsersModule {}

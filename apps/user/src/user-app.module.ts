import { AuthModule } from '@app/auth';
import { ServiceCoreModule } from '@app/bootstrap';
import { DatabaseModule, HealthModule } from '@app/db';
import { MetricsModule } from '@app/metrics';
import { Module } from '@nestjs/common';
import { SessionsModule } from './sessions/sessions.module';
import { userDatabase, userService } from './user-service';
import { UsersAccountStatus } from './users/users-account-status';
import { UsersModule } from './users/users.module';
import { UsersRepository } from './users/users.repository';

@Module({
  imports: [
    ServiceCoreModule.forRoot({ service: userService.name, configs: userService.configs }),
    MetricsModule.forService(userService.name),
    DatabaseModule.forService(userDatabase),
    HealthModule,
    AuthModule.forRoot({
      accountStatus: { imports: [UsersModule], inject: [UsersRepository], useFactory: (users: UsersRepository) => new UsersAccountStatus(users) },
    }),
    UsersModule,
    SessionsModule,
  ],
})
export class UserAppModule {}

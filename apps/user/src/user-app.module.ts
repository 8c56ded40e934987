import { AuthModule } from '@app/auth';
import { ServiceCoreModule } from '@app/bootstrap';
import { DatabaseModule, HealthModule } from '@app/db';
import { MetricsModule } from '@app/metrics';
import { Module } from '@nestjs/common';
import { SessionsModule } from './sessions/sessions.module';
import { userDatabase, userService } from './user-service';
import { UsersModule } from './users/users.module';

@Module({
  imports: [
    ServiceCoreModule.forRoot({ service: userService.name, configs: userService.configs }),
    MetricsModule.forService(userService.name),
    DatabaseModule.forService(userDatabase),
    HealthModule,
    AuthModule,
    UsersModule,
    SessionsModule,
  ],
})
export class UserAppModule {}

import { Global, Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { authConfig, AuthConfig } from './auth.config';
import { JwtAuthGuard } from './jwt-auth.guard';
import { ServiceTokenGuard, ServiceTokens } from './service-token';

@Global()
@Module({
  imports: [
    JwtModule.registerAsync({
      inject: [authConfig.KEY],
      useFactory: (config: AuthConfig) => ({
        secret: config.secret,
        signOptions: { algorithm: 'HS256', expiresIn: config.expiresInSeconds },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
  ],
  providers: [JwtAuthGuard, ServiceTokens, ServiceTokenGuard],
  exports: [JwtModule, JwtAuthGuard, ServiceTokens, ServiceTokenGuard],
})
export class AuthModule {}

import { Global, Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { createSecretKey } from 'node:crypto';
import { authConfig, AuthConfig } from './auth.config';
import { JwtAuthGuard } from './jwt-auth.guard';
import { OnBehalfGuard, ServiceTokenGuard, ServiceTokens } from './service-token';

@Global()
@Module({
  imports: [
    JwtModule.registerAsync({
      inject: [authConfig.KEY],
      useFactory: (config: AuthConfig) => {
        // A KeyObject made once: given a string, jsonwebtoken re-parses the key (and throws
        // trying it as a PEM public key) on every verification.
        const key = createSecretKey(Buffer.from(config.secret));
        return {
          privateKey: key,
          publicKey: key,
          signOptions: { algorithm: 'HS256' as const, expiresIn: config.expiresInSeconds },
          verifyOptions: { algorithms: ['HS256' as const] },
        };
      },
    }),
  ],
  providers: [JwtAuthGuard, ServiceTokens, ServiceTokenGuard, OnBehalfGuard],
  exports: [JwtModule, JwtAuthGuard, ServiceTokens, ServiceTokenGuard, OnBehalfGuard],
})
export class AuthModule {}

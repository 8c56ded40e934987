import { DynamicModule, Global, InjectionToken, Module, ModuleMetadata } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { createSecretKey } from 'node:crypto';
import { AccountStatus } from './account-status';
import { authConfig, AuthConfig } from './auth.config';
import { JwtAuthGuard } from './jwt-auth.guard';
import { OnBehalfGuard, ServiceTokenGuard, ServiceTokens } from './service-token';
import { ACCESS_TOKEN_AUDIENCE, TOKEN_ISSUER } from './token-claims';

export interface AuthModuleOptions {
  /** Where the guard learns whether an account is active and its current role. */
  accountStatus: {
    imports?: ModuleMetadata['imports'];
    inject?: InjectionToken[];
    useFactory: (...deps: never[]) => AccountStatus | Promise<AccountStatus>;
  };
}

const jwtModule = JwtModule.registerAsync({
  inject: [authConfig.KEY],
  useFactory: (config: AuthConfig) => {
    // A KeyObject made once: given a string, jsonwebtoken re-parses the key (and throws
    // trying it as a PEM public key) on every verification.
    const key = createSecretKey(Buffer.from(config.secret));
    return {
      privateKey: key,
      publicKey: key,
      // Access tokens by default; service tokens override the audience and lifetime.
      signOptions: { algorithm: 'HS256' as const, expiresIn: config.expiresInSeconds, issuer: TOKEN_ISSUER, audience: ACCESS_TOKEN_AUDIENCE },
      verifyOptions: { algorithms: ['HS256' as const], issuer: TOKEN_ISSUER },
    };
  },
});

@Global()
@Module({})
export class AuthModule {
  static forRoot(options: AuthModuleOptions): DynamicModule {
    const { imports = [], inject = [], useFactory } = options.accountStatus;
    return {
      module: AuthModule,
      imports: [jwtModule, ...imports],
      providers: [
        JwtAuthGuard,
        ServiceTokens,
        ServiceTokenGuard,
        OnBehalfGuard,
        { provide: AccountStatus, inject, useFactory: useFactory as (...deps: unknown[]) => AccountStatus },
      ],
      exports: [JwtModule, JwtAuthGuard, ServiceTokens, ServiceTokenGuard, OnBehalfGuard, AccountStatus],
    };
  }
}

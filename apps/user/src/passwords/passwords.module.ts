import { Module } from '@nestjs/common';
import { PasswordHashMetrics, passwordHashMetricProviders } from './password-hash.metrics';
import { PasswordHasher } from './password-hasher';

@Module({ providers: [...passwordHashMetricProviders, PasswordHashMetrics, PasswordHasher], exports: [PasswordHasher] })
export class PasswordsModule {}

import { authConfig } from '@app/auth';
import { ServiceDefinition } from '@app/bootstrap';
import { databaseConfig, ServiceDatabase } from '@app/db';
import { SERVICES } from '@app/contracts';
import { userConfig } from './config/user.config';
import { CreateUsers1764190000000 } from './migrations/1764190000000-create-users';
import { User } from './users/user.entity';

export const userDatabase: ServiceDatabase = {
  service: 'user',
  entities: [User],
  migrations: [CreateUsers1764190000000],
  migrationsDir: 'apps/user/src/migrations',
};

export const userService: ServiceDefinition = {
  name: 'user',
  defaultPort: SERVICES.user.port,
  configs: [authConfig, databaseConfig, userConfig],
  docs: {
    prefix: SERVICES.user.prefix,
    title: 'User service',
    description: 'Registration, login with JWT access tokens and rotating refresh tokens, and profiles.',
  },
};

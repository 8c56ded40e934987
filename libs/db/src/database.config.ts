import { envConfig, EnvBoolean } from '@app/config';
import { ConfigType } from '@nestjs/config';
import { IsBoolean, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

class DatabaseEnv {
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'DATABASE_URL must be a postgres:// or postgresql:// URL (leave it unset for the embedded database)' })
  DATABASE_URL?: string;

  @IsInt({ message: 'DATABASE_POOL_SIZE must be an integer between 1 and 200' })
  @Min(1, { message: 'DATABASE_POOL_SIZE must be an integer between 1 and 200' })
  @Max(200, { message: 'DATABASE_POOL_SIZE must be an integer between 1 and 200' })
  DATABASE_POOL_SIZE: number = 10;

  @IsInt({ message: 'DATABASE_CONNECT_TIMEOUT_MS must be an integer between 100 and 60000' })
  @Min(100, { message: 'DATABASE_CONNECT_TIMEOUT_MS must be an integer between 100 and 60000' })
  @Max(60000, { message: 'DATABASE_CONNECT_TIMEOUT_MS must be an integer between 100 and 60000' })
  DATABASE_CONNECT_TIMEOUT_MS: number = 3000;

  @IsInt({ message: 'DATABASE_POOL_IDLE_TIMEOUT_MS must be an integer between 10 and 3600000' })
  @Min(10, { message: 'DATABASE_POOL_IDLE_TIMEOUT_MS must be an integer between 10 and 3600000' })
  @Max(3600000, { message: 'DATABASE_POOL_IDLE_TIMEOUT_MS must be an integer between 10 and 3600000' })
  DATABASE_POOL_IDLE_TIMEOUT_MS: number = 10000;

  @IsInt({ message: 'DATABASE_STATEMENT_TIMEOUT_MS must be an integer between 100 and 600000' })
  @Min(100, { message: 'DATABASE_STATEMENT_TIMEOUT_MS must be an integer between 100 and 600000' })
  @Max(600000, { message: 'DATABASE_STATEMENT_TIMEOUT_MS must be an integer between 100 and 600000' })
  DATABASE_STATEMENT_TIMEOUT_MS: number = 10000;

  @EnvBoolean()
  @IsBoolean({ message: 'DATABASE_MIGRATIONS_RUN must be true or false' })
  DATABASE_MIGRATIONS_RUN: boolean = true;

  @IsString()
  DATA_DIR: string = '.data';
}

export const databaseConfig = envConfig('database', DatabaseEnv);
export type DatabaseConfig = ConfigType<typeof databaseConfig>;

import { ConfigError, validateEnv } from '@app/config';
import { ConfigType, registerAs } from '@nestjs/config';
import { availableParallelism } from 'node:os';
import { IsEmail, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength, ValidateBy } from 'class-validator';
import { FitsBcrypt } from '../password-policy/password-length';

/** bcrypt's cost below which production refuses to start (OWASP's minimum). */
export const MIN_PRODUCTION_BCRYPT_COST = 10;

class UserEnv {
  @IsOptional()
  @IsString()
  NODE_ENV?: string;

  @IsInt({ message: 'BCRYPT_COST must be an integer between 4 and 15' })
  @Min(4, { message: 'BCRYPT_COST must be an integer between 4 and 15' })
  @Max(15, { message: 'BCRYPT_COST must be an integer between 4 and 15' })
  BCRYPT_COST: number = 10;

  @IsInt({ message: 'PASSWORD_HASH_THREADS must be an integer between 0 and 64' })
  @Min(0, { message: 'PASSWORD_HASH_THREADS must be an integer between 0 and 64' })
  @Max(64, { message: 'PASSWORD_HASH_THREADS must be an integer between 0 and 64' })
  PASSWORD_HASH_THREADS: number = availableParallelism();

  @IsInt({ message: 'PASSWORD_HASH_QUEUE_LIMIT must be an integer between 0 and 100000' })
  @Min(0, { message: 'PASSWORD_HASH_QUEUE_LIMIT must be an integer between 0 and 100000' })
  @Max(100_000, { message: 'PASSWORD_HASH_QUEUE_LIMIT must be an integer between 0 and 100000' })
  PASSWORD_HASH_QUEUE_LIMIT: number = 64;

  @IsInt({ message: 'PASSWORD_HASH_MAX_WAIT_MS must be an integer between 1 and 60000' })
  @Min(1, { message: 'PASSWORD_HASH_MAX_WAIT_MS must be an integer between 1 and 60000' })
  @Max(60_000, { message: 'PASSWORD_HASH_MAX_WAIT_MS must be an integer between 1 and 60000' })
  PASSWORD_HASH_MAX_WAIT_MS: number = 5000;

  @IsInt({ message: 'LOGIN_MAX_FAILURES must be an integer between 1 and 1000' })
  @Min(1, { message: 'LOGIN_MAX_FAILURES must be an integer between 1 and 1000' })
  @Max(1000, { message: 'LOGIN_MAX_FAILURES must be an integer between 1 and 1000' })
  LOGIN_MAX_FAILURES: number = 5;

  @IsInt({ message: 'LOGIN_LOCKOUT_SECONDS must be an integer between 1 and 86400' })
  @Min(1, { message: 'LOGIN_LOCKOUT_SECONDS must be an integer between 1 and 86400' })
  @Max(86_400, { message: 'LOGIN_LOCKOUT_SECONDS must be an integer between 1 and 86400' })
  LOGIN_LOCKOUT_SECONDS: number = 30;

  @IsInt({ message: 'LOGIN_LOCKOUT_MAX_SECONDS must be an integer between 1 and 86400' })
  @Min(1, { message: 'LOGIN_LOCKOUT_MAX_SECONDS must be an integer between 1 and 86400' })
  @Max(86_400, { message: 'LOGIN_LOCKOUT_MAX_SECONDS must be an integer between 1 and 86400' })
  @ValidateBy(
    {
      name: 'atLeastLockoutSeconds',
      validator: { validate: (value: unknown, args) => (value as number) >= (args?.object as UserEnv).LOGIN_LOCKOUT_SECONDS },
    },
    { message: 'LOGIN_LOCKOUT_MAX_SECONDS must be at least LOGIN_LOCKOUT_SECONDS' },
  )
  LOGIN_LOCKOUT_MAX_SECONDS: number = 900;

  @IsInt({ message: 'LOGIN_FAILURE_WINDOW_SECONDS must be an integer between 1 and 86400' })
  @Min(1, { message: 'LOGIN_FAILURE_WINDOW_SECONDS must be an integer between 1 and 86400' })
  @Max(86_400, { message: 'LOGIN_FAILURE_WINDOW_SECONDS must be an integer between 1 and 86400' })
  LOGIN_FAILURE_WINDOW_SECONDS: number = 900;

  @IsOptional()
  @Matches(/^rediss?:\/\/\S+$/, { message: 'REDIS_URL must be a redis:// or rediss:// URL (leave it unset for the in-process session store)' })
  REDIS_URL?: string;

  @IsInt({ message: 'REFRESH_TOKEN_TTL_SECONDS must be an integer between 60 and 31536000' })
  @Min(60, { message: 'REFRESH_TOKEN_TTL_SECONDS must be an integer between 60 and 31536000' })
  @Max(31536000, { message: 'REFRESH_TOKEN_TTL_SECONDS must be an integer between 60 and 31536000' })
  REFRESH_TOKEN_TTL_SECONDS: number = 7 * 24 * 3600;

  @IsOptional()
  @IsEmail({}, { message: 'ADMIN_EMAIL must be an email address' })
  ADMIN_EMAIL?: string;

  @IsOptional()
  @IsString()
  @MinLength(8, { message: 'ADMIN_PASSWORD must be at least 8 characters' })
  @FitsBcrypt('ADMIN_PASSWORD')
  ADMIN_PASSWORD?: string;

  @Matches(/^[A-Za-z0-9_.-]{3,32}$/, { message: 'ADMIN_USERNAME must be 3-32 letters, digits, _ . or -' })
  ADMIN_USERNAME: string = 'admin';
}

export const userConfig = registerAs('user', () => {
  const env = validateEnv(UserEnv);
  if (env.NODE_ENV === 'production' && env.BCRYPT_COST < MIN_PRODUCTION_BCRYPT_COST) {
    throw new ConfigError(
      `Invalid configuration: BCRYPT_COST must be at least ${MIN_PRODUCTION_BCRYPT_COST} in production (got ${env.BCRYPT_COST}); lower costs are for tests only`,
    );
  }
  return env;
});
export type UserConfig = ConfigType<typeof userConfig>;

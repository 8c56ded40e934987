import { ConfigError, validateEnv } from '@app/bootstrap';
import { ConfigType, registerAs } from '@nestjs/config';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';

/** The value `.env.example` ships with: refused in production like a missing secret. */
export const EXAMPLE_JWT_SECRET = 'change-me-to-a-random-string-of-at-least-32-characters';
/** Lets `npm start` work with no configuration at all; never accepted in production. */
export const DEVELOPMENT_JWT_SECRET = 'development-only-secret-do-not-use-in-production!';

class AuthEnv {
  @IsIn(['development', 'test', 'production'])
  NODE_ENV: string = 'development';

  @IsOptional()
  @IsString()
  JWT_SECRET?: string;

  @Matches(/^\d+[smhd]?$/, { message: 'JWT_EXPIRES_IN must be a number of seconds or a duration like 30m, 12h, 7d' })
  JWT_EXPIRES_IN: string = '30m';
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

export function durationToSeconds(value: string): number {
  const match = /^(\d+)([smhd]?)$/.exec(value);
  if (!match) throw new ConfigError(`Invalid duration "${value}"`);
  return Number(match[1]) * UNIT_SECONDS[match[2] || 's'];
}

export const authConfig = registerAs('auth', () => {
  const env = validateEnv(AuthEnv);
  const production = env.NODE_ENV === 'production';
  const secret = env.JWT_SECRET ?? (production ? undefined : DEVELOPMENT_JWT_SECRET);
  if (!secret) throw new ConfigError('Invalid configuration: JWT_SECRET must be set in production (a random string of at least 32 characters)');
  if (production && (secret.length < 32 || secret === EXAMPLE_JWT_SECRET || secret === DEVELOPMENT_JWT_SECRET)) {
    throw new ConfigError('Invalid configuration: JWT_SECRET must be a random string of at least 32 characters, not the example value, in production');
  }
  const expiresInSeconds = durationToSeconds(env.JWT_EXPIRES_IN);
  if (expiresInSeconds < 1) throw new ConfigError('Invalid configuration: JWT_EXPIRES_IN must be at least 1 second');
  return { secret, expiresInSeconds, usesDevelopmentSecret: secret === DEVELOPMENT_JWT_SECRET };
});
export type AuthConfig = ConfigType<typeof authConfig>;

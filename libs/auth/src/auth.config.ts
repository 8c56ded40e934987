import { ConfigError, validateEnv } from '@app/config';
import { ConfigType, registerAs } from '@nestjs/config';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { PUBLISHED_JWT_SECRETS } from './published-secrets';

/** HS256 keys shorter than the hash give less than its strength; production insists. */
export const MIN_PRODUCTION_SECRET_BYTES = 32;

const HOW_TO_SET = 'set JWT_SECRET (or JWT_SECRET_FILE, a file holding it) to a random value, e.g. `openssl rand -base64 48`';

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

/** Why a secret may not sign tokens, or undefined when it may. Never repeats the secret. */
export function jwtSecretProblem(secret: string | undefined, production: boolean): string | undefined {
  if (!secret) return `JWT_SECRET must be set in every mode (npm start generates one per installation): ${HOW_TO_SET}`;
  if (PUBLISHED_JWT_SECRETS.includes(secret)) {
    return `JWT_SECRET is a value published in this repository (.env.example, docs or tests), which anyone can sign tokens with: ${HOW_TO_SET}`;
  }
  const bytes = Buffer.byteLength(secret, 'utf8');
  if (production && bytes < MIN_PRODUCTION_SECRET_BYTES) {
    return `JWT_SECRET must be at least ${MIN_PRODUCTION_SECRET_BYTES} bytes in production (it has ${bytes}): ${HOW_TO_SET}`;
  }
  return undefined;
}

export const authConfig = registerAs('auth', () => {
  const env = validateEnv(AuthEnv);
  const problem = jwtSecretProblem(env.JWT_SECRET, env.NODE_ENV === 'production');
  if (problem) throw new ConfigError(`Invalid configuration: ${problem}`);
  const expiresInSeconds = durationToSeconds(env.JWT_EXPIRES_IN);
  if (expiresInSeconds < 1) throw new ConfigError('Invalid configuration: JWT_EXPIRES_IN must be at least 1 second');
  return { secret: env.JWT_SECRET!, expiresInSeconds };
});
export type AuthConfig = ConfigType<typeof authConfig>;

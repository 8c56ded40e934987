import { registerAs } from '@nestjs/config';
import { plainToInstance, Transform } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { readFileSync } from 'node:fs';

type Constructor<T> = new () => T;

/** A configuration problem a person can fix: the message names the variable and what it expects. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Validates the environment against a class whose properties are named after the variables,
 * so that every message already names the variable at fault.
 */
export function validateEnv<T extends object>(schema: Constructor<T>, env: NodeJS.ProcessEnv = process.env): T {
  const present = withSecretFiles(Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== '')));
  const config = plainToInstance(schema, present, { enableImplicitConversion: true, exposeDefaultValues: true });
  const errors = validateSync(config, { skipMissingProperties: false });
  if (errors.length > 0) {
    throw new ConfigError(`Invalid configuration: ${describe(errors, present)}`);
  }
  return config;
}

/** The variables that may hold a secret, and so may also be given as a file named by `<NAME>_FILE`. */
export const SECRET_VARIABLES = ['JWT_SECRET', 'DATABASE_URL', 'REDIS_URL', 'ADMIN_PASSWORD'] as const;

/**
 * Reads `<NAME>_FILE` (Docker and Kubernetes secrets mounted as files) into `<NAME>`; one trailing
 * newline is dropped. Setting both, or naming an unreadable file, is a configuration error.
 */
function withSecretFiles(env: Record<string, string | undefined>): Record<string, string | undefined> {
  const resolved = { ...env };
  for (const name of SECRET_VARIABLES) {
    const file = env[`${name}_FILE`];
    if (file === undefined) continue;
    if (env[name] !== undefined) throw new ConfigError(`Invalid configuration: set ${name} or ${name}_FILE, not both`);
    let value: string;
    try {
      value = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
    } catch (error) {
      throw new ConfigError(
        `Invalid configuration: ${name}_FILE names a file that cannot be read (${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
    if (value === '') throw new ConfigError(`Invalid configuration: ${name}_FILE names an empty file (${file})`);
    resolved[name] = value;
  }
  return resolved;
}

function describe(errors: ValidationError[], env: Record<string, string | undefined>): string {
  return errors
    .map((error) => {
      const received = env[error.property];
      const got = received === undefined ? 'it is not set' : `got "${mask(error.property, received)}"`;
      return `${[...new Set(Object.values(error.constraints ?? {}))].join(', ')} (${got})`;
    })
    .join('; ');
}

function mask(variable: string, value: string): string {
  return /SECRET|PASSWORD|TOKEN|KEY/.test(variable) ? '***' : maskUrlPassword(value).slice(0, 80);
}

/**
 * Hides the password of a URL (`postgres://app:***@db/app`), and everything before the `@` when
 * the value is too malformed to tell the user from the password.
 */
export function maskUrlPassword(value: string): string {
  const at = value.lastIndexOf('@');
  if (at < 0) return value;
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(value)?.[0];
  if (!scheme) return `***${value.slice(at)}`;
  const userinfo = value.slice(scheme.length, at);
  const colon = userinfo.indexOf(':');
  if (colon < 0 && !/[/\s]/.test(userinfo)) return value;
  return `${scheme}${colon < 0 ? '***' : `${userinfo.slice(0, colon)}:***`}${value.slice(at)}`;
}

/** A `registerAs` namespace whose factory validates its own variables. */
export function envConfig<T extends object>(namespace: string, schema: Constructor<T>) {
  return registerAs(namespace, () => validateEnv(schema));
}

/** `"false"`, `"0"` and `"no"` are false: implicit conversion would read any non-empty string as true. */
export function EnvBoolean(): PropertyDecorator {
  return Transform(({ obj, key, value }: { obj: Record<string, unknown>; key: string; value: unknown }) => {
    const raw = obj[key];
    if (typeof raw !== 'string') return value;
    const normalised = raw.trim().toLowerCase();
    if (['true', '1', 'yes', 'on'].includes(normalised)) return true;
    if (['false', '0', 'no', 'off'].includes(normalised)) return false;
    return raw;
  });
}

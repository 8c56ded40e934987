import { registerAs } from '@nestjs/config';
import { plainToInstance, Transform } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';

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
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const config = plainToInstance(schema, present, { enableImplicitConversion: true, exposeDefaultValues: true });
  const errors = validateSync(config, { skipMissingProperties: false });
  if (errors.length > 0) {
    throw new ConfigError(`Invalid configuration: ${describe(errors, present)}`);
  }
  return config;
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
  return /SECRET|PASSWORD|TOKEN|KEY/.test(variable) ? '***' : value.slice(0, 80);
}

/** A `registerAs` namespace whose factory validates its own variables. */
export function envConfig<T extends object>(namespace: string, schema: Constructor<T>) {
  return registerAs(namespace, () => validateEnv(schema));
}

/** `"false"`, `"0"` and `"no"` are false: implicit conversion would read any non-empty string as true. */
export function EnvBoolean(): PropertyDecorator {
  return Transform(({ obj, key, value }) => {
    const raw = obj[key];
    if (typeof raw !== 'string') return value;
    const normalised = raw.trim().toLowerCase();
    if (['true', '1', 'yes', 'on'].includes(normalised)) return true;
    if (['false', '0', 'no', 'off'].includes(normalised)) return false;
    return raw;
  });
}

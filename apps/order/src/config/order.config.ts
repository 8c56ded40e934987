import { ConfigError, validateEnv } from '@app/config';
import { localServiceUrl } from '@app/contracts';
import { ConfigType, registerAs } from '@nestjs/config';
import { join } from 'node:path';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

const URL = /^https?:\/\/\S+$/;

export const CATALOG_SEEDS = ['demo', 'none'] as const;

class OrderEnv {
  @IsOptional()
  @IsString()
  NODE_ENV?: string;

  /** `demo` fills an empty catalog with the demo products on start; the default outside production. */
  @IsOptional()
  @IsIn(CATALOG_SEEDS, { message: `CATALOG_SEED must be one of ${CATALOG_SEEDS.join(', ')}` })
  CATALOG_SEED?: (typeof CATALOG_SEEDS)[number];

  /** The products CATALOG_SEED=demo adds (a JSON array of products as `POST /orders/products` takes them); the bundled demo catalog by default. */
  @IsString({ message: 'CATALOG_SEED_FILE must be a path' })
  CATALOG_SEED_FILE: string = join(__dirname, '..', 'catalog', 'demo-catalog.json');

  @Matches(URL, { message: 'USER_SERVICE_URL must be an http(s) URL' })
  USER_SERVICE_URL: string = localServiceUrl('user');

  @Matches(URL, { message: 'PAYMENT_SERVICE_URL must be an http(s) URL' })
  PAYMENT_SERVICE_URL: string = localServiceUrl('payment');

  @IsInt({ message: 'USER_SERVICE_TIMEOUT_MS must be an integer between 50 and 60000' })
  @Min(50, { message: 'USER_SERVICE_TIMEOUT_MS must be an integer between 50 and 60000' })
  @Max(60000, { message: 'USER_SERVICE_TIMEOUT_MS must be an integer between 50 and 60000' })
  USER_SERVICE_TIMEOUT_MS: number = 2000;

  @IsInt({ message: 'PAYMENT_SERVICE_TIMEOUT_MS must be an integer between 50 and 60000' })
  @Min(50, { message: 'PAYMENT_SERVICE_TIMEOUT_MS must be an integer between 50 and 60000' })
  @Max(60000, { message: 'PAYMENT_SERVICE_TIMEOUT_MS must be an integer between 50 and 60000' })
  PAYMENT_SERVICE_TIMEOUT_MS: number = 3000;

  @IsInt({ message: 'RECONCILE_INTERVAL_MS must be an integer between 100 and 3600000' })
  @Min(100, { message: 'RECONCILE_INTERVAL_MS must be an integer between 100 and 3600000' })
  @Max(3_600_000, { message: 'RECONCILE_INTERVAL_MS must be an integer between 100 and 3600000' })
  RECONCILE_INTERVAL_MS: number = 30_000;

  /** How old an order's last change must be before the reconciler looks at it (at least the charge window). */
  @IsInt({ message: 'RECONCILE_SETTLE_AFTER_MS must be an integer between 100 and 86400000' })
  @Min(100, { message: 'RECONCILE_SETTLE_AFTER_MS must be an integer between 100 and 86400000' })
  @Max(86_400_000, { message: 'RECONCILE_SETTLE_AFTER_MS must be an integer between 100 and 86400000' })
  RECONCILE_SETTLE_AFTER_MS: number = 60_000;

  /** A verified order that can still change (not cancelled or refunded) is verified again after this long. */
  @IsInt({ message: 'RECONCILE_REVERIFY_AFTER_MS must be an integer between 1000 and 2592000000' })
  @Min(1000, { message: 'RECONCILE_REVERIFY_AFTER_MS must be an integer between 1000 and 2592000000' })
  @Max(2_592_000_000, { message: 'RECONCILE_REVERIFY_AFTER_MS must be an integer between 1000 and 2592000000' })
  RECONCILE_REVERIFY_AFTER_MS: number = 86_400_000;
}

export const orderConfig = registerAs('order', () => {
  const env = validateEnv(OrderEnv);
  const production = env.NODE_ENV === 'production';
  if (production && env.CATALOG_SEED === 'demo') {
    throw new ConfigError('Invalid configuration: CATALOG_SEED=demo is refused in production: a shop sells only the products its admins add');
  }
  return { ...env, CATALOG_SEED: env.CATALOG_SEED ?? (production ? 'none' : 'demo') };
});
export type OrderConfig = ConfigType<typeof orderConfig>;

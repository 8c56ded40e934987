import { envConfig } from '@app/bootstrap';
import { ConfigType } from '@nestjs/config';
import { IsInt, Matches, Max, Min } from 'class-validator';

const URL = /^https?:\/\/\S+$/;

class OrderEnv {
  @Matches(URL, { message: 'USER_SERVICE_URL must be an http(s) URL' })
  USER_SERVICE_URL: string = 'http://127.0.0.1:3001';

  @Matches(URL, { message: 'PAYMENT_SERVICE_URL must be an http(s) URL' })
  PAYMENT_SERVICE_URL: string = 'http://127.0.0.1:3003';

  @IsInt({ message: 'USER_SERVICE_TIMEOUT_MS must be an integer between 50 and 60000' })
  @Min(50, { message: 'USER_SERVICE_TIMEOUT_MS must be an integer between 50 and 60000' })
  @Max(60000, { message: 'USER_SERVICE_TIMEOUT_MS must be an integer between 50 and 60000' })
  USER_SERVICE_TIMEOUT_MS: number = 2000;

  @IsInt({ message: 'PAYMENT_SERVICE_TIMEOUT_MS must be an integer between 50 and 60000' })
  @Min(50, { message: 'PAYMENT_SERVICE_TIMEOUT_MS must be an integer between 50 and 60000' })
  @Max(60000, { message: 'PAYMENT_SERVICE_TIMEOUT_MS must be an integer between 50 and 60000' })
  PAYMENT_SERVICE_TIMEOUT_MS: number = 3000;

  @IsInt({ message: 'SERVICE_CALL_RETRIES must be an integer between 0 and 5' })
  @Min(0, { message: 'SERVICE_CALL_RETRIES must be an integer between 0 and 5' })
  @Max(5, { message: 'SERVICE_CALL_RETRIES must be an integer between 0 and 5' })
  SERVICE_CALL_RETRIES: number = 2;

  @IsInt({ message: 'BREAKER_THRESHOLD must be an integer between 1 and 100' })
  @Min(1, { message: 'BREAKER_THRESHOLD must be an integer between 1 and 100' })
  @Max(100, { message: 'BREAKER_THRESHOLD must be an integer between 1 and 100' })
  BREAKER_THRESHOLD: number = 5;

  @IsInt({ message: 'BREAKER_HALF_OPEN_AFTER_MS must be an integer between 100 and 600000' })
  @Min(100, { message: 'BREAKER_HALF_OPEN_AFTER_MS must be an integer between 100 and 600000' })
  @Max(600000, { message: 'BREAKER_HALF_OPEN_AFTER_MS must be an integer between 100 and 600000' })
  BREAKER_HALF_OPEN_AFTER_MS: number = 5000;

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

export const orderConfig = envConfig('order', OrderEnv);
export type OrderConfig = ConfigType<typeof orderConfig>;

/** How long a charge may still be in flight: every attempt timing out, plus a margin. */
export function chargeWindowMs(config: OrderConfig): number {
  return config.PAYMENT_SERVICE_TIMEOUT_MS * (config.SERVICE_CALL_RETRIES + 1) + 1000;
}

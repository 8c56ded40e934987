import { envConfig } from '@app/config';
import { localServiceUrl } from '@app/contracts';
import { ConfigType } from '@nestjs/config';
import { IsInt, IsNumber, Matches, Max, Min } from 'class-validator';

const URL = /^https?:\/\/\S+$/;

class PaymentEnv {
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'PAYMENT_DECLINE_RATE must be a number between 0 and 1' })
  @Min(0, { message: 'PAYMENT_DECLINE_RATE must be a number between 0 and 1' })
  @Max(1, { message: 'PAYMENT_DECLINE_RATE must be a number between 0 and 1' })
  PAYMENT_DECLINE_RATE: number = 0.2;

  @Matches(URL, { message: 'ORDER_SERVICE_URL must be an http(s) URL' })
  ORDER_SERVICE_URL: string = localServiceUrl('order');

  @IsInt({ message: 'ORDER_SERVICE_TIMEOUT_MS must be an integer between 50 and 60000' })
  @Min(50, { message: 'ORDER_SERVICE_TIMEOUT_MS must be an integer between 50 and 60000' })
  @Max(60000, { message: 'ORDER_SERVICE_TIMEOUT_MS must be an integer between 50 and 60000' })
  ORDER_SERVICE_TIMEOUT_MS: number = 2000;

  @Matches(URL, { message: 'USER_SERVICE_URL must be an http(s) URL' })
  USER_SERVICE_URL: string = localServiceUrl('user');

  @IsInt({ message: 'USER_SERVICE_TIMEOUT_MS must be an integer between 50 and 60000' })
  @Min(50, { message: 'USER_SERVICE_TIMEOUT_MS must be an integer between 50 and 60000' })
  @Max(60000, { message: 'USER_SERVICE_TIMEOUT_MS must be an integer between 50 and 60000' })
  USER_SERVICE_TIMEOUT_MS: number = 2000;

  @IsInt({ message: 'PAYMENT_EVENTS_POLL_MS must be an integer between 10 and 60000' })
  @Min(10, { message: 'PAYMENT_EVENTS_POLL_MS must be an integer between 10 and 60000' })
  @Max(60000, { message: 'PAYMENT_EVENTS_POLL_MS must be an integer between 10 and 60000' })
  PAYMENT_EVENTS_POLL_MS: number = 1000;

  // Delivered outbox rows are only history: kept this long for an investigation, then deleted.
  @IsInt({ message: 'PAYMENT_EVENTS_RETENTION_HOURS must be an integer between 1 and 8760' })
  @Min(1, { message: 'PAYMENT_EVENTS_RETENTION_HOURS must be an integer between 1 and 8760' })
  @Max(8760, { message: 'PAYMENT_EVENTS_RETENTION_HOURS must be an integer between 1 and 8760' })
  PAYMENT_EVENTS_RETENTION_HOURS: number = 168;

  @IsInt({ message: 'PAYMENT_EVENTS_CLEANUP_INTERVAL_MS must be an integer between 100 and 86400000' })
  @Min(100, { message: 'PAYMENT_EVENTS_CLEANUP_INTERVAL_MS must be an integer between 100 and 86400000' })
  @Max(86_400_000, { message: 'PAYMENT_EVENTS_CLEANUP_INTERVAL_MS must be an integer between 100 and 86400000' })
  PAYMENT_EVENTS_CLEANUP_INTERVAL_MS: number = 3_600_000;
}

export const paymentConfig = envConfig('payment', PaymentEnv);
export type PaymentConfig = ConfigType<typeof paymentConfig>;

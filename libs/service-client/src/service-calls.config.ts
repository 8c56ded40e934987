import { envConfig } from '@app/config';
import { ConfigType } from '@nestjs/config';
import { IsInt, Max, Min } from 'class-validator';

class ServiceCallsEnv {
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
}

/** Retries and circuit breaker for every call a service makes to another one. */
export const serviceCallsConfig = envConfig('serviceCalls', ServiceCallsEnv);
export type ServiceCallsConfig = ConfigType<typeof serviceCallsConfig>;

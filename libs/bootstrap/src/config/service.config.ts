import { ConfigType } from '@nestjs/config';
import { IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { envConfig } from './env';

export const NODE_ENVIRONMENTS = ['development', 'test', 'production'] as const;
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

class ServiceEnv {
  @IsIn(NODE_ENVIRONMENTS, { message: `NODE_ENV must be one of ${NODE_ENVIRONMENTS.join(', ')}` })
  NODE_ENV: (typeof NODE_ENVIRONMENTS)[number] = 'development';

  @IsOptional()
  @IsInt({ message: 'PORT must be an integer between 0 and 65535' })
  @Min(0, { message: 'PORT must be an integer between 0 and 65535' })
  @Max(65535, { message: 'PORT must be an integer between 0 and 65535' })
  PORT?: number;

  @IsString()
  HOST: string = '0.0.0.0';

  @IsIn(LOG_LEVELS, { message: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL: (typeof LOG_LEVELS)[number] = 'info';

  @IsInt({ message: 'BODY_LIMIT_BYTES must be an integer between 1024 and 10485760' })
  @Min(1024, { message: 'BODY_LIMIT_BYTES must be an integer between 1024 and 10485760' })
  @Max(10 * 1024 * 1024, { message: 'BODY_LIMIT_BYTES must be an integer between 1024 and 10485760' })
  BODY_LIMIT_BYTES: number = 100 * 1024;

  @IsInt({ message: 'SHUTDOWN_DELAY_MS must be an integer between 0 and 60000' })
  @Min(0, { message: 'SHUTDOWN_DELAY_MS must be an integer between 0 and 60000' })
  @Max(60000, { message: 'SHUTDOWN_DELAY_MS must be an integer between 0 and 60000' })
  SHUTDOWN_DELAY_MS: number = 0;
}

export const serviceConfig = envConfig('service', ServiceEnv);
export type ServiceConfig = ConfigType<typeof serviceConfig>;

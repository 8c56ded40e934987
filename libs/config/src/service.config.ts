import { ConfigType } from '@nestjs/config';
import { IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min } from 'class-validator';
import { envConfig } from './env';

export const NODE_ENVIRONMENTS = ['development', 'test', 'production'] as const;
export const OTLP_PROTOCOLS = ['http/protobuf', 'http/json'] as const;
const TRUSTED_PROXY = String.raw`(?:loopback|linklocal|uniquelocal|(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f.]*:[0-9A-Fa-f.:]*)(?:/\d{1,3})?)`;
const TRUSTED_PROXIES_LIST = new RegExp(String.raw`^\s*${TRUSTED_PROXY}(?:\s*,\s*${TRUSTED_PROXY})*\s*$`);
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

  /**
   * Peers whose X-Forwarded-For the service believes (the gateway's addresses): addresses, CIDR
   * ranges or proxy-addr's names (loopback, linklocal, uniquelocal), comma-separated.
   */
  @Matches(TRUSTED_PROXIES_LIST, { message: 'TRUSTED_PROXIES must be a comma-separated list of IP addresses, CIDR ranges, loopback, linklocal or uniquelocal' })
  TRUSTED_PROXIES: string = 'loopback';

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

  // Read by the tracing preload (libs/tracing) before the service starts; checked here so a typo stops the start.
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true }, { message: 'OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL' })
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;

  @IsOptional()
  @IsIn(OTLP_PROTOCOLS, { message: `OTEL_EXPORTER_OTLP_PROTOCOL must be one of ${OTLP_PROTOCOLS.join(', ')}` })
  OTEL_EXPORTER_OTLP_PROTOCOL?: (typeof OTLP_PROTOCOLS)[number];

  @IsOptional()
  @IsString()
  OTEL_SERVICE_NAME?: string;
}

export const serviceConfig = envConfig('service', ServiceEnv);
export type ServiceConfig = ConfigType<typeof serviceConfig>;

import { ApiErrors, ApiPublic } from '@app/openapi';
import { Controller, Get, HttpStatus, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import type { FastifyReply } from 'fastify';
import { ShutdownState } from './shutdown-state';

const HEALTH_EXAMPLE = { status: 'ok', info: { database: { status: 'up' } }, error: {}, details: { database: { status: 'up' } } };

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly shutdown: ShutdownState,
  ) {}

  @Get()
  @ApiPublic()
  // Through the gateway, as every route: its per-address rate limit.
  @ApiErrors(429)
  @ApiOperation({ summary: 'Readiness: 200 when the service can serve (its database answers), 503 otherwise' })
  @ApiOkResponse({ schema: { example: HEALTH_EXAMPLE } })
  @ApiServiceUnavailableResponse({ schema: { example: { ...HEALTH_EXAMPLE, status: 'error' } } })
  async getReadiness(@Res({ passthrough: true }) reply: FastifyReply): Promise<unknown> {
    if (this.shutdown.draining) {
      reply.status(HttpStatus.SERVICE_UNAVAILABLE);
      return { status: 'shutting_down', info: {}, error: {}, details: {} };
    }
    try {
      // Shorter than any probe's timeout, so a hung database reads as down, not as a hung probe.
      return await this.health.check([() => this.database.pingCheck('database').withTimeout(1000)]);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      reply.status(HttpStatus.SERVICE_UNAVAILABLE);
      return error.getResponse();
    }
  }

  @Get('live')
  @ApiPublic()
  @ApiErrors(429)
  @ApiOperation({ summary: 'Liveness: 200 while the process runs its event loop' })
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  getLiveness(): { status: string } {
    return { status: 'ok' };
  }
}

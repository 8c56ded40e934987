import { Controller } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { PrometheusController } from '@willsoto/nestjs-prometheus';

/** Kept out of the public API docs: scraped on the service port, never through the gateway. */
@ApiExcludeController()
@Controller()
export class MetricsController extends PrometheusController {}

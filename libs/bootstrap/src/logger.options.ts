import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import pino from 'pino';
import type { ServiceConfig } from '@app/config';
import { currentRequestId } from '@app/http';

/** The service's one pino logger: Nest's logger writes through it, and so does the access log. */
export const SERVICE_LOGGER = Symbol('ServiceLogger');

/**
 * JSON lines. Serializers pick fields instead of redacting them, so headers (Authorization,
 * cookies) and bodies (passwords, tokens) never reach a log line. A line written while a request
 * is handled carries its id, read from the request's async context rather than from a child
 * logger made for every request.
 */
export function createServiceLogger(service: string, config: Pick<ServiceConfig, 'LOG_LEVEL'>, destination = bufferedStdout()): pino.Logger {
  return pino(
    {
      name: service,
      level: config.LOG_LEVEL,
      base: { service },
      messageKey: 'msg',
      mixin: () => {
        const requestId = currentRequestId.getStore();
        return requestId === undefined ? {} : { requestId };
      },
      serializers: {
        req: (req: IncomingMessage & { id?: unknown }) => ({ id: req.id, method: req.method, url: req.url?.split('?')[0] }),
        res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
        err: (err: Error & { code?: string }) => ({ type: err.name, message: err.message, code: err.code, stack: err.stack }),
      },
    },
    destination,
  );
}

/**
 * nestjs-pino gives Nest's logger (and `PinoLogger`) the service logger. Its pino-http middleware
 * is mounted on no route: the access log and the request context come from Fastify hooks
 * (`installAccessLog`), which cost a fraction of pino-http behind @fastify/middie.
 */
export function nestLoggerParams(logger: pino.Logger): Params {
  // `wrapSerializers: false`: pino-http would otherwise replace ours with its own, which log headers.
  return { pinoHttp: { logger, wrapSerializers: false }, forRoutes: [] };
}

/**
 * One write per few kilobytes instead of one per line: under load, synchronous writes to stdout
 * were a tenth of the CPU. Flushed every second and synchronously on exit.
 */
let stdout: ReturnType<typeof pino.destination> | undefined;
function bufferedStdout(): pino.DestinationStream {
  if (stdout) return stdout;
  const destination = pino.destination({ dest: 1, minLength: 8192, sync: false });
  setInterval(() => destination.flush(), 1000).unref();
  process.once('exit', () => destination.flushSync());
  return (stdout = destination);
}

import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { currentRequestId } from '@app/http';

/**
 * One line per request, every request (404s outside any route, refused bodies, client errors
 * Fastify answers itself), written from Fastify's `onResponse` with the root logger: no child
 * logger per request, no Express-style middleware.
 */
export function installAccessLog(fastify: FastifyInstance, logger: Logger): void {
  // After the body is read: a socket's data events would lose a context entered in `onRequest`.
  fastify.addHook('preHandler', (request, _reply, done) => currentRequestId.run(String(request.id), done));
  fastify.addHook('onResponse', (request, reply, done) => {
    const status = reply.statusCode;
    const failed = status >= 500;
    if (logger.isLevelEnabled(failed ? 'error' : 'info')) {
      const route = request.routeOptions.url ?? 'unmatched';
      const responseTime = Math.round(reply.elapsedTime);
      // The serializers pick the id, method and path of `req` and the status of `res`.
      const line = { requestId: request.id, req: request.raw, res: reply.raw, responseTime, route };
      if (failed) logger.error({ ...line, err: new Error(`failed with status code ${status}`) }, `${request.method} ${route} ${status} failed`);
      else logger.info(line, `${request.method} ${route} ${status} ${responseTime}ms`);
    }
    done();
  });
}

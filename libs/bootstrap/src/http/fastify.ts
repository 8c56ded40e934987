import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { requestIdFor, ROUTE_TEMPLATE } from './request-context';

export function createFastifyAdapter(bodyLimit: number): FastifyAdapter {
  return new FastifyAdapter({
    bodyLimit,
    trustProxy: true,
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true },
    genReqId: requestIdFor,
    requestIdHeader: false,
    // Keep-alive from nginx must outlive nginx's own idle timeout, or it meets closed sockets.
    keepAliveTimeout: 65_000,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  });
}

/** Runs for every request, including those no controller matches. */
export function installFastifyHooks(fastify: FastifyInstance): void {
  // JSON only: any other body type is answered 415 instead of reaching validation as a string.
  fastify.removeContentTypeParser(['text/plain']);
  fastify.addHook('onRequest', (request, reply, done) => {
    (request.raw as unknown as Record<symbol, string | undefined>)[ROUTE_TEMPLATE] = request.routeOptions.url;
    void reply.header('x-request-id', request.id);
    done();
  });
  // Keep-alive sockets that finish a request while the server drains are closed, or close() would wait for them.
  let draining = false;
  fastify.addHook('preClose', (done) => {
    draining = true;
    done();
  });
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (draining) void reply.header('connection', 'close');
    done(null, payload);
  });
}

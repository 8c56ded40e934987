import { FastifyAdapter } from '@nestjs/platform-fastify';
import { recordRoute } from '@app/tracing';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { mapError } from '@app/errors';
import { installJsonBodyParser } from './json-body';
import { ACCEPTABLE_REQUEST_ID, requestIdFor } from './request-context';
import type { Socket } from 'node:net';
import { STATUS_CODES } from 'node:http';
import { randomUUID } from 'node:crypto';

/**
 * Idle keep-alive connections stay open longer than nginx keeps its upstream connections
 * (`keepalive_timeout 60s` in the gateway's upstreams): the side that closes first must be nginx,
 * or it may send a request on a socket the service is closing at that moment, and the client gets a 502.
 */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;
/** A socket silent this long is dropped; longer than keep-alive, which would otherwise be cut short. */
export const CONNECTION_TIMEOUT_MS = 70_000;
/** The whole request (headers and body) must arrive within this; nginx sends it buffered, at once. */
export const REQUEST_TIMEOUT_MS = 30_000;
export const HEADERS_TIMEOUT_MS = 10_000;

export interface FastifyAdapterOptions {
  bodyLimit: number;
  /** Peers allowed to say who the client is in X-Forwarded-For: the gateway only. */
  trustedProxies: string;
}

export function createFastifyAdapter({ bodyLimit, trustedProxies }: FastifyAdapterOptions): FastifyAdapter {
  return new FastifyAdapter({
    bodyLimit,
    trustProxy: trustedProxies,
    // The gateway matches its limits in any case; routes here stay case-sensitive (/USERS/login is no route).
    routerOptions: { caseSensitive: true, ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: 200 },
    genReqId: requestIdFor,
    requestIdHeader: false,
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    connectionTimeout: CONNECTION_TIMEOUT_MS,
    requestTimeout: REQUEST_TIMEOUT_MS,
    http: { headersTimeout: HEADERS_TIMEOUT_MS },
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    // Malformed URLs and over-long path parameters, answered in the one error shape.
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      const { body } = mapError(error, String(request.id));
      void reply.status(body.statusCode).header('x-request-id', request.id).send(body);
    },
    clientErrorHandler: answerClientError,
    // No Express-style middleware: what it would do (access log, request context) is done in Fastify hooks.
    skipMiddie: true,
  });
}

/** Errors Node's HTTP parser raises before there is a request (oversized headers, bad methods). */
function answerClientError(error: Error & { code?: string; rawPacket?: unknown }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  // No request was parsed, but the caller's id may be readable in the bytes received.
  const sent = /\r\nx-request-id:[ \t]*([^\r\n]*)\r\n/i.exec(Buffer.isBuffer(error.rawPacket) ? error.rawPacket.toString('latin1') : '')?.[1];
  const requestId = sent && ACCEPTABLE_REQUEST_ID.test(sent) ? sent : randomUUID();
  const message = status === 431 ? 'Request headers are too large' : status === 408 ? 'Request timed out' : 'Malformed HTTP request';
  const body = JSON.stringify({ statusCode: status, error: STATUS_CODES[status], message, requestId });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nX-Request-Id: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

/** Runs for every request, including those no controller matches. */
export function installFastifyHooks(fastify: FastifyInstance): void {
  // JSON only: any other body type (form, text, multipart) is answered 415.
  installJsonBodyParser(fastify);
  fastify.addHook('onRequest', (request, reply, done) => {
    if (request.routeOptions.url) recordRoute(request.routeOptions.url);
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

import type { FastifyInstance } from 'fastify';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createFastifyAdapter } from './fastify';

const TEMPLATE = readFileSync(join(__dirname, '..', '..', '..', 'nginx', 'templates', 'gateway.conf.template'), 'utf8');

describe('the Fastify adapter every service runs on', () => {
  let fastify: FastifyInstance;

  beforeEach(async () => {
    fastify = createFastifyAdapter({ bodyLimit: 1024, trustedProxies: 'loopback' }).getInstance<FastifyInstance>();
    fastify.get('/users/whoami', async (request) => ({ ip: request.ip, ips: request.ips }));
    await fastify.ready();
  });

  afterEach(() => fastify.close());

  const whoami = (remoteAddress: string, forwardedFor: string) =>
    fastify.inject({ method: 'GET', url: '/users/whoami', remoteAddress, headers: { 'x-forwarded-for': forwardedFor } }).then((r) => r.json().ip);

  it('believes X-Forwarded-For from the gateway on loopback (TRUSTED_PROXIES default)', async () => {
    expect(await whoami('127.0.0.1', '203.0.113.7')).toBe('203.0.113.7');
  });

  it('ignores X-Forwarded-For from any other peer: a client reaching the service directly cannot choose its address', async () => {
    expect(await whoami('10.1.2.3', '203.0.113.7')).toBe('10.1.2.3');
    expect(await whoami('192.0.2.10', '127.0.0.1')).toBe('192.0.2.10');
  });

  it('routes case-sensitively, as the gateway expects (/USERS/whoami is no route)', async () => {
    expect((await fastify.inject({ method: 'GET', url: '/USERS/whoami' })).statusCode).toBe(404);
    expect((await fastify.inject({ method: 'GET', url: '/users/whoami/' })).statusCode).toBe(200);
  });

  it('sets its timeouts explicitly, keep-alive outliving the keep-alive of the gateway upstreams', () => {
    const server = fastify.server;
    const upstreamKeepAlive = [...TEMPLATE.matchAll(/^\s*keepalive_timeout (\d+)s;/gm)].map((m) => Number(m[1]) * 1000);
    expect(upstreamKeepAlive.length).toBeGreaterThan(0);
    expect(server.keepAliveTimeout).toBeGreaterThan(Math.max(...upstreamKeepAlive));
    // A socket idle between requests is closed by keep-alive, not cut earlier by the connection timeout.
    expect(server.timeout).toBeGreaterThan(server.keepAliveTimeout);
    expect(server.requestTimeout).toBeGreaterThan(0);
    expect(server.requestTimeout).toBeLessThanOrEqual(30_000);
    expect(server.headersTimeout).toBeLessThanOrEqual(server.requestTimeout);
  });
});

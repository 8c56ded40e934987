import type { FastifyInstance } from 'fastify';
import { PassThrough } from 'node:stream';
import { createFastifyAdapter } from '@app/http';
import { installAccessLog } from './access-log';
import { createServiceLogger } from './logger.options';

describe('the access log and the request context of log lines', () => {
  let fastify: FastifyInstance;
  let lines: Record<string, unknown>[];

  beforeEach(async () => {
    lines = [];
    const output = new PassThrough();
    output.on('data', (chunk: Buffer) =>
      lines.push(
        ...String(chunk)
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line) as Record<string, unknown>),
      ),
    );
    const logger = createServiceLogger('user', { LOG_LEVEL: 'info' }, output);
    fastify = createFastifyAdapter({ bodyLimit: 1024, trustedProxies: 'loopback' }).getInstance<FastifyInstance>();
    installAccessLog(fastify, logger);
    const handle = async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      logger.warn('inside the handler');
      return { ok: true };
    };
    fastify.get('/users/things/:id', handle);
    fastify.post('/users/things', handle);
    fastify.get('/users/broken', () => Promise.reject(new Error('boom')));
    await fastify.ready();
  });

  afterEach(() => fastify.close());

  const flushed = () => new Promise((resolve) => setImmediate(resolve));

  it.each([
    ['GET', '/users/things/42?secret=query-token', undefined],
    ['POST', '/users/things', { password: 'hunter2-secret-pass' }],
  ])('%s: a line written in the handler carries the request id, then one access line per request', async (method, url, body) => {
    const response = await fastify.inject({
      method: method as 'GET' | 'POST',
      url,
      payload: body,
      headers: { 'x-request-id': 'req-1', authorization: 'Bearer tok-secret' },
    });
    expect(response.statusCode).toBe(200);
    await flushed();
    const route = method === 'GET' ? '/users/things/:id' : '/users/things';
    expect(lines).toEqual([
      expect.objectContaining({ level: 40, requestId: 'req-1', msg: 'inside the handler' }),
      expect.objectContaining({
        level: 30,
        service: 'user',
        requestId: 'req-1',
        req: { id: 'req-1', method, url: url.split('?')[0] },
        res: { statusCode: 200 },
        route,
        responseTime: expect.any(Number),
        msg: expect.stringMatching(new RegExp(`^${method} ${route} 200 \\d+ms$`)),
      }),
    ]);
    const written = JSON.stringify(lines);
    for (const secret of ['hunter2', 'tok-secret', 'query-token', 'authorization']) expect(written).not.toContain(secret);
  });

  it('logs a 5xx at error level and an unknown path as unmatched; lines outside a request carry no request id', async () => {
    await fastify.inject({ method: 'GET', url: '/users/broken', headers: { 'x-request-id': 'req-500' } });
    await fastify.inject({ method: 'GET', url: '/nowhere', headers: { 'x-request-id': 'req-404' } });
    createServiceLogger('user', { LOG_LEVEL: 'info' }, { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) }).info('outside');
    await flushed();
    expect(lines).toEqual([
      expect.objectContaining({ level: 50, requestId: 'req-500', res: { statusCode: 500 }, route: '/users/broken', msg: 'GET /users/broken 500 failed' }),
      expect.objectContaining({
        level: 30,
        requestId: 'req-404',
        res: { statusCode: 404 },
        route: 'unmatched',
        msg: expect.stringMatching(/^GET unmatched 404 \d+ms$/),
      }),
      expect.not.objectContaining({ requestId: expect.anything() }),
    ]);
  });
});

import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import TestAgent from 'supertest/lib/agent';
import { Account, bearer, registerAndLogin } from '../support/accounts';
import { RunningStack, startSystemStack } from '../support/system-stack';
import { eventually } from '../support/eventually';

// The services export their spans over OTLP/HTTP to a receiver in this test, as they would to the
// OpenTelemetry Collector (http/json here, so the receiver needs no protobuf decoder).

const ITEMS = [{ product_name: 'Desk', quantity: 2, unit_price: 149.95 }];
const SERVER = 2;

interface Span {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
}

interface ExportRequest {
  resourceSpans: {
    resource: { attributes: { key: string; value: { stringValue?: string } }[] };
    scopeSpans: { spans: (Omit<Span, 'service' | 'attributes'> & { attributes?: { key: string; value: Record<string, unknown> }[] })[] }[];
  }[];
}

/** An OTLP/HTTP (JSON) trace receiver: everything the services export, flattened to spans. */
async function startReceiver(): Promise<{ url: string; spans: Span[]; server: Server }> {
  const spans: Span[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      if (req.url === '/v1/traces') {
        const exported = JSON.parse(body) as ExportRequest;
        for (const { resource, scopeSpans } of exported.resourceSpans) {
          const service = resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? '';
          for (const { spans: scoped } of scopeSpans) {
            for (const span of scoped) {
              const attributes = Object.fromEntries((span.attributes ?? []).map((a) => [a.key, Object.values(a.value)[0]]));
              spans.push({
                service,
                traceId: span.traceId,
                spanId: span.spanId,
                parentSpanId: span.parentSpanId || undefined,
                name: span.name,
                kind: span.kind,
                attributes,
              });
            }
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, spans, server };
}

const isDatabase = (span: Span) => span.attributes['db.system.name'] === 'postgresql' || span.attributes['db.system'] === 'postgresql';

describe('distributed tracing through the gateway', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let system: RunningStack;
  let gw: TestAgent;
  let jane: Account;

  beforeAll(async () => {
    receiver = await startReceiver();
    system = await startSystemStack({
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_BSP_SCHEDULE_DELAY: '100' },
    });
    gw = request(system.gatewayUrl);
    jane = await registerAndLogin(gw);
  }, 120_000);

  afterAll(async () => {
    await system?.close();
    receiver?.server.close();
  });

  const traceOf = (traceId: string) => receiver.spans.filter((s) => s.traceId === traceId);

  it('makes one checkout one trace: gateway id, order, user check, payment charge and their queries, each parent in the trace', async () => {
    const placed = await gw.post('/orders').set(bearer(jane.accessToken)).send({ items: ITEMS, payment_method: 'test_success' }).expect(201);
    const traceId = placed.headers['x-trace-id'];
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    // The gateway started the trace with its request id.
    expect(placed.headers['x-request-id']).toBe(traceId);

    const servedBy = (spans: Span[], service: string, name: RegExp) => spans.find((s) => s.service === service && s.kind === SERVER && name.test(s.name));
    const spans = await eventually(
      () => traceOf(traceId),
      (found) =>
        !!servedBy(found, 'order', /^POST \/orders$/) &&
        !!servedBy(found, 'user', /\/users\/internal\/users\/:id\/status$/) &&
        !!servedBy(found, 'payment', /^POST \/payments$/) &&
        ['order', 'user', 'payment'].every((service) => found.some((s) => s.service === service && isDatabase(s))),
      { timeoutMs: 15_000 },
    );
    const order = servedBy(spans, 'order', /^POST \/orders$/);
    expect(order).toBeDefined();
    expect(servedBy(spans, 'user', /\/users\/internal\/users\/:id\/status$/)).toBeDefined();
    expect(servedBy(spans, 'payment', /^POST \/payments$/)).toBeDefined();
    for (const service of ['order', 'user', 'payment']) expect(spans.filter((s) => s.service === service && isDatabase(s)).length).toBeGreaterThan(0);

    // Only the order service's server span has its parent outside: the gateway's, named in the traceparent it sent.
    const ids = new Set(spans.map((s) => s.spanId));
    const orphans = spans.filter((s) => !s.parentSpanId || !ids.has(s.parentSpanId));
    expect(orphans.map((s) => `${s.service} ${s.name}`)).toEqual([`order ${order!.name}`]);
    expect(order!.parentSpanId).toBe(traceId.slice(0, 16));

    // Every log line of the request carries the trace.
    const lines = await eventually(
      () => system.logs.filter((line) => line.startsWith('[order]') && line.includes(traceId)),
      (found) => found.length > 0,
      { timeoutMs: 15_000 },
    );
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines)
      expect(JSON.parse(line.slice('[order] '.length))).toMatchObject({ trace_id: traceId, span_id: expect.stringMatching(/^[0-9a-f]{16}$/) });
  });

  it("continues a client's traceparent", async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const parent = '00f067aa0ba902b7';
    const response = await gw.get('/orders').set(bearer(jane.accessToken)).set('traceparent', `00-${traceId}-${parent}-01`).expect(200);
    expect(response.headers['x-trace-id']).toBe(traceId);
    const spans = await eventually(
      () => traceOf(traceId),
      (found) => found.some((s) => s.service === 'order' && s.kind === SERVER),
      { timeoutMs: 15_000 },
    );
    expect(spans.find((s) => s.service === 'order' && s.kind === SERVER)?.parentSpanId).toBe(parent);
  });

  it("delivers a refund's outbox event to the order service within the refund's trace", async () => {
    const placed = await gw.post('/orders').set(bearer(jane.accessToken)).send({ items: ITEMS, payment_method: 'test_success' }).expect(201);
    const refunded = await gw.post(`/payments/${placed.body.payment_id}/refund`).set(bearer(jane.accessToken)).expect(200);
    const traceId = refunded.headers['x-trace-id'];

    // Up the parents of the order service's handling of the event: the relay's delivery span, then
    // the refund request that wrote the event.
    const chain = () => {
      const spans = traceOf(traceId);
      const byId = new Map(spans.map((s) => [s.spanId, s]));
      const delivered = spans.find((s) => s.service === 'order' && s.kind === SERVER && s.name === 'POST /orders/internal/payment-events');
      const ancestors: string[] = [];
      for (let span = byId.get(delivered?.parentSpanId ?? ''); span; span = byId.get(span.parentSpanId ?? '')) ancestors.push(`${span.service} ${span.name}`);
      return { delivered, ancestors };
    };
    const expected = ['payment deliver payment.refunded', 'payment POST /payments/:id/refund'];
    const { delivered, ancestors } = await eventually(chain, (found) => expected.every((name) => found.ancestors.includes(name)), { timeoutMs: 15_000 });
    expect(delivered).toBeDefined();
    expect(ancestors).toEqual(expect.arrayContaining(expected));
  });
});

import { load as parseYaml } from 'js-yaml';
import { randomUUID } from 'node:crypto';
import { bearer } from '../../../test/support/accounts';
import type { ServiceUnderTest } from '../../../test/support/service-under-test';
import { PaymentUnderTest, startPaymentUnderTest } from './helpers/payment-under-test';
import { newPayer, orderServiceHeader } from './helpers/tokens';

describe('payment service: docs, health and metrics', () => {
  let payment: PaymentUnderTest;
  let svc: ServiceUnderTest;

  beforeAll(async () => {
    payment = await startPaymentUnderTest();
    ({ svc } = payment);
  });

  afterAll(async () => {
    await payment?.close();
  });

  it('serves Swagger UI at /payments/docs', async () => {
    const res = await svc.http.get('/payments/docs').expect(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
  });

  it('publishes the spec as JSON and YAML: every path under /payments, bearer auth, documented errors', async () => {
    const json = (await svc.http.get('/payments/openapi.json').expect(200)).body;
    const yaml = parseYaml((await svc.http.get('/payments/openapi.yaml').expect(200)).text) as typeof json;
    expect(yaml).toEqual(json);
    const paths = Object.keys(json.paths);
    expect(paths).toEqual(expect.arrayContaining(['/payments', '/payments/{id}', '/payments/{id}/refund', '/payments/health', '/payments/health/live']));
    expect(paths.every((p) => p.startsWith('/payments'))).toBe(true);
    expect(json.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    const operations = {
      createPayment: json.paths['/payments'].post,
      listPayments: json.paths['/payments'].get,
      getPayment: json.paths['/payments/{id}'].get,
      refundPayment: json.paths['/payments/{id}/refund'].post,
    };
    for (const [operationId, operation] of Object.entries(operations)) {
      expect(operation.operationId).toBe(operationId);
      expect(operation.security).toEqual([{ bearer: [] }]);
      expect(operation.responses['401']).toBeDefined();
    }
    expect(Object.keys(operations.createPayment.responses).sort()).toEqual(['200', '201', '400', '401', '403', '404', '409', '422', '503']);
    expect(Object.keys(operations.refundPayment.responses).sort()).toEqual(['200', '400', '401', '404', '409', '503']);
    expect(operations.createPayment.parameters).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: false })]),
    );
    expect(json.paths['/payments/health'].get.security).toEqual([]);
    // No multipleOf: 0.01, which strict validators fail on real prices (floating point).
    expect(json.components.schemas.CreatePaymentDto.properties.amount).toEqual(expect.objectContaining({ type: 'number', format: 'decimal', example: 59.97 }));
    expect(json.components.schemas.CreatePaymentDto.properties.amount).not.toHaveProperty('multipleOf');
    expect(JSON.stringify(json)).not.toContain('/internal/');
    const response = json.components.schemas.PaymentResponse.properties;
    expect(Object.keys(response).sort()).toEqual([
      'amount',
      'created_at',
      'currency',
      'failure_reason',
      'id',
      'order_id',
      'payment_method',
      'refunded_at',
      'status',
      'transaction_id',
      'updated_at',
      'user_id',
    ]);
    for (const [field, schema] of Object.entries(response)) expect([field, (schema as { example?: unknown }).example]).not.toEqual([field, undefined]);
  });

  it('reports readiness and liveness without a token', async () => {
    await svc.http.get('/payments/health').expect(200);
    await svc.http.get('/payments/health/live').expect(200, { status: 'ok' });
  });

  it('labels HTTP metrics by route template, outside the public prefix', async () => {
    const payer = newPayer();
    const id = randomUUID();
    await svc.http.get(`/payments/${id}`).set(bearer(payer.token)).expect(404);
    const metrics = (await svc.http.get('/metrics').expect(200)).text;
    expect(metrics).toMatch(/http_requests_total\{method="GET",route="\/payments\/:id",status_code="404",service="payment"\}/);
    expect(metrics).not.toContain(id);
    await svc.http.get('/payments/metrics').expect(401);
  });

  it('counts payments by outcome and method, and refunds, but not idempotent replays', async () => {
    const payer = newPayer();
    const count = async (pattern: RegExp) => Number(pattern.exec((await svc.http.get('/metrics').expect(200)).text)?.[1] ?? 0);
    const completed = /payments_total\{outcome="completed",method="test_success",service="payment"\} (\d+)/;
    const declined = /payments_total\{outcome="declined",method="test_decline",service="payment"\} (\d+)/;
    const refunds = /payment_refunds_total\{service="payment"\} (\d+)/;
    const before = [await count(completed), await count(declined), await count(refunds)];
    const body = { order_id: randomUUID(), amount: 3, payment_method: 'test_success' };
    const paid = await svc.http.post('/payments').set(bearer(payer.token)).set(orderServiceHeader()).set('Idempotency-Key', 'once').send(body).expect(201);
    await svc.http.post('/payments').set(bearer(payer.token)).set(orderServiceHeader()).set('Idempotency-Key', 'once').send(body).expect(200);
    await svc.http
      .post('/payments')
      .set(bearer(payer.token))
      .set(orderServiceHeader())
      .send({ ...body, order_id: randomUUID(), payment_method: 'test_decline' })
      .expect(201);
    // No order service here to allow a buyer's refund: the order service's own refund route.
    await svc.http.post(`/payments/internal/payments/${paid.body.id}/refund`).set(bearer(orderServiceHeader()['X-Service-Token'])).expect(200);
    expect([await count(completed), await count(declined), await count(refunds)]).toEqual([before[0] + 1, before[1] + 1, before[2] + 1]);
  });

  it('publishes the configured decline rate and the breaker towards the order service', async () => {
    const metrics = (await svc.http.get('/metrics').expect(200)).text;
    expect(metrics).toMatch(/payment_decline_rate_configured\{service="payment"\} 0.2\b/);
    expect(metrics).toMatch(/circuit_breaker_state\{target="order",service="payment"\} 0/);
  });

  it("publishes its database pool: waiting queries, idle and busy connections, and the pool's size", async () => {
    const metrics = (await svc.http.get('/metrics').expect(200)).text;
    expect(metrics).toMatch(/^db_pool_waiting_clients\{service="payment"\} \d+$/m);
    expect(metrics).toMatch(/^db_pool_clients\{state="idle",service="payment"\} \d+$/m);
    expect(metrics).toMatch(/^db_pool_clients\{state="busy",service="payment"\} \d+$/m);
    expect(metrics).toMatch(/^db_pool_clients\{state="max",service="payment"\} [1-9]\d*$/m);
  });
});

import { createServer, IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedEvent {
  authorization: string | undefined;
  body: { id: string; type: string; payment_id: string; order_id: string; user_id: string; occurred_at: string };
  status: number;
}

export interface FakeOrderService {
  url: string;
  received: ReceivedEvent[];
  /** The next answers for this order's events (then 200): `answer(id, 500)` fails the first delivery. */
  answer(orderId: string, ...statuses: number[]): void;
  eventsFor(orderId: string): ReceivedEvent[];
  /** Refunds the payment service asks the order service to allow, in order. */
  refundRequests: { orderId: string; body: { payment_id: string; actor: string }; authorization: string | undefined }[];
  /** Refuses refunds of this order as the real one does for a shipped order (otherwise every refund is allowed). */
  refuseRefunds(orderId: string, orderStatus: string): void;
  close(): Promise<void>;
}

async function readJson(req: IncomingMessage): Promise<ReceivedEvent['body']> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

/** The order service at the HTTP edge: records the payment events it receives and answers as told. */
export async function startFakeOrderService(): Promise<FakeOrderService> {
  const received: ReceivedEvent[] = [];
  const scripted = new Map<string, number[]>();
  const refundRequests: FakeOrderService['refundRequests'] = [];
  const refused = new Map<string, string>();
  const server = createServer((req, res) => {
    const refund = req.method === 'POST' ? /^\/orders\/internal\/orders\/([^/]+)\/refunds$/.exec(req.url ?? '') : null;
    if (refund) {
      const orderId = refund[1];
      void readJson(req).then((body) => {
        refundRequests.push({ orderId, body: body as unknown as { payment_id: string; actor: string }, authorization: req.headers.authorization });
        const orderStatus = refused.get(orderId);
        const [status, answer] = orderStatus
          ? [
              409,
              {
                statusCode: 409,
                code: 'ORDER.NOT_REFUNDABLE',
                message: `The order is ${orderStatus}: after shipment only the merchant can refund it`,
                details: { status: orderStatus },
              },
            ]
          : [200, { id: orderId, status: 'refunded' }];
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
      });
      return;
    }
    if (req.method !== 'POST' || req.url !== '/orders/internal/payment-events') {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"statusCode":404}');
      return;
    }
    readJson(req).then(
      (body) => {
        const status = scripted.get(body.order_id)?.shift() ?? 200;
        received.push({ authorization: req.headers.authorization, body, status });
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ statusCode: status }));
      },
      () => res.writeHead(400).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    refundRequests,
    refuseRefunds: (orderId, orderStatus) => void refused.set(orderId, orderStatus),
    answer: (orderId, ...statuses) => void scripted.set(orderId, statuses),
    eventsFor: (orderId) => received.filter((event) => event.body.order_id === orderId),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

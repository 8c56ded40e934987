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
  const server = createServer((req, res) => {
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
    answer: (orderId, ...statuses) => void scripted.set(orderId, statuses),
    eventsFor: (orderId) => received.filter((event) => event.body.order_id === orderId),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

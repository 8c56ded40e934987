import fc from 'fast-check';
import { setTimeout as sleep } from 'node:timers/promises';
import { DatabaseKind } from '../support/test-database';
import { RunningStack, STACK_ADMIN, startSystemStack } from '../support/system-stack';

/**
 * A model-based test of the money flow (fast-check's commands against an in-memory model), driving
 * the real services as processes through the real gateway, with time as an input: idle periods
 * past the pool's idle and statement timeouts, access tokens that expire, services killed and
 * restarted mid-sequence. After every command the API agrees with the model; at the end the three
 * databases keep the books (see checkBooks).
 *
 * Runs: MODEL_RUNS (default 6) sequences of up to MODEL_COMMANDS (default 30) commands per database,
 * seeded by MODEL_SEED (default: random, printed). A failure prints the seed and the shrunk sequence:
 * MODEL_SEED=<seed> replays it. A longer run: `npm run test:model`.
 */
const RUNS = Number(process.env.MODEL_RUNS ?? 6);
const MAX_COMMANDS = Number(process.env.MODEL_COMMANDS ?? 30);
const SEED = Number(process.env.MODEL_SEED ?? Math.floor(Math.random() * 2 ** 31));
const TOKEN_LIFETIME_S = 4;
const IDLE_MS = 1_300;
const RECONCILE_INTERVAL_MS = 500;
const RECONCILE_SETTLE_AFTER_MS = 2_000;

type Status = 'pending' | 'confirmed' | 'payment_failed' | 'cancelled' | 'shipped' | 'delivered' | 'refunded';
type Service = 'user' | 'order' | 'payment';

interface ModelOrder {
  id: string;
  owner: number;
  status: Status;
  total: number;
  paymentId: string | null;
}

interface Model {
  users: { active: boolean }[];
  orders: ModelOrder[];
}

interface Session {
  id: string;
  username: string;
  password: string;
  access: string;
  refresh: string;
  issuedAt: number;
}

interface Reply {
  status: number;
  body: Record<string, unknown> & { code?: string };
}

/** The system as a client sees it: the gateway, the admin, and the model's users' sessions. */
class Shop {
  readonly sessions: Session[] = [];
  private admin?: Session;

  constructor(readonly running: RunningStack) {}

  async call(method: string, path: string, token: string | undefined, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
    const response = await fetch(`${this.running.gatewayUrl}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : {} };
  }

  async login(username: string, password: string): Promise<Omit<Session, 'id' | 'username' | 'password'>> {
    const reply = await this.call('POST', '/users/login', undefined, { username, password });
    expectStatus(reply, 200, `login of ${username}`);
    return { access: String(reply.body.access_token), refresh: String(reply.body.refresh_token), issuedAt: Date.now() };
  }

  async register(): Promise<number> {
    const username = `model_${Math.random().toString(36).slice(2, 12)}`;
    const password = 'correct-horse-battery';
    const created = await this.call('POST', '/users', undefined, { email: `${username}@example.com`, username, password });
    expectStatus(created, 201, 'registration');
    this.sessions.push({ id: String(created.body.id), username, password, ...(await this.login(username, password)) });
    return this.sessions.length - 1;
  }

  /** A token that has not expired: the client refreshes one that is about to, as a real client does. */
  async token(user: number, active = true): Promise<string> {
    const session = this.sessions[user];
    // A deactivated user's sessions are revoked: the client has only the token it holds.
    if (active && Date.now() - session.issuedAt > (TOKEN_LIFETIME_S - 1.5) * 1000) {
      const refreshed = await this.call('POST', '/users/refresh', undefined, { refresh_token: session.refresh });
      if (refreshed.status === 200) Object.assign(session, { access: refreshed.body.access_token, refresh: refreshed.body.refresh_token, issuedAt: Date.now() });
      else Object.assign(session, await this.login(session.username, session.password));
    }
    return session.access;
  }

  async adminToken(): Promise<string> {
    if (!this.admin || Date.now() - this.admin.issuedAt > (TOKEN_LIFETIME_S - 1.5) * 1000) {
      this.admin = { id: '', username: STACK_ADMIN.email, password: STACK_ADMIN.password, ...(await this.login(STACK_ADMIN.email, STACK_ADMIN.password)) };
    }
    return this.admin.access;
  }

  async order(id: string): Promise<Record<string, unknown>> {
    const reply = await this.call('GET', `/orders/${id}`, await this.adminToken());
    expectStatus(reply, 200, `GET /orders/${id}`);
    return reply.body;
  }

  async restart(service: Service): Promise<void> {
    const [instance] = this.running.stack.instances[service];
    const exited = new Promise((resolve) => instance.process.once('exit', resolve));
    instance.process.kill('SIGKILL');
    await exited;
    this.running.stack.startInstance(instance);
    const deadline = Date.now() + 60_000;
    while ((await fetch(`${instance.url}/${instance.prefix}/health`).then((r) => r.status, () => 0)) !== 200) {
      if (Date.now() > deadline) throw new Error(`${service} did not come back after a restart`);
      await sleep(100);
    }
  }
}

function expectStatus(reply: Reply, status: number, what: string): void {
  if (reply.status !== status) throw new Error(`${what}: expected ${status}, got ${reply.status} ${JSON.stringify(reply.body)}`);
}

const inactive = (m: Model, user: number) => !m.users[user].active;

function expectInactive(reply: Reply, what: string): void {
  if (reply.status !== 401 || !['AUTH.USER_INACTIVE', 'AUTH.TOKEN_EXPIRED'].includes(String(reply.body.code))) throw new Error(`${what} by a deactivated user: expected 401 AUTH.USER_INACTIVE, got ${reply.status} ${JSON.stringify(reply.body)}`);
}

/** After a command, what the API says of every order the model knows must be what the model says. */
async function agree(m: Model, shop: Shop): Promise<void> {
  for (const order of m.orders) {
    const seen = await shop.order(order.id);
    if (seen.status !== order.status) throw new Error(`order ${order.id}: the API says ${String(seen.status)}, the model ${order.status}`);
    if (order.paymentId && seen.payment_id !== order.paymentId) throw new Error(`order ${order.id}: payment ${String(seen.payment_id)}, the model ${order.paymentId}`);
  }
}

let executedCommands = 0;

/** A command acts, then the API is checked against the model. */
abstract class Command implements fc.AsyncCommand<Model, Shop> {
  abstract check(m: Readonly<Model>): boolean;
  abstract act(m: Model, shop: Shop): Promise<void>;
  abstract toString(): string;
  async run(m: Model, shop: Shop): Promise<void> {
    executedCommands++;
    await this.act(m, shop);
    await agree(m, shop);
  }
}

const pick = <T>(items: T[], index: number): T => items[index % items.length];

class Checkout extends Command {
  constructor(
    readonly user: number,
    readonly method: 'test_success' | 'test_decline',
    readonly copies: number,
    readonly quantity: number,
  ) {
    super();
  }
  check(m: Readonly<Model>): boolean {
    return m.users.length > 0;
  }
  async act(m: Model, shop: Shop): Promise<void> {
    const user = this.user % m.users.length;
    const body = { items: [{ name: 'Mechanical keyboard', quantity: this.quantity, price: 19.99 }], payment_method: this.method };
    // Several copies are a client retrying one checkout concurrently: one key, one order, one charge.
    const key = `model-${Math.random().toString(36).slice(2)}`;
    const token = await shop.token(user, !inactive(m, user));
    const replies = await Promise.all(Array.from({ length: this.copies }, () => shop.call('POST', '/orders', token, body, { 'idempotency-key': key })));
    if (inactive(m, user)) return replies.forEach((r) => expectInactive(r, 'checkout'));
    replies.forEach((r) => expectStatus(r, 201, 'checkout'));
    const ids = new Set(replies.map((r) => r.body.id));
    if (ids.size !== 1) throw new Error(`${this.copies} copies of one checkout made ${ids.size} orders`);
    const [first] = replies;
    const expected: Status = this.method === 'test_success' ? 'confirmed' : 'payment_failed';
    if (first.body.status !== expected) throw new Error(`checkout with ${this.method}: ${String(first.body.status)}, expected ${expected}`);
    if (first.body.total_amount !== Math.round(1999 * this.quantity) / 100) throw new Error(`total ${String(first.body.total_amount)} for ${this.quantity} × 19.99`);
    m.orders.push({ id: String(first.body.id), owner: user, status: expected, total: Number(first.body.total_amount), paymentId: (first.body.payment_id as string) ?? null });
  }
  toString(): string {
    return `Checkout(user ${this.user}, ${this.method}, ${this.copies} concurrent copies, quantity ${this.quantity})`;
  }
}

class Pay extends Command {
  constructor(
    readonly order: number,
    readonly method: 'test_success' | 'test_decline',
  ) {
    super();
  }
  check(m: Readonly<Model>): boolean {
    return m.orders.length > 0;
  }
  async act(m: Model, shop: Shop): Promise<void> {
    const order = pick(m.orders, this.order);
    const reply = await shop.call('POST', `/orders/${order.id}/pay`, await shop.token(order.owner, !inactive(m, order.owner)), { payment_method: this.method });
    if (inactive(m, order.owner)) return expectInactive(reply, 'pay');
    if (order.status === 'payment_failed' || order.status === 'pending') {
      expectStatus(reply, 200, `pay a ${order.status} order`);
      order.status = this.method === 'test_success' ? 'confirmed' : 'payment_failed';
      order.paymentId = String(reply.body.payment_id);
    } else {
      expectStatus(reply, 409, `pay a ${order.status} order`);
    }
  }
  toString(): string {
    return `Pay(order ${this.order}, ${this.method})`;
  }
}

class Cancel extends Command {
  constructor(readonly order: number) {
    super();
  }
  check(m: Readonly<Model>): boolean {
    return m.orders.length > 0;
  }
  async act(m: Model, shop: Shop): Promise<void> {
    const order = pick(m.orders, this.order);
    const reply = await shop.call('PATCH', `/orders/${order.id}/status`, await shop.token(order.owner, !inactive(m, order.owner)), { status: 'cancelled' });
    if (inactive(m, order.owner)) return expectInactive(reply, 'cancel');
    if (['pending', 'payment_failed', 'confirmed'].includes(order.status)) {
      expectStatus(reply, 200, `cancel a ${order.status} order`);
      order.status = 'cancelled';
    } else {
      expectStatus(reply, 409, `cancel a ${order.status} order`);
    }
  }
  toString(): string {
    return `Cancel(order ${this.order})`;
  }
}

/** A refund at the payment service: the buyer's before shipment only, the merchant's until delivery. */
class Refund extends Command {
  constructor(
    readonly order: number,
    readonly by: 'owner' | 'admin',
  ) {
    super();
  }
  check(m: Readonly<Model>): boolean {
    return m.orders.some((o) => o.paymentId);
  }
  async act(m: Model, shop: Shop): Promise<void> {
    const order = pick(
      m.orders.filter((o) => o.paymentId),
      this.order,
    );
    const token = this.by === 'owner' ? await shop.token(order.owner, !inactive(m, order.owner)) : await shop.adminToken();
    const reply = await shop.call('POST', `/payments/${order.paymentId}/refund`, token);
    if (this.by === 'owner' && inactive(m, order.owner)) return expectInactive(reply, 'refund');
    const allowed = this.by === 'owner' ? ['confirmed'] : ['confirmed', 'shipped', 'delivered'];
    if (allowed.includes(order.status)) {
      expectStatus(reply, 200, `${this.by} refund of a ${order.status} order`);
      order.status = 'refunded';
    } else {
      expectStatus(reply, 409, `${this.by} refund of a ${order.status} order`);
    }
  }
  toString(): string {
    return `Refund(order ${this.order}, by ${this.by})`;
  }
}

class Fulfil extends Command {
  constructor(
    readonly order: number,
    readonly to: 'shipped' | 'delivered',
  ) {
    super();
  }
  check(m: Readonly<Model>): boolean {
    return m.orders.length > 0;
  }
  async act(m: Model, shop: Shop): Promise<void> {
    const order = pick(m.orders, this.order);
    const reply = await shop.call('PATCH', `/orders/${order.id}/status`, await shop.adminToken(), { status: this.to });
    if ((this.to === 'shipped' && order.status === 'confirmed') || (this.to === 'delivered' && order.status === 'shipped')) {
      expectStatus(reply, 200, `${this.to} from ${order.status}`);
      order.status = this.to;
    } else {
      expectStatus(reply, 409, `${this.to} from ${order.status}`);
    }
  }
  toString(): string {
    return `Fulfil(order ${this.order}, ${this.to})`;
  }
}

class SetActive extends Command {
  constructor(
    readonly user: number,
    readonly active: boolean,
  ) {
    super();
  }
  check(m: Readonly<Model>): boolean {
    return m.users.length > 0;
  }
  async act(m: Model, shop: Shop): Promise<void> {
    const user = this.user % m.users.length;
    const reply = await shop.call('PATCH', `/users/${shop.sessions[user].id}`, await shop.adminToken(), { is_active: this.active });
    expectStatus(reply, 200, `set is_active ${this.active}`);
    m.users[user].active = this.active;
    // Deactivation revoked the sessions: once active again, the client logs in afresh.
    if (this.active) Object.assign(shop.sessions[user], await shop.login(shop.sessions[user].username, shop.sessions[user].password));
  }
  toString(): string {
    return `SetActive(user ${this.user}, ${this.active})`;
  }
}

class NewUser extends Command {
  check(m: Readonly<Model>): boolean {
    return m.users.length < 4;
  }
  async act(m: Model, shop: Shop): Promise<void> {
    await shop.register();
    m.users.push({ active: true });
  }
  toString(): string {
    return 'NewUser';
  }
}

/** Nothing happens for longer than the pool's idle timeout and the statement timeout. */
class Idle extends Command {
  check(): boolean {
    return true;
  }
  async act(): Promise<void> {
    await sleep(IDLE_MS);
  }
  toString(): string {
    return `Idle(${IDLE_MS} ms)`;
  }
}

/** The access tokens run out: an old one is refused as expired, and a refresh goes on. */
class TokensExpire extends Command {
  check(m: Readonly<Model>): boolean {
    return m.users.some((u) => u.active);
  }
  async act(m: Model, shop: Shop): Promise<void> {
    const user = m.users.findIndex((u) => u.active);
    const old = shop.sessions[user].access;
    await sleep(Math.max(0, shop.sessions[user].issuedAt + TOKEN_LIFETIME_S * 1000 + 1_100 - Date.now()));
    const refused = await shop.call('GET', '/orders', old);
    if (refused.status !== 401 || refused.body.code !== 'AUTH.TOKEN_EXPIRED') throw new Error(`an expired token: ${refused.status} ${JSON.stringify(refused.body)}`);
    expectStatus(await shop.call('GET', '/orders', await shop.token(user)), 200, 'GET /orders after a refresh');
  }
  toString(): string {
    return 'TokensExpire';
  }
}

class Restart extends Command {
  constructor(readonly service: Service) {
    super();
  }
  check(): boolean {
    return true;
  }
  async act(_m: Model, shop: Shop): Promise<void> {
    await shop.restart(this.service);
  }
  toString(): string {
    return `Restart(${this.service}, SIGKILL)`;
  }
}

const method = fc.constantFrom('test_success' as const, 'test_decline' as const);
const index = fc.nat(50);
const commands = fc.commands(
  [
    fc.constant(null).map(() => new NewUser()),
    fc.tuple(index, method, fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 5 })).map(([u, pm, copies, q]) => new Checkout(u, pm, copies, q)),
    fc.tuple(index, method).map(([o, pm]) => new Pay(o, pm)),
    index.map((o) => new Cancel(o)),
    fc.tuple(index, fc.constantFrom('owner' as const, 'admin' as const)).map(([o, by]) => new Refund(o, by)),
    fc.tuple(index, fc.constantFrom('shipped' as const, 'delivered' as const)).map(([o, to]) => new Fulfil(o, to)),
    fc.tuple(index, fc.boolean()).map(([u, active]) => new SetActive(u, active)),
    fc.constant(new Idle()),
    fc.constant(new TokensExpire()),
    fc.constantFrom<Service>('user', 'order', 'payment').map((s) => new Restart(s)),
  ],
  { maxCommands: MAX_COMMANDS, size: 'max' },
);

/** The books the three databases must keep, whatever the sequence, once the reconciler has run. */
async function checkBooks(running: RunningStack): Promise<string[]> {
  const orders = await running.databases.order.query<{ id: string; status: Status; total_minor: string; payment_id: string | null }>(
    'SELECT id, status, total_minor, payment_id FROM orders',
  );
  const payments = await running.databases.payment.query<{ id: string; order_id: string; status: string; amount_minor: string }>(
    'SELECT id, order_id, status, amount_minor FROM payments',
  );
  const undelivered = await running.databases.payment.query<{ id: string }>('SELECT id FROM payment_events WHERE delivered_at IS NULL');
  const problems: string[] = [];
  const byOrder = new Map<string, typeof payments>();
  for (const p of payments) byOrder.set(p.order_id, [...(byOrder.get(p.order_id) ?? []), p]);
  for (const order of orders) {
    const own = byOrder.get(order.id) ?? [];
    const completed = own.filter((p) => p.status === 'completed');
    if (completed.length > 1) problems.push(`order ${order.id} has ${completed.length} completed payments`);
    if (['confirmed', 'shipped', 'delivered'].includes(order.status)) {
      const paid = completed.length === 1 && completed[0].id === order.payment_id && completed[0].amount_minor === order.total_minor;
      if (!paid) problems.push(`${order.status} order ${order.id} has no single completed payment of ${order.total_minor}: ${JSON.stringify(own)}`);
    }
    if (order.status === 'refunded' && !own.some((p) => p.id === order.payment_id && p.status === 'refunded')) {
      problems.push(`refunded order ${order.id}: its payment is not refunded: ${JSON.stringify(own)}`);
    }
    if ((order.status === 'cancelled' || order.status === 'payment_failed') && completed.length > 0) {
      problems.push(`${order.status} order ${order.id} still holds captured money: ${JSON.stringify(completed)}`);
    }
  }
  if (undelivered.length) problems.push(`${undelivered.length} payment events were never delivered`);
  return problems;
}

describe.each(['server', 'embedded'] as DatabaseKind[])('money flow, model-based, through the gateway (%s database)', (database) => {
  let running: RunningStack;

  beforeAll(async () => {
    running = await startSystemStack({
      database,
      env: {
        JWT_EXPIRES_IN: `${TOKEN_LIFETIME_S}s`,
        DATABASE_POOL_IDLE_TIMEOUT_MS: '200',
        DATABASE_STATEMENT_TIMEOUT_MS: '1000',
        RECONCILE_INTERVAL_MS: String(RECONCILE_INTERVAL_MS),
        RECONCILE_SETTLE_AFTER_MS: String(RECONCILE_SETTLE_AFTER_MS),
      },
    });
  }, 120_000);

  afterAll(async () => {
    await running?.close();
  });

  it(`keeps the API and the model in agreement over ${RUNS} generated sequences, and the books balanced at the end (seed ${SEED})`, async () => {
    console.log(`money-flow model (${database}): seed ${SEED}, ${RUNS} runs of up to ${MAX_COMMANDS} commands; replay with MODEL_SEED=${SEED}`);
    executedCommands = 0;
    await fc.assert(
      fc.asyncProperty(commands, async (sequence) => {
        const shop = new Shop(running);
        await fc.asyncModelRun(async () => {
          const model: Model = { users: [], orders: [] };
          await shop.register();
          model.users.push({ active: true });
          return { model, real: shop };
        }, sequence);
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true, interruptAfterTimeLimit: 20 * 60_000 },
    );
    console.log(`money-flow model (${database}): ${executedCommands} commands executed in ${RUNS} runs (seed ${SEED})`);

    // Whatever the crashes left behind, the reconciler settles it; then the books must balance.
    await sleep(RECONCILE_SETTLE_AFTER_MS + 4 * RECONCILE_INTERVAL_MS);
    let problems: string[] = [];
    for (let attempt = 0; attempt < 20; attempt++) {
      problems = await readBooks(running, database);
      if (!problems.length) break;
      await sleep(500);
    }
    expect(problems).toEqual([]);
  }, 30 * 60_000);
});

/** On the embedded database only the services hold their data: the books are read once they have stopped. */
async function readBooks(running: RunningStack, database: DatabaseKind): Promise<string[]> {
  if (database === 'server') return checkBooks(running);
  await running.stack.stop();
  await Promise.all(Object.values(running.databases).map((db) => db.open()));
  return checkBooks(running);
}

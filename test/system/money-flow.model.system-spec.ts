import fc from 'fast-check';
import { setTimeout as sleep } from 'node:timers/promises';
import { eventually } from '../support/eventually';
import { DatabaseKind } from '../support/test-database';
import { RunningStack, STACK_ADMIN, startSystemStack } from '../support/system-stack';

/**
 * A model-based test of the money flow (fast-check's commands against an in-memory model), driving
 * the real services as processes through the real gateway, with time as an input: idle periods
 * past the pool's idle and statement timeouts, access tokens that expire, services killed and
 * restarted mid-sequence. After every command the API agrees with the model; at the end the three
 * databases keep the books (see checkBooks).
 *
 * The catalog is part of the model: each run creates a few products of its own with scarce stock
 * (so that checkouts and payment retries run out of it), next to the seeded keyboard. The model
 * prices every order from its own copy of the catalog and knows which orders hold which units:
 * an order holds its units from checkout, gives them back when it is declined, cancelled or
 * refunded before shipment, takes them again when a declined order is paid, and keeps them once
 * shipped (a refund after shipment returns nothing: the goods are gone). After every command,
 * for every product, stock on hand + units held by live orders = initial stock + restocks.
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
const BREAKER_HALF_OPEN_AFTER_MS = 1_000;

type Status = 'pending' | 'confirmed' | 'payment_failed' | 'cancelled' | 'shipped' | 'delivered' | 'refunded';
type Service = 'user' | 'order' | 'payment';

/** A product as the model knows it: its price now and before, and where its units came from. */
interface ModelProduct {
  id: string;
  sku: string;
  name: string;
  priceMinor: number;
  /** Prices it had before, oldest first: what a client with a stale page still expects. */
  pastPricesMinor: number[];
  /** Stock on hand when the run began (created with it, or the seeded product's stock then). */
  initial: number;
  restocked: number;
  active: boolean;
  /** The seeded catalog's product, shared by every run: admin commands change only the run's own. */
  seeded: boolean;
}

interface ModelItem {
  product: number;
  quantity: number;
  /** The catalog's price at checkout: the order keeps it, whatever the catalog says later. */
  unitPriceMinor: number;
}

interface ModelOrder {
  id: string;
  owner: number;
  status: Status;
  totalMinor: number;
  paymentId: string | null;
  items: ModelItem[];
  /** Whether the order holds its items' units now. */
  holdsStock: boolean;
}

interface Model {
  users: { active: boolean }[];
  orders: ModelOrder[];
  products: ModelProduct[];
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
      if (refreshed.status === 200)
        Object.assign(session, { access: refreshed.body.access_token, refresh: refreshed.body.refresh_token, issuedAt: Date.now() });
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

  /** A product as anyone sees it (the public catalog route). */
  async product(id: string): Promise<Record<string, unknown>> {
    const reply = await this.call('GET', `/orders/products/${id}`, undefined);
    expectStatus(reply, 200, `GET /orders/products/${id}`);
    return reply.body;
  }

  async restart(service: Service): Promise<void> {
    const [instance] = this.running.stack.instances[service];
    const exited = new Promise((resolve) => instance.process.once('exit', resolve));
    instance.process.kill('SIGKILL');
    await exited;
    this.running.stack.startInstance(instance);
    const health = () =>
      fetch(`${instance.url}/${instance.prefix}/health`).then(
        (r) => r.status,
        () => 0,
      );
    await eventually(health, (status) => status === 200, { what: `${service} back after a restart`, timeoutMs: 60_000, pauseMs: 100 });
    // While it was down, the others' calls to it failed (the reconciler's, the payment events'),
    // which may have opened their circuit breakers: they fail fast until a trial call succeeds.
    // The system has recovered once every breaker is closed again (the calls that opened one go on
    // until it closes); the next command then meets a system that is up, not one still recovering.
    await eventually(
      () => this.openBreakers(),
      (open) => open.length === 0,
      {
        what: `every circuit breaker closed after restarting ${service}`,
        timeoutMs: 30_000,
        pauseMs: 100,
      },
    );
  }

  /** The circuit breakers (`circuit_breaker_state` not 0) that are open or half-open in any service now. */
  async openBreakers(): Promise<string[]> {
    const instances = Object.values(this.running.stack.instances).flat();
    const texts = await Promise.all(instances.map((instance) => fetch(`${instance.url}/metrics`).then((r) => r.text())));
    return texts.flatMap((text) =>
      text.split('\n').filter((line) => line.startsWith('circuit_breaker_state{') && Number(line.trim().split(/\s+/).pop()) !== 0),
    );
  }
}

function expectStatus(reply: Reply, status: number, what: string): void {
  if (reply.status !== status) throw new Error(`${what}: expected ${status}, got ${reply.status} ${JSON.stringify(reply.body)}`);
}

const inactive = (m: Model, user: number) => !m.users[user].active;

function expectInactive(reply: Reply, what: string): void {
  if (reply.status !== 401 || !['AUTH.USER_INACTIVE', 'AUTH.TOKEN_EXPIRED'].includes(String(reply.body.code)))
    throw new Error(`${what} by a deactivated user: expected 401 AUTH.USER_INACTIVE, got ${reply.status} ${JSON.stringify(reply.body)}`);
}

/** Money in the API is a decimal number of currency units; the model counts minor units (cents). */
const cents = (amount: unknown): number => Math.round(Number(amount) * 100);
const decimal = (minor: number): number => minor / 100;

/** The units an order's items take, per product (an order may name one product twice). */
function unitsOf(items: { product: number; quantity: number }[]): Map<number, number> {
  const units = new Map<number, number>();
  for (const item of items) units.set(item.product, (units.get(item.product) ?? 0) + item.quantity);
  return units;
}

/** Units of the product held by the model's live orders. */
function held(m: Readonly<Model>, product: number): number {
  return m.orders.filter((o) => o.holdsStock).reduce((sum, o) => sum + (unitsOf(o.items).get(product) ?? 0), 0);
}

function onHand(m: Readonly<Model>, product: number): number {
  return m.products[product].initial + m.products[product].restocked - held(m, product);
}

/** The products these units do not fit in now, as the API names them in ORDER.OUT_OF_STOCK. */
function shortOf(m: Readonly<Model>, units: Map<number, number>): { product_id: string; sku: string; requested: number; available: number }[] {
  return [...units]
    .filter(([product, quantity]) => quantity > onHand(m, product))
    .map(([product, quantity]) => ({ product_id: m.products[product].id, sku: m.products[product].sku, requested: quantity, available: onHand(m, product) }));
}

const byProductId = (a: { product_id: string }, b: { product_id: string }) => a.product_id.localeCompare(b.product_id);

function expectOutOfStock(reply: Reply, short: ReturnType<typeof shortOf>, what: string): void {
  if (reply.status !== 409 || reply.body.code !== 'ORDER.OUT_OF_STOCK')
    throw new Error(`${what}: expected 409 ORDER.OUT_OF_STOCK for ${JSON.stringify(short)}, got ${reply.status} ${JSON.stringify(reply.body)}`);
  const details = (reply.body.details as { items?: typeof short } | undefined)?.items ?? [];
  const seen = details.map(({ product_id, sku, requested, available }) => ({ product_id, sku, requested, available })).sort(byProductId);
  if (JSON.stringify(seen) !== JSON.stringify([...short].sort(byProductId)))
    throw new Error(`${what}: the API names ${JSON.stringify(seen)} short, the model ${JSON.stringify(short)}`);
}

/**
 * After a command, what the API says of every order and product the model knows must be what the
 * model says: each order's status, payment, prices and total; each product's price, active flag
 * and stock, which with the units the live orders hold must add up to its initial stock and restocks.
 */
async function agree(m: Model, shop: Shop): Promise<void> {
  for (const order of m.orders) {
    const seen = await shop.order(order.id);
    if (seen.status !== order.status) throw new Error(`order ${order.id}: the API says ${String(seen.status)}, the model ${order.status}`);
    if (order.paymentId && seen.payment_id !== order.paymentId)
      throw new Error(`order ${order.id}: payment ${String(seen.payment_id)}, the model ${order.paymentId}`);
    expectPricedAsAtCheckout(m, order, seen, `order ${order.id}`);
  }
  for (const [index, product] of m.products.entries()) {
    const seen = await shop.product(product.id);
    const stock = Number(seen.stock_on_hand);
    const units = held(m, index);
    if (stock + units !== product.initial + product.restocked) {
      throw new Error(
        `${product.sku}: stock on hand ${stock} + ${units} units held by live orders != initial ${product.initial} + restocks ${product.restocked} ` +
          `(the model has ${onHand(m, index)} on hand; holding: ${JSON.stringify(m.orders.filter((o) => o.holdsStock && unitsOf(o.items).has(index)).map((o) => [o.id, o.status]))})`,
      );
    }
    if (cents(seen.price) !== product.priceMinor)
      throw new Error(`${product.sku}: the API's price is ${String(seen.price)}, the model's ${decimal(product.priceMinor)}`);
    if (seen.active !== product.active) throw new Error(`${product.sku}: the API says active ${String(seen.active)}, the model ${product.active}`);
  }
}

/** The order's items and total are the catalog's prices at its checkout (never the catalog's later ones). */
function expectPricedAsAtCheckout(m: Readonly<Model>, order: ModelOrder, seen: Record<string, unknown>, what: string): void {
  const items = (seen.items ?? []) as Record<string, unknown>[];
  const expected = order.items.map((item) => ({
    product_id: m.products[item.product].id,
    sku: m.products[item.product].sku,
    quantity: item.quantity,
    unit_price: item.unitPriceMinor,
    line_total: item.unitPriceMinor * item.quantity,
  }));
  const actual = items.map((item) => ({
    product_id: item.product_id,
    sku: item.sku,
    quantity: item.quantity,
    unit_price: cents(item.unit_price),
    line_total: cents(item.line_total),
  }));
  if (JSON.stringify(actual) !== JSON.stringify(expected))
    throw new Error(`${what}: items ${JSON.stringify(actual)} (in cents), the model's ${JSON.stringify(expected)}`);
  const total = order.items.reduce((sum, item) => sum + item.unitPriceMinor * item.quantity, 0);
  if (cents(seen.total_amount) !== total || order.totalMinor !== total)
    throw new Error(`${what}: total ${String(seen.total_amount)}, the prices at checkout make ${decimal(total)}`);
}

let executedCommands = 0;
/** How often each outcome the catalog adds happened, printed at the end: proof that the paths were taken. */
const outcomes = new Map<string, number>();
const tally = (outcome: string) => outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);

/** A command acts, then the API is checked against the model. */
abstract class Command implements fc.AsyncCommand<Model, Shop> {
  abstract check(m: Readonly<Model>): boolean;
  abstract act(m: Model, shop: Shop): Promise<void>;
  abstract toString(): string;
  async run(m: Model, shop: Shop): Promise<void> {
    executedCommands++;
    tally(`command ${this.constructor.name}`);
    await this.act(m, shop);
    await agree(m, shop);
  }
}

const pick = <T>(items: T[], index: number): T => items[index % items.length];

/** How a checkout names an item's product, and whether it sends the price it expects to pay. */
interface ItemSpec {
  product: number;
  quantity: number;
  ref: 'product_id' | 'sku' | 'name' | 'product_name';
  expect: 'none' | 'current' | 'stale';
}

/** A price the product had before (the newest that differs), or one it never had: not its price now. */
function stalePriceMinor(product: ModelProduct): number {
  return [...product.pastPricesMinor].reverse().find((price) => price !== product.priceMinor) ?? product.priceMinor + 1;
}

/** What the order service answers a checkout of these items now, in the order it checks them. */
function checkoutOutcome(
  m: Readonly<Model>,
  lines: { spec: ItemSpec; index: number; product: ModelProduct; expectedMinor?: number }[],
): { status: 201 } | { status: 422; code: string; lines: number[] } | { status: 409; short: ReturnType<typeof shortOf> } {
  const byName = (spec: ItemSpec) => spec.ref === 'name' || spec.ref === 'product_name';
  // A name names an active product only; an id or SKU names an inactive one, which is not sold.
  const unknown = lines.flatMap((line, i) => (byName(line.spec) && !line.product.active ? [i] : []));
  if (unknown.length) return { status: 422, code: 'ORDER.UNKNOWN_PRODUCT', lines: unknown };
  const unavailable = lines.flatMap((line, i) => (!line.product.active ? [i] : []));
  if (unavailable.length) return { status: 422, code: 'ORDER.PRODUCT_UNAVAILABLE', lines: unavailable };
  const changed = lines.flatMap((line, i) => (line.expectedMinor !== undefined && line.expectedMinor !== line.product.priceMinor ? [i] : []));
  if (changed.length) return { status: 422, code: 'ORDER.PRICE_CHANGED', lines: changed };
  const short = shortOf(m, unitsOf(lines.map((line) => ({ product: line.index, quantity: line.spec.quantity }))));
  if (short.length) return { status: 409, short };
  return { status: 201 };
}

class Checkout extends Command {
  constructor(
    readonly user: number,
    readonly method: 'test_success' | 'test_decline',
    readonly copies: number,
    readonly items: ItemSpec[],
  ) {
    super();
  }
  check(m: Readonly<Model>): boolean {
    return m.users.length > 0;
  }
  async act(m: Model, shop: Shop): Promise<void> {
    const user = this.user % m.users.length;
    const lines = this.items.map((spec) => {
      const index = spec.product % m.products.length;
      const product = m.products[index];
      const expectedMinor = spec.expect === 'current' ? product.priceMinor : spec.expect === 'stale' ? stalePriceMinor(product) : undefined;
      return { spec, index, product, expectedMinor };
    });
    const items = lines.map(({ spec, product, expectedMinor }) => ({
      [spec.ref]: spec.ref === 'product_id' ? product.id : spec.ref === 'sku' ? product.sku : product.name,
      quantity: spec.quantity,
      // The original's `{name, price}` items, and `unit_price` with the other references.
      ...(expectedMinor === undefined ? {} : { [spec.ref === 'name' ? 'price' : 'unit_price']: decimal(expectedMinor) }),
    }));
    const body = { items, payment_method: this.method };
    // Several copies are a client retrying one checkout concurrently: one key, one order, one charge.
    const key = `model-${Math.random().toString(36).slice(2)}`;
    const token = await shop.token(user, !inactive(m, user));
    const replies = await Promise.all(Array.from({ length: this.copies }, () => shop.call('POST', '/orders', token, body, { 'idempotency-key': key })));
    if (inactive(m, user)) return replies.forEach((r) => expectInactive(r, 'checkout'));

    // Every copy of one request gets the same answer: the order, or the same refusal.
    const outcome = checkoutOutcome(m, lines);
    tally(`checkout ${outcome.status}${'code' in outcome ? ` ${outcome.code}` : outcome.status === 409 ? ' ORDER.OUT_OF_STOCK' : ''}`);
    const what = (copy: number) => `checkout ${JSON.stringify(body)} (copy ${copy + 1} of ${this.copies})`;
    if (outcome.status === 409) return replies.forEach((r, copy) => expectOutOfStock(r, outcome.short, what(copy)));
    if (outcome.status === 422) {
      return replies.forEach((r, copy) => {
        if (r.status !== 422 || r.body.code !== outcome.code)
          throw new Error(`${what(copy)}: expected 422 ${outcome.code}, got ${r.status} ${JSON.stringify(r.body)}`);
        if (outcome.code !== 'ORDER.PRICE_CHANGED') return;
        const named = ((r.body.details as { items?: { index: number; current_price: number }[] })?.items ?? []).map((i) => [i.index, cents(i.current_price)]);
        const expected = outcome.lines.map((i) => [i, lines[i].product.priceMinor]);
        if (JSON.stringify(named) !== JSON.stringify(expected))
          throw new Error(`${what(copy)}: PRICE_CHANGED names [index, current price in cents] ${JSON.stringify(named)}, the model ${JSON.stringify(expected)}`);
      });
    }
    replies.forEach((r, copy) => expectStatus(r, 201, what(copy)));
    const ids = new Set(replies.map((r) => r.body.id));
    if (ids.size !== 1) throw new Error(`${this.copies} copies of one checkout made ${ids.size} orders`);
    const [first] = replies;
    const expected: Status = this.method === 'test_success' ? 'confirmed' : 'payment_failed';
    if (first.body.status !== expected)
      throw new Error(`checkout with ${this.method}: ${String(first.body.status)} (${String(first.body.status_reason)}), expected ${expected}`);
    const order: ModelOrder = {
      id: String(first.body.id),
      owner: user,
      status: expected,
      totalMinor: lines.reduce((sum, line) => sum + line.product.priceMinor * line.spec.quantity, 0),
      paymentId: (first.body.payment_id as string) ?? null,
      items: lines.map((line) => ({ product: line.index, quantity: line.spec.quantity, unitPriceMinor: line.product.priceMinor })),
      // A declined checkout gave its units back in the same statement that declined it.
      holdsStock: expected === 'confirmed',
    };
    expectPricedAsAtCheckout(m, order, first.body, 'checkout');
    m.orders.push(order);
  }
  toString(): string {
    const items = this.items.map((i) => `product ${i.product} ×${i.quantity} by ${i.ref}${i.expect === 'none' ? '' : `, expecting the ${i.expect} price`}`);
    return `Checkout(user ${this.user}, ${this.method}, ${this.copies} concurrent copies, [${items.join('; ')}])`;
  }
}

/**
 * Pays an order, through the order service (`/orders/{id}/pay`) or the payment service
 * (`POST /payments` by the buyer). A declined order's retry takes its units again first: when a
 * product is short now, 409 ORDER.OUT_OF_STOCK and the order stays declined.
 */
class Pay extends Command {
  constructor(
    readonly order: number,
    readonly method: 'test_success' | 'test_decline',
    readonly via: 'order' | 'payments',
    /** Retries a declined order when there is one (else any order): retries are where a product runs out under an order. */
    readonly declined: boolean,
  ) {
    super();
  }
  check(m: Readonly<Model>): boolean {
    return m.orders.length > 0;
  }
  async act(m: Model, shop: Shop): Promise<void> {
    const failed = m.orders.filter((o) => o.status === 'payment_failed');
    const order = pick(this.declined && failed.length ? failed : m.orders, this.order);
    const token = await shop.token(order.owner, !inactive(m, order.owner));
    const reply =
      this.via === 'order'
        ? await shop.call('POST', `/orders/${order.id}/pay`, token, { payment_method: this.method })
        : await shop.call('POST', '/payments', token, { order_id: order.id, amount: decimal(order.totalMinor), currency: 'USD', payment_method: this.method });
    const what = `pay a ${order.status} order through ${this.via === 'order' ? `/orders/{id}/pay` : 'POST /payments'}`;
    if (inactive(m, order.owner)) return expectInactive(reply, 'pay');
    const short = order.status === 'payment_failed' ? shortOf(m, unitsOf(order.items)) : [];
    if (order.status === 'payment_failed') tally(short.length ? 'payment retry 409 ORDER.OUT_OF_STOCK' : 'payment retry takes the stock again');
    if (short.length) return expectOutOfStock(reply, short, what);
    if (order.status === 'payment_failed' || order.status === 'pending') {
      expectStatus(reply, this.via === 'order' ? 200 : 201, what);
      order.status = this.method === 'test_success' ? 'confirmed' : 'payment_failed';
      order.paymentId = String(this.via === 'order' ? reply.body.payment_id : reply.body.id);
      if (this.via === 'payments' && reply.body.status !== (this.method === 'test_success' ? 'completed' : 'declined'))
        throw new Error(`${what} with ${this.method}: payment ${String(reply.body.status)}`);
      // Paid, it holds its units; declined again, it gave back the units the retry took.
      order.holdsStock = order.status === 'confirmed';
    } else {
      expectStatus(reply, 409, what);
    }
  }
  toString(): string {
    return `Pay(${this.declined ? 'declined ' : ''}order ${this.order}, ${this.method}, via ${this.via})`;
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
      order.holdsStock = false;
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
      // Refunded before shipment, the units go back; after it, the goods are gone.
      if (order.status === 'confirmed') order.holdsStock = false;
      tally(`refund of a ${order.status} order`);
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

/** The run's own products: the admin commands leave the seeded catalog, shared by every run, alone. */
const ownProducts = (m: Readonly<Model>) => m.products.flatMap((product, index) => (product.seeded ? [] : [index]));

/** The admin changes a price: later checkouts pay the new one, placed orders keep theirs. */
class ChangePrice extends Command {
  constructor(
    readonly product: number,
    readonly priceMinor: number,
  ) {
    super();
  }
  check(m: Readonly<Model>): boolean {
    return ownProducts(m).length > 0;
  }
  async act(m: Model, shop: Shop): Promise<void> {
    const product = m.products[pick(ownProducts(m), this.product)];
    const reply = await shop.call('PATCH', `/orders/products/${product.id}`, await shop.adminToken(), { price: decimal(this.priceMinor) });
    expectStatus(reply, 200, `change the price of ${product.sku}`);
    if (cents(reply.body.price) !== this.priceMinor)
      throw new Error(`${product.sku}: price ${String(reply.body.price)} after changing it to ${decimal(this.priceMinor)}`);
    if (product.priceMinor !== this.priceMinor) product.pastPricesMinor.push(product.priceMinor);
    product.priceMinor = this.priceMinor;
  }
  toString(): string {
    return `ChangePrice(product ${this.product}, ${decimal(this.priceMinor)})`;
  }
}

class Restock extends Command {
  constructor(
    readonly product: number,
    readonly quantity: number,
  ) {
    super();
  }
  check(m: Readonly<Model>): boolean {
    return ownProducts(m).length > 0;
  }
  async act(m: Model, shop: Shop): Promise<void> {
    const index = pick(ownProducts(m), this.product);
    const product = m.products[index];
    const reply = await shop.call('POST', `/orders/products/${product.id}/restock`, await shop.adminToken(), { quantity: this.quantity });
    expectStatus(reply, 200, `restock ${product.sku}`);
    const expected = onHand(m, index) + this.quantity;
    if (reply.body.stock_on_hand !== expected)
      throw new Error(`${product.sku}: ${String(reply.body.stock_on_hand)} on hand after a restock of ${this.quantity}, the model ${expected}`);
    product.restocked += this.quantity;
  }
  toString(): string {
    return `Restock(product ${this.product}, ${this.quantity})`;
  }
}

/** The admin stops selling a product (DELETE), or sells it again: placed orders and their stock are untouched. */
class SetProductActive extends Command {
  constructor(
    readonly product: number,
    readonly active: boolean,
  ) {
    super();
  }
  check(m: Readonly<Model>): boolean {
    return ownProducts(m).length > 0;
  }
  async act(m: Model, shop: Shop): Promise<void> {
    const product = m.products[pick(ownProducts(m), this.product)];
    const token = await shop.adminToken();
    const reply = this.active
      ? await shop.call('PATCH', `/orders/products/${product.id}`, token, { active: true })
      : await shop.call('DELETE', `/orders/products/${product.id}`, token);
    expectStatus(reply, 200, `set ${product.sku} active ${this.active}`);
    if (reply.body.active !== this.active) throw new Error(`${product.sku}: active ${String(reply.body.active)} after setting it ${this.active}`);
    product.active = this.active;
  }
  toString(): string {
    return `SetProductActive(product ${this.product}, ${this.active})`;
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
    if (refused.status !== 401 || refused.body.code !== 'AUTH.TOKEN_EXPIRED')
      throw new Error(`an expired token: ${refused.status} ${JSON.stringify(refused.body)}`);
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
const itemSpec: fc.Arbitrary<ItemSpec> = fc.record({
  product: index,
  // Up to 5 units from a product with 2 to 6: stock runs out within a few checkouts, and under declined orders.
  quantity: fc.integer({ min: 1, max: 5 }),
  ref: fc.constantFrom('product_id' as const, 'sku' as const, 'name' as const, 'product_name' as const),
  expect: fc.oneof(
    { arbitrary: fc.constant('none' as const), weight: 4 },
    { arbitrary: fc.constant('current' as const), weight: 3 },
    { arbitrary: fc.constant('stale' as const), weight: 1 },
  ),
});
const checkout = fc
  .tuple(index, method, fc.integer({ min: 1, max: 3 }), fc.array(itemSpec, { minLength: 1, maxLength: 2 }))
  .map(([u, pm, copies, items]) => new Checkout(u, pm, copies, items));
const pay = fc
  .tuple(index, method, fc.constantFrom('order' as const, 'payments' as const), fc.boolean())
  .map(([o, pm, via, declined]) => new Pay(o, pm, via, declined));
/** Checkouts and payments are listed more than once: they are where the catalog's stock and prices meet the money. */
const commands = fc.commands(
  [
    fc.constant(null).map(() => new NewUser()),
    checkout,
    checkout,
    checkout,
    pay,
    pay,
    index.map((o) => new Cancel(o)),
    fc.tuple(index, fc.constantFrom('owner' as const, 'admin' as const)).map(([o, by]) => new Refund(o, by)),
    fc.tuple(index, fc.constantFrom('shipped' as const, 'delivered' as const)).map(([o, to]) => new Fulfil(o, to)),
    fc.tuple(index, fc.boolean()).map(([u, active]) => new SetActive(u, active)),
    fc.tuple(index, fc.integer({ min: 50, max: 5_000 })).map(([p, price]) => new ChangePrice(p, price)),
    fc.tuple(index, fc.integer({ min: 1, max: 3 })).map(([p, n]) => new Restock(p, n)),
    fc.tuple(index, fc.boolean()).map(([p, active]) => new SetProductActive(p, active)),
    fc.constant(new Idle()),
    fc.constant(new TokensExpire()),
    fc.constantFrom<Service>('user', 'order', 'payment').map((s) => new Restart(s)),
  ],
  { maxCommands: MAX_COMMANDS, size: 'max' },
);

/** The run's own products: two or three, each with a price and a scarce stock. */
const catalog = fc.array(fc.record({ priceMinor: fc.integer({ min: 50, max: 5_000 }), stock: fc.integer({ min: 2, max: 6 }) }), { minLength: 2, maxLength: 3 });
const SEEDED_SKU = 'KB-MECH-01';
let catalogRuns = 0;

/**
 * The model's catalog for one run: the seeded keyboard as it is now (earlier runs bought some of
 * it), and new products with unique SKUs and names, created by the admin with scarce stock.
 */
async function createCatalog(shop: Shop, specs: { priceMinor: number; stock: number }[]): Promise<ModelProduct[]> {
  const found = await shop.call('GET', `/orders/products?search=${encodeURIComponent('Mechanical keyboard')}&active=all&limit=100`, undefined);
  expectStatus(found, 200, 'search the catalog');
  const keyboard = ((found.body as unknown as Record<string, unknown>[]) ?? []).find((p) => p.sku === SEEDED_SKU);
  if (!keyboard) throw new Error(`the seeded ${SEEDED_SKU} is not in the catalog: ${JSON.stringify(found.body)}`);
  const products: ModelProduct[] = [fromApi(keyboard, true)];
  const run = `${++catalogRuns}-${Math.random().toString(36).slice(2, 8)}`;
  const token = await shop.adminToken();
  for (const [i, spec] of specs.entries()) {
    const created = await shop.call('POST', '/orders/products', token, {
      sku: `MODEL-${run}-${i}`,
      name: `Model part ${run}-${i}`,
      price: decimal(spec.priceMinor),
      currency: 'USD',
      stock_on_hand: spec.stock,
    });
    expectStatus(created, 201, 'create a product');
    products.push(fromApi(created.body, false));
  }
  return products;
}

function fromApi(product: Record<string, unknown>, seeded: boolean): ModelProduct {
  return {
    id: String(product.id),
    sku: String(product.sku),
    name: String(product.name),
    priceMinor: cents(product.price),
    pastPricesMinor: [],
    initial: Number(product.stock_on_hand),
    restocked: 0,
    active: product.active === true,
    seeded,
  };
}

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
        // The order service's breakers try again after 1 s instead of 5 s: a restart's recovery is quicker to wait for.
        BREAKER_HALF_OPEN_AFTER_MS: String(BREAKER_HALF_OPEN_AFTER_MS),
      },
    });
  }, 120_000);

  afterAll(async () => {
    await running?.close();
  });

  it(
    `keeps the API and the model in agreement over ${RUNS} generated sequences, and the books balanced at the end (seed ${SEED})`,
    async () => {
      console.log(`money-flow model (${database}): seed ${SEED}, ${RUNS} runs of up to ${MAX_COMMANDS} commands; replay with MODEL_SEED=${SEED}`);
      executedCommands = 0;
      outcomes.clear();
      catalogRuns = 0;
      await fc.assert(
        fc.asyncProperty(catalog, commands, async (products, sequence) => {
          const shop = new Shop(running);
          await fc.asyncModelRun(async () => {
            const model: Model = { users: [], orders: [], products: await createCatalog(shop, products) };
            await shop.register();
            model.users.push({ active: true });
            return { model, real: shop };
          }, sequence);
        }),
        { seed: SEED, numRuns: RUNS, endOnFailure: true, interruptAfterTimeLimit: 20 * 60_000 },
      );
      console.log(
        `money-flow model (${database}): ${executedCommands} commands executed in ${RUNS} runs, ${catalogRuns} catalogs created (seed ${SEED}); outcomes: ${JSON.stringify(Object.fromEntries([...outcomes].sort()))}`,
      );

      // Whatever the crashes left behind, the reconciler settles it; then the books must balance.
      await sleep(RECONCILE_SETTLE_AFTER_MS + 4 * RECONCILE_INTERVAL_MS);
      let problems: string[] = [];
      for (let attempt = 0; attempt < 20; attempt++) {
        problems = await readBooks(running, database);
        if (!problems.length) break;
        await sleep(500);
      }
      expect(problems).toEqual([]);
    },
    30 * 60_000,
  );
});

/** On the embedded database only the services hold their data: the books are read once they have stopped. */
async function readBooks(running: RunningStack, database: DatabaseKind): Promise<string[]> {
  if (database === 'server') return checkBooks(running);
  await running.stack.stop();
  await Promise.all(Object.values(running.databases).map((db) => db.open()));
  return checkBooks(running);
}

/** What a client saw for one request: `status` 0 when no HTTP answer came (refused, reset, timed out). */
export interface Outcome {
  status: number;
  ms: number;
  /** When the request was sent (epoch ms). */
  at: number;
  body: unknown;
  contentType: string;
  error?: string;
}

export interface Call {
  method?: string;
  path: string;
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** The client gives up after this long and records status 0. */
  timeoutMs?: number;
}

/** One JSON request; never throws, so a fault shows up as an outcome to assert on. */
export async function call(baseUrl: string, { method = 'GET', path, token, body, headers = {}, timeoutMs = 15_000 }: Call): Promise<Outcome> {
  const at = Date.now();
  try {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // kept as text: a non-JSON answer is itself something to assert on
    }
    return { status: response.status, ms: Date.now() - at, at, body: parsed, contentType: response.headers.get('content-type') ?? '' };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return { status: 0, ms: Date.now() - at, at, body: undefined, contentType: '', error: cause?.code ?? (error as Error).name };
  }
}

export interface Stream {
  readonly outcomes: Outcome[];
  /** Stops sending and resolves once every request in flight has answered. */
  stop(): Promise<Outcome[]>;
}

/**
 * A steady, bounded load: `concurrency` clients each sending one request after the other, with a
 * pause between, until stopped, `maxRequests` were sent or `maxMs` passed.
 */
export function startStream(send: () => Promise<Outcome>, options: { concurrency: number; pauseMs: number; maxRequests: number; maxMs: number }): Stream {
  const outcomes: Outcome[] = [];
  const deadline = Date.now() + options.maxMs;
  let sent = 0;
  let stopped = false;
  const client = async () => {
    while (!stopped && sent < options.maxRequests && Date.now() < deadline) {
      sent++;
      outcomes.push(await send());
      await sleep(options.pauseMs);
    }
  };
  const clients = Promise.all(Array.from({ length: options.concurrency }, client));
  return {
    outcomes,
    async stop() {
      stopped = true;
      await clients;
      return outcomes;
    },
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Counts per status, e.g. `{ "201": 180, "503": 20 }`, for readable failure messages and reports. */
export function countBy<T>(items: readonly T[], key: (item: T) => string | number): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[String(key(item))] = (counts[String(key(item))] ?? 0) + 1;
  return counts;
}

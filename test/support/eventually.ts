/** What a read returns while the effect has not happened yet. */
type Falsy<T> = T | undefined | null | false;

export interface EventuallyOptions {
  /** How long to keep reading before giving up. */
  timeoutMs?: number;
  /** The pause between two reads. */
  pauseMs?: number;
  /** What is awaited, for the error past the deadline (a function to say what was seen by then, e.g. a process's output). */
  what?: string | (() => string);
}

/**
 * Reads until `ok` accepts what was read and returns that, for effects that happen in the
 * background. Past the deadline it throws, naming what was awaited and the last value read: a wait
 * never decides an assertion by its length, only by what it saw.
 */
export function eventually<T>(read: () => Falsy<T> | Promise<Falsy<T>>, ok?: BooleanConstructor, options?: EventuallyOptions): Promise<T>;
export function eventually<T>(read: () => T | Promise<T>, ok: (value: T) => unknown, options?: EventuallyOptions): Promise<T>;
export async function eventually<T>(
  read: () => T | Promise<T>,
  ok: (value: T) => unknown = Boolean,
  { timeoutMs = 10_000, pauseMs = 50, what = 'condition' }: EventuallyOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`${typeof what === 'function' ? what() : what}: not met within ${timeoutMs} ms; last read: ${describe(value)}`);
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
}

function describe(value: unknown): string {
  try {
    return JSON.stringify(value)?.slice(0, 2000) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * Polls `check` until it returns something truthy and returns that, for effects that happen in the
 * background. Past the deadline it throws, naming what was awaited: a wait never decides an assertion
 * by its length, only by what it saw.
 */
export async function eventually<T>(check: () => Promise<T | undefined | null | false>, what = 'condition', timeoutMs = 10_000, pauseMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await check();
    if (result) return result;
    if (Date.now() > deadline) throw new Error(`${what}: not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
}

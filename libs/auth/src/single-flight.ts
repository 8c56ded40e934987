/** Concurrent calls for the same key share one pending call; nothing is kept once it settles. */
export class SingleFlight<T> {
  private readonly pending = new Map<string, Promise<T>>();

  run(key: string, call: () => Promise<T>): Promise<T> {
    const current = this.pending.get(key);
    if (current) return current;
    const flight = call().finally(() => this.pending.delete(key));
    this.pending.set(key, flight);
    return flight;
  }
}

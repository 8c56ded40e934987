import { HashingQueue } from './hashing-queue';

const events = () => ({ queueLength: jest.fn(), jobsRunning: jest.fn(), jobSkipped: jest.fn(), jobRejected: jest.fn() });
const deferred = () => {
  let resolve!: (value: string) => void;
  const promise = new Promise<string>((r) => (resolve = r));
  return { promise, resolve };
};

describe('HashingQueue', () => {
  it('runs jobs one at a time in arrival order, and refuses past the limit with PASSWORDS.BUSY', async () => {
    const seen = events();
    const queue = new HashingQueue(1, 1, 10_000, seen);
    const first = deferred();
    const order: string[] = [];
    const a = queue.run(() => first.promise.then((v) => (order.push(v), v)));
    const b = queue.run(async () => (order.push('b'), 'b'));
    await expect(queue.run(async () => 'c')).rejects.toMatchObject({ code: 'PASSWORDS.BUSY', status: 503, retryAfterSeconds: 10 });
    first.resolve('a');
    expect(await Promise.all([a, b])).toEqual(['a', 'b']);
    expect(order).toEqual(['a', 'b']);
    expect(seen.jobRejected).toHaveBeenCalledWith('queue_full');
    expect(seen.queueLength).toHaveBeenLastCalledWith(0);
  });

  it('drops a queued job whose client has gone, without running it', async () => {
    const seen = events();
    const queue = new HashingQueue(1, 10, 10_000, seen);
    const first = deferred();
    const running = queue.run(() => first.promise);
    const gone = new AbortController();
    const job = jest.fn(async () => 'never');
    const queued = queue.run(job, gone.signal);
    gone.abort();
    await expect(queued).rejects.toMatchObject({ code: 'REQUEST.CLIENT_CLOSED' });
    first.resolve('done');
    await running;
    expect(job).not.toHaveBeenCalled();
    expect(seen.jobSkipped).toHaveBeenCalledWith('client_gone');
  });

  it('refuses a job that waited longer than the maximum wait', async () => {
    const seen = events();
    const queue = new HashingQueue(1, 10, 5, seen);
    const first = deferred();
    const running = queue.run(() => first.promise);
    await expect(queue.run(async () => 'late')).rejects.toMatchObject({ code: 'PASSWORDS.BUSY', retryAfterSeconds: 1 });
    expect(seen.jobRejected).toHaveBeenCalledWith('waited_too_long');
    first.resolve('done');
    expect(await running).toBe('done');
  });
});

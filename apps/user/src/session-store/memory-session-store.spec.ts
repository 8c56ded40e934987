import { MemorySessionStore } from './memory-session-store';

describe('MemorySessionStore', () => {
  let store: MemorySessionStore;
  beforeEach(() => (store = new MemorySessionStore()));
  afterEach(() => store.close());

  it('takes a value only once', async () => {
    await store.put('k', 'v', 60);
    expect(await store.take('k')).toBe('v');
    expect(await store.take('k')).toBeNull();
  });

  it('forgets values after their TTL', async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    try {
      await store.put('k', 'v', 10);
      jest.setSystemTime(1_000_000 + 9_999);
      expect(await store.get('k')).toBe('v');
      jest.setSystemTime(1_000_000 + 10_000);
      expect(await store.get('k')).toBeNull();
    } finally {
      jest.useRealTimers();
    }
  });

  it('deletes several keys at once', async () => {
    await store.put('a', '1', 60);
    await store.put('b', '2', 60);
    await store.delete('a', 'b');
    expect([await store.get('a'), await store.get('b')]).toEqual([null, null]);
  });

  it('keeps sets of members until their TTL, and deletes them like values', async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    try {
      await store.addMember('s', 'a', 10);
      await store.addMember('s', 'b', 20);
      await store.removeMembers('s', 'a');
      expect(await store.members('s')).toEqual(['b']);
      jest.setSystemTime(1_000_000 + 15_000);
      expect(await store.members('s')).toEqual(['b']);
      await store.delete('s');
      expect(await store.members('s')).toEqual([]);
      await store.addMember('t', 'c', 10);
      jest.setSystemTime(1_000_000 + 25_000);
      expect(await store.members('t')).toEqual([]);
    } finally {
      jest.useRealTimers();
    }
  });
});

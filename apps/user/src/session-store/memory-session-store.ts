import { SessionStore } from './session-store';

export class MemorySessionStore extends SessionStore {
  private readonly entries = new Map<string, { value: string; expiresAt: number }>();
  private readonly sets = new Map<string, { members: Set<string>; expiresAt: number }>();
  private readonly sweeper = setInterval(() => this.sweep(), 60_000).unref();

  async put(key: string, value: string, ttlSeconds: number): Promise<void> {
    this.entries.set(key, { value, expiresAt: Date.now() + ttlSeconds * 1000 });
  }

  async get(key: string): Promise<string | null> {
    const entry = this.entries.get(key);
    if (!entry) return null;
    if (entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return null;
    }
    return entry.value;
  }

  async take(key: string): Promise<string | null> {
    const value = await this.get(key);
    this.entries.delete(key);
    return value;
  }

  async delete(...keys: string[]): Promise<void> {
    for (const key of keys) {
      this.entries.delete(key);
      this.sets.delete(key);
    }
  }

  async addMember(key: string, member: string, ttlSeconds: number): Promise<void> {
    const expiresAt = Date.now() + ttlSeconds * 1000;
    const set = this.liveSet(key);
    if (set) {
      set.members.add(member);
      set.expiresAt = Math.max(set.expiresAt, expiresAt);
    } else {
      this.sets.set(key, { members: new Set([member]), expiresAt });
    }
  }

  async members(key: string): Promise<string[]> {
    return [...(this.liveSet(key)?.members ?? [])];
  }

  async removeMembers(key: string, ...members: string[]): Promise<void> {
    const set = this.liveSet(key);
    if (!set) return;
    for (const member of members) set.members.delete(member);
    if (set.members.size === 0) this.sets.delete(key);
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    clearInterval(this.sweeper);
  }

  private liveSet(key: string): { members: Set<string>; expiresAt: number } | undefined {
    const set = this.sets.get(key);
    if (set && set.expiresAt <= Date.now()) {
      this.sets.delete(key);
      return undefined;
    }
    return set;
  }

  private sweep(): void {
    const now = Date.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
    for (const [key, set] of this.sets) if (set.expiresAt <= now) this.sets.delete(key);
  }
}

/**
 * Where refresh-token sessions live: Redis when REDIS_URL is set (shared by every replica),
 * else this process's memory (the embedded default, one replica only).
 */
export abstract class SessionStore {
  abstract put(key: string, value: string, ttlSeconds: number): Promise<void>;
  abstract get(key: string): Promise<string | null>;
  /** Reads and deletes in one step, so a token can be spent only once. */
  abstract take(key: string): Promise<string | null>;
  /** Deletes values and sets alike. */
  abstract delete(...keys: string[]): Promise<void>;
  /** Adds to a set, which then lives at least `ttlSeconds` more (a user's sessions, to revoke them all). */
  abstract addMember(key: string, member: string, ttlSeconds: number): Promise<void>;
  abstract members(key: string): Promise<string[]>;
  abstract removeMembers(key: string, ...members: string[]): Promise<void>;
  abstract ping(): Promise<void>;
  abstract close(): Promise<void>;
}

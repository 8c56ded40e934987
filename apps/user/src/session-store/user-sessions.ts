import { Injectable } from '@nestjs/common';
import { SessionStore } from './session-store';

const sessionsOf = (userId: string) => `sessions-of:${userId}`;

/**
 * A session is `session:<id>` → the hash of its current refresh token (`token:<hash>`). Each user's
 * session ids are kept in a set too, so that all of them, or all but one, can be revoked at once.
 */
@Injectable()
export class UserSessions {
  constructor(private readonly store: SessionStore) {}

  track(userId: string, sessionId: string, ttlSeconds: number): Promise<void> {
    return this.store.addMember(sessionsOf(userId), sessionId, ttlSeconds);
  }

  async revoke(sessionId: string, userId?: string): Promise<void> {
    const current = await this.store.get(`session:${sessionId}`);
    await this.store.delete(`session:${sessionId}`, ...(current ? [`token:${current}`] : []));
    if (userId) await this.store.removeMembers(sessionsOf(userId), sessionId);
  }

  /** Every session of the user except `keep` (the caller's own, when it asks). */
  async revokeAll(userId: string, keep?: string): Promise<void> {
    const sessionIds = (await this.store.members(sessionsOf(userId))).filter((id) => id !== keep);
    await Promise.all(sessionIds.map((id) => this.revoke(id, userId)));
  }
}

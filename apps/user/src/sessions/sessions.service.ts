import { AccessTokenClaims, authConfig, AuthConfig, AuthenticatedUser } from '@app/auth';
import { UnauthorizedError } from '@app/errors';
import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { userConfig, UserConfig } from '../config/user.config';
import { PasswordHasher } from '../passwords/password-hasher';
import { User } from '../users/user.entity';
import { UsersRepository } from '../users/users.repository';
import { LoginLockout } from './lockout/login-lockout';
import { TokenResponse } from './dto/token.response';
import { SessionStore } from '../session-store/session-store';
import { UserSessions } from '../session-store/user-sessions';

interface RefreshEntry {
  sessionId: string;
  userId: string;
}

const INVALID_LOGIN = 'Invalid username/email or password';

/**
 * Refresh tokens are opaque and stored only as hashes. Each refresh spends the token and
 * issues the next one in the same session; presenting a spent token again means it leaked,
 * so the whole session is revoked.
 */
@Injectable()
export class SessionsService {
  constructor(
    private readonly users: UsersRepository,
    private readonly passwords: PasswordHasher,
    private readonly store: SessionStore,
    private readonly sessions: UserSessions,
    private readonly lockout: LoginLockout,
    private readonly jwt: JwtService,
    @Inject(authConfig.KEY) private readonly auth: AuthConfig,
    @Inject(userConfig.KEY) private readonly config: UserConfig,
  ) {}

  /** Unknown users, wrong passwords and deactivated accounts get one answer, after the same work. */
  async login(identifier: string, password: string, clientGone?: AbortSignal): Promise<TokenResponse> {
    const user = await this.users.findByLogin(identifier);
    const key = this.lockout.keyFor(identifier, user?.id);
    await this.lockout.admit(key);
    let valid: boolean;
    try {
      valid = user ? await this.passwords.verify(password, user.passwordHash, clientGone) : await this.passwords.verifyAgainstDecoy(password, clientGone);
    } catch (error) {
      // Refused (503) or dropped before the check: not a wrong password, so not a failure.
      await this.lockout.notChecked(key);
      throw error;
    }
    if (!user || !valid || !user.isActive) throw new UnauthorizedError(INVALID_LOGIN, 'AUTH.INVALID_CREDENTIALS');
    await this.lockout.succeeded(key);
    return this.issue(user, randomUUID());
  }

  async refresh(refreshToken: string): Promise<TokenResponse> {
    const hash = digest(refreshToken);
    const entry = await this.store.take(`token:${hash}`);
    if (!entry) {
      const reusedSession = await this.store.get(`spent:${hash}`);
      if (reusedSession) await this.sessions.revoke(reusedSession);
      throw new UnauthorizedError('The refresh token is invalid, expired or already used', 'AUTH.REFRESH_TOKEN_INVALID');
    }
    const { sessionId, userId } = JSON.parse(entry) as RefreshEntry;
    await this.store.put(`spent:${hash}`, sessionId, this.config.REFRESH_TOKEN_TTL_SECONDS);
    const user = await this.users.findById(userId);
    if (!user?.isActive) {
      await this.sessions.revoke(sessionId, userId);
      throw new UnauthorizedError('The refresh token is invalid, expired or already used', 'AUTH.REFRESH_TOKEN_INVALID');
    }
    return this.issue(user, sessionId);
  }

  /** Idempotent: a token that is unknown, spent or someone else's changes nothing. */
  async logout(caller: AuthenticatedUser, refreshToken: string): Promise<void> {
    const entry = await this.store.get(`token:${digest(refreshToken)}`);
    const session = entry ? (JSON.parse(entry) as RefreshEntry) : undefined;
    if (session?.userId === caller.id) await this.sessions.revoke(session.sessionId, caller.id);
  }

  private async issue(user: User, sessionId: string): Promise<TokenResponse> {
    const claims: AccessTokenClaims = { sub: user.id, role: user.role, typ: 'access', sid: sessionId };
    const refreshToken = randomBytes(32).toString('base64url');
    const hash = digest(refreshToken);
    const ttl = this.config.REFRESH_TOKEN_TTL_SECONDS;
    await this.store.put(`token:${hash}`, JSON.stringify({ sessionId, userId: user.id } satisfies RefreshEntry), ttl);
    await this.store.put(`session:${sessionId}`, hash, ttl);
    await this.sessions.track(user.id, sessionId, ttl);
    return {
      access_token: await this.jwt.signAsync(claims),
      token_type: 'bearer',
      expires_in: this.auth.expiresInSeconds,
      refresh_token: refreshToken,
    };
  }
}

function digest(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

import type { AuthenticatedUser } from '@app/auth';
import { ConflictError, NotFoundError, UnauthorizedError, UnprocessableError } from '@app/errors';
import { Page } from '@app/http';
import { Injectable } from '@nestjs/common';
import { PasswordHasher } from '../passwords/password-hasher';
import { UserSessions } from '../session-store/user-sessions';
import { RegisterUserDto } from './dto/register-user.dto';
import { UpdateMeDto } from './dto/update-me.dto';
import { UpdateUserDto } from './dto/update-user.dto';
import { User } from './user.entity';
import { DuplicateUserError, UsersRepository } from './users.repository';

const TAKEN = { email: 'USER.EMAIL_TAKEN', username: 'USER.USERNAME_TAKEN' } as const;

@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly passwords: PasswordHasher,
    private readonly sessions: UserSessions,
  ) {}

  async register(dto: RegisterUserDto, role: User['role'] = 'user', clientGone?: AbortSignal): Promise<User> {
    const passwordHash = await this.passwords.hash(dto.password, clientGone);
    try {
      return await this.users.insert({ email: dto.email, username: dto.username, passwordHash, fullName: dto.full_name ?? null, role });
    } catch (error) {
      if (error instanceof DuplicateUserError) {
        throw new ConflictError(TAKEN[error.field], `A user with this ${error.field} already exists`);
      }
      throw error;
    }
  }

  /** The caller themself or an admin; anyone else gets the same 404 as for a missing user. */
  async getVisibleTo(caller: AuthenticatedUser, id: string): Promise<User> {
    if (caller.id === id) return this.getActive(caller);
    if (caller.role !== 'admin') throw new NotFoundError('User');
    const user = await this.users.findById(id);
    if (!user) throw new NotFoundError('User');
    return user;
  }

  /** A deactivated account still reads itself (is_active false tells the client why all else fails); a deleted one does not. */
  async getMe(caller: AuthenticatedUser): Promise<User> {
    const user = await this.users.findById(caller.id);
    if (!user) throw inactive();
    return user;
  }

  async updateMe(caller: AuthenticatedUser, dto: UpdateMeDto, clientGone?: AbortSignal): Promise<User> {
    const user = await this.getActive(caller);
    const changes: { fullName?: string; passwordHash?: string } = {};
    if (dto.full_name !== undefined) changes.fullName = dto.full_name;
    if (dto.password !== undefined) {
      if (!(await this.passwords.verify(dto.current_password ?? '', user.passwordHash, clientGone))) {
        throw new UnprocessableError('USER.CURRENT_PASSWORD_INCORRECT', 'current_password is incorrect');
      }
      changes.passwordHash = await this.passwords.hash(dto.password, clientGone);
    }
    if (Object.keys(changes).length === 0) return user;
    const updated = (await this.users.update(user.id, changes)) ?? user;
    // Whoever else knew the old password loses their sessions; the caller keeps the one it is using.
    if (changes.passwordHash) await this.sessions.revokeAll(user.id, caller.sessionId);
    return updated;
  }

  /** Deactivation revokes every session; an admin cannot lock themself out, so the last admin is never lost by accident. */
  async updateAccess(caller: AuthenticatedUser, id: string, dto: UpdateUserDto): Promise<User> {
    if (caller.id === id && (dto.is_active === false || dto.role === 'user')) {
      throw new ConflictError('USER.OWN_ACCESS_LOCKED', 'An admin cannot deactivate or demote themself; ask another admin to do it');
    }
    const changes: { isActive?: boolean; role?: User['role'] } = {};
    if (dto.is_active !== undefined) changes.isActive = dto.is_active;
    if (dto.role !== undefined) changes.role = dto.role;
    const user = Object.keys(changes).length ? await this.users.update(id, changes) : await this.users.findById(id);
    if (!user) throw new NotFoundError('User');
    if (dto.is_active === false) await this.sessions.revokeAll(id);
    return user;
  }

  list(offset: number, limit: number): Promise<Page<User>> {
    return this.users.list(offset, limit);
  }

  private async getActive(caller: AuthenticatedUser): Promise<User> {
    const user = await this.getMe(caller);
    if (!user.isActive) throw inactive();
    return user;
  }
}

const inactive = () => new UnauthorizedError('Your account no longer exists or is deactivated', 'AUTH.USER_INACTIVE');

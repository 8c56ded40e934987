import type { AuthenticatedUser } from '@app/auth';
import { ConflictError, NotFoundError, Page, UnauthorizedError, UnprocessableError } from '@app/bootstrap';
import { Injectable } from '@nestjs/common';
import { PasswordHasher } from '../passwords/password-hasher';
import { RegisterUserDto } from './dto/register-user.dto';
import { UpdateMeDto } from './dto/update-me.dto';
import { User } from './user.entity';
import { DuplicateUserError, UsersRepository } from './users.repository';

@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly passwords: PasswordHasher,
  ) {}

  async register(dto: RegisterUserDto, role: User['role'] = 'user'): Promise<User> {
    const passwordHash = await this.passwords.hash(dto.password);
    try {
      return await this.users.insert({ email: dto.email, username: dto.username, passwordHash, fullName: dto.full_name ?? null, role });
    } catch (error) {
      if (error instanceof DuplicateUserError) {
        throw new ConflictError(`USER.${error.field.toUpperCase()}_TAKEN`, `A user with this ${error.field} already exists`);
      }
      throw error;
    }
  }

  /** The caller themself or an admin; anyone else gets the same 404 as for a missing user. */
  async getVisibleTo(caller: AuthenticatedUser, id: string): Promise<User> {
    if (caller.id === id) return this.getMe(caller);
    if (caller.role !== 'admin') throw new NotFoundError('User');
    const user = await this.users.findById(id);
    if (!user) throw new NotFoundError('User');
    return user;
  }

  /** A token outliving its deactivated (or deleted) account is refused like any invalid token. */
  async getMe(caller: AuthenticatedUser): Promise<User> {
    const user = await this.users.findById(caller.id);
    if (!user?.isActive) throw new UnauthorizedError('Your account no longer exists or is deactivated', 'AUTH.USER_INACTIVE');
    return user;
  }

  async updateMe(caller: AuthenticatedUser, dto: UpdateMeDto): Promise<User> {
    const user = await this.getMe(caller);
    const changes: { fullName?: string; passwordHash?: string } = {};
    if (dto.full_name !== undefined) changes.fullName = dto.full_name;
    if (dto.password !== undefined) {
      if (!(await this.passwords.verify(dto.current_password ?? '', user.passwordHash))) {
        throw new UnprocessableError('USER.CURRENT_PASSWORD_INCORRECT', 'current_password is incorrect');
      }
      changes.passwordHash = await this.passwords.hash(dto.password);
    }
    if (Object.keys(changes).length === 0) return user;
    return (await this.users.update(user.id, changes)) ?? user;
  }

  list(offset: number, limit: number): Promise<Page<User>> {
    return this.users.list(offset, limit);
  }
}

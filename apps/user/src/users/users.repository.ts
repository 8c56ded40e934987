import { Page } from '@app/http';
import { isUniqueViolation, SqlStatement, violatedConstraint } from '@app/db';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { User } from './user.entity';
import { USER_COLUMNS, userFromRow, UserRow } from './user.rows';

export type NewUser = Pick<User, 'email' | 'username' | 'passwordHash' | 'fullName' | 'role'>;

export class DuplicateUserError extends Error {
  constructor(readonly field: 'email' | 'username') {
    super(`${field} taken`);
  }
}

/** Hot path: GET /users/me and the session refresh. */
const USER_BY_ID = new SqlStatement<UserRow>('user_by_id', `SELECT ${USER_COLUMNS} FROM users WHERE id = $1`);

/** Hot path: the account check of every authenticated request, two columns by primary key. */
const USER_STATUS_BY_ID = new SqlStatement<Pick<UserRow, 'is_active' | 'role'>>('user_status_by_id', 'SELECT is_active, role FROM users WHERE id = $1');

/** By the case fold of the unique index on usernames, which TypeORM's find options cannot say. */
const USER_BY_USERNAME = new SqlStatement<UserRow>('user_by_username', `SELECT ${USER_COLUMNS} FROM users WHERE lower(username) = lower($1)`);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@Injectable()
export class UsersRepository {
  constructor(@InjectRepository(User) private readonly users: Repository<User>) {}

  async findById(id: string): Promise<User | null> {
    const [row] = await USER_BY_ID.rows(this.users.manager.connection, [id]);
    return row ? userFromRow(row) : null;
  }

  async findStatus(id: string): Promise<Pick<User, 'isActive' | 'role'> | null> {
    if (!UUID.test(id)) return null;
    const [row] = await USER_STATUS_BY_ID.rows(this.users.manager.connection, [id]);
    return row ? { isActive: row.is_active, role: row.role } : null;
  }

  findByEmail(email: string): Promise<User | null> {
    return this.users.findOneBy({ email: email.toLowerCase() });
  }

  /** The login identifier may be the email or the username (the original's docs show both). */
  async findByLogin(identifier: string): Promise<User | null> {
    if (identifier.includes('@')) return this.findByEmail(identifier);
    const [row] = await USER_BY_USERNAME.rows(this.users.manager.connection, [identifier]);
    return row ? userFromRow(row) : null;
  }

  /** Relies on the unique indexes, not on a prior lookup, so concurrent registrations cannot both win. */
  async insert(user: NewUser): Promise<User> {
    try {
      return await this.users.save(this.users.create(user));
    } catch (error) {
      if (isUniqueViolation(error)) throw new DuplicateUserError(violatedConstraint(error)?.includes('username') ? 'username' : 'email');
      throw error;
    }
  }

  async update(id: string, changes: Partial<Pick<User, 'fullName' | 'passwordHash' | 'isActive' | 'role'>>): Promise<User | null> {
    await this.users.update({ id }, changes);
    return this.findById(id);
  }

  async list(offset: number, limit: number): Promise<Page<User>> {
    const [items, total] = await this.users.findAndCount({ order: { createdAt: 'DESC', id: 'ASC' }, skip: offset, take: limit });
    return { items, total };
  }
}

import { Page } from '@app/bootstrap';
import { PreparedStatement } from '@app/db';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { QueryFailedError, Repository } from 'typeorm';
import { User } from './user.entity';

export type NewUser = Pick<User, 'email' | 'username' | 'passwordHash' | 'fullName' | 'role'>;

export class DuplicateUserError extends Error {
  constructor(readonly field: 'email' | 'username') {
    super(`${field} taken`);
  }
}

const UNIQUE_VIOLATION = '23505';

interface UserRow {
  id: string;
  email: string;
  username: string;
  password_hash: string;
  full_name: string | null;
  role: User['role'];
  is_active: boolean;
  created_at: Date;
  updated_at: Date;
}

const USER_BY_ID = new PreparedStatement<UserRow>(
  'user_by_id',
  'SELECT id, email, username, password_hash, full_name, role, is_active, created_at, updated_at FROM users WHERE id = $1',
);

const USER_STATUS_BY_ID = new PreparedStatement<Pick<UserRow, 'is_active' | 'role'>>('user_status_by_id', 'SELECT is_active, role FROM users WHERE id = $1');

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@Injectable()
export class UsersRepository {
  constructor(@InjectRepository(User) private readonly users: Repository<User>) {}

  /** On every authenticated request: a prepared statement, without TypeORM building the query each time. */
  async findById(id: string): Promise<User | null> {
    const [row] = await USER_BY_ID.rows(this.users.manager.connection, [id]);
    if (!row) return null;
    return this.users.create({
      id: row.id,
      email: row.email,
      username: row.username,
      passwordHash: row.password_hash,
      fullName: row.full_name,
      role: row.role,
      isActive: row.is_active,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    });
  }

  /** The account check of every authenticated request: two columns by primary key. */
  async findStatus(id: string): Promise<Pick<User, 'isActive' | 'role'> | null> {
    if (!UUID.test(id)) return null;
    const [row] = await USER_STATUS_BY_ID.rows(this.users.manager.connection, [id]);
    return row ? { isActive: row.is_active, role: row.role } : null;
  }

  findByEmail(email: string): Promise<User | null> {
    return this.users.findOneBy({ email: email.toLowerCase() });
  }

  /** The login identifier may be the email or the username (the original's docs show both). */
  findByLogin(identifier: string): Promise<User | null> {
    if (identifier.includes('@')) return this.findByEmail(identifier);
    return this.users.createQueryBuilder('user').where('lower(user.username) = lower(:identifier)', { identifier }).getOne();
  }

  /** Relies on the unique indexes, not on a prior lookup, so concurrent registrations cannot both win. */
  async insert(user: NewUser): Promise<User> {
    try {
      return await this.users.save(this.users.create(user));
    } catch (error) {
      if (error instanceof QueryFailedError && (error.driverError as { code?: string }).code === UNIQUE_VIOLATION) {
        const constraint = (error.driverError as { constraint?: string }).constraint ?? '';
        throw new DuplicateUserError(constraint.includes('username') ? 'username' : 'email');
      }
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

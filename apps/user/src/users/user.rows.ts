import { User } from './user.entity';

/** The columns of `users` that a User is made of, for the repository's written SQL. */
export const USER_COLUMNS = 'id, email, username, password_hash, full_name, role, is_active, created_at, updated_at';

/** A row of `users` as pg returns it. */
export interface UserRow {
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

/** The one place a row of written SQL becomes a User (TypeORM hydrates the rest). */
export function userFromRow(row: UserRow): User {
  return Object.assign(new User(), {
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

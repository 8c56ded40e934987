import { ROLES, type Role } from '@app/auth';
import { ApiProperty } from '@nestjs/swagger';
import type { User } from '../user.entity';

/** What the API shows of a user: never the password hash. */
export class UserResponse {
  @ApiProperty({ example: '6f1c2f5e-8a4b-4c7e-9a59-2f4f7d1f0b6a', format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'jane@example.com' })
  email: string;

  @ApiProperty({ example: 'jane_doe' })
  username: string;

  @ApiProperty({ example: 'Jane Doe', nullable: true, type: String })
  full_name: string | null;

  @ApiProperty({ example: 'user', enum: ROLES })
  role: Role;

  @ApiProperty({ example: true })
  is_active: boolean;

  @ApiProperty({ example: '2026-11-26T12:00:00.000Z', format: 'date-time' })
  created_at: string;

  @ApiProperty({ example: '2026-11-26T12:00:00.000Z', format: 'date-time' })
  updated_at: string;

  static from(user: User): UserResponse {
    return {
      id: user.id,
      email: user.email,
      username: user.username,
      full_name: user.fullName,
      role: user.role,
      is_active: user.isActive,
      created_at: user.createdAt.toISOString(),
      updated_at: user.updatedAt.toISOString(),
    };
  }
}

import { ROLES, type Role } from '@app/auth';
import { ApiProperty } from '@nestjs/swagger';

/** What the other services learn of an account on each request. */
export class AccountStatusResponse {
  @ApiProperty({ example: true })
  is_active: boolean;

  @ApiProperty({ example: 'user', enum: ROLES })
  role: Role;
}

import { ROLES, type Role } from '@app/auth';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, ValidateIf } from 'class-validator';

// Absent means unchanged; an explicit null is validated (and refused) rather than let through as @IsOptional would.
const UnlessAbsent = () => ValidateIf((_dto: object, value: unknown) => value !== undefined);

/** What an admin may change of another account: whether it may act at all, and its role. */
export class UpdateUserDto {
  @ApiPropertyOptional({
    example: false,
    description: 'false deactivates the account at once in every service and revokes its sessions; true lets it log in again',
  })
  @UnlessAbsent()
  @IsBoolean({ message: 'is_active must be true or false' })
  is_active?: boolean;

  @ApiPropertyOptional({ example: 'admin', enum: ROLES, description: 'Takes effect at once, whatever role the access tokens already issued say' })
  @UnlessAbsent()
  @IsIn(ROLES, { message: `role must be one of ${ROLES.join(', ')}` })
  role?: Role;
}

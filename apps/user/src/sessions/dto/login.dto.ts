import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Length, ValidateIf } from 'class-validator';

/** `username` may hold the username or the email; `email` is accepted too (both forms of the original's docs). */
export class LoginDto {
  @ApiPropertyOptional({ example: 'jane_doe', description: 'Username or email' })
  // Checked whenever present (even null) or when there is no email to log in with.
  @ValidateIf((dto: LoginDto) => dto.username !== undefined || dto.email === undefined)
  @IsString({ message: 'username or email is required' })
  @Length(1, 254, { message: 'username must be 1 to 254 characters' })
  username?: string;

  @ApiPropertyOptional({ example: 'jane@example.com' })
  @ValidateIf((dto: LoginDto) => dto.email !== undefined)
  @IsString({ message: 'email must be a string' })
  @Length(1, 254, { message: 'email must be 1 to 254 characters' })
  email?: string;

  @ApiProperty({ example: 'correct-horse-battery' })
  @IsString({ message: 'password must be a string' })
  @Length(1, 128, { message: 'password must be 1 to 128 characters' })
  password: string;
}

export class RefreshTokenDto {
  @ApiProperty({ example: 'q3N1kq2y2v2m6rP0oXg8t3cR6o1w1ZfJb2l2b8c9d0E' })
  @IsString({ message: 'refresh_token must be a string' })
  @Length(1, 200, { message: 'refresh_token must be 1 to 200 characters' })
  refresh_token: string;
}

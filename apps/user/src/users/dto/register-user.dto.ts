import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsOptional, IsString, Length, Matches, MaxLength, MinLength } from 'class-validator';
import { FitsBcrypt } from '../../password-policy/password-length';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class RegisterUserDto {
  @ApiProperty({ example: 'jane@example.com', maxLength: 254 })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value))
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(254, { message: 'email must be at most 254 characters' })
  email: string;

  @ApiProperty({ example: 'jane_doe', description: '3-32 letters, digits, _ . or -', pattern: '^[A-Za-z0-9_.-]{3,32}$' })
  @IsString({ message: 'username must be a string' })
  @Matches(/^[A-Za-z0-9_.-]{3,32}$/, { message: 'username must be 3-32 letters, digits, _ . or -' })
  username: string;

  @ApiProperty({ example: 'correct-horse-battery', minLength: 8, maxLength: 72, description: 'At least 8 characters and at most 72 bytes in UTF-8' })
  @IsString({ message: 'password must be a string' })
  @MinLength(8, { message: 'password must be at least 8 characters' })
  @FitsBcrypt('password')
  password: string;

  @ApiPropertyOptional({ example: 'Jane Doe', maxLength: 200 })
  @IsOptional()
  @Transform(trim)
  @IsString({ message: 'full_name must be a string' })
  @Length(1, 200, { message: 'full_name must be 1 to 200 characters' })
  full_name?: string;
}

import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, Length, MinLength, ValidateIf } from 'class-validator';
import { FitsBcrypt } from '../../password-policy/password-length';

export class UpdateMeDto {
  @ApiPropertyOptional({ example: 'Jane Q. Doe', maxLength: 200, nullable: true })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString({ message: 'full_name must be a string' })
  @Length(1, 200, { message: 'full_name must be 1 to 200 characters' })
  full_name?: string;

  @ApiPropertyOptional({
    example: 'a-new-long-passphrase',
    minLength: 8,
    maxLength: 72,
    description: 'At least 8 characters and at most 72 bytes in UTF-8; requires current_password',
  })
  @IsOptional()
  @IsString({ message: 'password must be a string' })
  @MinLength(8, { message: 'password must be at least 8 characters' })
  @FitsBcrypt('password')
  password?: string;

  @ApiPropertyOptional({ example: 'correct-horse-battery', description: 'Required to change the password' })
  @ValidateIf((dto: UpdateMeDto) => dto.password !== undefined)
  @IsString({ message: 'current_password is required to change the password' })
  @Length(1, 128, { message: 'current_password is required to change the password' })
  current_password?: string;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class FieldError {
  @ApiProperty({ example: 'email' })
  field: string;

  @ApiProperty({ example: ['email must be an email'] })
  messages: string[];
}

/** The one error shape of every service (and of the gateway). */
export class ErrorBody {
  @ApiProperty({ example: 400 })
  statusCode: number;

  @ApiProperty({ example: 'Bad Request' })
  error: string;

  @ApiProperty({ example: 'email must be an email' })
  message: string;

  @ApiProperty({ example: '0d9f7b6e-5f43-4c1e-a1f6-1b0f8f2d6a51' })
  requestId: string;

  @ApiPropertyOptional({ example: 'VALIDATION.FAILED', description: 'Stable machine-readable code' })
  code?: string;

  @ApiPropertyOptional({ type: [FieldError], description: 'Every invalid field, for validation errors' })
  errors?: FieldError[];

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Facts that help a client act' })
  details?: Record<string, unknown>;
}

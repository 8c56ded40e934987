import { ApiProperty } from '@nestjs/swagger';

export class TokenResponse {
  @ApiProperty({ example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI2ZjFjIn0.c2lnbmF0dXJl' })
  access_token: string;

  @ApiProperty({ example: 'bearer', enum: ['bearer'] })
  token_type: 'bearer';

  @ApiProperty({ example: 1800, description: 'Seconds until the access token expires' })
  expires_in: number;

  @ApiProperty({ example: 'q3N1kq2y2v2m6rP0oXg8t3cR6o1w1ZfJb2l2b8c9d0E', description: 'Opaque; single use: each refresh returns a new one' })
  refresh_token: string;
}

import { verifyServiceToken } from '@app/auth';
import { ForbiddenError } from '@app/errors';
import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';

/** The `X-Service-Token` the order service adds when it charges an order on the buyer's behalf. */
@Injectable()
export class OrderServiceToken {
  constructor(private readonly jwt: JwtService) {}

  /** Present but not the order service's: refused, as before, rather than taken for a direct payment. */
  async assertValid(token: string): Promise<void> {
    const claims = await verifyServiceToken(this.jwt, token);
    if (claims?.sub !== 'order') throw new ForbiddenError('X-Service-Token is not a valid order service token');
  }
}

import { JwtService } from '@nestjs/jwt';
import { randomUUID } from 'node:crypto';
import { TEST_JWT_SECRET } from '../../../../test/support/environment';
import { signAccessToken, signServiceToken } from '../../../../test/support/tokens';

const jwt = new JwtService({ secret: TEST_JWT_SECRET });

export interface Payer {
  id: string;
  token: string;
}

/** A user as the user service would log them in: the payment service only checks the token. */
export function newPayer(): Payer {
  const id = randomUUID();
  return { id, token: signAccessToken({ sub: id }) };
}

export function verifyToken<T extends object>(token: string): T {
  return jwt.verify<T>(token, { algorithms: ['HS256'] });
}

/** What the order service adds when it pays on a user's behalf. */
export const orderServiceHeader = () => ({ 'X-Service-Token': signServiceToken('order') });

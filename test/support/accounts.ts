import { randomBytes } from 'node:crypto';
import TestAgent from 'supertest/lib/agent';

export interface Account {
  id: string;
  email: string;
  username: string;
  password: string;
  accessToken: string;
  refreshToken: string;
}

export function uniqueName(prefix = 'user'): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

/** Registers a fresh user through the API and logs it in. */
export async function registerAndLogin(http: TestAgent, overrides: Partial<{ email: string; username: string; password: string }> = {}): Promise<Account> {
  const username = overrides.username ?? uniqueName();
  const email = overrides.email ?? `${username}@example.com`;
  const password = overrides.password ?? 'correct-horse-battery';
  const registered = await http.post('/users').send({ email, username, password }).expect(201);
  const tokens = await http.post('/users/login').send({ username, password }).expect(200);
  return { id: registered.body.id, email, username, password, accessToken: tokens.body.access_token, refreshToken: tokens.body.refresh_token };
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

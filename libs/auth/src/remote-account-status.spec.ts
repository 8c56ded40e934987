import { ServiceClient, ServiceUnreachableError } from '@app/service-client';
import { RemoteAccountStatus } from './remote-account-status';
import { ServiceTokens } from './service-token';

const tokens = { sign: async () => 'service-token' } as unknown as ServiceTokens;

function clientAnswering(answer: () => Promise<{ status: number; data: unknown }>) {
  const request = jest.fn(answer);
  return { client: { request } as unknown as ServiceClient, request };
}

describe('RemoteAccountStatus', () => {
  it('makes one call for concurrent lookups of the same user, and a new one afterwards (no cache)', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { client, request } = clientAnswering(async () => {
      await gate;
      return { status: 200, data: { is_active: true, role: 'admin' } };
    });
    const accounts = new RemoteAccountStatus(client, tokens, 'order');
    const lookups = Array.from({ length: 50 }, () => accounts.lookup('u1'));
    const other = accounts.lookup('u2');
    release();
    expect(await Promise.all(lookups)).toEqual(Array(50).fill({ isActive: true, role: 'admin' }));
    await other;
    expect(request).toHaveBeenCalledTimes(2);
    expect((request.mock.calls as unknown[][])[0][0]).toMatchObject({
      method: 'GET',
      url: '/users/internal/users/u1/status',
      headers: { authorization: 'Bearer service-token' },
    });
    await accounts.lookup('u1');
    expect(request).toHaveBeenCalledTimes(3);
  });

  it('reads a 404 as no account', async () => {
    const { client } = clientAnswering(async () => ({ status: 404, data: {} }));
    expect(await new RemoteAccountStatus(client, tokens, 'order').lookup('gone')).toBeNull();
  });

  it.each([
    ['unreachable', async () => Promise.reject(new ServiceUnreachableError('user', 'timeout'))],
    ['refusing the service token', async () => ({ status: 401, data: {} })],
    ['answering nonsense', async () => ({ status: 200, data: { is_active: 'yes', role: 'root' } })],
  ])('fails closed with 503 USER_SERVICE.UNAVAILABLE when the user service is %s, and lets the next lookup try again', async (_name, answer) => {
    const { client, request } = clientAnswering(answer);
    const accounts = new RemoteAccountStatus(client, tokens, 'payment');
    await expect(accounts.lookup('u1')).rejects.toMatchObject({ code: 'USER_SERVICE.UNAVAILABLE', status: 503 });
    await expect(accounts.lookup('u1')).rejects.toMatchObject({ code: 'USER_SERVICE.UNAVAILABLE' });
    expect(request).toHaveBeenCalledTimes(2);
  });
});

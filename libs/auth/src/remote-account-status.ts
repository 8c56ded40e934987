import { UnavailableError } from '@app/errors';
import { ServiceClient, ServiceClients, ServiceUnreachableError } from '@app/service-client';
import type { JsonResponse, UserInternalOperations } from '@app/contracts';
import { AccountState, AccountStatus } from './account-status';
import { Role, ROLES } from './authenticated-user';
import { ServiceTokens } from './service-token';
import { SingleFlight } from './single-flight';
import { ServiceName } from './token-claims';

/** What the user service answers, from its contract (libs/contracts/openapi/user.internal.openapi.json). */
export type AccountStatusReply = JsonResponse<UserInternalOperations['getAccountStatus'], 200>;

/** The internal route of the user service that answers `{is_active, role}`. */
export const accountStatusPath = (userId: string) => `/users/internal/users/${encodeURIComponent(userId)}/status`;

/**
 * Asks the user service on every request, without caching (a deactivation counts at once), but
 * concurrent lookups of one user share a single call. Fails closed: no answer, no access.
 */
export class RemoteAccountStatus extends AccountStatus {
  private readonly flights = new SingleFlight<AccountState | null>();

  constructor(
    private readonly client: ServiceClient,
    private readonly serviceTokens: ServiceTokens,
    /** The calling service, as named in its service token. */
    private readonly service: ServiceName,
  ) {
    super();
  }

  lookup(userId: string, requestId?: string): Promise<AccountState | null> {
    return this.flights.run(userId, () => this.fetch(userId, requestId));
  }

  private async fetch(userId: string, requestId: string | undefined): Promise<AccountState | null> {
    let response;
    try {
      // Typed by the user service's contract and still checked below: a reply that does not fit it grants nothing.
      response = await this.client.request<Partial<AccountStatusReply>>({
        method: 'GET',
        url: accountStatusPath(userId),
        headers: { authorization: `Bearer ${await this.serviceTokens.sign(this.service)}` },
        idempotent: true,
        requestId,
      });
    } catch (error) {
      if (error instanceof ServiceUnreachableError) {
        throw new UnavailableError('USER_SERVICE.UNAVAILABLE', 'The user service is unavailable, so your account could not be checked; try again shortly', {
          reason: error.reason,
        });
      }
      throw error;
    }
    if (response.status === 404) return null;
    const { is_active: isActive, role } = response.data;
    if (response.status === 200 && typeof isActive === 'boolean' && ROLES.includes(role as Role)) return { isActive, role: role as Role };
    throw new UnavailableError('USER_SERVICE.UNAVAILABLE', `The user service answered ${response.status} to an account check; try again shortly`);
  }
}

/** Where a calling service's config says the user service is. */
export interface UserServiceSettings {
  USER_SERVICE_URL: string;
  USER_SERVICE_TIMEOUT_MS: number;
}

/**
 * The provider recipe of the account check in every service but the user service: a client to the user
 * service built from the caller's own config (`configKey`), its calls signed as `caller`.
 */
export function remoteAccountStatusProvider(configKey: string | symbol, caller: ServiceName) {
  return {
    inject: [configKey, ServiceClients, ServiceTokens],
    useFactory: (config: UserServiceSettings, clients: ServiceClients, serviceTokens: ServiceTokens) =>
      new RemoteAccountStatus(
        clients.create({ target: 'user', baseURL: config.USER_SERVICE_URL, timeoutMs: config.USER_SERVICE_TIMEOUT_MS }),
        serviceTokens,
        caller,
      ),
  };
}

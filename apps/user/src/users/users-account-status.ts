import { AccountState, AccountStatus, SingleFlight } from '@app/auth';
import { UsersRepository } from './users.repository';

/** The user service answers the account check from its own database, on every request. */
export class UsersAccountStatus extends AccountStatus {
  private readonly flights = new SingleFlight<AccountState | null>();

  constructor(private readonly users: UsersRepository) {
    super();
  }

  lookup(userId: string): Promise<AccountState | null> {
    return this.flights.run(userId, () => this.users.findStatus(userId));
  }
}

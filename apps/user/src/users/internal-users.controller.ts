import { ServiceOnly } from '@app/auth';
import { NotFoundError, uuidParam } from '@app/bootstrap';
import { Controller, Get, Param } from '@nestjs/common';
import { AccountStatusResponse } from './dto/account-status.response';
import { UsersRepository } from './users.repository';

/** For the other services' account checks; not reachable through the gateway. */
@Controller('internal/users')
export class InternalUsersController {
  constructor(private readonly users: UsersRepository) {}

  @Get(':id/status')
  @ServiceOnly('order', 'payment')
  async getAccountStatus(@Param('id', uuidParam('id')) id: string): Promise<AccountStatusResponse> {
    const status = await this.users.findStatus(id);
    if (!status) throw new NotFoundError('User');
    return { is_active: status.isActive, role: status.role };
  }
}

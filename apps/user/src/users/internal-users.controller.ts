import { ServiceOnly } from '@app/auth';
import { NotFoundError } from '@app/errors';
import { uuidParam } from '@app/http';
import { ApiErrors } from '@app/openapi';
import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { AccountStatusResponse } from './dto/account-status.response';
import { UsersRepository } from './users.repository';

/** For the other services' account checks; not reachable through the gateway. */
@Controller('internal/users')
export class InternalUsersController {
  constructor(private readonly users: UsersRepository) {}

  @Get(':id/status')
  @ServiceOnly('order', 'payment')
  @ApiOperation({ summary: "An account's state now, whatever its tokens say: the other services check it on every request" })
  @ApiOkResponse({ type: AccountStatusResponse })
  @ApiErrors(400, 404)
  async getAccountStatus(@Param('id', uuidParam('id')) id: string): Promise<AccountStatusResponse> {
    const status = await this.users.findStatus(id);
    if (!status) throw new NotFoundError('User');
    return { is_active: status.isActive, role: status.role };
  }
}

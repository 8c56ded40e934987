import { AllowDeactivated, Authenticated, AuthenticatedUser, CurrentUser } from '@app/auth';
import { ClientGone, PageQuery, uuidParam } from '@app/http';
import { ApiErrors, ApiPublic } from '@app/openapi';
import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { RegisterUserDto } from './dto/register-user.dto';
import { UpdateMeDto } from './dto/update-me.dto';
import { UpdateUserDto } from './dto/update-user.dto';
import { UserResponse } from './dto/user.response';
import { UsersService } from './users.service';

@ApiTags('users')
@Controller()
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @HttpCode(201)
  @ApiPublic()
  @ApiOperation({ summary: 'Register a user' })
  @ApiCreatedResponse({ type: UserResponse })
  @ApiErrors(400, 409, 503)
  async registerUser(@Body() dto: RegisterUserDto, @ClientGone() clientGone: AbortSignal): Promise<UserResponse> {
    return UserResponse.from(await this.users.register(dto, 'user', clientGone));
  }

  @Post('register')
  @HttpCode(201)
  @ApiPublic()
  @ApiOperation({ summary: 'Register a user (the path the original system documents)' })
  @ApiCreatedResponse({ type: UserResponse })
  @ApiErrors(400, 409, 503)
  registerUserAlias(@Body() dto: RegisterUserDto, @ClientGone() clientGone: AbortSignal): Promise<UserResponse> {
    return this.registerUser(dto, clientGone);
  }

  @Get('me')
  @Authenticated()
  @AllowDeactivated()
  @ApiOperation({
    summary: 'The calling user',
    description: 'Answers a deactivated account too (`is_active: false`), so a client can say why every other request is refused with AUTH.USER_INACTIVE.',
  })
  @ApiOkResponse({ type: UserResponse })
  @ApiErrors(404)
  async getMe(@CurrentUser() caller: AuthenticatedUser): Promise<UserResponse> {
    return UserResponse.from(await this.users.getMe(caller));
  }

  @Patch('me')
  @Authenticated()
  @ApiOperation({
    summary: 'Change the full name, or the password (with the current one)',
    description: "A new password revokes the user's other sessions; the session of the access token in use stays.",
  })
  @ApiOkResponse({ type: UserResponse })
  @ApiErrors(400, 404, 422, 503)
  async updateMe(@CurrentUser() caller: AuthenticatedUser, @Body() dto: UpdateMeDto, @ClientGone() clientGone: AbortSignal): Promise<UserResponse> {
    return UserResponse.from(await this.users.updateMe(caller, dto, clientGone));
  }

  @Get()
  @Authenticated('admin')
  @ApiOperation({ summary: 'List users, newest first (admins only)' })
  @ApiOkResponse({ type: [UserResponse], headers: { 'X-Total-Count': { description: 'Total number of users', schema: { type: 'integer' } } } })
  @ApiErrors(400)
  async listUsers(@Query() query: PageQuery, @Res({ passthrough: true }) reply: FastifyReply): Promise<UserResponse[]> {
    const page = await this.users.list(query.start, query.limit);
    reply.header('x-total-count', String(page.total));
    return page.items.map((item) => UserResponse.from(item));
  }

  @Patch(':id')
  @Authenticated('admin')
  @ApiOperation({
    summary: 'Deactivate, reactivate, promote or demote a user (admins only)',
    description:
      'Takes effect at once in every service, whatever the access tokens already issued say: a deactivated user is refused everywhere ' +
      '(401 AUTH.USER_INACTIVE) except GET /users/me, and all of their sessions are revoked; a reactivated user may log in again. ' +
      'Admins cannot deactivate or demote themself (409 USER.OWN_ACCESS_LOCKED).',
  })
  @ApiOkResponse({ type: UserResponse })
  @ApiErrors(400, 404, 409)
  async updateUser(@CurrentUser() caller: AuthenticatedUser, @Param('id', uuidParam('id')) id: string, @Body() dto: UpdateUserDto): Promise<UserResponse> {
    return UserResponse.from(await this.users.updateAccess(caller, id, dto));
  }

  @Get(':id')
  @Authenticated()
  @ApiOperation({ summary: 'A user by id: the caller themself, or anyone for an admin' })
  @ApiOkResponse({ type: UserResponse })
  @ApiErrors(400, 404)
  @ApiHeader({ name: 'X-Request-Id', required: false, description: 'Propagated to logs and the response' })
  async getUser(@CurrentUser() caller: AuthenticatedUser, @Param('id', uuidParam('id')) id: string): Promise<UserResponse> {
    return UserResponse.from(await this.users.getVisibleTo(caller, id));
  }
}

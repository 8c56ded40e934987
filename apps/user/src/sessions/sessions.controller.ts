import { Authenticated, AuthenticatedUser, CurrentUser } from '@app/auth';
import { ClientGone } from '@app/http';
import { ApiErrors, ApiPublic } from '@app/openapi';
import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { LoginDto, RefreshTokenDto } from './dto/login.dto';
import { TokenResponse } from './dto/token.response';
import { SessionsService } from './sessions.service';

@ApiTags('sessions')
@Controller()
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @Post('login')
  @HttpCode(200)
  @ApiPublic()
  @ApiOperation({ summary: 'Log in with username or email and password' })
  @ApiOkResponse({ type: TokenResponse })
  @ApiErrors(400, 401, 429, 503)
  login(@Body() dto: LoginDto, @ClientGone() clientGone: AbortSignal): Promise<TokenResponse> {
    return this.sessions.login(dto.username ?? dto.email!, dto.password, clientGone);
  }

  @Post('refresh')
  @HttpCode(200)
  @ApiPublic()
  @ApiOperation({ summary: 'Exchange a refresh token for new tokens (the old one is spent)' })
  @ApiOkResponse({ type: TokenResponse })
  @ApiErrors(400, 401, 503)
  refreshTokens(@Body() dto: RefreshTokenDto): Promise<TokenResponse> {
    return this.sessions.refresh(dto.refresh_token);
  }

  @Post('logout')
  @HttpCode(204)
  @Authenticated()
  @ApiOperation({ summary: 'Revoke the session of a refresh token' })
  @ApiNoContentResponse({ description: 'The session is revoked (or was already gone)' })
  @ApiErrors(400, 503)
  async logout(@CurrentUser() caller: AuthenticatedUser, @Body() dto: RefreshTokenDto): Promise<void> {
    await this.sessions.logout(caller, dto.refresh_token);
  }
}

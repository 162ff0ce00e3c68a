import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Request, Response } from 'express';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { ApiErrors, ApiSignedIn } from '../common/openapi';
import { UuidParam } from '../common/validation';
import { SESSION_COOKIE } from '../auth/auth.guard';
import { Principal } from '../auth/principal';
import { AuthService, TokenView } from './auth.service';
import { ChangePasswordDto, CreateTokenDto, LoginDto } from './dto/auth.dto';
import { CreatedTokenDto, LoginResponseDto, MeDto, TokenDto } from './dto/auth-responses.dto';
import { CurrentUser, Public, Roles } from '../auth/roles.decorator';
import { SessionOnly } from '../auth/session-only.decorator';
import { UserView } from '../users/user.entity';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly authService: AuthService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in; sets the salt_session cookie' })
  @ApiOkResponse({ type: LoginResponseDto })
  @ApiErrors(400, 401, 403, 413, 415, 429, 503)
  async login(
    @Body() body: LoginDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<{ user: UserView }> {
    const { user, sessionSecret, expiresAt } = await this.authService.login(
      body.email,
      body.password,
      { ip: request.ip ?? 'unknown', userAgent: request.headers['user-agent'] },
    );
    response.cookie(SESSION_COOKIE, sessionSecret, {
      httpOnly: true,
      sameSite: 'strict',
      secure: this.config.cookieSecure,
      path: '/',
      expires: expiresAt,
    });
    return { user };
  }

  @Roles('any')
  @Post('logout')
  @HttpCode(204)
  @ApiOperation({ summary: 'Sign out; the session is revoked' })
  @ApiNoContentResponse({ description: 'Signed out' })
  @ApiSignedIn()
  async logout(
    @CurrentUser() principal: Principal,
    @Res({ passthrough: true }) response: Response,
  ): Promise<void> {
    await this.authService.logout(principal);
    response.clearCookie(SESSION_COOKIE, { path: '/' });
  }

  @Roles('any')
  @Get('me')
  @ApiOperation({ summary: 'The signed-in user' })
  @ApiOkResponse({ type: MeDto })
  @ApiSignedIn()
  me(@CurrentUser() principal: Principal): Omit<UserView, 'active' | 'createdAt'> {
    return {
      id: principal.userId,
      email: principal.email,
      name: principal.name,
      roles: principal.roles,
    };
  }

  @Roles('any')
  @Post('password')
  @HttpCode(204)
  @ApiOperation({ summary: 'Change my password; every session of mine ends' })
  @ApiNoContentResponse({ description: 'Changed' })
  @ApiSignedIn()
  @ApiErrors(400, 413, 415)
  async changePassword(
    @CurrentUser() principal: Principal,
    @Body() body: ChangePasswordDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<void> {
    await this.authService.changeOwnPassword(principal, body.currentPassword, body.newPassword);
    response.clearCookie(SESSION_COOKIE, { path: '/' });
  }

  @Roles('any')
  @SessionOnly()
  @Post('tokens')
  @ApiOperation({ summary: 'Create a personal API token; its secret is shown once' })
  @ApiCreatedResponse({ type: CreatedTokenDto })
  @ApiSignedIn()
  @ApiErrors(400, 413, 415)
  createToken(
    @CurrentUser() principal: Principal,
    @Body() body: CreateTokenDto,
  ): Promise<TokenView & { token: string }> {
    return this.authService.createToken(principal, body.name, body.scope ?? 'full');
  }

  @Roles('any')
  @Get('tokens')
  @ApiOperation({ summary: 'My personal API tokens' })
  @ApiOkResponse({ type: [TokenDto] })
  @ApiSignedIn()
  listTokens(@CurrentUser() principal: Principal): Promise<TokenView[]> {
    return this.authService.listTokens(principal);
  }

  @Roles('any')
  @Delete('tokens/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke one of my API tokens' })
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiSignedIn()
  @ApiErrors(400, 404)
  revokeToken(
    @CurrentUser() principal: Principal,
    @Param('id', UuidParam) id: string,
  ): Promise<void> {
    return this.authService.revokeToken(principal, id);
  }
}

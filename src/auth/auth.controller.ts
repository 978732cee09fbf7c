import { Body, Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { UsersService } from '../users/users.service';
import { Access, Public } from './access.decorator';
import { AuthService } from './auth.service';
import { TokenRequestDto, TokenResponseDto } from './dto/token.dto';
import { Ctx, RequestContext } from './request-context';
import { ClientIp } from './client-ip.decorator';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(UsersService) private readonly users: UsersService,
  ) {}

  @Post('token')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in with email and password; returns a bearer token' })
  @ApiOkResponse({ type: TokenResponseDto })
  @ApiTooManyRequestsResponse({ description: 'Too many failures; see Retry-After' })
  token(@Body() body: TokenRequestDto, @ClientIp() ip: string): Promise<TokenResponseDto> {
    return this.auth.signIn(body.email, body.password, ip);
  }

  @Get('me')
  @Access({ anyone: true })
  @ApiOperation({ summary: 'The signed-in user (or API key) with memberships' })
  me(@Ctx() ctx: RequestContext) {
    return this.users.me(ctx);
  }
}

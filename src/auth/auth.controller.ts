import { Body, Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../openapi/api-errors.decorator';
import { MeDto } from '../users/dto/user.dto';
import { UsersService } from '../users/users.service';
import { SIGNED_IN } from './office-scope';
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
  @ApiOperation({
    summary: 'Sign in with email and password',
    description:
      'Returns a bearer token for the other operations. A wrong email and a wrong password get the same ' +
      'answer. Failed sign-ins are throttled per email and per client address: after too many, wait the ' +
      'Retry-After seconds.',
  })
  @ApiOkResponse({ type: TokenResponseDto, description: 'Signed in' })
  @ApiErrors('unauthenticated', 'too_many_attempts')
  token(@Body() body: TokenRequestDto, @ClientIp() ip: string): Promise<TokenResponseDto> {
    return this.auth.signIn(body.email, body.password, ip);
  }

  @Get('me')
  @Access(SIGNED_IN)
  @ApiOperation({
    summary: 'Who the caller is',
    description:
      'The signed-in user, or the API key, with the memberships that decide what it may do.',
  })
  @ApiOkResponse({ type: MeDto, description: 'The caller' })
  me(@Ctx() ctx: RequestContext): Promise<MeDto> {
    return this.users.me(ctx);
  }
}

import { Body, Controller, Get, Inject, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { SIGNED_IN } from '../auth/office-scope';
import { Access } from '../auth/access.decorator';
import { Ctx, RequestContext } from '../auth/request-context';
import { PageQueryDto } from '../common/pagination/page-query.dto';
import { UuidParam } from '../common/http/uuid-param';
import { ApiErrors } from '../openapi/api-errors.decorator';
import { CreateUserDto, UpdateUserDto, UserDto, UserPageDto } from './dto/user.dto';
import { UsersService } from './users.service';

@ApiTags('users')
@Controller('users')
export class UsersController {
  constructor(@Inject(UsersService) private readonly users: UsersService) {}

  @Post()
  @Access('users.administer')
  @ApiOperation({
    summary: 'Create a user',
    description:
      'Admins create anyone, administrators included. A lead creates advisors and leads with at least one ' +
      'membership, each in an office they lead. The email must be unused (compared case-insensitively).',
  })
  @ApiCreatedResponse({ type: UserDto, description: 'The new user' })
  @ApiErrors('email_taken', 'office_unknown')
  create(@Ctx() ctx: RequestContext, @Body() body: CreateUserDto): Promise<UserDto> {
    return this.users.create(ctx, body);
  }

  @Get()
  @Access('users.administer')
  @ApiOperation({
    summary: 'List users, newest first',
    description:
      'Admins see every user; a lead the users of the offices they lead, with only those memberships.',
  })
  @ApiOkResponse({ type: UserPageDto, description: 'One page of users' })
  list(@Ctx() ctx: RequestContext, @Query() query: PageQueryDto): Promise<UserPageDto> {
    return this.users.list(ctx, query.limit, query.cursor);
  }

  @Get(':id')
  @Access(SIGNED_IN)
  @ApiOperation({
    summary: 'One user',
    description:
      'Admins see every user, leads the users of their offices, everyone themselves; any other user is not found.',
  })
  @ApiOkResponse({ type: UserDto, description: 'The user' })
  @ApiErrors('not_found')
  get(@Ctx() ctx: RequestContext, @UuidParam('id') id: string): Promise<UserDto> {
    return this.users.get(ctx, id);
  }

  @Patch(':id')
  @Access(SIGNED_IN)
  @ApiOperation({
    summary: 'Change name, active, memberships or password',
    description:
      'Admins: everything. Leads: the advisor and lead memberships in the offices they lead. Everyone: ' +
      'their own name and password. Deactivating a user or changing a password ends their tokens at once.',
  })
  @ApiOkResponse({ type: UserDto, description: 'The user as changed' })
  @ApiErrors('not_found', 'office_unknown', 'forbidden')
  update(
    @Ctx() ctx: RequestContext,
    @UuidParam('id') id: string,
    @Body() body: UpdateUserDto,
  ): Promise<UserDto> {
    return this.users.update(ctx, id, body);
  }
}

import { Body, Controller, Get, Inject, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access } from '../auth/access.decorator';
import { Ctx, RequestContext } from '../auth/request-context';
import { PageQueryDto } from '../common/pagination/page-query.dto';
import { UuidParam } from '../common/http/uuid-param';
import { CreateUserDto, UpdateUserDto, UserDto } from './dto/user.dto';
import { UsersService } from './users.service';

@ApiTags('users')
@Controller('users')
export class UsersController {
  constructor(@Inject(UsersService) private readonly users: UsersService) {}

  @Post()
  @Access({ roles: ['lead'], admin: true })
  @ApiOperation({ summary: 'Create a user (admins: anyone; leads: advisors and leads of their office)' })
  @ApiCreatedResponse({ type: UserDto })
  create(@Ctx() ctx: RequestContext, @Body() body: CreateUserDto): Promise<UserDto> {
    return this.users.create(ctx, body);
  }

  @Get()
  @Access({ roles: ['lead'], admin: true })
  @ApiOperation({ summary: 'List users (leads: the users of the offices they lead)' })
  list(@Ctx() ctx: RequestContext, @Query() query: PageQueryDto) {
    return this.users.list(ctx, query.limit, query.cursor);
  }

  @Get(':id')
  @Access({ anyone: true })
  @ApiOperation({ summary: 'One user (admins, leads of their office, the user themselves)' })
  @ApiOkResponse({ type: UserDto })
  get(@Ctx() ctx: RequestContext, @UuidParam('id') id: string): Promise<UserDto> {
    return this.users.get(ctx, id);
  }

  @Patch(':id')
  @Access({ anyone: true })
  @ApiOperation({
    summary: 'Change name, active, memberships or password',
    description: 'Admins: everything. Leads: advisor/lead memberships of their offices. Self: name and password.',
  })
  @ApiOkResponse({ type: UserDto })
  update(@Ctx() ctx: RequestContext, @UuidParam('id') id: string, @Body() body: UpdateUserDto): Promise<UserDto> {
    return this.users.update(ctx, id, body);
  }
}

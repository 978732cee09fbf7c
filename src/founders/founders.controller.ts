import { Body, Controller, Get, Inject, Patch, Post, Query } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { Access } from '../auth/access.decorator';
import { Ctx, RequestContext } from '../auth/request-context';
import { UuidParam } from '../common/http/uuid-param';
import {
  CreateFounderQueryDto,
  FounderDto,
  FounderPageDto,
  ListFoundersQueryDto,
  TargetSectorDto,
} from './dto/founder.dto';
import { CreateFounderDto, UpdateFounderDto } from './dto/founder-input.dto';
import { FoundersService } from './founders.service';

// Advisors and leads only: auditors get pseudonymised exports, admins no social data.
const FOUNDER_ACCESS = { roles: ['advisor', 'lead'] } as const;

@ApiTags('founders')
@Controller('founders')
export class FoundersController {
  constructor(@Inject(FoundersService) private readonly founders: FoundersService) {}

  @Post()
  @Access(FOUNDER_ACCESS)
  @ApiOperation({
    summary: 'Create a founder',
    description:
      'Refused with 409 founder_duplicate (and existingId) when the office already has a founder ' +
      'with the same first and last name (case-insensitive) and postal code.',
  })
  @ApiCreatedResponse({ type: FounderDto })
  @ApiConflictResponse({ description: 'founder_duplicate' })
  @ApiUnprocessableEntityResponse({ description: 'target_sector_unknown' })
  create(
    @Ctx() ctx: RequestContext,
    @Body() body: CreateFounderDto,
    @Query() query: CreateFounderQueryDto,
  ): Promise<FounderDto> {
    return this.founders.create(ctx, body, query.allowDuplicate ?? false);
  }

  @Get()
  @Access(FOUNDER_ACCESS)
  @ApiOperation({ summary: 'Founders of the caller\u2019s offices, newest-updated first' })
  @ApiOkResponse({ type: FounderPageDto })
  list(@Ctx() ctx: RequestContext, @Query() query: ListFoundersQueryDto) {
    return this.founders.list(ctx, query);
  }

  @Get(':id')
  @Access(FOUNDER_ACCESS)
  @ApiOkResponse({ type: FounderDto })
  @ApiNotFoundResponse({ description: 'No such founder in the caller\u2019s offices' })
  get(@Ctx() ctx: RequestContext, @UuidParam('id') id: string): Promise<FounderDto> {
    return this.founders.get(ctx, id);
  }

  @Patch(':id')
  @Access(FOUNDER_ACCESS)
  @ApiOperation({ summary: 'Change any subset of the fields; null clears a field' })
  @ApiOkResponse({ type: FounderDto })
  update(
    @Ctx() ctx: RequestContext,
    @UuidParam('id') id: string,
    @Body() body: UpdateFounderDto,
  ): Promise<FounderDto> {
    return this.founders.update(ctx, id, body);
  }
}

@ApiTags('founders')
@Controller('target-sectors')
export class TargetSectorsController {
  constructor(@Inject(FoundersService) private readonly founders: FoundersService) {}

  @Get()
  @Access({ anyone: true })
  @ApiOperation({ summary: 'The configured target sectors of the applicant profile' })
  @ApiOkResponse({ type: TargetSectorDto, isArray: true })
  list(@Ctx() ctx: RequestContext): Promise<{ items: TargetSectorDto[] }> {
    return this.founders.listTargetSectors(ctx);
  }
}

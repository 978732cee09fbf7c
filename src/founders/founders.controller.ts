import { Body, Controller, Get, Inject, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { SIGNED_IN } from '../auth/office-scope';
import { Access } from '../auth/access.decorator';
import { Ctx, RequestContext } from '../auth/request-context';
import { UuidParam } from '../common/http/uuid-param';
import { ApiErrors } from '../openapi/api-errors.decorator';
import {
  CreateFounderQueryDto,
  FounderDto,
  FounderFacetsQueryDto,
  FounderPageDto,
  ListFoundersQueryDto,
  TargetSectorListDto,
} from './dto/founder.dto';
import { CreateFounderDto, UpdateFounderDto } from './dto/founder-input.dto';
import { FounderFacetsDto } from './dto/founder-facets.dto';
import { FoundersService } from './founders.service';

// Advisors and leads only: auditors get pseudonymised exports, admins no social data.

@ApiTags('founders')
@Controller('founders')
export class FoundersController {
  constructor(@Inject(FoundersService) private readonly founders: FoundersService) {}

  @Post()
  @Access('founders.write')
  @ApiOperation({
    summary: 'Create a founder',
    description:
      'Creates the founder in `officeId`, or in the caller\u2019s only office where they are advisor ' +
      'or lead. An office the caller does not work in answers 404. Refused with 409 ' +
      '`founder_duplicate` (its `existingId` names the founder) when the office already has a ' +
      'founder with the same first and last name (case-insensitive) and postal code; repeat with ' +
      '`?allowDuplicate=true` if it is another person. `profile.targetSector` must be a code of ' +
      'GET /api/v1/target-sectors. Written to the access log.',
  })
  @ApiCreatedResponse({ type: FounderDto, description: 'The founder as stored' })
  @ApiErrors('not_found', 'founder_duplicate', 'target_sector_unknown')
  create(
    @Ctx() ctx: RequestContext,
    @Body() body: CreateFounderDto,
    @Query() query: CreateFounderQueryDto,
  ): Promise<FounderDto> {
    return this.founders.create(ctx, body, query.allowDuplicate ?? false);
  }

  @Get()
  @Access('founders.read')
  @ApiOperation({
    summary: 'List founders',
    description:
      'The founders of the offices where the caller is advisor or lead, newest-updated first, ' +
      'in keyset pages (pass nextCursor as cursor), optionally filtered by name (`q`) and by the ' +
      'group filters: each takes several values, comma-separated or repeated (OR within a filter, ' +
      'AND between filters); `null` matches a field not recorded. The case filters (phase, status, ' +
      'fundingRoute, advisorId) mean: has a case that matches all of them. Erased founders are not ' +
      'listed. Written to the access log (without the search text, with the names of the filters).',
  })
  @ApiOkResponse({ type: FounderPageDto, description: 'One page of founders' })
  list(@Ctx() ctx: RequestContext, @Query() query: ListFoundersQueryDto): Promise<FounderPageDto> {
    return this.founders.list(ctx, query);
  }

  @Get('facets')
  @Access('founders.read')
  @ApiOperation({
    summary: 'Count founders per profile value',
    description:
      'Takes the filters of GET /founders (and `q`) and answers, for the founders that list would ' +
      'give on all its pages, the count per value of germanLevel, targetSector, ' +
      'homeKnowledgeUsability, presumedMotivation, benefitStatus and ageBand: every value with its ' +
      'count (also 0), the not-recorded bucket (null; ageBand: unknown) last. Erased founders are ' +
      'not counted. Written to the access log (the total and the names of the filters, no ids).',
  })
  @ApiOkResponse({ type: FounderFacetsDto, description: 'The counts' })
  facets(
    @Ctx() ctx: RequestContext,
    @Query() query: FounderFacetsQueryDto,
  ): Promise<FounderFacetsDto> {
    return this.founders.facets(ctx, query);
  }

  @Get(':id')
  @Access('founders.read')
  @ApiOperation({
    summary: 'Read a founder',
    description:
      'A founder of an office where the caller is advisor or lead; any other founder, and an ' +
      'erased one, answers 404. Written to the access log.',
  })
  @ApiOkResponse({ type: FounderDto, description: 'The founder' })
  @ApiErrors('not_found')
  get(@Ctx() ctx: RequestContext, @UuidParam('id') id: string): Promise<FounderDto> {
    return this.founders.get(ctx, id);
  }

  @Patch(':id')
  @Access('founders.write')
  @ApiOperation({
    summary: 'Change a founder',
    description:
      'Changes any subset of the fields; null clears a field (gender, selfEmploymentPermitted, ' +
      'nationalities and languages return to their defaults), `profile` is replaced as a whole. ' +
      'An empty body changes nothing. The office of a founder does not change. Written to the ' +
      'access log (the names of the fields sent, not their values).',
  })
  @ApiOkResponse({ type: FounderDto, description: 'The founder as stored now' })
  @ApiErrors('not_found', 'target_sector_unknown', 'case_in_transfer')
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
  @Access(SIGNED_IN)
  @ApiOperation({
    summary: 'List the target sectors',
    description:
      'The configured target sectors of the applicant profile (profile.targetSector of a founder, ' +
      'the sector of a case), in display order, with German and English labels.',
  })
  @ApiOkResponse({ type: TargetSectorListDto, description: 'The target sectors' })
  list(@Ctx() ctx: RequestContext): Promise<TargetSectorListDto> {
    return this.founders.listTargetSectors(ctx);
  }
}

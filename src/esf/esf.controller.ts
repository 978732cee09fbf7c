import { Body, Controller, Get, HttpCode, Inject, Post, Put, Query, Res } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Access } from '../auth/access.decorator';
import { Ctx, RequestContext } from '../auth/request-context';
import { UuidParam } from '../common/http/uuid-param';
import { ApiErrors } from '../openapi/api-errors.decorator';
import { EXPORT_ID_HEADER } from '../openapi/headers';
import {
  CreateEsfExitDto,
  EsfEntryDto,
  EsfExitDto,
  EsfExitListDto,
  EsfParticipantsQueryDto,
  PutEsfEntryDto,
} from './dto/esf.dto';
import { EsfExportService } from './esf-export.service';
import { EsfService } from './esf.service';

const CaseId = () =>
  ApiParam({ name: 'id', description: 'The id of the case (the participation)' });

@ApiTags('cases')
@Controller()
export class EsfController {
  constructor(@Inject(EsfService) private readonly esf: EsfService) {}

  @Put('cases/:id/esf-entry')
  @HttpCode(200)
  @CaseId()
  @Access('case.write')
  @ApiOperation({
    summary: 'Record the ESF Plus entry data of a case',
    description:
      'Regulation (EU) 2021/1057, Annex I point 1. Age, ISCED level, third-country nationality and being born ' +
      'abroad are derived from the founder when written; gender from the founder unless given. The voluntary ' +
      'answers (GDPR Art. 9) are stored apart and reported only as counts.',
  })
  @ApiOkResponse({ type: EsfEntryDto, description: 'The entry record as stored' })
  @ApiErrors('not_found', 'founder_erased', 'case_in_transfer')
  putEntry(
    @Ctx() ctx: RequestContext,
    @UuidParam('id') id: string,
    @Body() body: PutEsfEntryDto,
  ): Promise<EsfEntryDto> {
    return this.esf.putEntry(ctx, id, body);
  }

  @Get('cases/:id/esf-entry')
  @CaseId()
  @Access('founders.read')
  @ApiOperation({
    summary: 'Read the ESF Plus entry data of a case',
    description: 'Advisors and leads of the office only: it holds the voluntary answers.',
  })
  @ApiOkResponse({ type: EsfEntryDto })
  @ApiErrors('not_found')
  getEntry(@Ctx() ctx: RequestContext, @UuidParam('id') id: string): Promise<EsfEntryDto> {
    return this.esf.getEntry(ctx, id);
  }

  @Post('cases/:id/esf-exits')
  @CaseId()
  @Access('case.write')
  @ApiOperation({
    summary: 'Record the situation within 4 weeks after leaving',
    description:
      'Annex I point 2. `on` lies from the case\u2019s exitedOn to 28 days after it (400 otherwise); the case must be ' +
      'closed (409). jobSearching and inEmployment exclude each other (400). Of several records the last in the window counts.',
  })
  @ApiCreatedResponse({ type: EsfExitDto, description: 'The exit record as stored' })
  @ApiErrors('not_found', 'case_not_closed', 'founder_erased', 'case_in_transfer')
  addExit(
    @Ctx() ctx: RequestContext,
    @UuidParam('id') id: string,
    @Body() body: CreateEsfExitDto,
  ): Promise<EsfExitDto> {
    return this.esf.addExit(ctx, id, body);
  }

  @Get('cases/:id/esf-exits')
  @CaseId()
  @Access('case.read')
  @ApiOperation({
    summary: 'List the ESF Plus exit records of a case',
    description: 'Oldest first; `counts` marks the one that counts.',
  })
  @ApiOkResponse({ type: EsfExitListDto })
  @ApiErrors('not_found')
  listExits(@Ctx() ctx: RequestContext, @UuidParam('id') id: string): Promise<EsfExitListDto> {
    return this.esf.listExits(ctx, id);
  }
}

@ApiTags('reports')
@Controller()
export class EsfReportsController {
  constructor(@Inject(EsfExportService) private readonly exports: EsfExportService) {}

  @Get('reports/esf-participants')
  @Access('reports.read')
  @ApiOperation({
    summary: 'Stream the ESF Plus participant data, one row per participant',
    description:
      'Leads and auditors. Cases with an entry record that entered on or before `to` and had not left before `from`, ' +
      'short contacts left out; the indicator codes of Regulation (EU) 2021/1057 Annex I as columns (README). ' +
      'Participants are named only by a pseudonymous GUID; no voluntary answers. X-Export-Id names the signed ' +
      'manifest (GET /exports/{id}/manifest).',
  })
  @ApiOkResponse({
    description: 'The file, streamed; its signed manifest is stored once the last row is sent',
    headers: {
      ...EXPORT_ID_HEADER,
      'Content-Disposition': {
        description: 'attachment; filename="esf-participants-<exportId>.<format>"',
        schema: { type: 'string' },
      },
    },
    content: {
      'text/csv': { schema: { type: 'string', description: 'CSV (RFC 4180) with a header row' } },
      'application/x-ndjson': {
        schema: { type: 'string', description: 'One JSON object per line' },
      },
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': {
        schema: {
          type: 'string',
          format: 'binary',
          description: 'One worksheet with a header row',
        },
      },
    },
  })
  @ApiErrors()
  async participants(
    @Ctx() ctx: RequestContext,
    @Query() query: EsfParticipantsQueryDto,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.exports.stream(ctx, query, reply);
  }
}

import { Controller, Get, Headers, Inject, Query, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Access } from '../auth/access.decorator';
import { Ctx, RequestContext } from '../auth/request-context';
import { ReportQueryDto } from './dto/report-query.dto';
import type { ReportName } from './report';
import { reportLang } from './report-lang';
import { ApiReport } from './report-openapi';
import { REPORT_BUILDERS } from './report-registry';
import { renderReport } from './render/render-report';
import { ReportsService } from './reports.service';

const LEADS_AUDITORS = 'Leads and auditors of the offices asked for.';

@ApiTags('reports')
@Controller('reports')
export class ReportsController {
  constructor(@Inject(ReportsService) private readonly reports: ReportsService) {}

  private async answer(
    name: ReportName,
    ctx: RequestContext,
    q: ReportQueryDto,
    acceptLanguage: string | undefined,
    reply: FastifyReply,
  ): Promise<unknown> {
    const table = await this.reports.run(ctx, name, q, reportLang(q.lang, acceptLanguage));
    const rendered = await renderReport(table, q.format ?? 'json');
    reply.header('Content-Type', rendered.contentType);
    reply.header('Content-Language', table.lang);
    if (rendered.fileName)
      reply.header('Content-Disposition', `attachment; filename="${rendered.fileName}"`);
    return rendered.body;
  }

  @Get('funnel')
  @Access('reports.read')
  @ApiReport(REPORT_BUILDERS.funnel, LEADS_AUDITORS)
  funnel(
    @Ctx() ctx: RequestContext,
    @Query() q: ReportQueryDto,
    @Headers('accept-language') lang: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    return this.answer('funnel', ctx, q, lang, reply);
  }

  @Get('time-in-phase')
  @Access('reports.read')
  @ApiReport(REPORT_BUILDERS['time-in-phase'], LEADS_AUDITORS)
  timeInPhase(
    @Ctx() ctx: RequestContext,
    @Query() q: ReportQueryDto,
    @Headers('accept-language') lang: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    return this.answer('time-in-phase', ctx, q, lang, reply);
  }

  @Get('cohorts')
  @Access('reports.read')
  @ApiReport(REPORT_BUILDERS.cohorts, LEADS_AUDITORS)
  cohorts(
    @Ctx() ctx: RequestContext,
    @Query() q: ReportQueryDto,
    @Headers('accept-language') lang: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    return this.answer('cohorts', ctx, q, lang, reply);
  }

  @Get('outcomes')
  @Access('reports.read')
  @ApiReport(REPORT_BUILDERS.outcomes, LEADS_AUDITORS)
  outcomes(
    @Ctx() ctx: RequestContext,
    @Query() q: ReportQueryDto,
    @Headers('accept-language') lang: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    return this.answer('outcomes', ctx, q, lang, reply);
  }

  @Get('reset')
  @Access('reports.read')
  @ApiReport(REPORT_BUILDERS.reset, LEADS_AUDITORS)
  reset(
    @Ctx() ctx: RequestContext,
    @Query() q: ReportQueryDto,
    @Headers('accept-language') lang: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    return this.answer('reset', ctx, q, lang, reply);
  }

  @Get('caseload')
  @Access('reports.caseload')
  @ApiReport(
    REPORT_BUILDERS.caseload,
    'Leads and auditors of the offices asked for; an advisor reads the caseload of their own cases.',
  )
  caseload(
    @Ctx() ctx: RequestContext,
    @Query() q: ReportQueryDto,
    @Headers('accept-language') lang: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    return this.answer('caseload', ctx, q, lang, reply);
  }

  @Get('esf-totals')
  @Access('reports.read')
  @ApiReport(REPORT_BUILDERS['esf-totals'], LEADS_AUDITORS)
  esfTotals(
    @Ctx() ctx: RequestContext,
    @Query() q: ReportQueryDto,
    @Headers('accept-language') lang: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    return this.answer('esf-totals', ctx, q, lang, reply);
  }
}

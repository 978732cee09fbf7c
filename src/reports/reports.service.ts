import { Inject, Injectable } from '@nestjs/common';
import { AccessLogService } from '../access-log/access-log.service';
import { includes, officesFor, type Permission } from '../auth/office-scope';
import type { RequestContext } from '../auth/request-context';
import { ReplicaOfficeDb } from '../database/replica-office-db';
import type { ReportQueryDto } from './dto/report-query.dto';
import type { Lang, ReportName, ReportParams, ReportRow, ReportTable } from './report';
import { reportOffices } from './report-offices';
import { REPORT_BUILDERS } from './report-registry';
import { periodParams } from './report-params';
import { OFFICE_COLUMNS, PERIOD_COLUMNS, periodLabel } from './report-periods';
import { ReportsRepository } from './reports.repository';

/** caseload is also an advisor's own; every other report is for leads and auditors. */
export function reportPermission(name: ReportName): Permission {
  return name === 'caseload' ? 'reports.caseload' : 'reports.read';
}

/**
 * Runs a report: resolves the offices (each asked one must be the caller's), the period and the
 * options, builds the rows in one office-scoped transaction, logs the read and names the offices
 * and periods. Reports hold aggregates only, so the access log records the report, not people.
 */
@Injectable()
export class ReportsService {
  constructor(
    // Reports read on the standby when DATABASE_READ_URL names one (else the primary).
    @Inject(ReplicaOfficeDb) private readonly officeDb: ReplicaOfficeDb,
    @Inject(ReportsRepository) private readonly reports: ReportsRepository,
    @Inject(AccessLogService) private readonly accessLog: AccessLogService,
  ) {}

  async run(
    ctx: RequestContext,
    name: ReportName,
    q: ReportQueryDto,
    lang: Lang,
  ): Promise<ReportTable> {
    const builder = REPORT_BUILDERS[name];
    const officeIds = reportOffices(ctx.actor, reportPermission(name), q.officeId);
    // An advisor (without reports.read there) reads the caseload of their own cases only.
    const reader = officesFor(ctx.actor, 'reports.read');
    const ownOnly = officeIds.some((id) => !includes(reader, id));
    const params: ReportParams = {
      ...periodParams(q),
      officeIds,
      advisorId: ownOnly ? ctx.actor.id : null,
    };
    return this.officeDb.run({ officeIds }, async (tx) => {
      const offices = await this.reports.offices(tx, officeIds);
      const rows = await builder.build(tx, params);
      this.accessLog.record(
        ctx,
        {
          officeId: officeIds.length === 1 ? officeIds[0] : null,
          resourceType: 'report',
          resourceId: null,
          action: 'read',
          details: {
            report: name,
            officeIds,
            from: params.from,
            to: params.to,
            groupBy: params.groupBy,
          },
        },
        tx,
      );
      const byId = new Map(offices.map((o) => [o.id, o]));
      const named = rows.map((row): ReportRow => {
        const office = byId.get(String(row.officeId));
        const period: ReportRow =
          builder.definition.periodic && typeof row.periodStart === 'string'
            ? { period: periodLabel(row.periodStart, params.groupBy) }
            : {};
        return { officeCode: office?.code ?? null, officeName: office?.name ?? null, ...period, ...row };
      });
      const columns = [
        ...OFFICE_COLUMNS,
        ...(builder.definition.periodic ? PERIOD_COLUMNS : []),
        ...builder.definition.columns,
      ];
      return {
        definition: builder.definition,
        params,
        lang,
        offices,
        columns,
        rows: named.map((row) => Object.fromEntries(columns.map((c) => [c.key, row[c.key] ?? null]))),
        generatedAt: new Date(),
      };
    });
  }
}

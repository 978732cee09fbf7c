import { Injectable } from '@nestjs/common';
import type { OfficeTx } from '../database/office-transaction';
import type { PeriodVersion } from './reset.row';

export type PeriodInsert = Omit<PeriodVersion, 'id' | 'createdAt'>;

type PeriodHeaderRow = Omit<PeriodVersion, 'months'> & { monthList: string[] };

const TABLE_OF = { A: 'receipts', B: 'expenses', C: 'deductions' } as const;

/** The analysis ($1) is in the scope's offices ($2); uncorrelated, so PostgreSQL checks it once. */
const IN_SCOPE = `office_id = ANY($2::uuid[])`;

/**
 * SQL of EKS period versions and their lines. Every method takes an OfficeTx and filters by its
 * offices (the rows carry their analysis's office, as row-level security needs).
 */
@Injectable()
export class ResetPeriodsRepository {
  /** The latest version of each period (or every version), ordered by period start and version. */
  async periods(tx: OfficeTx, analysisId: string, allVersions: boolean): Promise<PeriodVersion[]> {
    const versions: PeriodHeaderRow[] = await tx.manager.query(
      `SELECT ${allVersions ? '' : 'DISTINCT ON (period_start)'}
              id, analysis_id AS "analysisId", period_start AS "periodStart", version,
              period_end AS "periodEnd", kind, final_declaration_due_on AS "finalDeclarationDueOn",
              array(SELECT to_char(m, 'YYYY-MM') FROM unnest(months) m ORDER BY m) AS "monthList",
              created_by AS "createdBy", created_at AS "createdAt"
         FROM reset_period_version
        WHERE analysis_id = $1 AND ${IN_SCOPE}
        ORDER BY period_start, version ${allVersions ? 'ASC' : 'DESC'}`,
      [analysisId, tx.officeIds],
    );
    if (versions.length === 0) return [];
    const lines: { vid: string; month: string; code: string; cents: number }[] =
      await tx.manager.query(
        `SELECT period_version_id AS vid, to_char(month, 'YYYY-MM') AS month, code, cents
         FROM reset_period_line WHERE period_version_id = ANY($1::uuid[]) AND office_id = ANY($2::uuid[])
        ORDER BY month, code`,
        [versions.map((v) => v.id), tx.officeIds],
      );
    return versions.map(({ monthList, ...v }) => {
      const months = monthList.map((month): PeriodVersion['months'][number] => ({
        month,
        receipts: {},
        expenses: {},
        deductions: {},
      }));
      for (const l of lines.filter((x) => x.vid === v.id)) {
        const m = months.find((x) => x.month === l.month);
        if (m) m[TABLE_OF[l.code[0] as keyof typeof TABLE_OF]][l.code] = l.cents;
      }
      return { ...v, months };
    });
  }

  async periodCount(tx: OfficeTx, analysisId: string): Promise<number> {
    const [{ n }]: { n: number }[] = await tx.manager.query(
      `SELECT count(DISTINCT period_start)::integer AS n FROM reset_period_version
        WHERE analysis_id = $1 AND ${IN_SCOPE}`,
      [analysisId, tx.officeIds],
    );
    return n;
  }

  /**
   * For an analysis the caller has locked through the scope (ResetRepository.lockForUpdate). The
   * version and its lines carry the analysis's office, which row-level security checks again.
   */
  async insertPeriodVersion(tx: OfficeTx, p: PeriodInsert): Promise<string> {
    const [{ id }]: { id: string }[] = await tx.manager.query(
      `INSERT INTO reset_period_version
              (analysis_id, period_start, version, period_end, kind, final_declaration_due_on, months, created_by, office_id)
       SELECT $1, $2, $3, $4, $5, $6, $7::date[], $8, a.office_id
         FROM reset_analysis a WHERE a.id = $1 AND a.office_id = ANY($9::uuid[])
       RETURNING id`,
      [
        p.analysisId,
        p.periodStart,
        p.version,
        p.periodEnd,
        p.kind,
        p.finalDeclarationDueOn,
        p.months.map((m) => `${m.month}-01`),
        p.createdBy,
        tx.officeIds,
      ],
    );
    const lines = p.months.flatMap((m) =>
      [m.receipts, m.expenses, m.deductions].flatMap((table) =>
        Object.entries(table).map(([code, cents]) => [`${m.month}-01`, code, cents] as const),
      ),
    );
    if (lines.length > 0) {
      await tx.manager.query(
        `INSERT INTO reset_period_line (period_version_id, month, code, cents, office_id)
         SELECT v.id, t.month::date, t.code, t.cents, v.office_id
           FROM reset_period_version v, unnest($2::text[], $3::text[], $4::integer[]) AS t(month, code, cents)
          WHERE v.id = $1`,
        [id, lines.map((l) => l[0]), lines.map((l) => l[1]), lines.map((l) => l[2])],
      );
    }
    await tx.manager.query(
      `UPDATE reset_analysis SET updated_at = now() WHERE id = $1 AND office_id = ANY($2::uuid[])`,
      [p.analysisId, tx.officeIds],
    );
    return id;
  }
}

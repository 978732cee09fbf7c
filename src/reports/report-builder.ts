import type { OfficeTx } from '../database/office-transaction';
import type { ReportDefinition, ReportParams, ReportRow } from './report';

/**
 * One report: its definition and the query that builds its rows. Rows carry `officeId` (and
 * `periodStart` as YYYY-MM-DD when the report is periodic) and the definition's other columns;
 * the service adds the office's code and name and the period's label.
 */
export interface ReportBuilder {
  definition: ReportDefinition;
  build(tx: OfficeTx, params: ReportParams): Promise<ReportRow[]>;
}

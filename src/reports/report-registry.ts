import { CASELOAD } from './definitions/caseload';
import { COHORTS } from './definitions/cohorts';
import { ESF_TOTALS } from './definitions/esf-totals';
import { FUNNEL } from './definitions/funnel';
import { OUTCOMES } from './definitions/outcomes';
import { RESET } from './definitions/reset';
import { TIME_IN_PHASE } from './definitions/time-in-phase';
import type { ReportName } from './report';
import type { ReportBuilder } from './report-builder';

/** Every report by its name in the URL (GET /api/v1/reports/:name). */
export const REPORT_BUILDERS: Record<ReportName, ReportBuilder> = {
  funnel: FUNNEL,
  'time-in-phase': TIME_IN_PHASE,
  cohorts: COHORTS,
  outcomes: OUTCOMES,
  reset: RESET,
  caseload: CASELOAD,
  'esf-totals': ESF_TOTALS,
};

import type { BilingualLabel } from '../phase-model/phase-model.types';

/**
 * The vocabulary of the office reports (GET /api/v1/reports/...): every report is a table of
 * aggregates (no names, no free text, no ids of founders) described by a ReportDefinition, built by
 * one builder (definitions/*.ts) from the history, and rendered as JSON, CSV, XLSX or an SVG chart
 * (render/). The definitions' texts are the figures' definitions in OpenAPI, the README and the
 * CSV and XLSX legends, so an auditor can recompute every figure from the history.
 */

export const REPORT_NAMES = [
  'funnel',
  'time-in-phase',
  'cohorts',
  'outcomes',
  'reset',
  'caseload',
  'esf-totals',
] as const;
export type ReportName = (typeof REPORT_NAMES)[number];

export const GROUP_BY = ['month', 'quarter', 'year'] as const;
export type GroupBy = (typeof GROUP_BY)[number];

export const REPORT_FORMATS = ['json', 'csv', 'xlsx', 'svg'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export const LANGS = ['de', 'en'] as const;
export type Lang = (typeof LANGS)[number];

export type ColumnType = 'string' | 'integer' | 'number' | 'date' | 'uuid';

export interface ReportColumn {
  key: string;
  type: ColumnType;
  /** A dimension names a group (office, period, phase); a measure is a figure of that group. */
  role: 'dimension' | 'measure';
  label: BilingualLabel;
  /** What the figure is, from the history, in English: OpenAPI, the README and the file legends. */
  definition: string;
}

export type ReportCell = string | number | null;
export type ReportRow = Record<string, ReportCell>;

/**
 * The chart of `format=svg`: `x` is the column on the category axis (period, phase, bucket),
 * `measures` the columns drawn (bars or lines, one colour each), `series` a dimension whose
 * values are drawn apart (one facet or line per office, per cohort). Rendered in render/.
 */
export interface ChartSpec {
  kind: 'bar' | 'funnel' | 'box' | 'buckets' | 'lines';
  x: string;
  measures: readonly string[];
  series?: string;
  /** The y axis' title. */
  yTitle: BilingualLabel;
}

export interface ReportDefinition {
  name: ReportName;
  title: BilingualLabel;
  /** One paragraph for OpenAPI and the README: what the report answers and for whom. */
  description: string;
  /**
   * Rows are per office, and per period when periodic: the service puts OFFICE_COLUMNS (and
   * PERIOD_COLUMNS) in front of `columns` (report-periods.ts). The builder's rows carry officeId
   * and periodStart (YYYY-MM-DD) itself; the service adds officeCode, officeName and period.
   */
  periodic: boolean;
  /** The builder's own columns, after the office's and the period's. */
  columns: readonly ReportColumn[];
  chart: ChartSpec;
}

/** The parameters every report takes, resolved and validated (reports.service.ts). */
export interface ReportParams {
  /** The offices asked for, each one the caller may read reports of. */
  officeIds: string[];
  /** Inclusive calendar days (Europe/Berlin). */
  from: string;
  to: string;
  groupBy: GroupBy;
  /** caseload: days without a change after which an open case is untouched. */
  staleDays: number;
  /** Today in Europe/Berlin: caseload and open stays are as of min(to, today). */
  today: string;
  /** caseload: only the cases of this advisor (an advisor reading their own caseload); else null. */
  advisorId: string | null;
}

export interface ReportOffice {
  id: string;
  code: string;
  name: string;
}

/** A built report: what every renderer takes. */
export interface ReportTable {
  definition: ReportDefinition;
  params: ReportParams;
  lang: Lang;
  offices: ReportOffice[];
  /** The service's columns (office and period names) and the builder's, in order. */
  columns: readonly ReportColumn[];
  rows: ReportRow[];
  generatedAt: Date;
}

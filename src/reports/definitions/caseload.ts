import type { ReportBuilder } from '../report-builder';

/** TODO(issue 14): the caseload report, its columns with their definitions and its query. */
export const CASELOAD: ReportBuilder = {
  definition: {
    name: 'caseload',
    title: { de: 'Fallbestand', en: 'Caseload' },
    description: 'Open cases per advisor and phase.',
    periodic: false,
    columns: [],
    chart: { kind: 'bar', x: 'officeName', measures: [], yTitle: { de: 'Anzahl', en: 'Count' } },
  },
  build: () => Promise.resolve([]),
};

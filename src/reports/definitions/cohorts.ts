import type { ReportBuilder } from '../report-builder';

/** TODO(issue 14): the cohorts report, its columns with their definitions and its query. */
export const COHORTS: ReportBuilder = {
  definition: {
    name: 'cohorts',
    title: { de: 'Kohorten', en: 'Cohorts' },
    description: 'Cohorts by the period they entered access.',
    periodic: true,
    columns: [],
    chart: { kind: 'lines', x: 'period', measures: [], yTitle: { de: 'Anzahl', en: 'Count' } },
  },
  build: () => Promise.resolve([]),
};

import type { ReportBuilder } from '../report-builder';

/** TODO(issue 14): the outcomes report, its columns with their definitions and its query. */
export const OUTCOMES: ReportBuilder = {
  definition: {
    name: 'outcomes',
    title: { de: 'Ergebnisse', en: 'Outcomes' },
    description: 'Foundings still active, exits from benefits, completed cases.',
    periodic: true,
    columns: [],
    chart: { kind: 'bar', x: 'period', measures: [], yTitle: { de: 'Anzahl', en: 'Count' } },
  },
  build: () => Promise.resolve([]),
};

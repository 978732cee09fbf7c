import type { ReportBuilder } from '../report-builder';

/** TODO(issue 14): the reset report, its columns with their definitions and its query. */
export const RESET: ReportBuilder = {
  definition: {
    name: 'reset',
    title: { de: 'RE_SET-Empfehlungen', en: 'RE_SET recommendations' },
    description: 'RE_SET analyses by recommendation and what became of them.',
    periodic: true,
    columns: [],
    chart: { kind: 'bar', x: 'period', measures: [], yTitle: { de: 'Anzahl', en: 'Count' } },
  },
  build: () => Promise.resolve([]),
};

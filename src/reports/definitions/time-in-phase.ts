import type { ReportBuilder } from '../report-builder';

/** TODO(issue 14): the time-in-phase report, its columns with their definitions and its query. */
export const TIME_IN_PHASE: ReportBuilder = {
  definition: {
    name: 'time-in-phase',
    title: { de: 'Verweildauer je Phase', en: 'Time in phase' },
    description: 'Days spent in each phase.',
    periodic: true,
    columns: [],
    chart: { kind: 'box', x: 'period', measures: [], yTitle: { de: 'Anzahl', en: 'Count' } },
  },
  build: () => Promise.resolve([]),
};

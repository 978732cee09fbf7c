import type { ReportBuilder } from '../report-builder';

/** TODO(issue 14): the funnel report, its columns with their definitions and its query. */
export const FUNNEL: ReportBuilder = {
  definition: {
    name: 'funnel',
    title: { de: 'Trichter', en: 'Funnel' },
    description: 'Cases that entered each phase.',
    periodic: true,
    columns: [],
    chart: { kind: 'bar', x: 'period', measures: [], yTitle: { de: 'Anzahl', en: 'Count' } },
  },
  build: () => Promise.resolve([]),
};

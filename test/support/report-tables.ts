import type {
  ChartSpec,
  ReportColumn,
  ReportDefinition,
  ReportName,
  ReportRow,
  ReportTable,
} from '../../src/reports/report';
import { OFFICE_COLUMNS, PERIOD_COLUMNS } from '../../src/reports/report-periods';
import { ALL_MILESTONES, insertFounder, openCase, sendEvent } from './cases';
import type { TestApp } from './test-app';
import type { World } from './world';

/**
 * Synthetic report tables, one per chart kind, for the renderers' tests (the six real reports
 * fill in over time; these pin what each kind draws). Office B's name is hostile on purpose: a
 * formula for spreadsheets and markup for the SVG.
 */
export const OFFICE_A = {
  id: '6f1c2e4a-0000-4000-8000-00000000000a',
  code: 'RUN-MZ',
  name: 'RUN Mainz',
};
export const OFFICE_B = {
  id: '6f1c2e4a-0000-4000-8000-00000000000b',
  code: 'EXIS-Z',
  name: '=HYPERLINK("x") <b>&amp; Zwickau</b>',
};

const col = (
  key: string,
  type: ReportColumn['type'],
  role: ReportColumn['role'],
  de: string,
  en: string,
): ReportColumn => ({ key, type, role, label: { de, en }, definition: `The ${en.toLowerCase()}.` });

interface Fixture {
  columns: ReportColumn[];
  chart: ChartSpec;
  periodic: boolean;
  rows: ReportRow[];
  name: ReportName;
  title: { de: string; en: string };
}

const office = (o: typeof OFFICE_A) => ({ officeId: o.id, officeCode: o.code, officeName: o.name });
const month = (m: number) => ({ period: `2026-0${m}`, periodStart: `2026-0${m}-01` });

export const FIXTURES: Record<ChartSpec['kind'], Fixture> = {
  bar: {
    name: 'funnel',
    title: { de: 'Trichter', en: 'Funnel' },
    periodic: true,
    columns: [
      col('accessContacts', 'integer', 'measure', 'Erstkontakte', 'Access contacts'),
      col('firstCounsellings', 'integer', 'measure', 'Erstberatungen', 'First counsellings'),
      col('shareFounded', 'number', 'measure', 'Anteil gegründet', 'Share founded'),
    ],
    chart: {
      kind: 'bar',
      x: 'period',
      measures: ['accessContacts', 'firstCounsellings'],
      yTitle: { de: 'Fälle', en: 'Cases' },
    },
    rows: [
      {
        ...office(OFFICE_A),
        ...month(1),
        accessContacts: 12,
        firstCounsellings: 7,
        shareFounded: 0.25,
      },
      {
        ...office(OFFICE_A),
        ...month(2),
        accessContacts: 1234,
        firstCounsellings: 0,
        shareFounded: null,
      },
      {
        ...office(OFFICE_B),
        ...month(1),
        accessContacts: 3,
        firstCounsellings: '2',
        shareFounded: '0.5',
      },
      {
        ...office(OFFICE_B),
        ...month(2),
        accessContacts: 0,
        firstCounsellings: 1,
        shareFounded: 1,
      },
    ],
  },
  funnel: {
    name: 'funnel',
    title: { de: 'Trichter', en: 'Funnel' },
    periodic: true,
    columns: [
      col('accessContacts', 'integer', 'measure', 'Erstkontakte', 'Access contacts'),
      col('firstCounsellings', 'integer', 'measure', 'Erstberatungen', 'First counsellings'),
      col('businessPlans', 'integer', 'measure', 'Businesspläne', 'Business plans'),
      col('foundings', 'integer', 'measure', 'Gründungen', 'Foundings'),
    ],
    chart: {
      kind: 'funnel',
      x: 'period',
      measures: ['accessContacts', 'firstCounsellings', 'businessPlans', 'foundings'],
      yTitle: { de: 'Fälle', en: 'Cases' },
    },
    rows: [
      {
        ...office(OFFICE_A),
        ...month(1),
        accessContacts: 40,
        firstCounsellings: 30,
        businessPlans: 12,
        foundings: 5,
      },
      {
        ...office(OFFICE_A),
        ...month(2),
        accessContacts: 35,
        firstCounsellings: 22,
        businessPlans: 9,
        foundings: 4,
      },
    ],
  },
  box: {
    name: 'time-in-phase',
    title: { de: 'Verweildauer je Phase', en: 'Time in phase' },
    periodic: false,
    columns: [
      col('phase', 'string', 'dimension', 'Phase', 'Phase'),
      col('median', 'number', 'measure', 'Median (Tage)', 'Median (days)'),
      col('p75', 'integer', 'measure', '75. Perzentil', '75th percentile'),
      col('p90', 'integer', 'measure', '90. Perzentil', '90th percentile'),
    ],
    chart: {
      kind: 'box',
      x: 'phase',
      measures: ['median', 'p75', 'p90'],
      yTitle: { de: 'Tage', en: 'Days' },
    },
    rows: [
      { ...office(OFFICE_A), phase: 'access', median: 12.5, p75: 20, p90: 41 },
      { ...office(OFFICE_A), phase: 'counselling', median: 30, p75: 55, p90: 90 },
      { ...office(OFFICE_A), phase: 'consolidation', median: null, p75: null, p90: null },
    ],
  },
  buckets: {
    name: 'time-in-phase',
    title: { de: 'Verweildauer je Phase', en: 'Time in phase' },
    periodic: false,
    columns: [
      col('phase', 'string', 'dimension', 'Phase', 'Phase'),
      col('le30', 'integer', 'measure', '≤ 30 Tage', '≤ 30 days'),
      col('d31to90', 'integer', 'measure', '31–90 Tage', '31–90 days'),
      col('d91to180', 'integer', 'measure', '91–180 Tage', '91–180 days'),
      col('gt180', 'integer', 'measure', '> 180 Tage', '> 180 days'),
    ],
    chart: {
      kind: 'buckets',
      x: 'phase',
      measures: ['le30', 'd31to90', 'd91to180', 'gt180'],
      yTitle: { de: 'Aufenthalte', en: 'Stays' },
    },
    rows: [
      { ...office(OFFICE_A), phase: 'access', le30: 10, d31to90: 4, d91to180: 1, gt180: 0 },
      { ...office(OFFICE_A), phase: 'counselling', le30: 3, d31to90: 8, d91to180: 5, gt180: 2 },
      { ...office(OFFICE_B), phase: 'access', le30: 2, d31to90: 1, d91to180: 0, gt180: 1 },
    ],
  },
  lines: {
    name: 'cohorts',
    title: { de: 'Kohorten', en: 'Cohorts' },
    periodic: false,
    columns: [
      col('cohort', 'string', 'dimension', 'Kohorte', 'Cohort'),
      col('cohortStart', 'date', 'dimension', 'Beginn der Kohorte', 'Cohort start'),
      col('phase', 'string', 'dimension', 'Phase', 'Phase'),
      col('share', 'number', 'measure', 'Anteil erreicht', 'Share reached'),
      col('shareFounded', 'number', 'measure', 'Anteil gegründet', 'Share founded'),
    ],
    chart: {
      kind: 'lines',
      x: 'phase',
      measures: ['share'],
      series: 'cohort',
      yTitle: { de: 'Anteil der Kohorte', en: 'Share of the cohort' },
    },
    rows: ['2026-Q1', '2026-Q2'].flatMap((cohort, i) =>
      ['access', 'counselling', 'planning', 'founded'].map((phase, j) => ({
        ...office(OFFICE_A),
        cohort,
        cohortStart: i ? '2026-04-01' : '2026-01-01',
        phase,
        share: Math.round((1 / (j + 1 + i)) * 1000) / 1000,
        shareFounded: Math.round((0.4 / (j + 1 + i)) * 1000) / 1000,
      })),
    ),
  },
};

/** A ReportTable as the service builds it, in `lang`, of a fixture (or of no rows). */
export function syntheticTable(
  kind: ChartSpec['kind'],
  lang: 'de' | 'en',
  options: { empty?: boolean } = {},
): ReportTable {
  const f = FIXTURES[kind];
  const definition: ReportDefinition = {
    name: f.name,
    title: f.title,
    description: 'A synthetic report for the renderers\u2019 tests.',
    periodic: f.periodic,
    columns: f.columns,
    chart: f.chart,
  };
  const columns = [...OFFICE_COLUMNS, ...(f.periodic ? PERIOD_COLUMNS : []), ...f.columns];
  const rows = options.empty ? [] : f.rows;
  const officeIds = [...new Set([OFFICE_A.id, ...rows.map((r) => String(r.officeId))])];
  return {
    definition,
    params: {
      officeIds,
      from: '2026-01-01',
      to: '2026-12-31',
      groupBy: 'month',
      staleDays: 60,
      today: '2026-12-31',
      advisorId: null,
    },
    lang,
    offices: [OFFICE_A, OFFICE_B].filter((o) => officeIds.includes(o.id)),
    columns,
    rows: rows.map((row) => Object.fromEntries(columns.map((c) => [c.key, row[c.key] ?? null]))),
    generatedAt: new Date('2026-12-31T10:00:00.000Z'),
  };
}

/**
 * Cases in an office (A by default) for the reports over HTTP to have rows of several kinds: one taken to
 * planning, one counselled and paused, one dropped out, one only opened.
 */
export async function seedReportCases(
  t: TestApp,
  w: World,
  office: 'A' | 'B' = 'A',
): Promise<void> {
  const officeId = office === 'A' ? w.officeA : w.officeB;
  const advisor = office === 'A' ? 'advisorA' : 'advisorB';
  const ids: string[] = [];
  for (const name of ['Format', 'Formel', 'Grafik', 'Tabelle']) {
    const founder = await insertFounder(t, officeId, { last_name: name });
    ids.push((await openCase(t, w, advisor, founder)).id);
  }
  const [planned, paused, dropped] = ids;
  const send = async (id: string, event: object) => {
    const res = await sendEvent(t, w, advisor, id, event);
    if (res.status !== 200)
      throw new Error(`${JSON.stringify(event)}: ${res.status} ${JSON.stringify(res.body)}`);
  };
  for (const id of [planned, paused]) {
    await t.http().patch(`/api/v1/cases/${id}`).set(w.as(advisor)).send(ALL_MILESTONES).expect(200);
    await send(id, { type: 'START_COUNSELLING' });
  }
  await t
    .http()
    .post(`/api/v1/cases/${planned}/contacts`)
    .set(w.as(advisor))
    .send({
      on: '2026-01-20',
      minutes: 90,
      format: 'in_person',
      kind: 'first_counselling',
      topics: ['Idee'],
    })
    .expect(201);
  await send(planned, { type: 'START_PLANNING' });
  await send(paused, { type: 'PAUSE', reason: 'Urlaub' });
  await send(dropped, { type: 'DROP_OUT', reasonCode: 'employment' });
}

/** Makes lead A a lead of office B too, so that a report can be asked for both offices. */
export async function leadOfBothOffices(t: TestApp, w: World): Promise<void> {
  await t.db.query(`INSERT INTO membership (user_id, office_id, role) VALUES ($1, $2, 'lead')`, [
    w.users.leadA.id,
    w.officeB,
  ]);
}

import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { generateApiKey } from '../src/auth/api-key-hash';
import { fuzzOptions } from './support/fuzz';
import type { TestApp } from './support/test-app';
import { useSeededApp, type World } from './support/world';

/**
 * Group filters on GET /founders and GET /cases, and GET /founders/facets, against a TypeScript
 * reference (below): examples for every filter, paging, isolation and refusals, then a property
 * test over random founders, cases and filters.
 */

const GERMAN = ['A1', 'A2', 'B1', 'B2', 'C1', 'C2', 'native', 'none'];
const MOTIVATIONS = [
  'opportunity',
  'necessity',
  'family_tradition',
  'independence',
  'leaving_benefits',
  'unknown',
];
const BENEFITS = ['sgb2', 'sgb3', 'none', 'other'];
const PERMITS = ['yes', 'applied', 'no', 'not_required', 'unknown'];
const PHASES = ['access', 'first_counselling', 'planning', 'launch', 'consolidation'];
const STATUSES = ['active', 'paused', 'closed'];
const ROUTES = ['einstiegsgeld', 'gruendungszuschuss', 'sgb2_16c', 'none', 'other'];
const AGE_BANDS = ['under_18', '18_29', '30_54', '55_plus', 'unknown'];
const SECTORS = ['gastronomy', 'trade', 'crafts'];

interface RefCase {
  id: string;
  phase: string;
  status: string;
  fundingRoute: string | null;
  advisorId: string | null;
  createdAt: string;
  updatedAt: string;
}

interface RefFounder {
  id: string;
  germanLevel: string | null;
  targetSector: string | null;
  homeKnowledgeUsability: number | null;
  presumedMotivation: string | null;
  /** false: no profile at all (profile IS NULL) */
  hasProfile: boolean;
  benefitStatus: string | null;
  migrationBackground: boolean | null;
  selfEmploymentPermitted: string;
  birthDate: string | null;
  birthYear: number | null;
  createdAt: string;
  updatedAt: string;
  erased: boolean;
  cases: RefCase[];
}

/** A query as sent: list filters as arrays, each sent comma-joined or repeated. */
type Query = Partial<Record<string, string[] | string | number>>;

const BERLIN = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Berlin' });
const berlinDay = (instant: string) => BERLIN.format(new Date(instant));
const today = () => BERLIN.format(new Date());

/** Whole years from the birth date to `on` (both YYYY-MM-DD): the birthday counts from its day. */
function age(birth: string, on: string): number {
  const [y, m, d] = birth.split('-').map(Number);
  const [ty, tm, td] = on.split('-').map(Number);
  return ty - y - (tm < m || (tm === m && td < d) ? 1 : 0);
}

export function ageBand(f: Pick<RefFounder, 'birthDate' | 'birthYear'>, on: string): string {
  const birth = f.birthDate ?? (f.birthYear !== null ? `${f.birthYear}-01-01` : null);
  if (birth === null) return 'unknown';
  const a = age(birth, on);
  return a < 18 ? 'under_18' : a < 30 ? '18_29' : a < 55 ? '30_54' : '55_plus';
}

const list = (q: Query, key: string): string[] | undefined => {
  const v = q[key];
  return v === undefined ? undefined : Array.isArray(v) ? v : [String(v)];
};
const oneOf = (value: string | boolean | null, allowed: string[] | undefined) =>
  allowed === undefined || allowed.includes(value === null ? 'null' : String(value));

const FOUNDER_KEYS = [
  'germanLevel',
  'targetSector',
  'homeKnowledgeUsabilityMin',
  'homeKnowledgeUsabilityMax',
  'presumedMotivation',
  'benefitStatus',
  'migrationBackground',
  'selfEmploymentPermitted',
  'ageBand',
];

function founderMatches(f: RefFounder, q: Query, on: string): boolean {
  const min = q.homeKnowledgeUsabilityMin;
  const max = q.homeKnowledgeUsabilityMax;
  const hku = f.homeKnowledgeUsability;
  return (
    oneOf(f.germanLevel, list(q, 'germanLevel')) &&
    oneOf(f.targetSector, list(q, 'targetSector')) &&
    (min === undefined || (hku !== null && hku >= Number(min))) &&
    (max === undefined || (hku !== null && hku <= Number(max))) &&
    oneOf(f.presumedMotivation, list(q, 'presumedMotivation')) &&
    oneOf(f.benefitStatus, list(q, 'benefitStatus')) &&
    oneOf(f.migrationBackground, list(q, 'migrationBackground')) &&
    oneOf(f.selfEmploymentPermitted, list(q, 'selfEmploymentPermitted')) &&
    oneOf(ageBand(f, on), list(q, 'ageBand'))
  );
}

function caseMatches(c: RefCase, q: Query): boolean {
  return (
    oneOf(c.phase, list(q, 'phase')) &&
    oneOf(c.status, list(q, 'status')) &&
    oneOf(c.fundingRoute, list(q, 'fundingRoute')) &&
    oneOf(c.advisorId, list(q, 'advisorId'))
  );
}

function createdMatches(instant: string, q: Query): boolean {
  const day = berlinDay(instant);
  return (
    (q.createdFrom === undefined || day >= String(q.createdFrom)) &&
    (q.createdTo === undefined || day <= String(q.createdTo))
  );
}

const CASE_KEYS = ['phase', 'status', 'fundingRoute', 'advisorId'];

/** The query with `me` in advisorId read as the caller. */
const as = (q: Query, me: string): Query =>
  Array.isArray(q.advisorId)
    ? { ...q, advisorId: q.advisorId.map((id) => (id === 'me' ? me : id)) }
    : q;
const hasAny = (q: Query, keys: string[]) => keys.some((k) => q[k] !== undefined);

/** Newest-updated first, ties by id descending (uuids compare as their hex text). */
const newestFirst = <T extends { id: string; updatedAt: string }>(a: T, b: T) =>
  a.updatedAt !== b.updatedAt
    ? Date.parse(b.updatedAt) - Date.parse(a.updatedAt)
    : b.id.localeCompare(a.id);

/** The reference of GET /founders (all pages). */
function refFounders(founders: RefFounder[], q: Query, on: string): string[] {
  return founders
    .filter(
      (f) =>
        !f.erased &&
        founderMatches(f, q, on) &&
        createdMatches(f.createdAt, q) &&
        (!hasAny(q, CASE_KEYS) || f.cases.some((c) => caseMatches(c, q))),
    )
    .sort(newestFirst)
    .map((f) => f.id);
}

/** The reference of GET /cases (all pages). */
function refCases(founders: RefFounder[], q: Query, on: string): string[] {
  const withFounderFilter = hasAny(q, FOUNDER_KEYS);
  return founders
    .flatMap((f) =>
      f.cases.filter(
        (c) =>
          caseMatches(c, q) &&
          createdMatches(c.createdAt, q) &&
          (!withFounderFilter || (!f.erased && founderMatches(f, q, on))),
      ),
    )
    .sort(newestFirst)
    .map((c) => c.id);
}

/** The reference of GET /founders/facets. */
function refFacets(founders: RefFounder[], q: Query, on: string, sectors: string[]) {
  const ids = new Set(refFounders(founders, q, on));
  const set = founders.filter((f) => ids.has(f.id));
  const count = (values: (string | number | null)[], read: (f: RefFounder) => unknown) =>
    values.map((value) => ({ value, count: set.filter((f) => read(f) === value).length }));
  return {
    total: set.length,
    germanLevel: count([...GERMAN, null], (f) => f.germanLevel),
    targetSector: count([...sectors, null], (f) => f.targetSector),
    homeKnowledgeUsability: count([0, 1, 2, 3, null], (f) => f.homeKnowledgeUsability),
    presumedMotivation: count([...MOTIVATIONS, null], (f) => f.presumedMotivation),
    benefitStatus: count([...BENEFITS, null], (f) => f.benefitStatus),
    ageBand: count(AGE_BANDS, (f) => ageBand(f, on)),
  };
}

/** The query string: arrays comma-joined, or repeated when `repeat`. */
function queryString(q: Query, repeat = false): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(q)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) {
      if (repeat) for (const v of value) params.append(key, v);
      else params.append(key, value.join(','));
    } else params.append(key, String(value));
  }
  return params.toString();
}

let n = 0;

/** Writes the founders and their cases with SQL, in one statement each. */
async function insert(t: TestApp, officeId: string, founders: RefFounder[]): Promise<void> {
  await t.db.query(
    `INSERT INTO founder (id, office_id, first_name, last_name, german_level, profile, benefit_status,
                          migration_background, self_employment_permitted, birth_date, birth_year,
                          created_at, updated_at, erased_at)
     SELECT x.id, $1, 'Grp', x.last_name, x.german_level, x.profile, x.benefit_status,
            x.migration_background, x.self_employment_permitted, x.birth_date, x.birth_year,
            x.created_at, x.updated_at, CASE WHEN x.erased THEN now() END
       FROM jsonb_to_recordset($2::jsonb) AS x(id uuid, last_name text, german_level text, profile jsonb,
            benefit_status text, migration_background boolean, self_employment_permitted text,
            birth_date date, birth_year smallint, created_at timestamptz, updated_at timestamptz,
            erased boolean)`,
    [
      officeId,
      JSON.stringify(
        founders.map((f) => ({
          id: f.id,
          last_name: `Filter${n++}`,
          german_level: f.germanLevel,
          profile: f.hasProfile
            ? Object.fromEntries(
                Object.entries({
                  target_sector: f.targetSector,
                  home_knowledge_usability: f.homeKnowledgeUsability,
                  presumed_motivation: f.presumedMotivation,
                }).filter(([, v]) => v !== null),
              )
            : null,
          benefit_status: f.benefitStatus,
          migration_background: f.migrationBackground,
          self_employment_permitted: f.selfEmploymentPermitted,
          birth_date: f.birthDate,
          birth_year: f.birthYear,
          created_at: f.createdAt,
          updated_at: f.updatedAt,
          erased: f.erased,
        })),
      ),
    ],
  );
  const cases = founders.flatMap((f) => f.cases.map((c) => ({ ...c, founderId: f.id })));
  if (cases.length === 0) return;
  await t.db.query(
    `INSERT INTO founder_case (id, office_id, founder_id, phase, status, machine_version, state,
                               funding_route, advisor_id, created_at, updated_at)
     SELECT x.id, $1, x.founder_id, x.phase, x.status, 1, '{}', x.funding_route, x.advisor_id,
            x.created_at, x.updated_at
       FROM jsonb_to_recordset($2::jsonb) AS x(id uuid, founder_id uuid, phase text, status text,
            funding_route text, advisor_id uuid, created_at timestamptz, updated_at timestamptz)`,
    [
      officeId,
      JSON.stringify(
        cases.map((c) => ({
          id: c.id,
          founder_id: c.founderId,
          phase: c.phase,
          status: c.status,
          funding_route: c.fundingRoute,
          advisor_id: c.advisorId,
          created_at: c.createdAt,
          updated_at: c.updatedAt,
        })),
      ),
    ],
  );
}

function founder(fields: Partial<RefFounder> = {}): RefFounder {
  return {
    id: randomUUID(),
    germanLevel: null,
    targetSector: null,
    homeKnowledgeUsability: null,
    presumedMotivation: null,
    hasProfile: true,
    benefitStatus: null,
    migrationBackground: null,
    selfEmploymentPermitted: 'unknown',
    birthDate: null,
    birthYear: null,
    createdAt: '2026-02-01T10:00:00Z',
    updatedAt: new Date(Date.UTC(2026, 0, 1) + n++ * 60_000).toISOString(),
    erased: false,
    cases: [],
    ...fields,
  };
}

function kase(fields: Partial<RefCase> = {}): RefCase {
  return {
    id: randomUUID(),
    phase: 'access',
    status: 'active',
    fundingRoute: null,
    advisorId: null,
    createdAt: '2026-02-01T10:00:00Z',
    updatedAt: new Date(Date.UTC(2026, 0, 1) + n++ * 60_000).toISOString(),
    ...fields,
  };
}

/** today - years + days, as YYYY-MM-DD (clamped like PostgreSQL: 29 February to the 28th). */
function yearsAgo(years: number, days = 0): string {
  const [y, m, d] = today().split('-').map(Number);
  const lastDay = new Date(Date.UTC(y - years, m, 0)).getUTCDate();
  const date = new Date(Date.UTC(y - years, m - 1, Math.min(d, lastDay)) + days * 86_400_000);
  return date.toISOString().slice(0, 10);
}

describe('group filters', () => {
  let t: TestApp;
  let w: World;
  useSeededApp((app, world) => ((t = app), (w = world)));

  const get = (path: string, auth: Record<string, string>) => t.http().get(path).set(auth);

  /** Every page of a list, following nextCursor; fails on a repeated id. */
  async function walk(
    path: string,
    q: Query,
    auth: Record<string, string>,
    limit: number,
    repeat = false,
  ): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 200; page++) {
      const qs = queryString({ ...q, limit, ...(cursor ? { cursor } : {}) }, repeat);
      const res = await get(`${path}?${qs}`, auth);
      expect({ status: res.status, body: res.status === 200 ? 'ok' : res.body }).toEqual({
        status: 200,
        body: 'ok',
      });
      const body = res.body as { items: { id: string }[]; nextCursor: string | null };
      expect(body.items.length).toBeLessThanOrEqual(limit);
      ids.push(...body.items.map((i) => i.id));
      cursor = body.nextCursor;
      if (!cursor) break;
    }
    expect(new Set(ids).size).toBe(ids.length);
    return ids;
  }

  describe('on a fixed set of founders in office A (and one in B)', () => {
    let founders: RefFounder[];
    let inB: RefFounder;
    let sectors: string[];

    beforeAll(async () => {
      sectors = (
        await t.db.query<{ code: string }[]>(`SELECT code FROM target_sector ORDER BY sort, code`)
      ).map((r) => r.code);
      const advisor = w.users.advisorA.id;
      const lead = w.users.leadA.id;
      founders = [
        founder({
          germanLevel: 'A2',
          targetSector: 'gastronomy',
          homeKnowledgeUsability: 3,
          presumedMotivation: 'necessity',
          benefitStatus: 'sgb2',
          migrationBackground: true,
          selfEmploymentPermitted: 'yes',
          birthDate: yearsAgo(18), // 18 today: 18_29
          createdAt: '2026-03-31T21:59:59Z', // 23:59:59 on 31 March in Berlin (CEST)
          cases: [
            kase({
              phase: 'planning',
              status: 'active',
              fundingRoute: 'einstiegsgeld',
              advisorId: advisor,
            }),
            kase({ phase: 'access', status: 'closed', advisorId: lead }),
          ],
        }),
        founder({
          germanLevel: 'B1',
          targetSector: 'trade',
          homeKnowledgeUsability: 1,
          presumedMotivation: 'opportunity',
          benefitStatus: 'sgb3',
          migrationBackground: false,
          selfEmploymentPermitted: 'not_required',
          birthDate: yearsAgo(18, 1), // 18 tomorrow: under_18
          createdAt: '2026-03-31T22:00:00Z', // 1 April in Berlin
          cases: [kase({ phase: 'launch', status: 'paused', fundingRoute: 'gruendungszuschuss' })],
        }),
        founder({
          germanLevel: 'B1',
          targetSector: 'crafts',
          homeKnowledgeUsability: 2,
          presumedMotivation: 'unknown',
          benefitStatus: null,
          migrationBackground: null,
          selfEmploymentPermitted: 'no',
          birthDate: yearsAgo(55), // 55 today
          createdAt: '2026-01-15T23:00:00Z', // 16 January in Berlin (CET)
          cases: [kase({ phase: 'planning', status: 'closed', advisorId: advisor })],
        }),
        founder({
          germanLevel: null,
          hasProfile: false,
          benefitStatus: 'sgb2',
          selfEmploymentPermitted: 'yes',
          birthDate: yearsAgo(30, 1), // 29
          createdAt: '2026-01-15T22:59:59Z', // 15 January in Berlin
        }),
        founder({
          germanLevel: 'native',
          homeKnowledgeUsability: 0,
          benefitStatus: 'none',
          migrationBackground: true,
          birthDate: yearsAgo(30), // 30 today
          cases: [kase({ phase: 'consolidation', fundingRoute: 'none', advisorId: advisor })],
        }),
        // Only the year of birth is kept: counted as born on 1 January.
        founder({ germanLevel: 'C1', birthYear: Number(today().slice(0, 4)) - 40 }),
        founder({ germanLevel: 'none', benefitStatus: 'other', birthDate: yearsAgo(55, 1) }),
        // Erased: never listed, never counted, its cases never found by founder data.
        founder({
          germanLevel: 'A2',
          benefitStatus: 'sgb2',
          erased: true,
          cases: [kase({ phase: 'planning', fundingRoute: 'einstiegsgeld', advisorId: advisor })],
        }),
      ];
      await insert(t, w.officeA, founders);
      inB = founder({
        germanLevel: 'A2',
        benefitStatus: 'sgb2',
        cases: [kase({ phase: 'planning', fundingRoute: 'einstiegsgeld' })],
      });
      await insert(t, w.officeB, [inB]);
    });

    const A = () => w.as('advisorA');
    const mine = (ids: string[]) => ids.filter((id) => founders.some((f) => f.id === id));
    const myCases = (ids: string[]) =>
      ids.filter((id) => founders.some((f) => f.cases.some((c) => c.id === id)));
    const byId = (ids: string[]) =>
      ids.map((id) => founders.findIndex((f) => f.id === id || f.cases.some((c) => c.id === id)));

    // Each filter with one value and with several, as a comma list and repeated.
    const examples: [string, Query, number[]][] = [
      ['germanLevel, one value', { germanLevel: ['B1'] }, [2, 1]],
      ['germanLevel, several', { germanLevel: ['A2', 'native'] }, [4, 0]],
      ['germanLevel, not recorded', { germanLevel: ['null', 'C1'] }, [5, 3]],
      ['targetSector', { targetSector: ['gastronomy'] }, [0]],
      [
        'targetSector, several and null',
        { targetSector: ['trade', 'crafts', 'null'] },
        [6, 5, 4, 3, 2, 1],
      ],
      ['homeKnowledgeUsabilityMin', { homeKnowledgeUsabilityMin: 2 }, [2, 0]],
      ['homeKnowledgeUsabilityMax', { homeKnowledgeUsabilityMax: 1 }, [4, 1]],
      [
        'homeKnowledgeUsability range',
        { homeKnowledgeUsabilityMin: 1, homeKnowledgeUsabilityMax: 2 },
        [2, 1],
      ],
      ['presumedMotivation', { presumedMotivation: ['necessity', 'unknown'] }, [2, 0]],
      ['benefitStatus', { benefitStatus: ['sgb2'] }, [3, 0]],
      ['benefitStatus, several and null', { benefitStatus: ['sgb3', 'null'] }, [5, 2, 1]],
      ['migrationBackground true', { migrationBackground: ['true'] }, [4, 0]],
      [
        'migrationBackground false,null',
        { migrationBackground: ['false', 'null'] },
        [6, 5, 3, 2, 1],
      ],
      ['selfEmploymentPermitted', { selfEmploymentPermitted: ['yes', 'no'] }, [3, 2, 0]],
      ['ageBand under_18', { ageBand: ['under_18'] }, [1]],
      ['ageBand 18_29', { ageBand: ['18_29'] }, [3, 0]],
      ['ageBand 30_54,55_plus', { ageBand: ['30_54', '55_plus'] }, [6, 5, 4, 2]],
      ['ageBand unknown', { ageBand: ['unknown'] }, []],
      ['phase (has a case in it)', { phase: ['planning'] }, [2, 0]],
      ['phase, several', { phase: ['launch', 'consolidation'] }, [4, 1]],
      ['status', { status: ['closed'] }, [2, 0]],
      ['status, several', { status: ['paused', 'closed'] }, [2, 1, 0]],
      ['fundingRoute', { fundingRoute: ['einstiegsgeld', 'gruendungszuschuss'] }, [1, 0]],
      ['fundingRoute null', { fundingRoute: ['null'] }, [2, 0]],
      ['advisorId me', { advisorId: ['me'] }, [4, 2, 0]],
      ['createdFrom (Berlin day)', { createdFrom: '2026-04-01' }, [1]],
      ['createdTo (Berlin day, inclusive)', { createdTo: '2026-01-15' }, [3]],
      [
        'createdFrom..createdTo',
        { createdFrom: '2026-01-16', createdTo: '2026-03-31' },
        [6, 5, 4, 2, 0],
      ],
      // Case filters together: one case must match all of them (founder 0 has a planning case
      // and a closed case, but no closed planning case).
      ['case filters on one case', { phase: ['planning'], status: ['closed'] }, [2]],
      [
        'combination',
        {
          germanLevel: ['A2', 'B1'],
          benefitStatus: ['sgb2', 'sgb3'],
          phase: ['planning', 'launch'],
        },
        [1, 0],
      ],
    ];

    it.each(examples)('GET /founders: %s', async (_name, q, expected) => {
      const on = today();
      for (const repeat of [false, true]) {
        const res = await get(`/api/v1/founders?${queryString(q, repeat)}&limit=200`, A()).expect(
          200,
        );
        const ids = mine(res.body.items.map((i: { id: string }) => i.id));
        expect(byId(ids)).toEqual(expected);
        expect(ids).toEqual(refFounders(founders, as(q, w.users.advisorA.id), on));
      }
    });

    it('GET /founders/facets counts each axis over the filtered founders, also 0 and null', async () => {
      const on = today();
      const res = await get('/api/v1/founders/facets', A()).expect(200);
      // Office A holds the other tests' founders too: compare with SQL for the office, per axis.
      expect(res.body.total).toBe(
        (
          await t.db.query(
            `SELECT count(*)::int AS n FROM founder WHERE office_id = $1 AND erased_at IS NULL`,
            [w.officeA],
          )
        )[0].n,
      );
      const q = { germanLevel: ['A2', 'B1', 'null'] };
      const filtered = await get(`/api/v1/founders/facets?${queryString(q)}`, A()).expect(200);
      const others = (
        await get(`/api/v1/founders?${queryString(q)}&limit=200`, A()).expect(200)
      ).body.items.filter((i: { id: string }) => !founders.some((f) => f.id === i.id));
      expect(others).toEqual([]); // no founder of other tests matches: the reference sees them all
      expect(filtered.body).toEqual(refFacets(founders, q, on, sectors));
      expect(filtered.body.germanLevel.filter((b: { count: number }) => b.count > 0)).toEqual([
        { value: 'A2', count: 1 },
        { value: 'B1', count: 2 },
        { value: null, count: 1 },
      ]);
      expect(filtered.body.ageBand).toEqual([
        { value: 'under_18', count: 1 },
        { value: '18_29', count: 2 },
        { value: '30_54', count: 0 },
        { value: '55_plus', count: 1 },
        { value: 'unknown', count: 0 },
      ]);
      for (const axis of [
        'germanLevel',
        'targetSector',
        'homeKnowledgeUsability',
        'presumedMotivation',
        'benefitStatus',
        'ageBand',
      ])
        expect(
          filtered.body[axis].reduce((s: number, b: { count: number }) => s + b.count, 0),
        ).toBe(4);
    });

    it('GET /cases applies the founder filters to the case\u2019s founder, never to an erased one', async () => {
      const on = today();
      const queries: Query[] = [
        { germanLevel: ['A2'] },
        { benefitStatus: ['sgb2'], phase: ['planning'] },
        { phase: ['planning', 'access'], status: ['active', 'closed'] },
        { fundingRoute: ['einstiegsgeld'] }, // no founder filter: the erased founder's case counts
        { advisorId: ['me'], ageBand: ['18_29', '55_plus'] },
        { createdFrom: '2026-02-01', createdTo: '2026-02-01', ageBand: ['30_54', '18_29'] },
      ];
      for (const q of queries) {
        const res = await get(`/api/v1/cases?${queryString(q)}&limit=200`, A()).expect(200);
        expect({ q, ids: myCases(res.body.items.map((i: { id: string }) => i.id)) }).toEqual({
          q,
          ids: refCases(founders, as(q, w.users.advisorA.id), on),
        });
      }
      const erasedCase = founders[7].cases[0].id;
      const withoutFilter = await get('/api/v1/cases?fundingRoute=einstiegsgeld&limit=200', A());
      expect(withoutFilter.body.items.map((i: { id: string }) => i.id)).toContain(erasedCase);
      const withFilter = await get(
        '/api/v1/cases?fundingRoute=einstiegsgeld&germanLevel=A2&limit=200',
        A(),
      );
      expect(withFilter.body.items.map((i: { id: string }) => i.id)).not.toContain(erasedCase);
    });

    it('pages through a filtered set without gaps or repeats, and an old cursor survives a changed filter', async () => {
      const on = today();
      const q = {
        ageBand: ['18_29', '30_54', '55_plus', 'under_18'],
        migrationBackground: ['true', 'false', 'null'],
      };
      expect(mine(await walk('/api/v1/founders', q, A(), 2))).toEqual(refFounders(founders, q, on));
      const qc = { phase: PHASES, germanLevel: [...GERMAN, 'null'] };
      expect(myCases(await walk('/api/v1/cases', qc, A(), 1, true))).toEqual(
        refCases(founders, qc, on),
      );

      const first = await get('/api/v1/founders?germanLevel=B1&limit=1', A()).expect(200);
      const cursor = first.body.nextCursor as string;
      // The same cursor with another filter: the keyset position still applies, no 5xx.
      const other = await get(
        `/api/v1/founders?benefitStatus=sgb2&ageBand=18_29&limit=5&cursor=${cursor}`,
        A(),
      ).expect(200);
      const after = founders.find((f) => f.id === first.body.items[0].id)!.updatedAt;
      for (const item of other.body.items)
        expect(Date.parse(item.updatedAt)).toBeLessThanOrEqual(Date.parse(after));
      const cases = await get('/api/v1/cases?phase=planning&limit=1', A()).expect(200);
      await get(
        `/api/v1/cases?germanLevel=A2&status=closed&cursor=${cases.body.nextCursor}`,
        A(),
      ).expect(200);
    });

    it('keeps offices apart: lists and facets of A never show or count B', async () => {
      const q = { germanLevel: ['A2'], benefitStatus: ['sgb2'] };
      const a = await get(`/api/v1/founders?${queryString(q)}&limit=200`, A()).expect(200);
      expect(a.body.items.map((i: { id: string }) => i.id)).not.toContain(inB.id);
      const b = await get(`/api/v1/founders?${queryString(q)}&limit=200`, w.as('advisorB')).expect(
        200,
      );
      expect(b.body.items.map((i: { id: string }) => i.id)).toEqual([inB.id]);
      const facetsB = await get(`/api/v1/founders/facets?${queryString(q)}`, w.as('leadB')).expect(
        200,
      );
      expect(facetsB.body.total).toBe(1);
      const facetsA = await get(`/api/v1/founders/facets?${queryString(q)}`, A()).expect(200);
      expect(facetsA.body.total).toBe(1); // founder 0 (the erased one is not counted)
      const cases = await get('/api/v1/cases?germanLevel=A2&limit=200', w.as('leadB')).expect(200);
      expect(cases.body.items.map((i: { id: string }) => i.id)).toEqual([inB.cases[0].id]);
      // An office of someone else named as officeId gives nothing.
      const narrowed = await get(`/api/v1/cases?germanLevel=A2&officeId=${w.officeB}`, A()).expect(
        200,
      );
      expect(narrowed.body.items).toEqual([]);
    });

    it('takes a target sector code that is not configured and matches nothing with it', async () => {
      const qs = 'targetSector=no_such_sector';
      const founders = await get(`/api/v1/founders?${qs}`, A()).expect(200);
      expect(founders.body.items).toEqual([]);
      const cases = await get(`/api/v1/cases?${qs}`, A()).expect(200);
      expect(cases.body.items).toEqual([]);
      const facets = await get(`/api/v1/founders/facets?${qs}`, A()).expect(200);
      expect(facets.body.total).toBe(0);
      // The facet lists the configured codes only, not the one asked for.
      const values = facets.body.targetSector.map((b: { value: string | null }) => b.value);
      expect(values).not.toContain('no_such_sector');
      expect(values).toContain(null);
    });

    it('lets only those who may read founders filter cases by founder data', async () => {
      await get('/api/v1/cases?germanLevel=A2', w.as('auditorA')).expect(403);
      await get('/api/v1/cases?phase=planning,access', w.as('auditorA')).expect(200);
      await get('/api/v1/founders/facets', w.as('auditorA')).expect(403);
      await get('/api/v1/founders/facets', w.as('admin')).expect(403);
      await get('/api/v1/founders/facets', w.as('nobody')).expect(403);
      await t.http().get('/api/v1/founders/facets').expect(401);
    });

    it('logs the facets as an aggregate: the total and the filters\u2019 names, no ids', async () => {
      await get('/api/v1/founders/facets?germanLevel=B1&ageBand=under_18', A())
        .set('X-Request-Id', 'facets-log')
        .expect(200);
      await get('/api/v1/founders?germanLevel=B1&q=Filter', A())
        .set('X-Request-Id', 'filter-log')
        .expect(200);
      const rows = await t.db.query(
        `SELECT request_id, resource_type, resource_id, action, details, office_id FROM access_log
          WHERE request_id IN ('facets-log', 'filter-log') ORDER BY request_id`,
      );
      expect(rows).toEqual([
        {
          request_id: 'facets-log',
          resource_type: 'founder_facets',
          resource_id: null,
          action: 'list',
          details: { total: 1, filters: ['germanLevel', 'ageBand'] },
          office_id: w.officeA,
        },
        {
          request_id: 'filter-log',
          resource_type: 'founder',
          resource_id: null,
          action: 'list',
          details: { count: 2, filters: ['germanLevel'] },
          office_id: w.officeA,
        },
      ]);
    });
  });

  describe('refuses bad values with 400 problem+json', () => {
    const bad: [string, string][] = [
      ['unknown German level', 'germanLevel=B1,B3'],
      ['lower-case level', 'germanLevel=b1'],
      ['empty list item', 'germanLevel=B1,'],
      ['unknown age band', 'ageBand=18_30'],
      ['unknown motivation', 'presumedMotivation=greed'],
      ['unknown benefit status', 'benefitStatus=sgb4'],
      ['migrationBackground not a boolean', 'migrationBackground=yes'],
      ['selfEmploymentPermitted null (never empty)', 'selfEmploymentPermitted=null'],
      ['unknown phase', 'phase=planning,dreaming'],
      ['unknown status', 'status=open'],
      ['unknown funding route', 'fundingRoute=lottery'],
      ['advisorId not a uuid', 'advisorId=me,someone'],
      ['malformed sector code', 'targetSector=Gastro!'],
      ['homeKnowledgeUsabilityMin not an integer', 'homeKnowledgeUsabilityMin=1.5'],
      ['homeKnowledgeUsabilityMax above 3', 'homeKnowledgeUsabilityMax=4'],
      ['min above max', 'homeKnowledgeUsabilityMin=3&homeKnowledgeUsabilityMax=1'],
      ['bad date', 'createdFrom=2026-02-30'],
      ['not a date', 'createdTo=yesterday'],
      ['createdFrom after createdTo', 'createdFrom=2026-03-02&createdTo=2026-03-01'],
      ['too many values', `germanLevel=${Array(51).fill('A1').join(',')}`],
      ['an unknown parameter', 'gender=female'],
    ];
    for (const path of ['/api/v1/founders', '/api/v1/founders/facets', '/api/v1/cases']) {
      it.each(bad)(`${path}: %s`, async (_name, qs) => {
        const res = await get(`${path}?${qs}`, w.as('leadA')).expect(400);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.body.code).toBe('validation_failed');
      });
    }
  });

  describe('against the reference on random founders, cases and filters', () => {
    const instants = [
      '2026-01-15T22:59:59Z',
      '2026-01-15T23:00:00Z',
      '2026-03-31T21:59:59Z',
      '2026-03-31T22:00:00Z',
      '2026-06-10T10:00:00Z',
    ];
    const days = ['2026-01-15', '2026-01-16', '2026-03-31', '2026-04-01', '2026-06-10'];
    const updated = fc
      .integer({ min: 0, max: 15 })
      .map((k) => new Date(Date.UTC(2026, 5, 1) + k * 60_000).toISOString());
    const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null, freq: 3 });
    const birth = fc.oneof(
      fc.constant(null),
      fc
        .tuple(fc.constantFrom(18, 30, 55), fc.integer({ min: -2, max: 2 }))
        .map(([y, d]) => yearsAgo(y, d)),
      fc.integer({ min: 1, max: 80 }).map((y) => yearsAgo(y, 100)),
    );

    const scenario = (advisors: string[]) =>
      fc.record({
        founders: fc.array(
          fc.record({
            germanLevel: maybe(fc.constantFrom(...GERMAN)),
            targetSector: maybe(fc.constantFrom(...SECTORS)),
            homeKnowledgeUsability: maybe(fc.integer({ min: 0, max: 3 })),
            presumedMotivation: maybe(fc.constantFrom(...MOTIVATIONS)),
            hasProfile: fc.integer({ min: 0, max: 5 }).map((k) => k > 0),
            benefitStatus: maybe(fc.constantFrom(...BENEFITS)),
            migrationBackground: maybe(fc.boolean()),
            selfEmploymentPermitted: fc.constantFrom(...PERMITS),
            birthDate: birth,
            birthYearOnly: fc.integer({ min: 0, max: 6 }).map((k) => k === 0),
            createdAt: fc.constantFrom(...instants),
            updatedAt: updated,
            erased: fc.integer({ min: 0, max: 8 }).map((k) => k === 0),
            cases: fc.array(
              fc.record({
                phase: fc.constantFrom(...PHASES),
                status: fc.constantFrom(...STATUSES),
                fundingRoute: maybe(fc.constantFrom(...ROUTES)),
                advisorId: maybe(fc.constantFrom(...advisors)),
                createdAt: fc.constantFrom(...instants),
                updatedAt: updated,
              }),
              { maxLength: 3 },
            ),
          }),
          { maxLength: 14 },
        ),
        // Up to three filters, so that the filtered sets are seldom empty.
        filter: fc
          .uniqueArray(
            fc.oneof(
              ...Object.entries({
                germanLevel: [...GERMAN, 'null'],
                targetSector: [...SECTORS, 'null'],
                presumedMotivation: [...MOTIVATIONS, 'null'],
                benefitStatus: [...BENEFITS, 'null'],
                migrationBackground: ['true', 'false', 'null'],
                selfEmploymentPermitted: PERMITS,
                ageBand: AGE_BANDS,
                phase: PHASES,
                status: STATUSES,
                fundingRoute: [...ROUTES, 'null'],
                advisorId: advisors,
              }).map(([key, values]) =>
                fc.subarray(values, { minLength: 1 }).map((v): [string, Query[string]] => [key, v]),
              ),
              fc
                .tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }))
                .map(([a, b]): [string, Query[string]] => [
                  'hku',
                  [Math.min(a, b), Math.max(a, b)].join('-'),
                ]),
              fc
                .integer({ min: 0, max: 3 })
                .map((v): [string, Query[string]] => ['homeKnowledgeUsabilityMin', v]),
              fc
                .integer({ min: 0, max: 3 })
                .map((v): [string, Query[string]] => ['homeKnowledgeUsabilityMax', v]),
              fc.constantFrom(...days).map((v): [string, Query[string]] => ['createdFrom', v]),
              fc.constantFrom(...days).map((v): [string, Query[string]] => ['createdTo', v]),
            ),
            { maxLength: 3, selector: ([key]) => key },
          )
          .map((entries) => {
            const q: Query = {};
            for (const [key, value] of entries) {
              if (key === 'hku') {
                const [lo, hi] = String(value).split('-').map(Number);
                [q.homeKnowledgeUsabilityMin, q.homeKnowledgeUsabilityMax] = [lo, hi];
              } else q[key] = value;
            }
            const [lo, hi] = [q.homeKnowledgeUsabilityMin, q.homeKnowledgeUsabilityMax];
            if (lo !== undefined && hi !== undefined && Number(lo) > Number(hi))
              [q.homeKnowledgeUsabilityMin, q.homeKnowledgeUsabilityMax] = [hi, lo];
            const [from, to] = [q.createdFrom, q.createdTo];
            if (from !== undefined && to !== undefined && String(from) > String(to))
              [q.createdFrom, q.createdTo] = [to, from];
            return q;
          }),
        repeat: fc.boolean(),
        limit: fc.integer({ min: 1, max: 4 }),
      });

    it('lists (walked in pages) and facets equal the reference', async () => {
      const advisors = [w.users.advisorA.id, w.users.leadA.id];
      const sectors = (
        await t.db.query<{ code: string }[]>(`SELECT code FROM target_sector ORDER BY sort, code`)
      ).map((r) => r.code);
      let run = 0;
      await fc.assert(
        fc.asyncProperty(scenario(advisors), async ({ founders: drawn, filter, repeat, limit }) => {
          // Each run in an office of its own, read with an advisor API key of that office.
          const [office] = await t.db.query(
            `INSERT INTO office (code, name) VALUES ($1, 'Filter office') RETURNING id`,
            [`GF-${run++}-${randomUUID().slice(0, 8)}`],
          );
          const key = generateApiKey();
          await t.db.query(
            `INSERT INTO api_key (office_id, name, role, key_hash, key_prefix) VALUES ($1, 'gf', 'advisor', $2, $3)`,
            [office.id, key.hash, key.prefix],
          );
          const founders: RefFounder[] = drawn.map(({ birthYearOnly, cases, ...f }) => ({
            ...f,
            id: randomUUID(),
            // With the year only, the date is gone (as after an erasure, but the founder is live).
            birthYear: f.birthDate && birthYearOnly ? Number(f.birthDate.slice(0, 4)) : null,
            birthDate: birthYearOnly ? null : f.birthDate,
            ...(f.hasProfile
              ? {}
              : { targetSector: null, homeKnowledgeUsability: null, presumedMotivation: null }),
            cases: cases.map((c) => ({ ...c, id: randomUUID() })),
          }));
          await insert(t, office.id, founders);

          const q = filter;
          const auth = { 'X-API-Key': key.key };
          const on = today();
          expect(await walk('/api/v1/founders', q, auth, limit, repeat)).toEqual(
            refFounders(founders, q, on),
          );
          expect(await walk('/api/v1/cases', q, auth, limit, repeat)).toEqual(
            refCases(founders, q, on),
          );
          const facets = await get(
            `/api/v1/founders/facets?${queryString(q, repeat)}`,
            auth,
          ).expect(200);
          expect(facets.body).toEqual(refFacets(founders, q, on, sectors));
        }),
        fuzzOptions(40, 40_000),
      );
    }, 90_000);
  });
});

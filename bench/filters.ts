import { Client } from 'pg';
import { DataSource } from 'typeorm';
import type { Principal } from '../src/auth/principal';
import { CasesRepository } from '../src/cases/cases.repository';
import { todayInBerlin } from '../src/common/time/calendar-date';
import type { OfficeTx } from '../src/database/office-transaction';
import { FoundersRepository } from '../src/founders/founders.repository';
import { toGroupFilter, type GroupFilterQuery } from '../src/group-filters/group-filter';
import type { HistorySealer } from '../src/history-chain/history-sealer';
import { BENCH } from './config';
import { fmt } from './lib/stats';
import type { Phase } from './report';
import type { HttpScenario, PgScenario, RecordedStatement } from './workers/specs';

/**
 * The filters scenario (BENCH_ONLY=filters): group-filtered pages of GET /founders and GET /cases
 * and GET /founders/facets over HTTP, beside the same SQL run straight on the database. The
 * baseline's statements are recorded from the service's own repositories (FoundersRepository,
 * CasesRepository, with the filter built by the service's toGroupFilter) and replayed by the pg
 * worker: without the office-scoped transaction, row-level security, the access log, JSON and HTTP.
 *
 * Data: the 1,000,000 cases of the `list` scenario (bench/seed.ts), whose founders carry the
 * applicant profile (seedListFounders below: casesPerFounder cases each).
 */

/** Cases per founder in the list offices; 1,000,000 cases are then 250,000 founders. */
export const CASES_PER_FOUNDER = 4;

/**
 * The founders of the listing offices with every profile field spread over its values (and
 * nulls), decorrelated by hashing the founder's number per field. Their ids go into the session's
 * temporary table bench_list_founder (office_id, n, id), which the case seed joins on n.
 */
export async function seedListFounders(
  db: Client,
  officeIds: string[],
  perOffice: number,
): Promise<void> {
  await db.query(`CREATE TEMP TABLE bench_list_founder (office_id uuid, n int, id uuid)`);
  // h(field) is a stable pseudo-random 0..9999 per founder and field.
  const h = (field: string) =>
    `(abs(hashtext(s.office_id::text || '/' || s.n || '/${field}')) % 10000)`;
  await db.query(
    `WITH s AS MATERIALIZED (
       SELECT o.office_id, g AS n, gen_random_uuid() AS id
         FROM unnest($1::uuid[]) AS o(office_id), generate_series(0, $2::int - 1) g),
     inserted AS (
       INSERT INTO founder (id, office_id, first_name, last_name, german_level, profile, benefit_status,
                            migration_background, self_employment_permitted, birth_date,
                            created_at, updated_at)
       SELECT s.id, s.office_id, 'Bench', 'Founder',
              (ARRAY['A1','A2','B1','B2','C1','C2','native','none',NULL])[${h('gl')} % 9 + 1],
              CASE WHEN ${h('p')} % 10 = 0 THEN NULL ELSE jsonb_strip_nulls(jsonb_build_object(
                'target_sector', (ARRAY['trade','gastronomy','crafts','personal_services','business_services',
                                        'it_media','health_care','transport_logistics','construction_cleaning',NULL])[${h('ts')} % 10 + 1],
                'home_knowledge_usability', (ARRAY[0,1,2,3,NULL])[${h('hku')} % 5 + 1],
                'presumed_motivation', (ARRAY['opportunity','necessity','family_tradition','independence',
                                              'leaving_benefits','unknown',NULL])[${h('pm')} % 7 + 1])) END,
              (ARRAY['sgb2','sgb2','sgb3','none','other',NULL])[${h('bs')} % 6 + 1],
              (ARRAY[true,false,NULL])[${h('mb')} % 3 + 1],
              (ARRAY['yes','applied','no','not_required','unknown'])[${h('sep')} % 5 + 1],
              CASE WHEN ${h('bd')} % 20 = 0 THEN NULL ELSE DATE '1950-01-01' + ${h('bd')} * 2 END,
              now() - s.n * interval '1 minute', now() - s.n * interval '1 minute'
         FROM s)
     INSERT INTO bench_list_founder SELECT office_id, n, id FROM s`,
    [officeIds, perOffice],
  );
  await db.query(`CREATE INDEX ON bench_list_founder (office_id, n)`);
}

export interface FiltersVariant {
  label: string;
  /** the path and query of the first page (later pages add the cursor) */
  path: string;
  http: Phase;
  sql: Phase;
  /** items of the first page over HTTP */
  items: number;
  statement: RecordedStatement;
  /** a target of issue 16 (the founder lists with filters); the others are informative */
  target: boolean;
}

export interface FiltersResults {
  cases: number;
  founders: number;
  offices: number;
  variants: FiltersVariant[];
}

export interface FiltersRun {
  dbUrl: string;
  serviceUrl: string;
  offices: { id: string; apiKey: string }[];
  /** also the informative variants (the case list with filters, the facets), not only the targets */
  informative: boolean;
  httpPhase: (label: string, scenario: HttpScenario, connections: number) => Promise<Phase>;
  pgPhase: (label: string, scenario: PgScenario, clients: number) => Promise<Phase>;
  log: (message: string) => void;
}

/** A stand-in OfficeTx whose queries run on `client` and are recorded as sent. */
function recordingTx(client: Client, officeIds: string[], sent: RecordedStatement[]): OfficeTx {
  const query = async (text: string, values: unknown[] = []) => {
    sent.push({ text, values: [...values] });
    return (await client.query(text, values)).rows;
  };
  const db = Object.assign(Object.create(DataSource.prototype) as DataSource, { query });
  Object.assign(db, { manager: { query, connection: db } });
  return { manager: db.manager, officeIds, atCommit: () => undefined } as unknown as OfficeTx;
}

interface Variant {
  label: string;
  endpoint: 'founders' | 'cases' | 'facets';
  query: GroupFilterQuery & Record<string, unknown>;
  /** keyset pages walked per office (lists) */
  pages: number;
  target: boolean;
}

const VARIANTS: Variant[] = [
  {
    label: 'founders, germanLevel=A2,B1 & benefitStatus=sgb2',
    target: true,
    endpoint: 'founders',
    query: { germanLevel: ['A2', 'B1'], benefitStatus: ['sgb2'] },
    pages: 5,
  },
  {
    label: 'founders, has a case in planning & targetSector=gastronomy & ageBand=30_54',
    target: true,
    endpoint: 'founders',
    query: { phase: ['planning'], targetSector: ['gastronomy'], ageBand: ['30_54'] },
    pages: 5,
  },
  {
    label: 'cases, phase=planning & germanLevel=A2,B1 (founder filter on the case\u2019s founder)',
    target: false,
    endpoint: 'cases',
    query: { phase: ['planning'], germanLevel: ['A2', 'B1'] },
    pages: 5,
  },
  {
    label: 'facets, no filter (every founder of the office)',
    target: false,
    endpoint: 'facets',
    query: {},
    pages: 1,
  },
  {
    label: 'facets, benefitStatus=sgb2 & has an active case in planning,launch',
    target: false,
    endpoint: 'facets',
    query: { benefitStatus: ['sgb2'], phase: ['planning', 'launch'], status: ['active'] },
    pages: 1,
  },
];

function queryString(q: Record<string, unknown>, limit: number | null, cursor?: string): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) params.set(k, Array.isArray(v) ? v.join(',') : String(v));
  if (limit !== null) params.set('limit', String(limit));
  if (cursor) params.set('cursor', cursor);
  return params.toString();
}

const route = {
  founders: '/api/v1/founders',
  cases: '/api/v1/cases',
  facets: '/api/v1/founders/facets',
};

export async function runFilters(run: FiltersRun): Promise<FiltersResults> {
  const { clients, limit, offices: officeCount } = BENCH.list;
  // One office: its advisor key is the HTTP side's credential, its id the baseline's scope.
  const officesUsed = run.offices.slice(0, 1);
  const db = new Client({ connectionString: run.dbUrl, application_name: 'lotse-bench-filters' });
  await db.connect();
  const founders = new FoundersRepository(null as unknown as DataSource);
  const cases = new CasesRepository(null as unknown as HistorySealer);
  const actor: Principal = {
    kind: 'api_key',
    id: '00000000-0000-4000-8000-000000000000',
    isAdmin: false,
    memberships: [],
  };
  const variants: FiltersVariant[] = [];
  try {
    const [{ n: founderCount }] = (
      await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM founder WHERE office_id = ANY($1::uuid[])`,
        [run.offices.map((o) => o.id)],
      )
    ).rows;
    for (const v of VARIANTS.filter((x) => x.target || run.informative)) {
      const filter = toGroupFilter(v.query, actor, todayInBerlin());
      // Every request of the rotation: each office's pages 1..pages (the cursors from HTTP), with
      // the statements the repository sends for the same page.
      const paths: { path: string; apiKey: string }[] = [];
      const runs: RecordedStatement[][] = [];
      let items = -1;
      for (const office of officesUsed) {
        let cursor: string | undefined;
        let after: [string, string] | null = null;
        for (let page = 0; page < v.pages; page++) {
          const path = `${route[v.endpoint]}?${queryString(v.query, v.endpoint === 'facets' ? null : limit, cursor)}`;
          const res = await fetch(`${run.serviceUrl}${path}`, {
            headers: { 'x-api-key': office.apiKey },
          });
          if (res.status !== 200)
            throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
          const body = (await res.json()) as {
            items?: unknown[];
            nextCursor?: string | null;
            total?: number;
          };
          if (items < 0) items = body.items?.length ?? body.total ?? 0;
          paths.push({ path, apiKey: office.apiKey });
          const sent: RecordedStatement[] = [];
          const tx = recordingTx(db, [office.id], sent);
          let rows: { cursor_at?: string; id?: string }[] = [];
          if (v.endpoint === 'founders')
            rows = await founders.list(tx, { q: null, filter, limit, after });
          else if (v.endpoint === 'cases')
            rows = await cases.list(tx, { group: filter, limit, after });
          else await founders.facets(tx, null, filter);
          runs.push(sent);
          const last = rows[limit - 1];
          if (!body.nextCursor || !last) break;
          cursor = body.nextCursor;
          after = [last.cursor_at!, last.id!];
        }
      }
      const http = await run.httpPhase(
        `filters over HTTP: ${v.label}, ${clients} connections`,
        {
          kind: 'paths',
          paths: paths.map((p) => p.path),
          headers: { 'x-api-key': officesUsed[0].apiKey },
        },
        clients,
      );
      const sql = await run.pgPhase(
        `filters SQL via pg: ${v.label}, ${clients} clients`,
        { kind: 'statements', runs },
        clients,
      );
      variants.push({
        label: v.label,
        path: paths[0].path,
        http,
        sql,
        items,
        statement: runs[0][0],
        target: v.target,
      });
    }
    return { cases: BENCH.list.cases, founders: founderCount, offices: officeCount, variants };
  } finally {
    await db.end();
  }
}

const ms = (x: number) => `${fmt(x, x < 10 ? 2 : 1)} ms`;

/** The top table's rows: the founder lists with filters are targets (p95 ≤ factor × the same SQL). */
export function filtersTargetRows(r: FiltersResults, factor: number): string[][] {
  return r.variants
    .filter((v) => v.target)
    .map((v) => {
      const ratio = v.http.result.latency.p95 / v.sql.result.latency.p95;
      return [
        `\`GET ${decodeURIComponent(v.path)}\` (founder list with filters, pages 1–5, one office of ${fmt(r.founders / r.offices)} founders in ${fmt(r.cases)} cases, ${BENCH.list.clients} clients)`,
        'p50 / p95',
        `${ms(v.http.result.latency.p50)} / ${ms(v.http.result.latency.p95)}`,
        `${ms(v.sql.result.latency.p50)} / ${ms(v.sql.result.latency.p95)} (the repository's statements via pg)`,
        `${fmt(ratio, 2)}× (p95)`,
        `p95 ≤ ${factor}×`,
        ratio <= factor ? 'yes' : '**no**',
      ];
    });
}

/** The Markdown section of the report. */
export function renderFilters(r: FiltersResults): string {
  const lines = [
    '',
    `## Group filters (BENCH_ONLY=filters): ${fmt(r.cases)} cases, ${fmt(r.founders)} founders in ${r.offices} offices`,
    '',
    'One office\u2019s advisor API key; lists walk their first pages of 50 (the same pages via pg), facets count the whole office. The baseline replays the statements the service\u2019s repositories send, on `pg` clients (no scoped transaction, no row-level security, no access log, no HTTP).',
    '',
    '| request | items (first page) | HTTP p50 / p95 | SQL p50 / p95 | ratio (p95) | HTTP req/s | errors | target |',
    '|---|---|---|---|---|---|---|---|',
    ...r.variants.map((v) =>
      [
        '',
        `\`GET ${v.path}\``,
        String(v.items),
        `${ms(v.http.result.latency.p50)} / ${ms(v.http.result.latency.p95)}`,
        `${ms(v.sql.result.latency.p50)} / ${ms(v.sql.result.latency.p95)}`,
        `${fmt(v.http.result.latency.p95 / v.sql.result.latency.p95, 1)}×`,
        fmt(v.http.result.perSecond),
        String(v.http.result.errors + v.sql.result.errors),
        v.target ? 'top table' : 'informative',
        '',
      ]
        .join(' | ')
        .trim(),
    ),
    '',
  ];
  return lines.join('\n');
}

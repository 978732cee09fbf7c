import { get } from 'node:http';
import { Client } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { DataSource } from 'typeorm';
import { todayInBerlin } from '../src/common/time/calendar-date';
import type { OfficeTx } from '../src/database/office-transaction';
import { standInDriver } from '../src/database/pg-driver';
import type { ReportName, ReportParams } from '../src/reports/report';
import { REPORT_BUILDERS } from '../src/reports/report-registry';
import { BENCH } from './config';
import { fmt, pct } from './lib/stats';
import type { Phase } from './report';
import { OFFICE_SETTING_DEFAULTS } from '../src/office-settings/office-settings';
import { seedEsfParticipants, seedReports, type ReportsWorld } from './reports-seed';
import type { HttpScenario, PgScenario, RecordedStatement } from './workers/specs';

/**
 * The reports scenario (BENCH_ONLY=reports): GET /api/v1/reports/<name> over HTTP against the
 * built service, beside the same SQL run straight on the database. The baseline's SQL is not a
 * copy: each report's builder (src/reports/definitions/*.ts, the code the service runs) is called
 * once per parameter set on a recording stand-in transaction, and the pg worker replays exactly
 * the statements and parameters it sent, each run in one transaction (as the service runs it, so
 * transaction-local settings apply), as the superuser: without the office-scoped transaction's
 * set_config, row-level security, the access log, JSON rendering and HTTP. The recorded SQL is
 * printed in the results beside the figures.
 *
 * Seeded here, after the other scenarios have run (bench/reports-seed.ts), so that the
 * 1,000,000 report cases and their history do not change what the earlier scenarios measure.
 */

export interface ReportVariant {
  label: string;
  report: ReportName;
  /** one parameter set per request in the rotation (one per office, or one for all offices) */
  params: ReportParams[];
  connections: number;
  /** p95 target in ms, where the issue sets one */
  targetP95Ms?: number;
  http?: Phase;
  sql?: Phase;
  /** rows of one answer (the first parameter set), the same over HTTP and from the builder */
  rows: number;
  /** the SQL of the first parameter set, as the builder sent it */
  statements: RecordedStatement[];
}

export interface ReportsResults {
  seedSeconds: number;
  world: Omit<ReportsWorld, 'auditor' | 'officeIds'> & { offices: number };
  variants: ReportVariant[];
  esf: EsfFigures | null;
  /** why the ESF export was not measured, if it was not */
  esfNote: string | null;
}

/** One streamed read: rows (lines after the header), bytes, seconds. */
export interface Transfer {
  rows: number;
  bytes: number;
  seconds: number;
}

export interface EsfFigures {
  participants: number;
  /** the measured runs, each the whole export */
  http: Transfer[];
  copy: Transfer[];
  sql: string;
}

export interface ReportsRun {
  dbUrl: string;
  serviceUrl: string;
  httpPhase: (label: string, scenario: HttpScenario, connections: number) => Promise<Phase>;
  pgPhase: (label: string, scenario: PgScenario, clients: number) => Promise<Phase>;
  log: (message: string) => void;
}

/** A stand-in OfficeTx whose queries run on `client` and are recorded as sent (text, parameters, name). */
function recordingTx(client: Client, officeIds: string[], sent: RecordedStatement[]): OfficeTx {
  const query = async (text: string, values: unknown[] = []) => {
    sent.push({ text, values });
    return (await client.query(text, values)).rows;
  };
  const pool = {
    query: (s: { text: string; values?: unknown[]; name?: string }) => {
      sent.push({ text: s.text, values: s.values ?? [], name: s.name });
      return client.query(s);
    },
  };
  const db = Object.assign(Object.create(DataSource.prototype) as DataSource, {
    query,
    driver: standInDriver(pool as unknown as Client),
  });
  Object.assign(db, { manager: { query, connection: db } });
  return { manager: db.manager, officeIds, atCommit: () => undefined } as unknown as OfficeTx;
}

/** Parameters as they cross IPC and pg: dates become ISO strings, arrays and scalars stay. */
function plain(values: unknown[]): unknown[] {
  return values.map((v) =>
    v instanceof Date ? v.toISOString() : Array.isArray(v) ? [...(v as unknown[])] : v,
  );
}

function query(p: ReportParams, all: boolean): string {
  const q = new URLSearchParams({ from: p.from, to: p.to, groupBy: p.groupBy });
  if (!all) q.set('officeId', p.officeIds.join(','));
  return q.toString();
}

async function signIn(url: string, email: string, password: string): Promise<string> {
  const res = await fetch(`${url}/api/v1/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (res.status !== 200) throw new Error(`sign-in answered ${res.status}`);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

export async function runReports(run: ReportsRun): Promise<ReportsResults> {
  const { cases, offices, clients } = BENCH.reports;
  run.log(
    `reports: seeding ${fmt(cases)} cases over ${offices} offices with three years of history`,
  );
  const t0 = Date.now();
  const db = new Client({ connectionString: run.dbUrl, application_name: 'lotse-bench-reports' });
  await db.connect();
  try {
    const world = await seedReports(db, cases, offices);
    const participants = await seedEsfParticipants(
      db,
      world.officeIds,
      BENCH.reports.esfParticipants,
      world.steps,
    );
    const seedSeconds = (Date.now() - t0) / 1000;
    run.log(
      `reports: seeded ${fmt(world.cases)} cases, ${fmt(world.historyRows)} history rows in ${fmt(seedSeconds)} s`,
    );
    const token = await signIn(run.serviceUrl, world.auditor.email, world.auditor.password);
    const headers = { authorization: `Bearer ${token}` };

    const today = todayInBerlin();
    const year = Number(today.slice(0, 4)) - 1;
    // One year: the last whole calendar year. Three years: the seeded span, up to today.
    const oneYear = { from: `${year}-01-01`, to: `${year}-12-31` };
    const threeYears = { from: world.firstDay, to: today };
    const base = { groupBy: 'month' as const, staleDays: 60, today, advisorId: null };
    const perOffice = (span: { from: string; to: string }): ReportParams[] =>
      world.officeIds.map((id) => ({ ...base, ...span, officeIds: [id] }));
    const variants: ReportVariant[] = [
      {
        label: `funnel, one office, ${year} by month`,
        report: 'funnel',
        params: perOffice(oneYear),
        connections: clients,
        targetP95Ms: 50,
        rows: 0,
        statements: [],
      },
      {
        label: `funnel, all ${offices} offices, ${threeYears.from} – ${threeYears.to} by month`,
        report: 'funnel',
        params: [{ ...base, ...threeYears, officeIds: world.officeIds }],
        connections: 1,
        rows: 0,
        statements: [],
      },
      {
        label: `time-in-phase, one office, ${year} by month`,
        report: 'time-in-phase',
        params: perOffice(oneYear),
        connections: 1,
        rows: 0,
        statements: [],
      },
      {
        label: `cohorts, one office, ${year} by month`,
        report: 'cohorts',
        params: perOffice(oneYear),
        connections: 1,
        rows: 0,
        statements: [],
      },
    ];

    for (const v of variants) {
      const all = v.params[0].officeIds.length > 1;
      const paths = v.params.map((p) => `/api/v1/reports/${v.report}?${query(p, all)}`);
      // The baseline's statements, recorded from the service's own builder, and the answer over
      // HTTP checked against it: the two sides must compute the same rows.
      const runs: RecordedStatement[][] = [];
      for (const [i, p] of v.params.entries()) {
        const sent: RecordedStatement[] = [];
        await db.query('BEGIN');
        const rows = await REPORT_BUILDERS[v.report].build(recordingTx(db, p.officeIds, sent), p);
        await db.query('COMMIT');
        runs.push(sent.map((s) => ({ ...s, values: plain(s.values) })));
        if (i === 0) {
          const res = await fetch(`${run.serviceUrl}${paths[0]}`, { headers });
          if (res.status !== 200) throw new Error(`${paths[0]} answered ${res.status}`);
          const body = (await res.json()) as { rows: Record<string, unknown>[] };
          const keys = REPORT_BUILDERS[v.report].definition.columns.map((c) => c.key);
          const figures = (rs: Record<string, unknown>[]) =>
            JSON.stringify(rs.map((row) => keys.map((k) => row[k] ?? null)));
          if (figures(body.rows) !== figures(rows))
            throw new Error(`${v.label}: the HTTP answer's figures differ from the builder's`);
          v.rows = rows.length;
          v.statements = runs[0];
        }
      }
      // A report whose builder is not there yet (no SQL) is named in the results, not measured.
      if (!v.statements.length) continue;
      const load = `${v.connections} connection${v.connections > 1 ? 's' : ''}`;
      v.http = await run.httpPhase(
        `${v.label} over HTTP, ${load}`,
        { kind: 'paths', paths, headers },
        v.connections,
      );
      v.sql = await run.pgPhase(
        `${v.label}, same SQL via pg, ${load}`,
        { kind: 'statements', runs },
        v.connections,
      );
    }

    let esf: EsfFigures | null = null;
    let esfNote: string | null = null;
    if (participants === null)
      esfNote =
        'not measured: the ESF tables (migrations/1764117000000-EsfParticipants.ts) are not there';
    else {
      const path = `/api/v1/reports/esf-participants?format=csv&from=${threeYears.from}&to=${today}`;
      // A cheap probe (no participant entered by then): is the route there?
      const probe = await fetch(
        `${run.serviceUrl}/api/v1/reports/esf-participants?format=csv&from=2000-01-01&to=2000-01-01`,
        { headers },
      ).catch(() => null);
      await probe?.arrayBuffer();
      if (!probe || probe.status === 404)
        esfNote = `not measured: GET /api/v1/reports/esf-participants answered ${probe?.status ?? 'nothing'} (the route has not landed)`;
      else
        esf = await esfExport(
          run,
          path,
          headers,
          world.officeIds,
          threeYears.from,
          today,
          participants,
        );
    }

    return {
      seedSeconds,
      world: {
        offices,
        cases: world.cases,
        historyRows: world.historyRows,
        firstDay: world.firstDay,
        lastDay: world.lastDay,
        steps: world.steps,
      },
      variants,
      esf,
      esfNote,
    };
  } finally {
    await db.end();
  }
}

const LF = 0x0a;

/** Reads a stream to its end, counting bytes and line feeds only. */
function drain(stream: NodeJS.ReadableStream, t0: number): Promise<Transfer> {
  let bytes = 0;
  let lines = 0;
  return new Promise((resolve, reject) => {
    stream.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      for (let i = chunk.indexOf(LF); i !== -1; i = chunk.indexOf(LF, i + 1)) lines++;
    });
    stream.on('end', () =>
      resolve({ rows: lines - 1, bytes, seconds: (performance.now() - t0) / 1000 }),
    );
    stream.on('error', reject);
  });
}

function httpCsv(url: string, headers: Record<string, string>): Promise<Transfer> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    get(url, { headers, agent: false }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        return reject(new Error(`${url} answered ${res.statusCode}`));
      }
      res.on('aborted', () => reject(new Error('export cut off mid-stream')));
      drain(res, t0).then(resolve, reject);
    }).on('error', reject);
  });
}

/**
 * The ESF participants export over HTTP (CSV, an auditor of all report offices, the seeded span)
 * beside COPY (<the export's own query, factsSql(false) of src/esf/esf.repository.ts>) TO STDOUT
 * as CSV with its parameters inlined, read and discarded the same way: one warm-up each, then
 * three runs each, alternating.
 */
async function esfExport(
  run: ReportsRun,
  path: string,
  headers: Record<string, string>,
  officeIds: string[],
  from: string,
  to: string,
  participants: number,
): Promise<EsfFigures> {
  const { factsSql } = await import('../src/esf/esf.repository');
  const client = new Client({ connectionString: run.dbUrl, application_name: 'lotse-bench-copy' });
  await client.connect();
  try {
    const params = [
      `ARRAY[${officeIds.map((id) => client.escapeLiteral(id)).join(', ')}]::uuid[]`,
      client.escapeLiteral(from),
      client.escapeLiteral(to),
      String(OFFICE_SETTING_DEFAULTS.esfMinimumContactHours),
    ];
    const sql = factsSql(false).replace(/\$(\d)/g, (_, i: string) => params[Number(i) - 1]);
    const copy = () => {
      const t0 = performance.now();
      return drain(client.query(copyTo(`COPY (${sql}) TO STDOUT WITH (FORMAT csv, HEADER)`)), t0);
    };
    const http = () => httpCsv(`${run.serviceUrl}${path}`, headers);
    run.log(
      `reports: ESF participants export of ${fmt(participants)}: warm-up, then 3 × (COPY, HTTP)`,
    );
    await copy();
    await http();
    const figures: EsfFigures = { participants, http: [], copy: [], sql };
    for (let i = 0; i < 3; i++) {
      figures.copy.push(await copy());
      figures.http.push(await http());
    }
    for (const t of [...figures.copy, ...figures.http])
      if (t.rows !== participants)
        throw new Error(`ESF export: ${t.rows} rows, ${participants} participants seeded`);
    return figures;
  } finally {
    await client.end();
  }
}

const median = (ts: Transfer[]) =>
  [...ts].sort((a, b) => a.seconds - b.seconds)[Math.floor(ts.length / 2)];

const ms = (x: number) => `${fmt(x, x < 10 ? 2 : 1)} ms`;

/** The reports' rows of the top table. */
export function reportsTargetRows(r: ReportsResults): string[][] {
  const esf = r.esf ? [esfRow(r.esf)] : [];
  return [
    ...measured(r).map((v) => {
      const [h, s] = [v.http!.result.latency, v.sql!.result.latency];
      return [
        `reports: ${v.label} (${fmt(r.world.cases)} cases, ${fmt(r.world.historyRows)} history rows)`,
        'p50 / p95',
        `${ms(h.p50)} / ${ms(h.p95)}`,
        `${ms(s.p50)} / ${ms(s.p95)} (same SQL via pg)`,
        `${fmt(h.p95 / s.p95, 1)}× (p95)`,
        v.targetP95Ms ? `p95 ≤ ${v.targetP95Ms} ms` : 'informative',
        v.targetP95Ms ? (h.p95 <= v.targetP95Ms ? 'yes' : '**no**') : '–',
      ];
    }),
    ...esf,
  ];
}

function esfRow(e: EsfFigures): string[] {
  const [h, c] = [median(e.http), median(e.copy)];
  return [
    `reports: ESF participants export, ${fmt(e.participants)} participants, CSV (median of 3)`,
    'seconds (rows/s)',
    `${fmt(h.seconds, 2)} s (${fmt(h.rows / h.seconds)})`,
    `${fmt(c.seconds, 2)} s (${fmt(c.rows / c.seconds)}) COPY of the same query`,
    `${pct(c.seconds / h.seconds)} of COPY’s rows/s`,
    'informative',
    '–',
  ];
}

/** The reports' load phases, for the phases table. */
export function reportsPhases(r: ReportsResults): Phase[] {
  return measured(r).flatMap((v) => [v.http!, v.sql!]);
}

const measured = (r: ReportsResults) => r.variants.filter((v) => v.http && v.sql);

/** The reports' own section: the data, the ESF note and the baseline's SQL beside each figure. */
export function reportsSection(r: ReportsResults): string[] {
  const w = r.world;
  return [
    '',
    '## Reports',
    '',
    `${fmt(w.cases)} cases over ${w.offices} offices, ${fmt(w.historyRows)} history rows from ${w.firstDay} to ${w.lastDay} ` +
      `(random walks, bench/reports-seed.ts), seeded after the other scenarios in ${fmt(r.seedSeconds)} s ` +
      `(${w.steps.map(([name, s]) => `${name} ${fmt(s)} s`).join(', ')}). ` +
      'Each HTTP request is an auditor of all report offices (bearer token), format=json; one-office variants rotate over the offices. ' +
      'The baseline replays the statements the report’s builder sent for the same parameters, in one transaction per request, as the superuser (no row-level security, no access log, no rendering).',
    '',
    ...(r.esf
      ? [
          `- ESF participants export, ${fmt(r.esf.participants)} participants: HTTP ${r.esf.http.map((t) => `${fmt(t.seconds, 2)} s`).join(', ')} ` +
            `(${fmt(median(r.esf.http).bytes / 1e6, 1)} MB); COPY ${r.esf.copy.map((t) => `${fmt(t.seconds, 2)} s`).join(', ')} ` +
            `(${fmt(median(r.esf.copy).bytes / 1e6, 1)} MB). The service turns each row into its indicator codes and a pseudonymous GUID and signs a manifest; COPY sends the query’s own columns.`,
        ]
      : [`- ESF participants export: ${r.esfNote}`]),
    ...r.variants
      .filter((v) => !v.http)
      .map(
        (v) => `- ${v.label}: not measured, its builder sent no SQL (the report is not built yet)`,
      ),
    '',
    ...measured(r).flatMap((v) => [
      `### ${v.label}`,
      '',
      `HTTP p50 / p95 ${ms(v.http!.result.latency.p50)} / ${ms(v.http!.result.latency.p95)}; SQL ${ms(v.sql!.result.latency.p50)} / ${ms(v.sql!.result.latency.p95)}; ${fmt(v.rows)} rows per answer. The SQL (first office), parameters ${JSON.stringify(v.statements.map((s) => s.values))}:`,
      '',
      '```sql',
      ...v.statements.map((s) => `${s.text.replace(/\n\s*\n/g, '\n').trim()};`),
      '```',
      '',
    ]),
    ...(r.esf
      ? [
          '### ESF participants export: the COPY baseline',
          '',
          '```sql',
          `COPY (${r.esf.sql.replace(/\n\s*\n/g, '\n').trim()}) TO STDOUT WITH (FORMAT csv, HEADER);`,
          '```',
          '',
        ]
      : []),
  ];
}

import type { ExportFigures } from './export';
import type { Machine } from './lib/machine';
import type { Costs } from './lib/meter';
import { fmt, LoadResult, pct } from './lib/stats';
import {
  embeddedPhases,
  embeddedSection,
  embeddedTargetRows,
  type EmbeddedResults,
} from './embedded';
import { filtersTargetRows, renderFilters, type FiltersResults } from './filters';
import { reportsPhases, reportsSection, reportsTargetRows, type ReportsResults } from './reports';
import {
  webhooksPhases,
  webhooksSection,
  webhooksTargetRows,
  type WebhooksResults,
} from './webhooks';

export interface Phase {
  label: string;
  result: LoadResult;
  costs: Costs;
}

export interface Results {
  machine: Machine;
  mode: 'full' | 'quick';
  startedAt: Date;
  totalSeconds: number;
  seedSeconds: number;
  load: { before: number; after: number };
  settings: string;
  code: string;
  transitions?: { title: string; http: Phase; sql: Phase };
  list?: { title: string; http: Phase; sql: Phase };
  getCase?: { title: string; http: Phase; hello: Phase; point: Phase; sql: Phase };
  desk?: { title: string; http: Phase; sql: Phase };
  export?: { sizes: { http: ExportFigures; copy: ExportFigures }[] };
  reports?: ReportsResults;
  webhooks?: WebhooksResults;
  filters?: FiltersResults;
  embedded?: EmbeddedResults;
  storage?: TableStorage[];
}

/** The tables whose growth bench/SCALING.md works out. */
export const STORAGE_TABLES = [
  'founder_case',
  'case_history',
  'case_history_text',
  'access_log',
] as const;

export interface TableStorage {
  table: string;
  rows: number;
  /** mean pg_column_size of a whole row (tuple data, without the tuple header and line pointer) */
  tupleBytes: number | null;
  /** pg_total_relation_size: heap, indexes, TOAST, free space map */
  totalBytes: number;
  heapBytes: number;
}

/** The issue's targets (issue 16), in one place so the table and bench/README.md agree. */
export const TARGETS = {
  /** GET /cases/:id: share of the point SELECT's rate */
  getShareOfPoint: 0.5,
  /** transitions: share of the SQL transaction's rate, and p99 at most this many times its p99 */
  transitionsShare: 0.7,
  transitionsP99Factor: 1.5,
  /** exports: share of COPY's rows/s, and RSS growth 100k → 1M */
  exportShare: 0.7,
  exportRssGrowthMb: 64,
  /** case list and founder list with filters: p95 at most this many times the same SQL's */
  listP95Factor: 1.5,
};

const ms = (x: number) => `${fmt(x, x < 10 ? 2 : 1)} ms`;
const met = (ok: boolean) => (ok ? 'yes' : '**no**');

/** The Markdown report: the target table first, then what each load phase cost, then the machine. */
export function renderReport(r: Results): string {
  const rows: string[][] = [];
  if (r.transitions) {
    const { title, http, sql } = r.transitions;
    const ratio = http.result.perSecond / sql.result.perSecond;
    rows.push([
      title,
      'events/s',
      fmt(http.result.perSecond),
      `${fmt(sql.result.perSecond)} (SQL transaction via pg)`,
      pct(ratio),
      `≥ ${TARGETS.transitionsShare * 100} %`,
      met(ratio >= TARGETS.transitionsShare),
    ]);
    const p99 = http.result.latency.p99 / sql.result.latency.p99;
    rows.push([
      '',
      'p50 / p99',
      `${ms(http.result.latency.p50)} / ${ms(http.result.latency.p99)}`,
      `${ms(sql.result.latency.p50)} / ${ms(sql.result.latency.p99)}`,
      `${fmt(p99, 2)}× (p99)`,
      `p99 ≤ ${TARGETS.transitionsP99Factor}×`,
      met(p99 <= TARGETS.transitionsP99Factor),
    ]);
  }
  if (r.list) {
    const { title, http, sql } = r.list;
    rows.push([
      title,
      'p50 / p95',
      `${ms(http.result.latency.p50)} / ${ms(http.result.latency.p95)}`,
      `${ms(sql.result.latency.p50)} / ${ms(sql.result.latency.p95)} (same SQL via pg)`,
      `${fmt(http.result.latency.p95 / sql.result.latency.p95, 2)}× (p95)`,
      `p95 ≤ ${TARGETS.listP95Factor}×`,
      met(http.result.latency.p95 / sql.result.latency.p95 <= TARGETS.listP95Factor),
    ]);
  }
  if (r.filters) rows.push(...filtersTargetRows(r.filters, TARGETS.listP95Factor));
  if (r.desk) {
    const { title, http, sql } = r.desk;
    rows.push([
      title,
      'p50 / p95 (req/s)',
      `${ms(http.result.latency.p50)} / ${ms(http.result.latency.p95)} (${fmt(http.result.perSecond)})`,
      `${ms(sql.result.latency.p50)} / ${ms(sql.result.latency.p95)} (${fmt(sql.result.perSecond)}) same SQL via pg`,
      `${fmt(http.result.latency.p95 / sql.result.latency.p95, 1)}× (p95)`,
      'p95 ≤ 50 ms (issue 14)',
      met(http.result.latency.p95 <= 50),
    ]);
  }
  if (r.export) {
    for (const { http, copy } of r.export.sizes) {
      const ratio = http.rowsPerS / copy.rowsPerS;
      rows.push([
        `phase-history export, ${fmt(http.rows)} rows, CSV`,
        'rows/s (MB/s)',
        `${fmt(http.rowsPerS)} (${fmt(http.mbPerS, 1)})`,
        `${fmt(copy.rowsPerS)} (${fmt(copy.mbPerS, 1)}) COPY TO STDOUT`,
        pct(ratio),
        `≥ ${TARGETS.exportShare * 100} %`,
        met(ratio >= TARGETS.exportShare),
      ]);
    }
    const [small, large] = r.export.sizes.map((s) => s.http.rss!);
    const growth = large.peakRssMb - small.peakRssMb;
    rows.push([
      '',
      'service peak RSS',
      `${fmt(small.peakRssMb)} → ${fmt(large.peakRssMb)} MB (${growth >= 0 ? '+' : ''}${fmt(growth, 1)} MB)`,
      '–',
      '–',
      `growth ≤ ${TARGETS.exportRssGrowthMb} MB`,
      met(growth <= TARGETS.exportRssGrowthMb),
    ]);
  }
  if (r.getCase) {
    const { title, http, hello, point, sql } = r.getCase;
    const ratio = http.result.perSecond / point.result.perSecond;
    rows.push([
      title,
      'req/s',
      fmt(http.result.perSecond),
      `${fmt(point.result.perSecond)} (one prepared point SELECT via pg, same concurrency)`,
      pct(ratio),
      `≥ ${TARGETS.getShareOfPoint * 100} %`,
      met(ratio >= TARGETS.getShareOfPoint),
    ]);
    rows.push([
      '',
      'req/s (informative)',
      fmt(http.result.perSecond),
      `${fmt(sql.result.perSecond)} (the route's statements via pg); ${fmt(hello.result.perSecond)} (NestJS+Fastify hello world)`,
      `${pct(http.result.perSecond / sql.result.perSecond)}; ${pct(http.result.perSecond / hello.result.perSecond)}`,
      '–',
      '–',
    ]);
  }
  if (r.webhooks) rows.push(...webhooksTargetRows(r.webhooks));
  if (r.reports) rows.push(...reportsTargetRows(r.reports));
  if (r.embedded) rows.push(...embeddedTargetRows(r.embedded, r));

  const phases = [
    r.transitions?.http,
    r.transitions?.sql,
    r.list?.http,
    r.list?.sql,
    r.desk?.http,
    r.desk?.sql,
    r.getCase?.http,
    r.getCase?.point,
    r.getCase?.sql,
    r.getCase?.hello,
    ...(r.filters ? r.filters.variants.flatMap((v) => [v.http, v.sql]) : []),
    ...(r.embedded ? embeddedPhases(r.embedded) : []),
    ...(r.webhooks ? webhooksPhases(r.webhooks) : []),
    ...(r.reports ? reportsPhases(r.reports) : []),
  ].filter((p): p is Phase => !!p);
  const m = r.machine;
  return [
    `# Lotse benchmarks — ${r.startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC${r.mode === 'quick' ? ' (QUICK mode: 10× smaller data, not comparable)' : ''}`,
    '',
    table(['scenario', 'measure', 'Lotse', 'baseline (same run)', 'ratio', 'target', 'met'], rows),
    '',
    '## Load phases',
    '',
    'Closed loops (one request in flight per connection); warm-up excluded from rates and latencies. CPU per operation is from /proc ' +
      '(service or hello-world process; the PostgreSQL backends of the scratch database), warm-up included. Round trips: statements the service sent per request. ' +
      'CPU/op in all: server + PostgreSQL + the load generator\u2019s share; where the machine is CPU-bound, the ratio of two phases\u2019 rates is about the inverse ratio of this column.',
    '',
    table(
      [
        'phase',
        'ops/s',
        'errors',
        'p50',
        'p95',
        'p99',
        'max',
        'server CPU/op',
        'PG CPU/op',
        'round trips/op',
        'load generator CPU',
        'CPU/op in all',
      ],
      phases.map(({ label, result: x, costs: c }) => [
        label,
        fmt(x.perSecond),
        errors(x),
        ms(x.latency.p50),
        ms(x.latency.p95),
        ms(x.latency.p99),
        ms(x.latency.max),
        c.serverCpuMs === null ? '–' : ms(c.serverCpuMs),
        ms(c.pgCpuMs),
        c.roundTrips === null ? '–' : fmt(c.roundTrips, 1),
        `${fmt((x.generatorCpuMs / (x.seconds * 1000)) * 100)} % of a core`,
        ms(cpuInAll(x, c)),
      ]),
    ),
    ...(r.export
      ? [
          '',
          '## Exports',
          '',
          table(
            [
              'export',
              'rows',
              'MB',
              'seconds',
              'rows/s',
              'MB/s',
              'service RSS start / peak / VmHWM',
            ],
            r.export.sizes.flatMap(({ http, copy }) => [
              [
                `HTTP CSV ${fmt(http.rows)}`,
                fmt(http.rows),
                fmt(http.bytes / 1e6, 1),
                fmt(http.seconds, 2),
                fmt(http.rowsPerS),
                fmt(http.mbPerS, 1),
                `${fmt(http.rss!.startRssMb)} / ${fmt(http.rss!.peakRssMb)} / ${fmt(http.rss!.hwmMb)} MB`,
              ],
              [
                `COPY ${fmt(copy.rows)}`,
                fmt(copy.rows),
                fmt(copy.bytes / 1e6, 1),
                fmt(copy.seconds, 2),
                fmt(copy.rowsPerS),
                fmt(copy.mbPerS, 1),
                '–',
              ],
            ]),
          ),
        ]
      : []),
    ...(r.webhooks ? webhooksSection(r.webhooks) : []),
    ...(r.reports ? reportsSection(r.reports) : []),
    ...(r.filters ? [renderFilters(r.filters)] : []),
    ...(r.embedded ? embeddedSection(r.embedded) : []),
    ...(r.storage ? storageSection(r.storage) : []),
    '',
    '## Machine',
    '',
    `- CPU: ${m.cpu}, ${m.cores} cores; memory ${fmt(m.memoryGb, 1)} GiB`,
    `- PostgreSQL ${m.postgres} (${m.settings}); Node ${m.node}`,
    `- load average (1 min) before / after: ${fmt(r.load.before, 2)} / ${fmt(r.load.after, 2)} — other work on the machine shows here`,
    `- code measured: ${r.code}`,
    `- ${r.settings}`,
    `- seeding ${fmt(r.seedSeconds)} s; whole run ${fmt(r.totalSeconds)} s`,
    '',
  ].join('\n');
}

function storageSection(tables: TableStorage[]): string[] {
  const perRow = (bytes: number, rows: number) => (rows ? fmt(bytes / rows) : '–');
  return [
    '',
    '## Storage (the scratch database at the end of the run; for bench/SCALING.md)',
    '',
    table(
      [
        'table',
        'rows',
        'mean row (pg_column_size)',
        'heap bytes/row',
        'total bytes/row (heap + indexes + TOAST)',
        'total MB',
      ],
      tables.map((t) => [
        t.table,
        fmt(t.rows),
        t.tupleBytes === null ? '–' : fmt(t.tupleBytes),
        perRow(t.heapBytes, t.rows),
        perRow(t.totalBytes, t.rows),
        fmt(t.totalBytes / 1e6, 1),
      ]),
    ),
  ];
}

/** Server + PostgreSQL + load generator CPU per operation (the generator's over the measured window). */
function cpuInAll(x: LoadResult, c: Costs): number {
  return (c.serverCpuMs ?? 0) + c.pgCpuMs + (x.ok ? x.generatorCpuMs / x.ok : 0);
}

function errors(x: LoadResult): string {
  if (x.errors === 0) return '0';
  const codes = Object.entries(x.statuses).map(([code, n]) => `${n}×${code}`);
  return `${x.errors}${codes.length ? ` (${codes.join(', ')})` : ''}`;
}

function table(head: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

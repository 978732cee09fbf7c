import type { ExportFigures } from './export';
import type { Machine } from './lib/machine';
import type { Costs } from './lib/meter';
import { fmt, LoadResult, pct } from './lib/stats';
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
  getCase?: { title: string; http: Phase; hello: Phase; sql: Phase };
  desk?: { title: string; http: Phase; sql: Phase };
  export?: { sizes: { http: ExportFigures; copy: ExportFigures }[] };
  reports?: ReportsResults;
  webhooks?: WebhooksResults;
}

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
      '≥ 50 %',
      met(ratio >= 0.5),
    ]);
    rows.push([
      '',
      'p50 / p99',
      `${ms(http.result.latency.p50)} / ${ms(http.result.latency.p99)}`,
      `${ms(sql.result.latency.p50)} / ${ms(sql.result.latency.p99)}`,
      `${fmt(http.result.latency.p99 / sql.result.latency.p99, 1)}× (p99)`,
      'p99 ≤ 50 ms',
      met(http.result.latency.p99 <= 50),
    ]);
  }
  if (r.list) {
    const { title, http, sql } = r.list;
    rows.push([
      title,
      'p50 / p95',
      `${ms(http.result.latency.p50)} / ${ms(http.result.latency.p95)}`,
      `${ms(sql.result.latency.p50)} / ${ms(sql.result.latency.p95)} (same SQL via pg)`,
      `${fmt(http.result.latency.p95 / sql.result.latency.p95, 1)}× (p95)`,
      'p95 ≤ 20 ms',
      met(http.result.latency.p95 <= 20),
    ]);
  }
  if (r.desk) {
    const { title, http, sql } = r.desk;
    rows.push([
      title,
      'p50 / p95 (req/s)',
      `${ms(http.result.latency.p50)} / ${ms(http.result.latency.p95)} (${fmt(http.result.perSecond)})`,
      `${ms(sql.result.latency.p50)} / ${ms(sql.result.latency.p95)} (${fmt(sql.result.perSecond)}) same SQL via pg`,
      `${fmt(http.result.latency.p95 / sql.result.latency.p95, 1)}× (p95)`,
      'p95 ≤ 50 ms',
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
        '≥ 50 %',
        met(ratio >= 0.5),
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
      'growth ≤ 64 MB',
      met(growth <= 64),
    ]);
  }
  if (r.getCase) {
    const { title, http, hello } = r.getCase;
    const ratio = http.result.perSecond / hello.result.perSecond;
    rows.push([
      title,
      'req/s',
      fmt(http.result.perSecond),
      `${fmt(hello.result.perSecond)} (NestJS+Fastify hello world)`,
      pct(ratio),
      '≥ 40 %',
      met(ratio >= 0.4),
    ]);
  }
  if (r.webhooks) rows.push(...webhooksTargetRows(r.webhooks));
  if (r.reports) rows.push(...reportsTargetRows(r.reports));

  const phases = [
    r.transitions?.http,
    r.transitions?.sql,
    r.list?.http,
    r.list?.sql,
    r.desk?.http,
    r.desk?.sql,
    r.getCase?.http,
    r.getCase?.sql,
    r.getCase?.hello,
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
      '(service or hello-world process; the PostgreSQL backends of the scratch database), warm-up included. Round trips: statements the service sent per request.',
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

function errors(x: LoadResult): string {
  if (x.errors === 0) return '0';
  const codes = Object.entries(x.statuses).map(([code, n]) => `${n}×${code}`);
  return `${x.errors}${codes.length ? ` (${codes.join(', ')})` : ''}`;
}

function table(head: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

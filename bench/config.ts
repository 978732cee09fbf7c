/**
 * Sizes and durations of `npm run bench`. BENCH_QUICK=1 divides every data size by 10 and shortens
 * the runs, for development; the figures of a quick run are not comparable with a full one.
 */
export const QUICK = process.env.BENCH_QUICK === '1';
const DIV = QUICK ? 10 : 1;

function seconds(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw ? Number(raw) : fallback;
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`${name} must be a positive number of seconds`);
  return value;
}

export const BENCH = {
  adminUrl: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  /** Each load phase: a warm-up (JIT, pool connections, caches), then the measured window. */
  durationS: seconds('BENCH_DURATION', QUICK ? 3 : 10),
  warmupS: seconds('BENCH_WARMUP', QUICK ? 1 : 2),
  /** Passed to the service as DATABASE_POOL_SIZE when set; unset = the service's default (10). */
  poolSize: process.env.BENCH_POOL_SIZE,

  transitions: { clients: 32, casesPerSide: 10_000 / DIV },
  list: {
    cases: 1_000_000 / DIV,
    offices: 20,
    clients: 4,
    pagesPerWalk: 5,
    limit: 50,
    phase: 'planning',
  },
  export: { smallRows: 100_000 / DIV, largeRows: 1_000_000 / DIV, rowsPerCase: 10, rssEveryMs: 50 },
  getCase: { clients: 32 },
  /** GET /tasks, first page, of one office with this many open cases (bench/desk-seed.ts). */
  desk: { openCases: 50_000 / DIV, clients: 4, limit: 50 },
  /** The reports (bench/reports.ts): cases over offices with three years of history; connections of the one-office funnel. */
  reports: { cases: 1_000_000 / DIV, offices: 20, clients: 4, esfParticipants: 100_000 / DIV },
  /**
   * The embedded mode (bench/embedded.ts): PGlite seeds far slower than the server, so its list
   * offices hold fewer cases; the transitions and GET cases are the server run's sizes.
   */
  embedded: { listCases: 100_000 / DIV },
};

/** The phases the list cases are spread over, in seeding order. */
export const PHASES = [
  'access',
  'first_counselling',
  'planning',
  'launch',
  'consolidation',
] as const;

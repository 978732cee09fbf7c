/** Latencies in ms → the percentiles the report uses (nearest rank). */
export interface Latency {
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function latency(samples: number[]): Latency {
  const sorted = Float64Array.from(samples).sort();
  const at = (q: number) =>
    sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] : NaN;
  return {
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    max: sorted.length ? sorted[sorted.length - 1] : NaN,
  };
}

/** What every load worker answers: completed operations in the measured window and their latencies. */
export interface LoadResult {
  /** successful operations (2xx, or committed transactions / answered queries) in the measured window */
  ok: number;
  errors: number;
  /** status code → count, for the non-2xx answers */
  statuses: Record<string, number>;
  seconds: number;
  perSecond: number;
  latency: Latency;
  /** operations in warm-up + measured window (for per-request CPU and round trips) */
  totalOps: number;
  /** CPU the load generator itself used in the measured window, ms */
  generatorCpuMs: number;
  /** CPU of the PostgreSQL backends a baseline worker used (warm-up included), ms */
  backendCpuMs?: number;
}

export function fmt(n: number, digits = 0): string {
  if (!Number.isFinite(n)) return 'n/a';
  return n.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

/** One decimal, so that a ratio just under a target does not print as the target itself. */
export function pct(ratio: number): string {
  return Number.isFinite(ratio) ? `${(ratio * 100).toFixed(1)} %` : 'n/a';
}

/**
 * The Standard Webhooks retry schedule: the delay before each attempt after the first, which is
 * made at once. Ten attempts in all, spread over about three days; after the tenth failure the
 * message is given up ('failed').
 */
export const RETRY_DELAYS_MS: readonly number[] = [
  5_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3_600_000,
  5 * 3_600_000,
  10 * 3_600_000,
  14 * 3_600_000,
  20 * 3_600_000,
  24 * 3_600_000,
];

export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;

/** No receiver's Retry-After holds a message back longer than the schedule's longest pause. */
export const MAX_RETRY_AFTER_MS = 24 * 3_600_000;

/**
 * A Retry-After header's wait in milliseconds from `now` (delay-seconds or an HTTP date), or null
 * when it is missing or unreadable. A date in the past is no wait (0).
 */
export function retryAfterMs(header: string | null | undefined, now: Date): number | null {
  if (header === null || header === undefined) return null;
  const value = header.trim();
  if (/^\d{1,10}$/.test(value)) return Number(value) * 1000;
  // Only the HTTP date forms name a weekday or GMT; Date.parse would take '5' or '2026' too.
  if (!/[a-z]/i.test(value)) return null;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now.getTime());
}

/**
 * When the next attempt is due after attempt number `attempt` (1-based) failed, or null when that
 * was the last one. A Retry-After longer than the schedule's delay is honoured, capped at 24 h.
 */
export function nextAttemptAt(attempt: number, now: Date, retryAfter: number | null): Date | null {
  if (attempt >= MAX_ATTEMPTS) return null;
  const scheduled = RETRY_DELAYS_MS[Math.max(0, attempt - 1)];
  const wait = Math.max(scheduled, Math.min(retryAfter ?? 0, MAX_RETRY_AFTER_MS));
  return new Date(now.getTime() + wait);
}

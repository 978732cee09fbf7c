/**
 * Calendar dates as the API writes them (YYYY-MM-DD). Pure functions, no framework: the phase
 * model and the RE_SET rules use them too.
 */
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar date written YYYY-MM-DD between 1900 and 2200 (2025-02-30 is not one). */
export function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return y >= 1900 && y <= 2200 && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

const INSTANT = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,6})?)?(?:Z|[+-](\d{2}):(\d{2})))?$/;

/**
 * True for an instant as the API's filters take it: a calendar date (as above), or one with a
 * time of day (seconds and up to six fraction digits optional) and a zone, Z or ±HH:MM, e.g.
 * 2026-01-01T08:30:00.5+01:00. Every such value is one PostgreSQL accepts as timestamptz (the
 * pattern alone lets 2025-02-30 or 25:00 through, which the database refuses).
 */
export function isInstant(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = INSTANT.exec(value);
  if (!m || !isCalendarDate(m[1])) return false;
  const [hours, minutes, seconds, zoneHours, zoneMinutes] = [m[2], m[3], m[4], m[5], m[6]].map((x) => Number(x ?? 0));
  return hours <= 23 && minutes <= 59 && seconds <= 59 && zoneHours <= 14 && zoneMinutes <= 59;
}

/** Today's date where the offices are (Europe/Berlin), as YYYY-MM-DD. */
export function todayInBerlin(now: Date = new Date()): string {
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Berlin' }).format(now);
}

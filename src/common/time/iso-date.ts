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

const INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,6})?)?(?:Z|[+-](\d{2}):(\d{2})))?$/;

/**
 * True for an instant as the API's filters and cursors take it: a date, or a date with a time of
 * day (seconds and up to six fraction digits optional) and a zone, Z or ±HH:MM, e.g.
 * 2026-01-01T08:30:00.5+01:00; any year from 0001 to 9999. Every such value is one PostgreSQL
 * accepts as timestamptz (the pattern alone lets 2025-02-30, 25:00 or the year 0 through, which
 * the database refuses).
 */
export function isInstant(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = INSTANT.exec(value);
  if (!m) return false;
  const [year, month, day, hours, minutes, seconds, zoneHours, zoneMinutes] = m
    .slice(1)
    .map((x) => Number(x ?? 0));
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day); // not Date.UTC, which reads years 0-99 as 1900-1999
  return (
    year >= 1 &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    hours <= 23 &&
    minutes <= 59 &&
    seconds <= 59 &&
    zoneHours <= 14 &&
    zoneMinutes <= 59
  );
}

// Built once: constructing a DateTimeFormat costs ~0.3 ms, formatting with one a few µs.
const BERLIN_DATE = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Berlin' });

/** Today's date where the offices are (Europe/Berlin), as YYYY-MM-DD. */
export function todayInBerlin(now: Date = new Date()): string {
  return BERLIN_DATE.format(now);
}

/**
 * Money is integer cents throughout. Derived amounts are rounded once, at the end, with
 * `roundHalfAwayFromZero`: 0.5 → 1 and −0.5 → −1, so a loss and a profit of the same size
 * round to the same magnitude (plain Math.round would send −0.5 to −0).
 */
export function roundHalfAwayFromZero(value: number): number {
  const rounded = Math.sign(value) * Math.round(Math.abs(value));
  return rounded === 0 ? 0 : rounded; // never return −0
}

/** `numerator / denominator` rounded to whole cents; both operands should be exact. */
export function divideToCents(numerator: number, denominator: number): number {
  return roundHalfAwayFromZero(numerator / denominator);
}

/** Ratios are reported with four decimals. */
export function roundRatio(value: number): number {
  return roundHalfAwayFromZero(value * 10000) / 10000;
}

export const MAX_EURO_AMOUNT_CENTS = 1_000_000_000; // 10,000,000 €

export type ParseEuroResult = { ok: true; cents: number } | { ok: false; message: string };

// Digits, optionally followed by a point and one or two digits: "12", "12.5", "12.50".
const EURO_PATTERN = /^(\d+)(?:\.(\d{1,2}))?$/;

/**
 * Parses a non-negative euro amount with at most two decimals into cents. The conversion works
 * on the decimal digits, never on `euros * 100`, which is inexact in binary floating point
 * (e.g. 1.005 * 100 = 100.49999999999999).
 */
export function parseEuroAmount(input: string | number): ParseEuroResult {
  let text: string;
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) return { ok: false, message: 'amount must be a finite number' };
    if (input < 0) return { ok: false, message: 'amount must not be negative' };
    // String(n) gives the shortest decimal that round-trips, so 12.5 → "12.5" and
    // 12.345 → "12.345"; tiny or huge numbers use exponent notation and are rejected below.
    text = String(input);
  } else if (typeof input === 'string') {
    text = input.trim();
  } else {
    return { ok: false, message: 'amount must be a number or a string' };
  }
  if (text.startsWith('-')) return { ok: false, message: 'amount must not be negative' };
  const match = EURO_PATTERN.exec(text);
  if (!match) {
    return /^\d+\.\d{3,}$/.test(text)
      ? { ok: false, message: 'amount must have at most two decimals' }
      : { ok: false, message: 'amount must be a decimal number such as 12.50' };
  }
  // Below the limit both parts are small integers, so this arithmetic is exact; far above it
  // Number() may round, but the result is still far above the limit.
  const cents = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  if (cents > MAX_EURO_AMOUNT_CENTS) {
    return { ok: false, message: 'amount must not exceed 10,000,000 €' };
  }
  return { ok: true, cents };
}

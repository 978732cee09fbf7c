import { divideToCents, parseEuroAmount, roundHalfAwayFromZero, roundRatio } from './money';

describe('parseEuroAmount', () => {
  it.each<[string | number, number]>([
    [12.5, 1250],
    ['12.50', 1250],
    ['12.5', 1250],
    ['12', 1200],
    [0, 0],
    ['0.00', 0],
    ['0.07', 7],
    [19.99, 1999], // 19.99 * 100 = 1998.9999999999998 in floating point
    [1.1, 110], // 1.1 * 100 = 110.00000000000001
    [' 7.05 ', 705],
    ['007.10', 710],
    [10_000_000, 1_000_000_000],
    ['10000000.00', 1_000_000_000],
  ])('accepts %p as %i cents', (input, cents) => {
    expect(parseEuroAmount(input)).toEqual({ ok: true, cents });
  });

  it.each<[string | number, string]>([
    [-1, 'must not be negative'],
    ['-0.01', 'must not be negative'],
    [NaN, 'finite'],
    [Infinity, 'finite'],
    [12.345, 'at most two decimals'],
    ['12.345', 'at most two decimals'],
    [1.005, 'at most two decimals'],
    [0.1 + 0.2, 'at most two decimals'], // 0.30000000000000004
    ['10000000.01', 'must not exceed'],
    [10_000_001, 'must not exceed'],
    ['123456789', 'must not exceed'],
    ['9'.repeat(400), 'must not exceed'], // Number() gives Infinity
    ['12,50', 'decimal number'],
    ['.5', 'decimal number'],
    ['1e3', 'decimal number'],
    ['', 'decimal number'],
    ['abc', 'decimal number'],
    [1e-7, 'decimal number'], // String(1e-7) is "1e-7"
  ])('rejects %p', (input, message) => {
    const result = parseEuroAmount(input);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.message).toContain(message);
  });

  it('rejects values that are neither string nor number', () => {
    expect(parseEuroAmount(null as unknown as string).ok).toBe(false);
  });
});

describe('rounding', () => {
  it.each([
    [0.5, 1],
    [1.5, 2],
    [2.4999, 2],
    [-0.5, -1], // Math.round(-0.5) would give -0
    [-2.5, -3],
    [-0.4, 0],
  ])('rounds %p half away from zero to %p', (value, expected) => {
    expect(roundHalfAwayFromZero(value)).toBe(expected);
  });

  it('never returns negative zero', () => {
    expect(Object.is(roundHalfAwayFromZero(-0.2), 0)).toBe(true);
  });

  it('divides into whole cents and ratios into four decimals', () => {
    expect(divideToCents(1001, 2)).toBe(501); // 500.5 → 501
    expect(divideToCents(-1001, 2)).toBe(-501);
    expect(divideToCents(660000, 6)).toBe(110000);
    expect(roundRatio(420000 / 1080000)).toBe(0.3889);
    expect(roundRatio(2 / 3)).toBe(0.6667);
  });
});

describe('parseEuroAmount messages', () => {
  it.each([
    [NaN, 'amount must be a finite number'],
    [Infinity, 'amount must be a finite number'],
    [-0.01, 'amount must not be negative'],
    ['-1', 'amount must not be negative'],
    [' -1 ', 'amount must not be negative'],
    ['1.005', 'amount must have at most two decimals'],
    ['1.5x', 'amount must be a decimal number such as 12.50'],
    ['x1.555', 'amount must be a decimal number such as 12.50'],
    ['1.555x', 'amount must be a decimal number such as 12.50'],
    ['10000000.01', 'amount must not exceed 10,000,000 €'],
    [true, 'amount must be a number or a string'],
  ])('answers %p with %p', (input, message) => {
    expect(parseEuroAmount(input as string | number)).toEqual({ ok: false, message });
  });

  it.each([
    ['10000000', 1_000_000_000],
    [' 12.5 ', 1250],
    ['0.07', 7],
    [0, 0],
    [12.34, 1234],
  ])('reads %p as %i cents', (input, cents) => {
    expect(parseEuroAmount(input)).toEqual({ ok: true, cents });
  });
});

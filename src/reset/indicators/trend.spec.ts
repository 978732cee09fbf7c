import { business, month, months, period, single } from './fixtures';
import { computeTrend, leastSquaresSlope, wholeMonthsBetween } from './trend';

const TODAY = '2026-02-15';

describe('least-squares slope', () => {
  it('matches a hand-worked series', () => {
    // x 0..5, y (€) 1,700 1,750 1,800 1,800 1,850 1,900: x̄ = 2.5, ȳ = 1,800
    // Σ(x−x̄)(y−ȳ) = (−2.5)(−100) + (−1.5)(−50) + 0 + 0 + 1.5·50 + 2.5·100 = 650 €
    // Σ(x−x̄)² = 6.25 + 2.25 + 0.25 + 0.25 + 2.25 + 6.25 = 17.5 → 650 / 17.5 = 37.142857 €
    const ys = [170000, 175000, 180000, 180000, 185000, 190000];
    expect(leastSquaresSlope(ys.map((y, x) => ({ x, y })))).toBe(3714);
  });

  it('is null with fewer than two distinct months', () => {
    expect(leastSquaresSlope([])).toBeNull();
    expect(leastSquaresSlope([{ x: 3, y: 1 }])).toBeNull();
    expect(
      leastSquaresSlope([
        { x: 3, y: 1 },
        { x: 3, y: 5 },
      ]),
    ).toBeNull();
  });
});

describe('computeTrend', () => {
  // Two periods with a gap: Jan–Feb 2025 at 100 € revenue, Jul–Aug 2025 at 200 €, 20 € costs
  // each month. Calendar x = 0, 1, 6, 7: x̄ = 3.5, deviations −3.5 −2.5 2.5 3.5 (Σ² = 37);
  // revenue deviations ∓50 € → Σ = 50 · (3.5 + 2.5 + 2.5 + 3.5) = 600 € → 600 / 37 = 16.2162 €.
  // Closing the gap (x = 0..3) would wrongly give 2,000 / 5 = 40 €/month.
  const build = (first: string, a1: number) =>
    period({ months: months(first, 2, (m) => month(m, { A1: a1 }, { B10: 2000 })) });
  const periods = [build('2025-07', 20000), build('2025-01', 10000)]; // out of order on purpose

  it('regresses over calendar months across periods in date order', () => {
    const trend = computeTrend(periods, business(), single(), TODAY);
    expect(trend.revenueSlopeCentsPerMonth).toBe(1622);
    expect(trend.profitSlopeCentsPerMonth).toBe(1622); // constant costs do not change the slope
    expect(trend.latest?.periodStart).toBe('2025-07-01');
  });

  it('separates revenue from profit when costs grow', () => {
    // revenue 1,000 € flat; costs 100, 200, 300 € → profit slope −100 €/month
    const growing = period({
      months: months('2025-01', 3, (m, i) => month(m, { A1: 100000 }, { B14: 10000 * (i + 1) })),
    });
    const trend = computeTrend([growing], business(), single(), TODAY);
    expect(trend.revenueSlopeCentsPerMonth).toBe(0);
    expect(trend.profitSlopeCentsPerMonth).toBe(-10000);
  });

  it('is empty without periods and dates', () => {
    expect(computeTrend([], business(), single(), TODAY)).toEqual({
      revenueSlopeCentsPerMonth: null,
      profitSlopeCentsPerMonth: null,
      monthsOnBenefits: null,
      monthsSinceStart: null,
      latest: null,
    });
  });
});

describe('wholeMonthsBetween', () => {
  it.each([
    ['2024-01-15', '2026-01-15', 24],
    ['2024-01-16', '2026-01-15', 23], // one day short of 24 full months
    ['2023-12-15', '2026-02-15', 26],
    ['2025-01-31', '2025-02-28', 1], // February has no 31st: complete on its last day
    ['2025-01-31', '2025-02-27', 0],
    ['2024-01-30', '2024-02-29', 1],
    ['2026-03-01', '2026-02-15', 0], // a future start counts as 0
  ])('%s → %s = %i', (from, to, expected) => {
    expect(wholeMonthsBetween(from, to)).toBe(expected);
  });
});

describe('trend across a year boundary', () => {
  it('takes the slope of exactly two months as their difference', () => {
    expect(
      leastSquaresSlope([
        { x: 4, y: 10000 },
        { x: 5, y: 30000 },
      ]),
    ).toBe(20000);
    expect(
      leastSquaresSlope([
        { x: 5, y: 30000 },
        { x: 7, y: 10000 },
      ]),
    ).toBe(-10000);
  });

  it('treats December and January as neighbouring months', () => {
    // Revenue 100 / 200 / 300 € in Nov, Dec, Jan: +100 € a month; costs 50 € each month.
    const winter = period({
      months: [
        month('2025-01', { A1: 30000 }, { B1: 5000 }),
        month('2024-11', { A1: 10000 }, { B1: 5000 }),
        month('2024-12', { A1: 20000 }, { B1: 5000 }),
      ],
    });
    const trend = computeTrend([winter], business(), single(), TODAY);
    expect(trend.revenueSlopeCentsPerMonth).toBe(10000);
    expect(trend.profitSlopeCentsPerMonth).toBe(10000);
  });

  it('joins a December period and a January period in calendar order', () => {
    const dec = period({ months: [month('2024-12', { A1: 10000 }, { B1: 20000 })] });
    const jan = period({ months: [month('2025-01', { A1: 40000 }, { B1: 10000 })] });
    const trend = computeTrend([jan, dec], business(), single(), TODAY);
    expect(trend.revenueSlopeCentsPerMonth).toBe(30000);
    expect(trend.profitSlopeCentsPerMonth).toBe(40000); // −100 € → +300 €
    expect(trend.latest?.periodStart).toBe('2025-01-01');
    expect(trend.latest?.monthlyProfitCents).toBe(30000);
  });

  it('reports the latest of three periods', () => {
    const p = (m: string) => period({ months: [month(m, { A1: 10000 }, {})] });
    const trend = computeTrend(
      [p('2025-02'), p('2025-03'), p('2025-01')],
      business(),
      single(),
      TODAY,
    );
    expect(trend.latest?.periodStart).toBe('2025-03-01');
  });

  it('counts the months on benefits and since the start up to today', () => {
    const trend = computeTrend(
      [],
      business({ benefitsSinceOn: '2024-01-15', startedOn: '2025-12-16' }),
      single(),
      TODAY,
    );
    expect(trend.monthsOnBenefits).toBe(25);
    expect(trend.monthsSinceStart).toBe(1); // 16 December to 15 February: one full month
  });

  it.each([
    ['2025-12-31', '2026-02-28', 2],
    ['2025-12-15', '2026-01-14', 0],
    ['2025-12-15', '2026-01-15', 1],
    ['2025-11-30', '2026-01-29', 1],
  ])('%s → %s = %i whole months', (from, to, expected) => {
    expect(wholeMonthsBetween(from, to)).toBe(expected);
  });
});

import { computeAnalysisIndicators } from './indicators';
import { business, month, months, period, single } from './indicators/fixtures';
import { toIndicatorsDto } from './reset.mapper';

// The answer names every amount twice: `…Cents` (as computed) and its euro twin without the
// suffix (`…CentsPerMonth` → `…PerMonth`). The mapper lists the fields one by one (so that it
// returns the documented types); this holds it to the pure indicators, field for field.
const twin = (key: string): string | null =>
  /^(.+)Cents(PerMonth)?$/.exec(key)?.slice(1).join('') ?? null;

function expectTwins(pure: Record<string, unknown>, answer: Record<string, unknown>): void {
  const expected: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(pure)) {
    if (key === 'latest' || key === 'flags') continue;
    expected[key] = value;
    const euroKey = twin(key);
    if (euroKey) expected[euroKey] = value === null ? null : (value as number) / 100;
  }
  const { latest: _latest, flags: _flags, ...rest } = answer;
  expect(rest).toEqual(expected);
}

describe('toIndicatorsDto', () => {
  const indicators = computeAnalysisIndicators({
    business: business({
      hoursPerWeek: 30,
      benefitsSinceOn: '2024-01-01',
      startedOn: '2023-05-01',
    }),
    household: single({ otherIncomeMonthlyCents: 12345 }),
    periods: [
      period({
        months: months('2025-01', 6, (m, i) =>
          month(m, { A1: 150000 + i * 1001 }, { B1: 30050 }, { C3: 21000 }),
        ),
      }),
      period({ months: months('2025-07', 3, (m) => month(m, { A1: 99999 }, { B3: 1 })) }),
    ],
    today: '2026-02-15',
  });
  const answer = toIndicatorsDto(indicators);

  it('gives each period every indicator, and each amount also in euros', () => {
    expect(answer.periods).toHaveLength(2);
    answer.periods.forEach((p, i) => {
      expectTwins({ ...indicators.periods[i] }, { ...p });
      expect(p.flags).toEqual(indicators.periods[i].flags);
    });
  });

  it('gives the trend with euro twins of its slopes and the latest period', () => {
    expect(indicators.trend.revenueSlopeCentsPerMonth).not.toBeNull();
    expectTwins({ ...indicators.trend }, { ...answer.trend });
    expect(answer.trend.latest).toEqual(answer.periods[1]);
    expect(answer.flags).toEqual(indicators.flags);
  });

  it('answers null for undefined amounts and no latest period without periods', () => {
    const empty = toIndicatorsDto(
      computeAnalysisIndicators({
        business: business(),
        household: single(),
        periods: [],
        today: '2026-02-15',
      }),
    );
    expect(empty.trend).toMatchObject({
      revenueSlopePerMonth: null,
      revenueSlopeCentsPerMonth: null,
      latest: null,
    });
  });
});

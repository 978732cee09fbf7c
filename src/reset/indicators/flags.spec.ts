import { computeAnalysisIndicators } from './analysis';
import { business, month, months, period, single } from './fixtures';
import { businessFlags, periodFlags, uniqueFlags } from './flags';

const TODAY = '2026-02-15';
const aPeriod = period({ months: [month('2025-07', {}, {})] });
const codes = (flags: { code: string }[]) => flags.map((f) => f.code);
const figures = { monthlyProfitCents: 0, hourlyEarningsCents: 1390, minimumWageCents: 1390 };

describe('period flags', () => {
  it('negative_profit: on at −0.01 €, off at 0 €', () => {
    const on = periodFlags({ ...figures, monthlyProfitCents: -1 }, aPeriod, TODAY);
    expect(codes(on)).toEqual(['negative_profit']);
    expect(periodFlags(figures, aPeriod, TODAY)).toEqual([]);
  });

  it('below_minimum_wage: on one cent below, off at the wage and without hours', () => {
    const below = periodFlags({ ...figures, hourlyEarningsCents: 1389 }, aPeriod, TODAY);
    expect(codes(below)).toEqual(['below_minimum_wage']);
    expect(periodFlags({ ...figures, hourlyEarningsCents: null }, aPeriod, TODAY)).toEqual([]);
  });

  it('final_declaration_overdue: only a provisional period whose due date has passed', () => {
    const due = (finalDeclarationDueOn: string | null, kind: 'provisional' | 'final') =>
      codes(periodFlags(figures, { ...aPeriod, kind, finalDeclarationDueOn }, TODAY));
    expect(due('2026-02-14', 'provisional')).toEqual(['final_declaration_overdue']);
    expect(due('2026-02-15', 'provisional')).toEqual([]); // due today is not yet overdue
    expect(due('2026-02-14', 'final')).toEqual([]);
    expect(due(null, 'provisional')).toEqual([]);
  });
});

describe('business flags', () => {
  it.each([
    [0.9, true],
    [0.84, true],
    [5 / 6, false], // exactly 5/6 is not "more than"
    [0.5, false],
    [null, false],
  ])('client_concentration with share %p → %p', (share, on) => {
    const flags = codes(businessFlags(business({ largestClientShare: share }), null));
    expect(flags.includes('client_concentration')).toBe(on);
  });

  it('long_benefit_receipt: on above 24 months only', () => {
    expect(codes(businessFlags(business(), 25))).toEqual(['long_benefit_receipt']);
    expect(businessFlags(business(), 24)).toEqual([]);
    expect(businessFlags(business(), null)).toEqual([]);
  });

  it('side_occupation_hours: on below 15 h/week', () => {
    expect(codes(businessFlags(business({ hoursPerWeek: 14.5 }), null))).toEqual([
      'side_occupation_hours',
    ]);
    expect(businessFlags(business({ hoursPerWeek: 15 }), null)).toEqual([]);
  });

  it('uniqueFlags keeps the first flag of each code', () => {
    const a = { code: 'negative_profit' as const, message: 'first' };
    const b = { code: 'negative_profit' as const, message: 'second' };
    const c = { code: 'side_occupation_hours' as const, message: 'x' };
    expect(uniqueFlags([a, c, b])).toEqual([a, c]);
  });
});

describe('computeAnalysisIndicators', () => {
  // Two loss-making periods (−100 €/month), the first provisional and overdue; a small shop
  // with one dominant client, 10 h/week, on benefits since 2023-12-15 (26 months by TODAY).
  const loss = (first: string) => months(first, 3, (m) => month(m, { A1: 50000 }, { B3: 60000 }));
  const result = computeAnalysisIndicators({
    business: business({
      hoursPerWeek: 10,
      largestClientShare: 0.9,
      benefitsSinceOn: '2023-12-15',
      startedOn: '2023-06-01',
    }),
    household: single(),
    periods: [
      period({ months: loss('2025-07') }),
      period({ months: loss('2025-01'), kind: 'provisional', finalDeclarationDueOn: '2025-08-31' }),
    ],
    today: TODAY,
  });

  it('orders the periods by start and unions their flags once per code', () => {
    expect(result.periods.map((p) => p.periodStart)).toEqual(['2025-01-01', '2025-07-01']);
    expect(codes(result.periods[0].flags)).toEqual([
      'negative_profit',
      'below_minimum_wage',
      'final_declaration_overdue',
    ]);
    expect(codes(result.flags)).toEqual([
      'negative_profit',
      'below_minimum_wage',
      'final_declaration_overdue',
      'client_concentration',
      'long_benefit_receipt',
      'side_occupation_hours',
    ]);
    expect(result.flags[0].message).toContain('2025-01-01–2025-03-31');
  });

  it('reports the trend with the latest period', () => {
    expect(result.trend).toMatchObject({
      revenueSlopeCentsPerMonth: 0,
      profitSlopeCentsPerMonth: 0,
      monthsOnBenefits: 26, // 2023-12-15 → 2026-02-15
      monthsSinceStart: 32, // 2023-06-01 → 2026-02-01 is 32 months
    });
    expect(result.trend.latest).toEqual(result.periods[1]);
  });
});

describe('flag messages', () => {
  const provisional = {
    ...period({ months: [month('2025-07', {}, {}), month('2025-08', {}, {})] }),
    kind: 'provisional' as const,
    finalDeclarationDueOn: '2026-01-31',
  };

  it('word each period flag with its figures in euros and the period', () => {
    const flags = periodFlags(
      { monthlyProfitCents: -12345, hourlyEarningsCents: 905, minimumWageCents: 1282 },
      provisional,
      TODAY,
    );
    expect(flags).toEqual([
      {
        code: 'negative_profit',
        message: 'Monthly profit -123.45 € is negative (2025-07-01–2025-08-31).',
      },
      {
        code: 'below_minimum_wage',
        message:
          'Hourly earnings 9.05 € are below the minimum wage 12.82 € (2025-07-01–2025-08-31).',
      },
      {
        code: 'final_declaration_overdue',
        message: 'The final EKS for 2025-07-01–2025-08-31 was due on 2026-01-31.',
      },
    ]);
  });

  it('word each business flag with its figures', () => {
    const flags = businessFlags(business({ largestClientShare: 0.876, hoursPerWeek: 12.5 }), 30);
    expect(flags).toEqual([
      {
        code: 'client_concentration',
        message: '88 % of revenue comes from one client (more than 5/6).',
      },
      { code: 'long_benefit_receipt', message: 'On benefits for 30 months (more than 24).' },
      {
        code: 'side_occupation_hours',
        message: '12.5 h/week is below the 15 h of a main occupation.',
      },
    ]);
  });
});

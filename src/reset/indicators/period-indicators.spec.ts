import { ruleSetFor } from '../rules/rule-set';
import { computePeriodIndicators, householdNeedMonthlyCents } from './period-indicators';
import { business, month, months, period, single } from './fixtures';
import { InvalidEksPeriodError } from './eks-period';
import { Household, StandardRateLevel } from './types';

const TODAY = '2026-02-15';

describe('hairdresser working at home, 2025-07 to 2025-12', () => {
  // Receipts A1 1,700 / 1,750 / 1,800 / 1,800 / 1,850 / 1,900 € = 10,800 €.
  // Expenses per month 700 €: B1 material 300, B3 home room 150, B4 50, B5 50, B11 50, B14 100.
  // Deductions: C5 private liability insurance 30 €/month.
  const receipts = [170000, 175000, 180000, 180000, 185000, 190000];
  const hairdresser = period({
    months: months('2025-07', 6, (m, i) =>
      month(
        m,
        { A1: receipts[i] },
        { B1: 30000, B3: 15000, B4: 5000, B5: 5000, B11: 5000, B14: 10000 },
        { C5: 3000 },
      ),
    ),
  });
  const result = computePeriodIndicators(
    hairdresser,
    business({ hoursPerWeek: 30 }),
    single(),
    TODAY,
  );

  it('computes every indicator as worked out by hand', () => {
    expect(result).toEqual({
      periodStart: '2025-07-01',
      periodEnd: '2025-12-31',
      kind: 'final',
      ruleSetId: 'rb-2024-01+mw-2025-01+fb-2023-07',
      months: 6,
      receiptsTotalCents: 1080000, // Σ A = 10,800 €
      expensesTotalCents: 420000, // 6 × 700 €
      profitTotalCents: 660000, // 10,800 − 4,200
      monthlyProfitCents: 110000, // 6,600 / 6 = 1,100 €
      costRatio: 0.3889, // 4,200 / 10,800 = 0.38888…
      contributionMarginCents: 900000, // A1 10,800 − B1 1,800
      contributionMarginRate: 0.8333, // 9,000 / 10,800
      hourlyEarningsCents: 847, // 1,100 € / (30 × 4.33) = 1,100 / 129.9 = 8.4680… €
      minimumWageCents: 1282, // 12.82 € in 2025
      minimumWageRatio: 0.6607, // 8.47 / 12.82 = 0.66068…
      deductionsMonthlyCents: 3000, // C5 30 €
      baseDeductionMonthlyCents: 10000, // profit > 400 €: max(100 €, 30 €) = 100 €
      // F = 20 % × (520 − 100) + 30 % × (1,000 − 520) + 10 % × (1,100 − 1,000) = 84 + 144 + 10
      earnedIncomeAllowanceMonthlyCents: 23800,
      allowanceMonthlyCents: 33800, // 100 + 238
      countedIncomeMonthlyCents: 76200, // 1,100 − 338
      householdNeedMonthlyCents: 101300, // level 1 563 € + housing 450 €
      coverageRatio: 0.7522, // 762 / 1,013 = 0.75222…
      // above 1,200 € F is capped at 248 €: P − 100 − 248 ≥ 1,013 ⇔ P ≥ 1,361 €
      profitNeededMonthlyCents: 136100,
      profitGapMonthlyCents: 26100, // 1,361 − 1,100
      flags: [
        {
          code: 'below_minimum_wage',
          message:
            'Hourly earnings 8.47 € are below the minimum wage 12.82 € (2025-07-01–2025-12-31).',
        },
      ],
    });
  });
});

describe('small workshop producing for one retailer, 2024-01 to 2024-06 (with VAT)', () => {
  // Per month: A1 3,000 € net sales, A5_1 570 € VAT collected (19 %) → Σ A 3,570 €.
  // B1 material 1,500, B3 workshop 400, B17 input VAT 285, B18 VAT paid to the tax office 285
  // → Σ B 2,470 €. Monthly profit 1,100 €. Couple, both level 2, housing 700 €.
  const shop = period({
    months: months('2024-01', 6, (m) =>
      month(m, { A1: 300000, A5_1: 57000 }, { B1: 150000, B3: 40000, B17: 28500, B18: 28500 }),
    ),
  });
  const couple = single({
    members: [
      { role: 'self', standardRateLevel: 2 },
      { role: 'partner', standardRateLevel: 2 },
    ],
    housingCostsMonthlyCents: 70000,
  });
  const result = computePeriodIndicators(
    shop,
    business({ hoursPerWeek: 45, largestClientShare: 0.9 }),
    couple,
    TODAY,
  );

  it('keeps VAT out of the contribution margin but in the cash profit', () => {
    expect(result).toMatchObject({
      ruleSetId: 'rb-2024-01+mw-2024-01+fb-2023-07',
      receiptsTotalCents: 2142000, // 6 × 3,570
      expensesTotalCents: 1482000, // 6 × 2,470
      monthlyProfitCents: 110000,
      costRatio: 0.6919, // 2,470 / 3,570 = 0.69187…
      contributionMarginCents: 900000, // 6 × (3,000 − 1,500)
      contributionMarginRate: 0.5,
      hourlyEarningsCents: 565, // 1,100 / (45 × 4.33 = 194.85) = 5.6453… €
      minimumWageCents: 1241,
      countedIncomeMonthlyCents: 76200, // as for the hairdresser: 1,100 − 100 − 238
      householdNeedMonthlyCents: 171200, // 2 × 506 + 700
      coverageRatio: 0.4451, // 762 / 1,712 = 0.44509…
      profitNeededMonthlyCents: 206000, // P − 348 ≥ 1,712 ⇔ P ≥ 2,060 €
      profitGapMonthlyCents: 96000,
    });
  });
});

describe('courier below minimum wage with a child, 2026-01 to 2026-06', () => {
  // Per month: A1 2,500 €; car B6_1 tax 20, B6_2 insurance 100, B6_3 repairs 80, B6_4 fuel 600,
  // B6_5 leasing 500, B4 insurance 70, B11 phone 30 → Σ B 1,400 €, profit 1,100 €.
  // Household: self and partner level 2 (506 € each), child level 5 (390 €), housing 800 €,
  // child benefit 259 € as other income.
  const courier = period({
    months: months('2026-01', 6, (m) =>
      month(
        m,
        { A1: 250000 },
        { B6_1: 2000, B6_2: 10000, B6_3: 8000, B6_4: 60000, B6_5: 50000, B4: 7000, B11: 3000 },
      ),
    ),
  });
  const family = single({
    members: [
      { role: 'self', standardRateLevel: 2 },
      { role: 'partner', standardRateLevel: 2 },
      { role: 'child', birthYear: 2018, standardRateLevel: 5 },
    ],
    housingCostsMonthlyCents: 80000,
    otherIncomeMonthlyCents: 25900,
  });
  const result = computePeriodIndicators(courier, business(), family, TODAY);

  it('earns less than the 2026 minimum wage and needs the 1,500 € limit', () => {
    expect(result).toMatchObject({
      ruleSetId: 'rb-2024-01+mw-2026-01+fb-2023-07',
      monthlyProfitCents: 110000,
      contributionMarginCents: 1500000, // 6 × 2,500, no B1
      contributionMarginRate: 1,
      hourlyEarningsCents: 635, // 1,100 / (40 × 4.33 = 173.2) = 6.3510… €
      minimumWageCents: 1390,
      minimumWageRatio: 0.4568, // 6.35 / 13.90 = 0.45683…
      countedIncomeMonthlyCents: 76200,
      householdNeedMonthlyCents: 220200, // 506 + 506 + 390 + 800
      coverageRatio: 0.4637, // (762 + 259) / 2,202 = 0.46366…
      // target 2,202 − 259 = 1,943; with a child F is capped at 278 € (limit 1,500 €):
      // P − 100 − 278 ≥ 1,943 ⇔ P ≥ 2,321 € (without a child it would be 2,291 €)
      profitNeededMonthlyCents: 232100,
      profitGapMonthlyCents: 122100,
    });
    expect(result.flags.map((f) => f.code)).toEqual(['below_minimum_wage']);
  });
});

describe('a period that straddles a rate change', () => {
  // 40 h/week and hourly earnings of exactly 13.00 €: monthly profit 13 × 173.2 = 2,251.60 €.
  // That is above the 2025 minimum wage (12.82 €) and below the 2026 one (13.90 €).
  const build = (first: string) =>
    period({
      months: months(first, 6, (m) => month(m, { A1: 225160 }, {})),
    });

  it('uses the rules valid at its start (2025-11-01) for the whole period', () => {
    const straddling = build('2025-11');
    expect(straddling.periodEnd).toBe('2026-04-30');
    const result = computePeriodIndicators(straddling, business(), single(), TODAY);
    expect(result.ruleSetId).toBe('rb-2024-01+mw-2025-01+fb-2023-07');
    expect(result.minimumWageCents).toBe(1282);
    expect(result.hourlyEarningsCents).toBe(1300);
    expect(result.flags).toEqual([]);
  });

  it('flags the same earnings in a period starting 2026-01-01', () => {
    const result = computePeriodIndicators(build('2026-01'), business(), single(), TODAY);
    expect(result.ruleSetId).toBe('rb-2024-01+mw-2026-01+fb-2023-07');
    expect(result.flags.map((f) => f.code)).toEqual(['below_minimum_wage']);
  });
});

describe('degenerate and invalid input', () => {
  it('returns null ratios without receipts or hours', () => {
    const empty = period({ months: [month('2025-03', {}, { B3: 10000 })] });
    const result = computePeriodIndicators(empty, business({ hoursPerWeek: 0 }), single(), TODAY);
    expect(result).toMatchObject({
      monthlyProfitCents: -10000,
      costRatio: null,
      contributionMarginRate: null,
      hourlyEarningsCents: null,
      minimumWageRatio: null,
      countedIncomeMonthlyCents: 0,
    });
    expect(result.flags.map((f) => f.code)).toEqual(['negative_profit']);
  });

  it('rounds the monthly profit half away from zero', () => {
    // 1,000.01 € over 2 months = 500.005 € → 500.01 €
    const odd = period({
      months: months('2025-03', 2, (m, i) => month(m, { A1: i ? 100001 : 0 }, {})),
    });
    expect(computePeriodIndicators(odd, business(), single(), TODAY).monthlyProfitCents).toBe(
      50001,
    );
  });

  it('throws a typed error listing what is wrong with the period', () => {
    const bad = period({
      months: [
        month('2025-03', { A5: 100, A1: -1 }, { B6: 1 }, { C1: 1.5 }),
        month('2025-03', {}, {}),
      ],
    });
    expect(() => computePeriodIndicators(bad, business(), single(), TODAY)).toThrow(
      InvalidEksPeriodError,
    );
    try {
      computePeriodIndicators(bad, business(), single(), TODAY);
    } catch (e) {
      expect((e as InvalidEksPeriodError).errors.map((x) => x.field)).toEqual([
        'months[0].receipts.A5',
        'months[0].receipts.A1',
        'months[0].expenses.B6',
        'months[0].deductions.C1',
        'months[1].month',
      ]);
    }
  });

  it('refuses months outside the period and empty periods', () => {
    const outside = period({ months: [month('2025-03', {}, {})], periodEnd: '2025-02-28' });
    expect(() => computePeriodIndicators(outside, business(), single(), TODAY)).toThrow(
      /periodEnd: must not be before periodStart; months\[0\].month: outside the period/,
    );
    const none = { ...outside, periodEnd: '2025-03-31', months: [] };
    expect(() => computePeriodIndicators(none, business(), single(), TODAY)).toThrow(
      /must not be empty/,
    );
  });
});

describe('household need', () => {
  const rules = ruleSetFor('2025-03-01');
  const march = period({ months: [month('2025-03', { A1: 200000 }, { B1: 50000 })] });
  const indicators = (household: Household) =>
    computePeriodIndicators(march, business(), household, TODAY);

  it('adds the standard rate of every member, the extra needs and the housing costs', () => {
    // level 1 563 € + extra needs 50 € + housing 450 €
    expect(householdNeedMonthlyCents(single({ extraNeedsMonthlyCents: 5000 }), rules)).toBe(106300);
    const family: Household = {
      members: [
        { role: 'self', standardRateLevel: 2 },
        { role: 'partner', standardRateLevel: 2 },
        { role: 'child', standardRateLevel: 6 },
        { role: 'other', standardRateLevel: 3 },
      ],
      extraNeedsMonthlyCents: 1,
      housingCostsMonthlyCents: 2,
      otherIncomeMonthlyCents: 99999, // income, not a need
    };
    expect(householdNeedMonthlyCents(family, rules)).toBe(50600 + 50600 + 35700 + 45100 + 3);
  });

  it('makes extra needs raise the profit needed by as much as the same need in housing', () => {
    const base = indicators(single());
    const extra = indicators(single({ extraNeedsMonthlyCents: 10000 }));
    expect(extra.householdNeedMonthlyCents).toBe(base.householdNeedMonthlyCents + 10000);
    expect(extra.profitNeededMonthlyCents).toBeGreaterThan(base.profitNeededMonthlyCents);
    expect(extra).toEqual(indicators(single({ housingCostsMonthlyCents: 55000 })));
  });

  it('refuses a standard-rate level the rule set does not know', () => {
    const odd = single({ members: [{ role: 'self', standardRateLevel: 7 as StandardRateLevel }] });
    expect(() => householdNeedMonthlyCents(odd, rules)).toThrow(new RangeError('unknown level 7'));
    expect(() => indicators(odd)).toThrow(RangeError);
  });

  it('reports no coverage ratio and nothing needed when the household needs nothing', () => {
    const none = single({ members: [], housingCostsMonthlyCents: 0 });
    expect(indicators(none)).toMatchObject({
      householdNeedMonthlyCents: 0,
      coverageRatio: null,
      profitNeededMonthlyCents: 0,
      profitGapMonthlyCents: 0,
    });
  });

  it('needs no profit when other income covers the need, and counts that income as coverage', () => {
    // need 1,013 €, other income 1,100 €. Profit 1,500 €: F = 20 % of 420 + 30 % of 480 + 10 % of
    // 200 = 84 + 144 + 20 = 248 €, counted 1,500 − 100 − 248 = 1,152 €.
    const result = indicators(single({ otherIncomeMonthlyCents: 110000 }));
    expect(result).toMatchObject({
      householdNeedMonthlyCents: 101300,
      countedIncomeMonthlyCents: 115200,
      coverageRatio: 2.2231, // (1,152 + 1,100) / 1,013 = 2.22310…
      profitNeededMonthlyCents: 0,
      profitGapMonthlyCents: 0,
    });
  });
});

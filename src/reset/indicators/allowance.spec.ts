import fc from 'fast-check';
import { ruleSetFor } from '../rules/rule-set';
import { computeAllowance, profitNeededCents } from './allowance';

const rule = ruleSetFor('2026-01-01').allowance;
const counted = (profit: number, deductions: number, withChild = false) =>
  computeAllowance(profit, deductions, rule, withChild).countedIncomeCents;

describe('§11b allowance at the edges (cents)', () => {
  it.each([
    // profit, deductions C, child, base, percentage part F, counted — worked out by hand:
    // 0 €: base 100 € replaces C, F = 0, counted = max(0, 0 − 100) = 0
    [0, 0, false, 10000, 0, 0],
    // 100 €: F = 0 (the 20 % band starts at 100 €), counted = 100 − 100 = 0
    [10000, 0, false, 10000, 0, 0],
    // 100.03 €: F = 20 % × 0.03 € = 0.006 € → 0.6 ct → 1 ct; counted = 10003 − 10000 − 1 = 2 ct
    [10003, 0, false, 10000, 1, 2],
    // 400 € with C = 250 €: still the flat 100 € (C ignored); F = 20 % × 300 = 60; 400−100−60 = 240
    [40000, 25000, false, 10000, 6000, 24000],
    // 401 € with C = 250 €: now max(100, 250) = 250; F = 20 % × 301 = 60.20; 401−250−60.20 = 90.80
    [40100, 25000, false, 25000, 6020, 9080],
    // 401 € with C = 50 €: max(100, 50) = 100; 401 − 100 − 60.20 = 240.80
    [40100, 5000, false, 10000, 6020, 24080],
    // 520 €: F = 20 % × 420 = 84; 520 − 100 − 84 = 336
    [52000, 0, false, 10000, 8400, 33600],
    // 520.01 €: F = 84 + 30 % × 0.01 = 84.003 € → 8400 ct; 52001 − 10000 − 8400 = 33601
    [52001, 0, false, 10000, 8400, 33601],
    // 1,000 €: F = 84 + 30 % × 480 = 84 + 144 = 228; 1000 − 100 − 228 = 672
    [100000, 0, false, 10000, 22800, 67200],
    // 1,000.05 €: F = 228 + 10 % × 0.05 = 228.005 € → 22800.5 ct → 22801 (half away from zero)
    [100005, 0, false, 10000, 22801, 67204],
    // 1,200 €: F = 228 + 10 % × 200 = 248; 1200 − 100 − 248 = 852 (the child limit is not reached)
    [120000, 0, false, 10000, 24800, 85200],
    [120000, 0, true, 10000, 24800, 85200],
    // 1,500 € without child: F stops at 1,200 € = 248; 1500 − 100 − 248 = 1152
    [150000, 0, false, 10000, 24800, 115200],
    // 1,500 € with child: F = 228 + 10 % × 500 = 278; 1500 − 100 − 278 = 1122
    [150000, 0, true, 10000, 27800, 112200],
    // 1,500 € with C = 300 €: base 300; 1500 − 300 − 248 = 952
    [150000, 30000, false, 30000, 24800, 95200],
    // a loss: counted income never goes below 0
    [-50000, 0, false, 10000, 0, 0],
  ])('profit %i, C %i, child %p → base %i, F %i, counted %i', (p, c, child, base, f, cnt) => {
    expect(computeAllowance(p, c, rule, child)).toEqual({
      baseDeductionCents: base,
      earnedIncomeAllowanceCents: f,
      allowanceCents: base + f,
      countedIncomeCents: cnt,
    });
  });
});

it('gives no percentage allowance above the upper limit, whatever the brackets say', () => {
  // A hypothetical table whose limit (500 €) lies inside the 20 % bracket (100–520 €):
  // F(1,000 €) = 20 % × (500 − 100) = 80 €
  const low = { ...rule, upperLimitCents: 50000 };
  expect(computeAllowance(100000, 0, low, false).earnedIncomeAllowanceCents).toBe(8000);
});

describe('profit needed (inverse of counted income)', () => {
  it('is 0 when nothing has to be earned', () => {
    expect(profitNeededCents(0, 0, rule, false)).toBe(0);
    expect(profitNeededCents(-100, 0, rule, false)).toBe(0);
  });

  it.each([
    // target, C, child, needed:
    // below 400 €: 0.8 × (P − 100 €) ≥ 240 € ⇔ P ≥ 400 €
    [24000, 25000, false, 40000],
    // 240.01 € cannot be reached up to 400 €; above it base 250 €: on 520–1,000 €
    // counted = P − 250 − 84 − 0.3(P − 520) = 0.7P − 178 ≥ 240.01 ⇔ P ≥ 597.1571… → 597.16 €;
    // check: F(597.16) = 84 + 23.148 = 107.148 → 107.15; 597.16 − 250 − 107.15 = 240.01
    // and F(597.15) = 107.145 → 107.15 (half away), 597.15 − 357.15 = 240.00 < 240.01
    [24001, 25000, false, 59716],
    // above the 1,200 € limit: counted = P − 100 − 248 ≥ 1013 € ⇔ P ≥ 1361 €
    [101300, 0, false, 136100],
    // with a child the limit is 1,500 €: counted = P − 100 − 278 ≥ 1943 € ⇔ P ≥ 2321 €
    [194300, 0, true, 232100],
  ])('target %i with C %i, child %p → %i', (target, c, child, needed) => {
    expect(profitNeededCents(target, c, rule, child)).toBe(needed);
    expect(counted(needed, c, child)).toBeGreaterThanOrEqual(target);
    expect(counted(needed - 1, c, child)).toBeLessThan(target);
  });

  it('inverts counted income exactly to the cent (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 400_000 }),
        fc.integer({ min: 0, max: 80_000 }),
        fc.boolean(),
        (target, c, child) => {
          const needed = profitNeededCents(target, c, rule, child);
          expect(counted(needed, c, child)).toBeGreaterThanOrEqual(target);
          expect(counted(needed - 1, c, child)).toBeLessThan(target);
          // smallest overall: counted only drops at the 400 € step, so if the answer lies above
          // it, nothing up to 400 € may reach the target either
          if (needed > 40000) expect(counted(40000, c, child)).toBeLessThan(target);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('relies on counted income rising within each side of 400 €', () => {
    for (const c of [0, 25000]) {
      for (let p = 1; p <= 200_000; p += 1) {
        if (p === 40001) continue; // the one allowed drop
        if (counted(p, c) < counted(p - 1, c)) throw new Error(`drop at ${p} with C ${c}`);
      }
    }
  });
});

describe('profit needed under tables without percentage brackets', () => {
  it('is the target plus the base deduction when no bracket applies', () => {
    // No brackets: counted = P − 100 €, and the 400 € region cannot reach 500 €.
    const flat = { ...rule, brackets: [] };
    expect(profitNeededCents(50000, 0, flat, false)).toBe(60000);
    expect(profitNeededCents(20000, 0, flat, false)).toBe(30000);
    // Above 400 € the higher table C deductions apply: 500 € + 250 €.
    expect(profitNeededCents(50000, 25000, flat, false)).toBe(75000);
  });

  it('finds the profit below the first bracket when the brackets start above 400 €', () => {
    // 20 % only from 500 € on: 300 € profit − 100 € base = 200 € counted, no percentage part.
    const late = { ...rule, brackets: [{ fromCents: 50000, toCents: null, rate: 0.2 }] };
    expect(profitNeededCents(20000, 0, late, false)).toBe(30000);
    expect(counted(30000, 0)).toBe(16000); // the shipped brackets would leave 160 € only
  });
});

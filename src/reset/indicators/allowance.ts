import { AllowanceRule } from '../rules/rates.data';
import { roundHalfAwayFromZero } from './money';

/**
 * §11b SGB II on a monthly profit P with actual table C deductions C (all in cents):
 *
 *   P ≤ 400 €:  counted = max(0, P − 100 €        − F(P))   the flat 100 € replaces C
 *   P > 400 €:  counted = max(0, P − max(100 €, C) − F(P))   the higher of 100 € and C
 *
 *   F(P) = 20 % of the part of P in 100–520 €
 *        + 30 % of the part of P in 520–1,000 €
 *        + 10 % of the part of P in 1,000 € to L,  L = 1,200 € (1,500 € with a child)
 *
 * F(P) is summed exactly (rates as basis points times cents) and rounded once, half away from
 * zero. Simplification: the law deducts taxes and mandatory insurance on top of the flat 100 €;
 * the brief folds all of table C into the "replaced by 100 €" rule, and so does this code.
 */
export interface AllowanceBreakdown {
  baseDeductionCents: number;
  earnedIncomeAllowanceCents: number;
  allowanceCents: number;
  countedIncomeCents: number;
}

interface Segment {
  from: number;
  to: number; // F is linear on [from, to] with slope basisPoints / 10,000
  basisPoints: number;
}

function segments(rule: AllowanceRule, withChild: boolean): Segment[] {
  const upper = withChild ? rule.upperLimitWithChildCents : rule.upperLimitCents;
  return rule.brackets
    .map((b) => ({
      from: b.fromCents,
      to: Math.min(b.toCents ?? upper, upper),
      basisPoints: Math.round(b.rate * 10000),
    }))
    .filter((s) => s.to > s.from);
}

/** 10,000 × F(P), exact integer. */
function percentageNumerator(profit: number, segs: Segment[]): number {
  return segs.reduce(
    (sum, s) => sum + Math.max(0, Math.min(profit, s.to) - s.from) * s.basisPoints,
    0,
  );
}

function baseFor(profit: number, deductions: number, rule: AllowanceRule): number {
  return profit <= rule.baseReplacesDeductionsUpToCents
    ? rule.baseCents
    : Math.max(rule.baseCents, deductions);
}

export function computeAllowance(
  profitCents: number,
  deductionsCents: number,
  rule: AllowanceRule,
  withChild: boolean,
): AllowanceBreakdown {
  const base = baseFor(profitCents, deductionsCents, rule);
  const percentage = roundHalfAwayFromZero(
    percentageNumerator(profitCents, segments(rule, withChild)) / 10000,
  );
  return {
    baseDeductionCents: base,
    earnedIncomeAllowanceCents: percentage,
    allowanceCents: base + percentage,
    countedIncomeCents: Math.max(0, profitCents - base - percentage),
  };
}

/**
 * The smallest monthly profit (≥ 0) whose counted income reaches `targetCents`.
 *
 * Counted income is non-decreasing in P on [0, 400 €] and on (400 €, ∞) but may drop at the
 * 400 € step when C > 100 €, so the two regions are searched in order. Inside a region, on each
 * linear piece of F with rate r starting at s:
 *   P − B − F(s) − r(P − s) ≥ T  ⇔  P ≥ (T + B + F(s) − r·s) / (1 − r)
 * The closed form gives the cent up to the rounding of F; the forward function then settles
 * the last cent, so counted(P) ≥ T and counted(P − 1 cent) < T hold exactly.
 */
export function profitNeededCents(
  targetCents: number,
  deductionsCents: number,
  rule: AllowanceRule,
  withChild: boolean,
): number {
  if (targetCents <= 0) return 0;
  const counted = (p: number) =>
    computeAllowance(p, deductionsCents, rule, withChild).countedIncomeCents;
  const segs = segments(rule, withChild);
  const pieces: Segment[] = [
    { from: 0, to: segs[0]?.from ?? 0, basisPoints: 0 },
    ...segs,
    { from: segs.at(-1)?.to ?? 0, to: Infinity, basisPoints: 0 },
  ];
  const limit = rule.baseReplacesDeductionsUpToCents;
  const regions = [
    { from: 0, to: limit },
    { from: limit + 1, to: Infinity },
  ];
  for (const region of regions) {
    if (Number.isFinite(region.to) && counted(region.to) < targetCents) continue;
    const base = baseFor(region.from, deductionsCents, rule);
    for (const piece of pieces) {
      const from = Math.max(piece.from, region.from);
      const to = Math.min(piece.to, region.to);
      if (to < from) continue;
      const r = piece.basisPoints / 10000;
      const fAtFrom = percentageNumerator(from, segs) / 10000;
      const exact = (targetCents + base + fAtFrom - r * from) / (1 - r);
      let p = Math.max(from, Math.ceil(exact));
      if (p > to) continue;
      // Rounding F to whole cents can let the cent below reach the target as well; the closed
      // form is never more than a cent or two off, and anything else is a bug, not a search.
      for (let step = 0; p > region.from && counted(p - 1) >= targetCents; step += 1) {
        if (step === 2) throw new Error('profit needed: closed form too high');
        p -= 1;
      }
      for (let step = 0; counted(p) < targetCents; step += 1) {
        if (step === 2) throw new Error('profit needed: closed form too low');
        p += 1;
      }
      return p;
    }
  }
  // Unreachable: above the upper limit counted income grows one cent per cent of profit.
  throw new Error('profit needed not found');
}

import { RateTable } from '../rules/rates.data';

export interface Business {
  hoursPerWeek: number;
  /** Share of revenue from the largest client, 0–1; null when unknown. */
  largestClientShare: number | null;
  mainOccupation: boolean;
  benefitsSinceOn: string | null;
  startedOn: string | null;
}

export type StandardRateLevel = 1 | 2 | 3 | 4 | 5 | 6;

export interface HouseholdMember {
  role: 'self' | 'partner' | 'child' | 'other';
  birthYear?: number;
  standardRateLevel: StandardRateLevel;
}

export interface Household {
  members: HouseholdMember[];
  extraNeedsMonthlyCents: number;
  /** Kosten der Unterkunft und Heizung. */
  housingCostsMonthlyCents: number;
  /** Other income of the household, already as counted income. */
  otherIncomeMonthlyCents: number;
}

export interface EksMonth {
  month: string; // YYYY-MM
  receipts: Record<string, number>;
  expenses: Record<string, number>;
  deductions: Record<string, number>;
}

export interface EksPeriod {
  periodStart: string;
  periodEnd: string;
  kind: 'provisional' | 'final';
  finalDeclarationDueOn: string | null;
  months: EksMonth[];
}

export const FLAG_CODES = [
  'negative_profit',
  'below_minimum_wage',
  'client_concentration',
  'final_declaration_overdue',
  'long_benefit_receipt',
  'side_occupation_hours',
] as const;
export type FlagCode = (typeof FLAG_CODES)[number];

export interface Flag {
  code: FlagCode;
  message: string;
}

export interface PeriodIndicators {
  periodStart: string;
  periodEnd: string;
  kind: EksPeriod['kind'];
  ruleSetId: string;
  months: number;
  receiptsTotalCents: number;
  expensesTotalCents: number;
  profitTotalCents: number;
  monthlyProfitCents: number;
  costRatio: number | null;
  contributionMarginCents: number;
  contributionMarginRate: number | null;
  hourlyEarningsCents: number | null;
  minimumWageCents: number;
  minimumWageRatio: number | null;
  /** Actual table C deductions per month (Σ C / months). */
  deductionsMonthlyCents: number;
  /** What §11b takes off for the base: 100 € flat up to 400 € profit, else max(100 €, C). */
  baseDeductionMonthlyCents: number;
  /** §11b Abs. 3 percentage parts only. */
  earnedIncomeAllowanceMonthlyCents: number;
  /** Everything §11b takes off: base deduction + percentage parts. */
  allowanceMonthlyCents: number;
  countedIncomeMonthlyCents: number;
  householdNeedMonthlyCents: number;
  coverageRatio: number | null;
  profitNeededMonthlyCents: number;
  profitGapMonthlyCents: number;
  flags: Flag[];
}

export interface Trend {
  revenueSlopeCentsPerMonth: number | null;
  profitSlopeCentsPerMonth: number | null;
  monthsOnBenefits: number | null;
  monthsSinceStart: number | null;
  latest: PeriodIndicators | null;
}

export interface AnalysisInput {
  business: Business;
  household: Household;
  periods: EksPeriod[];
  today: string;
  rates?: RateTable;
}

export interface AnalysisIndicators {
  periods: PeriodIndicators[];
  trend: Trend;
  flags: Flag[];
}

import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { FLAG_CODES, type FlagCode } from '../indicators/types';
import { Cents, DATE, EKS_PERIOD_KIND_ENUM, Euros, type EksPeriodKind } from './schema-parts';

/**
 * The indicators of an analysis as answered: the pure module (src/reset/indicators) computes in
 * integer cents; the answer gives each amount twice, in euros under the plain name (e.g.
 * `monthlyProfit`) and in cents under the name + `Cents` (`monthlyProfitCents`; slopes:
 * `…PerMonth` / `…CentsPerMonth`). reset.mapper.ts builds these types.
 */

const ratio = (description: string, example: number) =>
  ApiProperty({
    type: 'number',
    nullable: true,
    example,
    description: `${description}, four decimals; null when undefined (division by zero)`,
  });

@ApiSchema({ name: 'IndicatorFlag', description: 'A warning sign the indicators raise' })
export class IndicatorFlagDto {
  @ApiProperty({
    enum: FLAG_CODES,
    enumName: 'IndicatorFlagCode',
    description:
      'negative_profit, below_minimum_wage (hourly earnings), client_concentration (> 5/6 of revenue from one client), ' +
      'final_declaration_overdue, long_benefit_receipt (> 24 months), side_occupation_hours (< 15 h/week)',
  })
  code: FlagCode;
  @ApiProperty({ example: 'Monthly profit -120.00 € is negative (2025-01-01–2025-06-30).' })
  message: string;
}

@ApiSchema({
  name: 'PeriodIndicators',
  description:
    'The indicators of one EKS period (its latest version), computed with the SGB II rule set in force on its first day',
})
export class PeriodIndicatorsDto {
  @ApiProperty(DATE)
  periodStart: string;
  @ApiProperty({ ...DATE, example: '2026-06-30' })
  periodEnd: string;
  @ApiProperty(EKS_PERIOD_KIND_ENUM)
  kind: EksPeriodKind;
  @ApiProperty({
    example: 'rb-2026-01+mw-2026-01+fb-2023-07',
    description: 'The rates used (standard rates, minimum wage, allowance)',
  })
  ruleSetId: string;
  @ApiProperty({
    type: 'integer',
    minimum: 1,
    maximum: 6,
    example: 6,
    description: 'The months of the period',
  })
  months: number;
  @Euros('Σ table A (receipts) of the period', { minimum: 0, example: 14700 })
  receiptsTotal: number;
  @Cents('Σ table A (receipts) of the period', { minimum: 0, example: 1470000 })
  receiptsTotalCents: number;
  @Euros('Σ table B (expenses) of the period', { minimum: 0, example: 6361.2 })
  expensesTotal: number;
  @Cents('Σ table B (expenses) of the period', { minimum: 0, example: 636120 })
  expensesTotalCents: number;
  @Euros('Receipts − expenses of the period (negative: a loss)', { example: 8338.8 })
  profitTotal: number;
  @Euros('Profit per month', { example: 1389.8 })
  monthlyProfit: number;
  @Cents('Receipts − expenses of the period (negative: a loss)', { example: 833880 })
  profitTotalCents: number;
  @Cents('Profit per month', { example: 138980 })
  monthlyProfitCents: number;
  @ratio('Expenses / receipts', 0.4327)
  costRatio: number | null;
  @Euros('Contribution margin: receipts A1–A3 − variable costs B1', { example: 12838.8 })
  contributionMargin: number;
  @Cents('Contribution margin: receipts A1–A3 − variable costs B1', { example: 1283880 })
  contributionMarginCents: number;
  @ratio('Contribution margin / receipts A1–A3', 0.8734)
  contributionMarginRate: number | null;
  @Euros('Monthly profit per hour worked (hours per week × 4.33); null with 0 hours', {
    nullable: true,
    example: 10.7,
  })
  hourlyEarnings: number | null;
  @Cents('Monthly profit per hour worked (hours per week × 4.33); null with 0 hours', {
    nullable: true,
    example: 1070,
  })
  hourlyEarningsCents: number | null;
  @Euros('The statutory minimum wage per hour on the first day of the period', {
    minimum: 0,
    example: 13.9,
  })
  minimumWage: number;
  @Cents('The statutory minimum wage per hour on the first day of the period', {
    minimum: 0,
    example: 1390,
  })
  minimumWageCents: number;
  @ratio('Hourly earnings / minimum wage', 0.7698)
  minimumWageRatio: number | null;
  @Euros('Table C deductions per month', { minimum: 0, example: 210 })
  deductionsMonthly: number;
  @Cents('Table C deductions per month', { minimum: 0, example: 21000 })
  deductionsMonthlyCents: number;
  @Euros(
    'Base deduction per month (§11b: 100 € flat up to 400 € profit, else the larger of 100 € and C)',
    { minimum: 0, example: 210 },
  )
  baseDeductionMonthly: number;
  @Cents(
    'Base deduction per month (§11b: 100 € flat up to 400 € profit, else the larger of 100 € and C)',
    { minimum: 0, example: 21000 },
  )
  baseDeductionMonthlyCents: number;
  @Euros('The percentage parts of the earned-income allowance per month (§11b Abs. 3)', {
    minimum: 0,
    example: 228.96,
  })
  earnedIncomeAllowanceMonthly: number;
  @Cents('The percentage parts of the earned-income allowance per month (§11b Abs. 3)', {
    minimum: 0,
    example: 22896,
  })
  earnedIncomeAllowanceMonthlyCents: number;
  @Euros('Everything §11b takes off per month: base deduction + percentage parts', {
    minimum: 0,
    example: 438.96,
  })
  allowanceMonthly: number;
  @Cents('Everything §11b takes off per month: base deduction + percentage parts', {
    minimum: 0,
    example: 43896,
  })
  allowanceMonthlyCents: number;
  @Euros('Income counted against the benefit per month', { minimum: 0, example: 950.84 })
  countedIncomeMonthly: number;
  @Cents('Income counted against the benefit per month', { minimum: 0, example: 95084 })
  countedIncomeMonthlyCents: number;
  @Euros('The household’s need per month: standard rates + extra needs + housing and heating', {
    minimum: 0,
    example: 1183.5,
  })
  householdNeedMonthly: number;
  @Cents('The household’s need per month: standard rates + extra needs + housing and heating', {
    minimum: 0,
    example: 118350,
  })
  householdNeedMonthlyCents: number;
  @ratio('(Counted income + other income) / need', 1.0146)
  coverageRatio: number | null;
  @Euros('The monthly profit that would cover the need (0: no gap to cover)', {
    minimum: 0,
    example: 1100,
  })
  profitNeededMonthly: number;
  @Cents('The monthly profit that would cover the need (0: no gap to cover)', {
    minimum: 0,
    example: 110000,
  })
  profitNeededMonthlyCents: number;
  @Euros('How much the monthly profit falls short of that (0: it does not)', {
    minimum: 0,
    example: 0,
  })
  profitGapMonthly: number;
  @Cents('How much the monthly profit falls short of that (0: it does not)', {
    minimum: 0,
    example: 0,
  })
  profitGapMonthlyCents: number;
  @ApiProperty({ type: [IndicatorFlagDto], description: 'The flags of this period' })
  flags: IndicatorFlagDto[];
}

@ApiSchema({
  name: 'IndicatorTrend',
  description: 'The development over every recorded month of every period',
})
export class IndicatorTrendDto {
  @Euros('Least-squares slope of the monthly revenue per month; null with fewer than two months', {
    nullable: true,
    example: 35.5,
  })
  revenueSlopePerMonth: number | null;
  @Cents('Least-squares slope of the monthly revenue per month; null with fewer than two months', {
    nullable: true,
    example: 3550,
  })
  revenueSlopeCentsPerMonth: number | null;
  @Euros('Least-squares slope of the monthly profit per month; null with fewer than two months', {
    nullable: true,
    example: -12,
  })
  profitSlopePerMonth: number | null;
  @Cents('Least-squares slope of the monthly profit per month; null with fewer than two months', {
    nullable: true,
    example: -1200,
  })
  profitSlopeCentsPerMonth: number | null;
  @ApiProperty({
    type: 'integer',
    minimum: 0,
    nullable: true,
    example: 30,
    description: 'Whole months on benefits until today',
  })
  monthsOnBenefits: number | null;
  @ApiProperty({
    type: 'integer',
    minimum: 0,
    nullable: true,
    example: 46,
    description: 'Whole months since the business started',
  })
  monthsSinceStart: number | null;
  @ApiProperty({
    type: PeriodIndicatorsDto,
    nullable: true,
    description: 'The indicators of the latest period; null without periods',
  })
  latest: PeriodIndicatorsDto | null;
}

@ApiSchema({
  name: 'Indicators',
  description:
    'The indicators of an analysis from the latest version of each EKS period. Every amount is given in euros (number) and, ' +
    'under the same name + `Cents` (slopes: `…CentsPerMonth`), in integer cents.',
})
export class IndicatorsDto {
  @ApiProperty({ type: [PeriodIndicatorsDto], description: 'Per period, by period start' })
  periods: PeriodIndicatorsDto[];
  @ApiProperty({ type: IndicatorTrendDto })
  trend: IndicatorTrendDto;
  @ApiProperty({
    type: [IndicatorFlagDto],
    description: 'Every flag of the periods and of the business, the first of each code',
  })
  flags: IndicatorFlagDto[];
}

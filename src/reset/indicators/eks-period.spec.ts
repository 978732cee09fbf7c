import { InvalidEksPeriodError, monthTotals, sortedMonths, validateEksPeriod } from './eks-period';
import { month, period } from './fixtures';
import { EksPeriod } from './types';

const march = (over: Partial<EksPeriod> = {}): EksPeriod => ({
  periodStart: '2025-03-01',
  periodEnd: '2025-03-31',
  kind: 'final',
  finalDeclarationDueOn: null,
  months: [month('2025-03', { A1: 100 }, { B1: 50 })],
  ...over,
});

describe('validateEksPeriod', () => {
  it('accepts a well-formed period, also one of a single day', () => {
    expect(validateEksPeriod(march())).toEqual([]);
    expect(
      validateEksPeriod(march({ periodStart: '2025-03-15', periodEnd: '2025-03-15' })),
    ).toEqual([]);
    // Months at both ends of a period that starts and ends mid-month are inside it.
    const span = period({
      periodStart: '2025-03-15',
      periodEnd: '2025-05-10',
      months: [month('2025-03', {}, {}), month('2025-05', {}, {})],
    });
    expect(validateEksPeriod(span)).toEqual([]);
  });

  it('names invalid period dates', () => {
    expect(validateEksPeriod(march({ periodStart: '2025-02-30' }))).toEqual([
      { field: 'periodStart', message: 'invalid date' },
    ]);
    expect(validateEksPeriod(march({ periodEnd: '2025-3-31' }))).toEqual([
      { field: 'periodEnd', message: 'invalid date' },
    ]);
    expect(validateEksPeriod(march({ periodStart: '', periodEnd: '' }))).toEqual([
      { field: 'periodStart', message: 'invalid date' },
      { field: 'periodEnd', message: 'invalid date' },
      { field: 'months[0].month', message: 'outside the period' },
    ]);
  });

  it('refuses an end before the start, and months before the start or after the end', () => {
    const p = period({
      periodStart: '2025-03-01',
      periodEnd: '2025-04-30',
      months: [month('2025-02', {}, {}), month('2025-04', {}, {}), month('2025-05', {}, {})],
    });
    expect(validateEksPeriod(p)).toEqual([
      { field: 'months[0].month', message: 'outside the period' },
      { field: 'months[2].month', message: 'outside the period' },
    ]);
    expect(
      validateEksPeriod(march({ periodStart: '2025-03-02', periodEnd: '2025-03-01' })),
    ).toEqual([{ field: 'periodEnd', message: 'must not be before periodStart' }]);
  });

  it.each(['2025-3', '2025-13', '2025-00', '25-03', '2025-03-01', ' 2025-03', '2025-03 '])(
    'refuses the malformed month %p',
    (m) => {
      expect(validateEksPeriod(march({ months: [month(m, {}, {})] }))).toEqual([
        { field: 'months[0].month', message: 'must be YYYY-MM' },
      ]);
    },
  );

  it('refuses an empty period and a month given twice', () => {
    expect(validateEksPeriod(march({ months: [] }))).toEqual([
      { field: 'months', message: 'must not be empty' },
    ]);
    const twice = march({ months: [month('2025-03', {}, {}), month('2025-03', {}, {})] });
    expect(validateEksPeriod(twice)).toEqual([
      { field: 'months[1].month', message: 'duplicate month' },
    ]);
  });

  it('checks every line of every table: known code, non-negative whole cents', () => {
    const bad = march({
      months: [
        month(
          '2025-03',
          { A1: 0, A4: -1, X1: 5 },
          { B1: 1.5, B18: Number.MAX_SAFE_INTEGER + 1, C1: 1 },
          { C10: 200, B1: 1, C2: NaN },
        ),
      ],
    });
    expect(validateEksPeriod(bad)).toEqual([
      { field: 'months[0].receipts.A4', message: 'must be non-negative cents' },
      { field: 'months[0].receipts.X1', message: 'unknown line' },
      { field: 'months[0].expenses.B1', message: 'must be non-negative cents' },
      { field: 'months[0].expenses.B18', message: 'must be non-negative cents' },
      { field: 'months[0].expenses.C1', message: 'unknown line' },
      { field: 'months[0].deductions.B1', message: 'unknown line' },
      { field: 'months[0].deductions.C2', message: 'must be non-negative cents' },
    ]);
  });
});

describe('InvalidEksPeriodError', () => {
  it('carries its code, the field errors and a message listing them', () => {
    const errors = [
      { field: 'periodStart', message: 'invalid date' },
      { field: 'months', message: 'must not be empty' },
    ];
    const error = new InvalidEksPeriodError(errors);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('InvalidEksPeriodError');
    expect(error.code).toBe('invalid_eks_period');
    expect(error.errors).toBe(errors);
    expect(error.message).toBe(
      'invalid EKS period: periodStart: invalid date; months: must not be empty',
    );
  });
});

describe('monthTotals', () => {
  it('sums each table, and the contribution-margin lines apart', () => {
    const m = month(
      '2025-03',
      { A1: 1000, A2: 200, A3: 30, A4: 4000, A5_1: 50000 },
      { B1: 300, B2: 7000, B17: 90000 },
      { C1: 11, C10: 22 },
    );
    expect(monthTotals(m)).toEqual({
      month: '2025-03',
      receiptsCents: 55230,
      expensesCents: 97300,
      deductionsCents: 33,
      marginReceiptsCents: 1230,
      variableCostsCents: 300,
    });
    expect(monthTotals(month('2025-04', {}, {}))).toEqual({
      month: '2025-04',
      receiptsCents: 0,
      expensesCents: 0,
      deductionsCents: 0,
      marginReceiptsCents: 0,
      variableCostsCents: 0,
    });
  });
});

describe('sortedMonths', () => {
  it('orders months by calendar, across a year boundary, without changing the period', () => {
    const p = period({
      months: [month('2025-02', {}, {}), month('2024-12', {}, {}), month('2025-01', {}, {})],
    });
    expect(sortedMonths(p).map((m) => m.month)).toEqual(['2024-12', '2025-01', '2025-02']);
    expect(p.months.map((m) => m.month)).toEqual(['2025-02', '2024-12', '2025-01']);
  });
});

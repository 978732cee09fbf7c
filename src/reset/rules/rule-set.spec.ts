import { RATES, RateTable } from './rates.data';
import { RatesUnavailableError, isIsoDate, ruleSetFor } from './rule-set';

describe('ruleSetFor', () => {
  it('combines the entries in force on a 2025 date and names them', () => {
    const rules = ruleSetFor('2025-06-15');
    expect(rules.id).toBe('rb-2024-01+mw-2025-01+fb-2023-07');
    expect(rules.validFrom).toBe('2025-01-01'); // the newest of the three entries
    expect(rules.standardRatesCents).toEqual({
      1: 56300,
      2: 50600,
      3: 45100,
      4: 47100,
      5: 39000,
      6: 35700,
    });
    expect(rules.minimumWageCents).toBe(1282);
    expect(rules.allowance.baseCents).toBe(10000);
    expect(rules.allowance.upperLimitWithChildCents).toBe(150000);
  });

  it.each([
    ['2024-01-01', 1241, 'rb-2024-01+mw-2024-01+fb-2023-07'],
    ['2024-12-31', 1241, 'rb-2024-01+mw-2024-01+fb-2023-07'],
    ['2025-01-01', 1282, 'rb-2024-01+mw-2025-01+fb-2023-07'],
    ['2026-01-01', 1390, 'rb-2024-01+mw-2026-01+fb-2023-07'],
    ['2031-07-01', 1390, 'rb-2024-01+mw-2026-01+fb-2023-07'],
  ])('on %s the minimum wage is %i cents', (date, wage, id) => {
    expect(ruleSetFor(date).minimumWageCents).toBe(wage);
    expect(ruleSetFor(date).id).toBe(id);
  });

  it('throws a typed error before the earliest entry of any kind', () => {
    // The allowance starts 2023-07-01, but the standard rates only 2024-01-01.
    const attempt = () => ruleSetFor('2023-12-31');
    expect(attempt).toThrow(RatesUnavailableError);
    try {
      attempt();
    } catch (e) {
      expect(e).toMatchObject({
        code: 'rates_unavailable',
        reason: 'before_earliest_rate',
        kind: 'standardRates',
      });
    }
  });

  it.each(['2025-02-30', '2025-1-01', 'today', ''])('rejects the invalid date %p', (date) => {
    expect(() => ruleSetFor(date)).toThrow(expect.objectContaining({ reason: 'invalid_date' }));
  });

  it("picks up next year's rates from data alone, independent of entry order", () => {
    const table: RateTable = structuredClone(RATES);
    table.standardRates.unshift({
      id: 'rb-2027-01',
      validFrom: '2027-01-01',
      value: { 1: 57000, 2: 51300, 3: 45600, 4: 47700, 5: 39500, 6: 36100 },
      source: 'test',
    });
    table.minimumWage.push({
      id: 'mw-2027-01',
      validFrom: '2027-01-01',
      value: { hourlyCents: 1460 },
      source: 'test',
    });
    expect(ruleSetFor('2027-03-01', table)).toMatchObject({
      id: 'rb-2027-01+mw-2027-01+fb-2023-07',
      validFrom: '2027-01-01',
      minimumWageCents: 1460,
      standardRatesCents: { 1: 57000 },
    });
    expect(ruleSetFor('2026-12-31', table).id).toBe('rb-2024-01+mw-2026-01+fb-2023-07');
    expect(ruleSetFor('2027-03-01').minimumWageCents).toBe(1390); // the shipped table is unchanged
  });

  it('refuses two entries of one kind starting on the same day', () => {
    const table: RateTable = structuredClone(RATES);
    table.minimumWage.push({ ...table.minimumWage[2], id: 'mw-2026-01b' });
    expect(() => ruleSetFor('2026-02-01', table)).toThrow(
      expect.objectContaining({ reason: 'ambiguous_rate', kind: 'minimumWage' }),
    );
  });

  it('returns a copy, so callers cannot change the shipped table', () => {
    const rules = ruleSetFor('2025-06-15');
    rules.standardRatesCents[1] = 1;
    rules.allowance.brackets[0].rate = 0.9;
    expect(ruleSetFor('2025-06-15').standardRatesCents[1]).toBe(56300);
    expect(ruleSetFor('2025-06-15').allowance.brackets[0].rate).toBe(0.2);
  });
});

describe('isIsoDate', () => {
  it.each([
    ['2024-02-29', true],
    ['2025-02-29', false],
    ['2025-12-31', true],
    ['2025-13-01', false],
    ['20250101', false],
  ])('%s → %p', (value, expected) => expect(isIsoDate(value)).toBe(expected));
});

describe('RatesUnavailableError', () => {
  const thrown = (date: string, table: RateTable = RATES) => {
    try {
      ruleSetFor(date, table);
    } catch (e) {
      return e as RatesUnavailableError;
    }
    throw new Error(`no error for ${date}`);
  };

  it('says which date is not a date', () => {
    const e = thrown('2025-02-30');
    expect(e).toBeInstanceOf(RatesUnavailableError);
    expect(e).toMatchObject({
      name: 'RatesUnavailableError',
      code: 'rates_unavailable',
      reason: 'invalid_date',
      date: '2025-02-30',
      kind: null,
      message: '"2025-02-30" is not a valid YYYY-MM-DD date',
    });
  });

  it('names the kind without an entry on the date', () => {
    expect(thrown('2023-12-31')).toMatchObject({
      date: '2023-12-31',
      message: 'no standardRates entry is valid on 2023-12-31',
    });
    const table: RateTable = structuredClone(RATES);
    table.minimumWage = table.minimumWage.filter((e) => e.validFrom >= '2025-01-01');
    expect(thrown('2024-06-30', table)).toMatchObject({
      reason: 'before_earliest_rate',
      kind: 'minimumWage',
      message: 'no minimumWage entry is valid on 2024-06-30',
    });
  });

  it('names the kind with two entries starting on the same day', () => {
    const table: RateTable = structuredClone(RATES);
    table.allowance.push({ ...table.allowance[0], id: 'fb-2023-07b' });
    expect(thrown('2026-02-01', table)).toMatchObject({
      reason: 'ambiguous_rate',
      kind: 'allowance',
      date: '2026-02-01',
      message:
        'more than one allowance entry starts on the same day as the one in force on 2026-02-01',
    });
  });

  it('is not ambiguous when only an older entry shares a start day', () => {
    const table: RateTable = structuredClone(RATES);
    table.minimumWage.push({ ...table.minimumWage[0], id: 'mw-2024-01b' });
    expect(ruleSetFor('2026-02-01', table).minimumWageCents).toBe(1390);
  });

  it('takes an entry from its first day on', () => {
    expect(ruleSetFor('2026-01-01').id).toBe('rb-2024-01+mw-2026-01+fb-2023-07');
    expect(ruleSetFor('2026-01-01').validFrom).toBe('2026-01-01');
    expect(ruleSetFor('2025-12-31').validFrom).toBe('2025-01-01');
  });
});

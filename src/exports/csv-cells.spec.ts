import {
  cellFromCsv,
  fromGermanDate,
  neutraliseCell,
  toGermanDate,
  unneutraliseCell,
} from './csv-cells';

const TRIGGERS = ['=', '+', '-', '@', '\t', '\r'];

describe('CSV cell codec', () => {
  it.each([
    ['=HYPERLINK("http://x","klick")', `'=HYPERLINK("http://x","klick")`],
    ['-1+1', `'-1+1`],
    ['@SUM(A1:A2)', `'@SUM(A1:A2)`],
    ['+49 6131 0', `'+49 6131 0`],
    ['\tTab', `'\tTab`],
    ['\rCR', `'\rCR`],
    // A value that already looks neutralised gets one more apostrophe, so reading is exact.
    [`'=1`, `''=1`],
    [`''-x`, `'''-x`],
  ])('neutralises %j as %j and reads it back', (value, cell) => {
    expect(neutraliseCell(value)).toBe(cell);
    expect(unneutraliseCell(cell)).toBe(value);
  });

  it.each(['', 'Krankheit', `'quoted`, `''`, 'a=b', '1-2', '5', `'`, 'x\t='])(
    'leaves %j alone both ways',
    (value) => {
      expect(neutraliseCell(value)).toBe(value);
      expect(unneutraliseCell(value)).toBe(value);
    },
  );

  it('reads back every short mix of apostrophes, triggers and letters exactly', () => {
    const alphabet = ["'", ...TRIGGERS, 'a', '1'];
    let values = [''];
    for (let n = 0; n < 4; n++) values = values.flatMap((v) => alphabet.map((c) => v + c));
    for (const v of values) {
      const cell = neutraliseCell(v);
      expect(unneutraliseCell(cell)).toBe(v);
      // Nothing written starts a formula.
      expect(TRIGGERS).not.toContain(cell[0]);
    }
  });

  it('writes calendar dates as TT.MM.JJJJ for excel-de and reads either form in date columns only', () => {
    expect(toGermanDate('2024-02-29')).toBe('29.02.2024');
    expect(fromGermanDate('29.02.2024')).toBe('2024-02-29');
    expect(cellFromCsv('followUpOn', '29.02.2024')).toBe('2024-02-29');
    expect(cellFromCsv('followUpOn', '2024-02-29')).toBe('2024-02-29');
    expect(cellFromCsv('followUpOn', null)).toBeNull();
    expect(cellFromCsv('reason', '29.02.2024')).toBe('29.02.2024');
    expect(cellFromCsv('reason', `'=1`)).toBe('=1');
    // Timestamps are hashed as ISO text and stay so.
    expect(cellFromCsv('at', '2026-12-01T10:00:00.000Z')).toBe('2026-12-01T10:00:00.000Z');
  });
});

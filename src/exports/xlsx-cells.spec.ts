import { cellFromXlsx, xlsxKind, xlsxValue } from './xlsx-cells';

describe('XLSX cells', () => {
  it('types counters as numbers, at and followUpOn as dates, everything else as text', () => {
    expect(['seq', 'chainFormat', 'machineVersion', 'daysInPhase'].map(xlsxKind)).toEqual([
      'integer',
      'integer',
      'integer',
      'integer',
    ]);
    expect(xlsxKind('at')).toBe('timestamp');
    expect(xlsxKind('followUpOn')).toBe('date');
    expect(
      [
        'prevHash',
        'hash',
        'caseRef',
        'caseId',
        'actorId',
        'textDigest',
        'officeCode',
        'payload',
      ].map(xlsxKind),
    ).toEqual(Array(8).fill('text'));
  });

  it('writes values of each kind and reads them back as hashed, to the millisecond', () => {
    const at = '2026-12-01T23:21:49.123Z';
    expect(xlsxValue('timestamp', at)).toEqual(new Date(at));
    expect(cellFromXlsx('at', xlsxValue('timestamp', at))).toBe(at);
    expect(cellFromXlsx('followUpOn', xlsxValue('date', '2024-02-29'))).toBe('2024-02-29');
    expect(xlsxValue('text', '0'.repeat(64))).toBe('0'.repeat(64));
    expect(xlsxValue('integer', '3')).toBe(3);
    expect(xlsxValue('text', null)).toBeNull();
    // Text that is no date stays text rather than an invalid date.
    expect(xlsxValue('date', 'bald')).toBe('bald');
  });

  it('reads date serials, rich text and formula results that a spreadsheet may write back', () => {
    // 45351 is 2024-02-29 in the 1900 system; .5 + 1 ms is 12:00:00.001.
    expect(cellFromXlsx('followUpOn', 45351)).toBe('2024-02-29');
    expect(cellFromXlsx('at', 45351.5 + 1 / 86_400_000)).toBe('2024-02-29T12:00:00.001Z');
    expect(cellFromXlsx('seq', 2)).toBe(2);
    expect(cellFromXlsx('hash', { richText: [{ text: 'ab' }, { text: 'cd' }] })).toBe('abcd');
    expect(cellFromXlsx('reason', { formula: 'A1', result: 'x' })).toBe('x');
    expect(cellFromXlsx('reason', undefined)).toBeNull();
  });
});

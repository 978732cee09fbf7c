import {
  CONTRIBUTION_MARGIN_LINES,
  DEDUCTION_LINES,
  EXPENSE_LINES,
  RECEIPT_LINES,
} from './eks-lines';

describe('EKS line items', () => {
  const codes = (lines: readonly { code: string }[]) => lines.map((l) => l.code);

  it('has the receipt, expense and deduction codes of the form', () => {
    expect(codes(RECEIPT_LINES)).toEqual(['A1', 'A2', 'A3', 'A4', 'A5_1', 'A5_2', 'A5_3']);
    expect(codes(EXPENSE_LINES)).toEqual([
      ...['B1', 'B2', 'B3', 'B4', 'B5', 'B6_1', 'B6_2', 'B6_3', 'B6_4', 'B6_5'],
      ...['B7', 'B8', 'B9', 'B10', 'B11', 'B12', 'B13', 'B14', 'B15', 'B16', 'B17', 'B18'],
    ]);
    expect(codes(DEDUCTION_LINES)).toEqual(Array.from({ length: 10 }, (_, i) => `C${i + 1}`));
  });

  it('gives every line a German label and no code twice', () => {
    const all = [...RECEIPT_LINES, ...EXPENSE_LINES, ...DEDUCTION_LINES];
    expect(new Set(codes(all)).size).toBe(all.length);
    for (const line of all) expect(line.label.trim().length).toBeGreaterThan(3);
  });

  it('takes the contribution margin from sales receipts minus goods only', () => {
    expect(CONTRIBUTION_MARGIN_LINES).toEqual({
      receipts: ['A1', 'A2', 'A3'],
      variableCosts: ['B1'],
    });
  });
});

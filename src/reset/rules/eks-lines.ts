/**
 * Line items of the Anlage EKS (income declaration of the SGB II self-employed).
 *
 * The numbering follows the Jobcenter form (tables A, B, C). Sub-lines use an underscore
 * (`A5_1` = form line A5.1) so that codes can be object keys and JSON field names. Where the
 * form has a parent line with sub-lines (A5, B6) only the sub-lines carry amounts, so a
 * parent can never be counted twice.
 */
export interface EksLine<C extends string = string> {
  code: C;
  label: string;
}

export const RECEIPT_LINES = [
  { code: 'A1', label: 'Betriebseinnahmen' },
  { code: 'A2', label: 'Privatentnahme von Waren' },
  { code: 'A3', label: 'Sonstige betriebliche Einnahmen' },
  { code: 'A4', label: 'Zuwendungen von Dritten' },
  { code: 'A5_1', label: 'Vereinnahmte Umsatzsteuer' },
  { code: 'A5_2', label: 'Umsatzsteuer auf private Kfz-Nutzung und Entnahmen' },
  { code: 'A5_3', label: 'Vom Finanzamt erstattete Umsatzsteuer' },
] as const satisfies readonly EksLine[];

export const EXPENSE_LINES = [
  { code: 'B1', label: 'Wareneinkauf / Material' },
  { code: 'B2', label: 'Personalkosten' },
  { code: 'B3', label: 'Raumkosten einschließlich Nebenkosten und Energie' },
  { code: 'B4', label: 'Betriebliche Versicherungen und Beiträge' },
  { code: 'B5', label: 'Werbung' },
  { code: 'B6_1', label: 'Kfz: Kraftfahrzeugsteuer' },
  { code: 'B6_2', label: 'Kfz: Versicherung' },
  { code: 'B6_3', label: 'Kfz: Reparaturen und Wartung' },
  { code: 'B6_4', label: 'Kfz: laufende Betriebskosten (Kraftstoff)' },
  { code: 'B6_5', label: 'Kfz: sonstige Kosten (z. B. Leasing)' },
  { code: 'B7', label: 'Reisekosten' },
  { code: 'B8', label: 'Investitionen' },
  // B9 is the form's separate line for investments paid from loans or grants, which the
  // Jobcenter judges separately (e.g. §16c grants must not be deducted a second time).
  { code: 'B9', label: 'Investitionen aus Darlehen oder Zuschüssen' },
  { code: 'B10', label: 'Büromaterial einschließlich Porto' },
  { code: 'B11', label: 'Telefon und Internet' },
  { code: 'B12', label: 'Beratungskosten' },
  { code: 'B13', label: 'Fortbildungskosten' },
  { code: 'B14', label: 'Sonstige Betriebsausgaben' },
  { code: 'B15', label: 'Schuldzinsen aus Anlagevermögen' },
  { code: 'B16', label: 'Tilgung bestehender betrieblicher Darlehen' },
  { code: 'B17', label: 'Gezahlte Vorsteuer' },
  { code: 'B18', label: 'An das Finanzamt gezahlte Umsatzsteuer' },
] as const satisfies readonly EksLine[];

/**
 * Table C: deductions from the profit (§11b Abs. 1 SGB II). The form's own list is shorter and
 * changes between versions; this is a plausible, stable ten-line model of it.
 */
export const DEDUCTION_LINES = [
  { code: 'C1', label: 'Einkommensteuer, Solidaritätszuschlag, Kirchensteuer' },
  { code: 'C2', label: 'Pflichtbeiträge zur Rentenversicherung' },
  { code: 'C3', label: 'Beiträge zur Kranken- und Pflegeversicherung' },
  { code: 'C4', label: 'Beiträge zur freiwilligen Arbeitslosenversicherung' },
  { code: 'C5', label: 'Private Versicherungen (angemessen, z. B. Haftpflicht)' },
  { code: 'C6', label: 'Kfz-Haftpflichtversicherung (privates Fahrzeug)' },
  { code: 'C7', label: 'Geförderte Altersvorsorge (Riester)' },
  { code: 'C8', label: 'Beiträge zu Berufsverbänden' },
  { code: 'C9', label: 'Fahrtkosten und sonstige Werbungskosten' },
  { code: 'C10', label: 'Sonstige Absetzungen' },
] as const satisfies readonly EksLine[];

export type ReceiptCode = (typeof RECEIPT_LINES)[number]['code'];
export type ExpenseCode = (typeof EXPENSE_LINES)[number]['code'];
export type DeductionCode = (typeof DEDUCTION_LINES)[number]['code'];

/**
 * Contribution margin (Deckungsbeitrag) = Σ `receipts` − Σ `variableCosts`.
 *
 * The EKS has no separate line for bought-in services (Fremdleistungen); in practice they are
 * booked together with goods and material in B1, so B1 is the only variable-cost line. The
 * receipts exclude A4 (third-party grants are not earned by the trade) and the VAT lines A5_*
 * (VAT is passed through and its counterpart B17/B18 is not subtracted here either).
 */
export const CONTRIBUTION_MARGIN_LINES: {
  readonly receipts: readonly ReceiptCode[];
  readonly variableCosts: readonly ExpenseCode[];
} = {
  receipts: ['A1', 'A2', 'A3'],
  variableCosts: ['B1'],
};

export const RECEIPT_CODES: ReadonlySet<string> = new Set(RECEIPT_LINES.map((l) => l.code));
export const EXPENSE_CODES: ReadonlySet<string> = new Set(EXPENSE_LINES.map((l) => l.code));
export const DEDUCTION_CODES: ReadonlySet<string> = new Set(DEDUCTION_LINES.map((l) => l.code));

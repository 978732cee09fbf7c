/** The signed record of one export; the signature covers the canonical JSON of all other fields. */
export interface ExportManifest {
  exportId: string;
  kind: 'phase-history';
  format: 'csv' | 'ndjson' | 'xlsx';
  dialect: 'rfc4180' | 'excel-de' | null;
  filters: { officeIds: string[]; from: string | null; to: string | null; changedSince: string | null };
  pseudonymized: boolean;
  includeText: boolean;
  snapshotAt: string;
  completedAt: string;
  rowCount: number;
  caseCount: number;
  bytes: number;
  sha256: string;
  /** caseRef → hash of the case's last row in this export */
  chainHeads: Record<string, string>;
  chainFormat: number;
  algorithm: 'Ed25519';
  keyId: string;
  signature: string;
}

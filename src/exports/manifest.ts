import type { ExportKind } from './export-columns';

/** esf-participants: ESF Plus participant rows (src/esf), signed like the others but without chains. */
export type ManifestKind = ExportKind | 'esf-participants';

/** The signed record of one export; the signature covers the canonical JSON of all other fields. */
export interface ExportManifest {
  exportId: string;
  kind: ManifestKind;
  format: 'csv' | 'ndjson' | 'xlsx';
  dialect: 'rfc4180' | 'excel-de' | null;
  filters: {
    officeIds: string[];
    from: string | null;
    to: string | null;
    changedSince: string | null;
  };
  pseudonymized: boolean;
  includeText: boolean;
  snapshotAt: string;
  /** Pass as changedSince to get what was added after this export (it covers transactions that
   * were still open at the snapshot, so a few rows may come twice: they share caseRef and seq). */
  nextChangedSince: string;
  completedAt: string;
  rowCount: number;
  caseCount: number;
  bytes: number;
  sha256: string;
  /** SHA-256 over "ref head\n" for each chain (case or analysis) in file order: signs the list of chain heads */
  chainHeadsSha256: string;
  /** The chain format this version writes new rows in; each row names its own (chainFormat). */
  chainFormat: number;
  algorithm: 'Ed25519';
  keyId: string;
  signature: string;
}

/** The manifest as served: the signed fields plus the list its chainHeadsSha256 covers. */
export type ServedManifest = ExportManifest & {
  /** caseRef (analysisRef) → hash of the chain's last row in this export, in file order */
  chainHeads: Record<string, string>;
};

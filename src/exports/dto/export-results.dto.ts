import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { ManifestKind, ServedManifest } from '../manifest';
import type { BrokenChain, ChainReport } from '../verify/export-verifier';
import type { VerificationResult } from '../verify/verify-export';
import type { ExportFormat } from '../verify/export-records';
import { CSV_DIALECTS, type CsvDialect, EXPORT_FORMATS } from './export-query.dto';

export const EXPORT_KINDS = [
  'phase-history',
  'reset-history',
  'esf-participants',
] as const satisfies readonly ManifestKind[];
export const EXPORT_CHAIN_BREAK_REASONS = [
  'prev_hash_mismatch',
  'hash_mismatch',
  'sequence_gap',
  'unknown_format',
  'case_out_of_order',
  'malformed_row',
] as const satisfies readonly BrokenChain['reason'][];
// Every reason the verifier can give is listed (a new one must be added above).
const _everyReason: readonly (typeof EXPORT_CHAIN_BREAK_REASONS)[number][] =
  [] as BrokenChain['reason'][];
void _everyReason;

const SHA256 = {
  pattern: '^[0-9a-f]{64}$',
  example: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
};

@ApiSchema({
  name: 'PublicKey',
  description: 'The Ed25519 key that verifies the signatures of export manifests',
})
export class PublicKeyDto {
  @ApiProperty({ enum: ['Ed25519'], example: 'Ed25519' }) algorithm: 'Ed25519';
  @ApiProperty({
    description: 'Names the key in each manifest it signed (keyId)',
    example: '3f1c0a9b7d2e4f60',
  })
  keyId: string;
  @ApiProperty({
    description: 'The public key as SPKI PEM',
    example: '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA…\n-----END PUBLIC KEY-----\n',
  })
  publicKeyPem: string;
}

@ApiSchema({
  name: 'ExportFilters',
  description: 'What the export was asked for (the instants as given)',
})
export class ExportFiltersDto {
  @ApiProperty({ type: [String], format: 'uuid', description: 'The offices the export covers' })
  officeIds: string[];
  @ApiProperty({ type: String, nullable: true, example: '2026-01-01' }) from: string | null;
  @ApiProperty({ type: String, nullable: true, example: '2026-07-01' }) to: string | null;
  @ApiProperty({ type: String, nullable: true, example: '2026-03-01T12:00:00Z' }) changedSince:
    string | null;
}

@ApiSchema({
  name: 'ExportManifest',
  description:
    'The signed record of a completed export. The signature covers the canonical JSON of every field but ' +
    'signature and chainHeads; chainHeadsSha256 covers chainHeads (docs/verification.md).',
})
export class ExportManifestDto implements ServedManifest {
  @ApiProperty({ format: 'uuid' }) exportId: string;
  @ApiProperty({
    enum: EXPORT_KINDS,
    enumName: 'ExportKind',
    description:
      'phase-history: cases; reset-history: RE_SET analyses; esf-participants: ESF Plus participants (no chains)',
  })
  kind: ManifestKind;
  @ApiProperty({
    enum: EXPORT_FORMATS,
    enumName: 'ExportFormat',
    description: 'The file format of the export',
  })
  format: ExportFormat;
  // Inline, not the named CsvDialect: OpenAPI 3.0 cannot make a referenced enum nullable.
  @ApiProperty({
    type: String,
    enum: [...CSV_DIALECTS, null],
    nullable: true,
    description: 'The CSV dialect (CsvDialect); null for the other formats',
  })
  dialect: CsvDialect | null;
  @ApiProperty({ type: ExportFiltersDto }) filters: ExportFiltersDto;
  @ApiProperty({ description: 'false: the file holds real ids besides the pseudonyms' })
  pseudonymized: boolean;
  @ApiProperty({ description: 'true: the file holds the free texts' }) includeText: boolean;
  @ApiProperty({
    format: 'date-time',
    description: 'The instant of the consistent snapshot the rows come from',
  })
  snapshotAt: string;
  @ApiProperty({
    format: 'date-time',
    description:
      'Pass as changedSince for what was added after this export (a few rows may come twice: they share ref and seq)',
  })
  nextChangedSince: string;
  @ApiProperty({ format: 'date-time' }) completedAt: string;
  @ApiProperty({ type: 'integer', minimum: 0 }) rowCount: number;
  @ApiProperty({
    type: 'integer',
    minimum: 0,
    description: 'Chains in the file: cases or RE_SET analyses',
  })
  caseCount: number;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Size of the file' }) bytes: number;
  @ApiProperty({ ...SHA256, description: 'SHA-256 of the file, hex' }) sha256: string;
  @ApiProperty({
    ...SHA256,
    description: 'SHA-256 over "ref head\\n" for each chain in file order',
  })
  chainHeadsSha256: string;
  @ApiProperty({
    type: 'integer',
    minimum: 1,
    description: 'The chain format new rows are written in; each row names its own',
  })
  chainFormat: number;
  @ApiProperty({ enum: ['Ed25519'] }) algorithm: 'Ed25519';
  @ApiProperty({ description: 'The keyId of GET /exports/public-key that signed it' })
  keyId: string;
  @ApiProperty({ format: 'byte', description: 'Base64 Ed25519 signature' }) signature: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string', pattern: '^[0-9a-f]{64}$' },
    description:
      'caseRef (analysisRef) → hash of the chain\u2019s last row in this export, in file order',
    example: { 'C-7Q2M': '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08' },
  })
  chainHeads: Record<string, string>;
}

@ApiSchema({
  name: 'ExportChainBreak',
  description: 'The first broken row of one chain of an export file',
})
export class ExportChainBreakDto implements BrokenChain {
  @ApiProperty({
    description:
      'The chain\u2019s caseRef (analysisRef for RE_SET); "" for a file that could not be read',
  })
  caseRef: string;
  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: 'The row\u2019s seq; null when it has none',
  })
  seq: number | null;
  @ApiProperty({
    enum: EXPORT_CHAIN_BREAK_REASONS,
    enumName: 'ExportChainBreakReason',
    description: 'Why the chain breaks at this row',
  })
  reason: BrokenChain['reason'];
}

@ApiSchema({ name: 'ExportChainReport', description: 'Every hash chain of the file, recomputed' })
export class ExportChainReportDto implements ChainReport {
  @ApiProperty({ type: 'integer', minimum: 0 }) rows: number;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Chains: cases or RE_SET analyses' })
  cases: number;
  @ApiProperty({
    ...SHA256,
    description: 'SHA-256 over "ref head\\n" per chain in file order, as the manifest signs it',
  })
  headsSha256: string;
  @ApiProperty({ type: [ExportChainBreakDto], description: 'Empty when every chain holds' })
  broken: ExportChainBreakDto[];
}

@ApiSchema({
  name: 'ManifestCheck',
  description: 'The file against the stored, signed manifest of its export',
})
export class ManifestCheckDto {
  @ApiProperty({ format: 'uuid' }) exportId: string;
  @ApiProperty({
    description: 'The manifest\u2019s signature verifies with the service\u2019s public key',
  })
  signatureValid: boolean;
  @ApiProperty({ description: 'The file\u2019s SHA-256 is the manifest\u2019s' })
  digestMatches: boolean;
  @ApiProperty() rowCountMatches: boolean;
  @ApiProperty({ description: 'The file\u2019s chain heads are the signed ones' })
  headsMatch: boolean;
}

@ApiSchema({ name: 'VerifyResult', description: 'The verification of an uploaded export file' })
export class VerifyResultDto implements VerificationResult {
  @ApiProperty({ description: 'Every chain holds and, with exportId, every manifest check passed' })
  valid: boolean;
  @ApiProperty({ ...SHA256, description: 'SHA-256 of the uploaded bytes' }) sha256: string;
  @ApiProperty({ type: 'integer', minimum: 0 }) bytes: number;
  @ApiProperty({ type: ExportChainReportDto }) chains: ExportChainReportDto;
  @ApiProperty({ type: ManifestCheckDto, nullable: true, description: 'null without exportId' })
  manifest: ManifestCheckDto | null;
}

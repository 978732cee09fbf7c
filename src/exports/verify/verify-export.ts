import { createHash } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { verifyManifestSignature } from '../export-signer';
import { headsDigest } from '../export-tally';
import type { ExportManifest } from '../manifest';
import { ExportFormat, exportRecords } from './export-records';
import { ChainReport, ExportChainVerifier } from './export-verifier';

export interface VerificationResult {
  valid: boolean;
  sha256: string;
  bytes: number;
  chains: ChainReport;
  manifest: null | {
    exportId: string;
    signatureValid: boolean;
    digestMatches: boolean;
    rowCountMatches: boolean;
    headsMatch: boolean;
  };
}

/**
 * Verifies an export file, streaming: recomputes every hash chain and the file's SHA-256 and, with a
 * manifest, checks its Ed25519 signature, the digest, the row count and each case's chain head.
 */
export async function verifyExport(
  input: Readable,
  format: ExportFormat,
  manifest?: { manifest: ExportManifest; publicKeyPem: string },
): Promise<VerificationResult> {
  const hash = createHash('sha256');
  let bytes = 0;
  const tee = new PassThrough();
  input.on('data', (chunk: Buffer) => {
    hash.update(chunk);
    bytes += chunk.length;
  });
  input.pipe(tee);
  const verifier = new ExportChainVerifier(manifest?.manifest.kind);
  let unreadable = false;
  try {
    for await (const record of exportRecords(tee, format)) verifier.add(record);
  } catch {
    // Not parseable as the format: still read to the end so that the digest can be compared.
    unreadable = true;
    input.unpipe(tee);
    input.resume();
  }
  if (!input.readableEnded) await new Promise((resolve) => input.once('end', resolve));
  const chains = verifier.report();
  if (unreadable) chains.broken.push({ caseRef: '', seq: null, reason: 'malformed_row' });
  const sha256 = hash.digest('hex');
  const m = manifest
    ? checkManifest(manifest.manifest, manifest.publicKeyPem, sha256, chains)
    : null;
  const valid =
    chains.broken.length === 0 && (m === null || Object.values(m).every((v) => v !== false));
  return { valid, sha256, bytes, chains, manifest: m };
}

function checkManifest(
  manifest: ExportManifest & { chainHeads?: Record<string, string> },
  publicKeyPem: string,
  sha256: string,
  chains: ChainReport,
) {
  // The served list of heads (when the manifest file has it) must be the one the signature covers.
  const listed = manifest.chainHeads
    ? headsDigest(Object.entries(manifest.chainHeads))
    : manifest.chainHeadsSha256;
  return {
    exportId: manifest.exportId,
    signatureValid: verifyManifestSignature(
      manifest as unknown as Record<string, unknown>,
      publicKeyPem,
    ),
    digestMatches: manifest.sha256 === sha256,
    rowCountMatches: manifest.rowCount === chains.rows,
    headsMatch:
      listed === manifest.chainHeadsSha256 && chains.headsSha256 === manifest.chainHeadsSha256,
  };
}

import { createReadStream, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { ExportManifest } from '../src/exports/manifest';
import type { ExportFormat } from '../src/exports/verify/export-records';
import { verifyExport } from '../src/exports/verify/verify-export';

const USAGE = `Usage: npm run verify-export -- <export file> [--manifest <file>] [--public-key <file>] [--format csv|ndjson|xlsx]
Recomputes every hash chain in the file and, with a manifest and the public key, checks the
signature, the file's SHA-256, the row count and each case's chain head. Exit code 0 = valid.`;

/**
 * `npm run` starts the script in the package folder; the folder it was called from is INIT_CWD.
 * Relative paths mean the caller's folder, as with any command. Only trusted when npm runs this
 * script, since an INIT_CWD inherited from some other npm run would be the wrong folder.
 */
const callerDir =
  process.env.npm_lifecycle_event === 'verify-export' && process.env.INIT_CWD
    ? process.env.INIT_CWD
    : process.cwd();
const fromCaller = (path: string): string => resolve(callerDir, path);

function formatFromName(path: string): ExportFormat {
  if (path.endsWith('.ndjson') || path.endsWith('.jsonl')) return 'ndjson';
  if (path.endsWith('.xlsx')) return 'xlsx';
  return 'csv';
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      manifest: { type: 'string' },
      'public-key': { type: 'string' },
      format: { type: 'string' },
    },
  });
  const file = positionals[0] && fromCaller(positionals[0]);
  if (!file) {
    console.error(USAGE);
    return 2;
  }
  if (values.manifest && !values['public-key']) {
    console.error(
      '--manifest needs --public-key (GET /api/v1/exports/public-key, field publicKeyPem)',
    );
    return 2;
  }
  const manifest = values.manifest
    ? {
        manifest: JSON.parse(readFileSync(fromCaller(values.manifest), 'utf8')) as ExportManifest,
        publicKeyPem: readPublicKey(fromCaller(values['public-key']!)),
      }
    : undefined;
  const format = (values.format as ExportFormat | undefined) ?? formatFromName(file);
  const result = await verifyExport(createReadStream(file), format, manifest);
  console.log(`file: ${file} (${format}), ${result.bytes} bytes, sha256 ${result.sha256}`);
  console.log(`rows: ${result.chains.rows}, cases: ${result.chains.cases}`);
  for (const b of result.chains.broken) {
    console.log(
      `BROKEN chain ${b.caseRef || '(file)'}: first broken row seq ${b.seq ?? '?'} (${b.reason})`,
    );
  }
  if (result.manifest) {
    for (const [check, ok] of Object.entries(result.manifest)) {
      if (typeof ok === 'boolean') console.log(`manifest ${check}: ${ok ? 'ok' : 'FAILED'}`);
    }
  }
  console.log(result.valid ? 'VALID' : 'INVALID');
  return result.valid ? 0 : 1;
}

/** Accepts a PEM file or the JSON answer of GET /api/v1/exports/public-key. */
function readPublicKey(path: string): string {
  const text = readFileSync(path, 'utf8');
  return text.trim().startsWith('{')
    ? (JSON.parse(text) as { publicKeyPem: string }).publicKeyPem
    : text;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(2);
  },
);

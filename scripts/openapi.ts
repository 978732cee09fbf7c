import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { openApiDocumentWithoutDatabase, serializeDocument } from '../src/openapi/document-app';

/**
 * `npm run openapi` writes the service's OpenAPI document to openapi.json at the repository root
 * (the contract the offices' frontends and clients/typescript build on); `npm run openapi -- --check`
 * only compares and exits 1 when the committed file is out of date (`npm run openapi --check`,
 * without the `--`, hands the flag to npm and rewrites the file).
 */
async function main(): Promise<void> {
  const target = resolve(__dirname, '..', '..', 'openapi.json');
  const text = serializeDocument(await openApiDocumentWithoutDatabase());
  if (process.argv.includes('--check')) {
    let committed = '';
    try {
      committed = readFileSync(target, 'utf8');
    } catch {
      // missing counts as out of date
    }
    if (committed !== text) {
      console.error('openapi.json is out of date: run npm run openapi');
      process.exit(1);
    }
    return;
  }
  writeFileSync(target, text);
  console.log(`wrote ${target}`);
}

void main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

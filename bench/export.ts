import { get } from 'node:http';
import { Client } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { exportColumns, exportSelect } from '../src/exports/export-columns';
import { watchRss } from './lib/processes';

export interface ExportFigures {
  rows: number;
  bytes: number;
  seconds: number;
  rowsPerS: number;
  mbPerS: number;
  /** the service's resident memory: at the start, the peak while exporting (sampled), VmHWM after */
  rss?: { startRssMb: number; peakRssMb: number; hwmMb: number };
}

const LF = 0x0a;

/** A client that reads and discards: only bytes and line feeds are counted. */
// add is a property, not a method: it is handed to stream.on('data') unbound.
function counting(): { add: (chunk: Buffer) => void; bytes: number; lines: number } {
  const c = {
    bytes: 0,
    lines: 0,
    add(chunk: Buffer) {
      c.bytes += chunk.length;
      for (let i = chunk.indexOf(LF); i !== -1; i = chunk.indexOf(LF, i + 1)) c.lines++;
    },
  };
  return c;
}

function figures(lines: number, bytes: number, ms: number): ExportFigures {
  const seconds = ms / 1000;
  return {
    rows: lines - 1,
    bytes,
    seconds,
    rowsPerS: (lines - 1) / seconds,
    mbPerS: bytes / 1e6 / seconds,
  };
}

/** GET /api/v1/exports/phase-history as CSV with the office's auditor key, sampling the service's RSS. */
export async function httpExport(
  url: string,
  apiKey: string,
  servicePid: number,
  rssEveryMs: number,
): Promise<ExportFigures> {
  const rss = watchRss(servicePid, rssEveryMs);
  const count = counting();
  const t0 = performance.now();
  const done = new Promise<void>((resolve, reject) => {
    get(
      `${url}/api/v1/exports/phase-history?format=csv`,
      { headers: { 'x-api-key': apiKey }, agent: false },
      (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          return reject(new Error(`export answered ${res.statusCode}`));
        }
        res.on('data', count.add);
        res.on('end', resolve);
        res.on('error', reject);
        res.on('aborted', () => reject(new Error('export cut off mid-stream')));
      },
    ).on('error', reject);
  });
  await done.catch((error: unknown) => {
    rss.stop();
    throw error;
  });
  const ms = performance.now() - t0;
  return { ...figures(count.lines, count.bytes, ms), rss: rss.stop() };
}

/**
 * The baseline: the service's own export SELECT (same columns, same joins and order, office filter
 * inlined as the service inlines it) through COPY … TO STDOUT, read and discarded the same way.
 */
export async function copyExport(databaseUrl: string, officeId: string): Promise<ExportFigures> {
  const client = new Client({
    connectionString: databaseUrl,
    application_name: 'lotse-bench-copy',
  });
  await client.connect();
  try {
    const shape = { identities: false, texts: false };
    const params = [`ARRAY[${client.escapeLiteral(officeId)}]::uuid[]`, 'NULL', 'NULL', 'NULL'];
    const select = exportSelect(exportColumns(shape), shape).replace(
      /\$(\d)/g,
      (_, i: string) => params[Number(i) - 1],
    );
    const count = counting();
    const t0 = performance.now();
    const stream = client.query(copyTo(`COPY (${select}) TO STDOUT WITH (FORMAT csv, HEADER)`));
    await new Promise<void>((resolve, reject) => {
      stream.on('data', count.add);
      stream.on('end', resolve);
      stream.on('error', reject);
    });
    return figures(count.lines, count.bytes, performance.now() - t0);
  } finally {
    await client.end();
  }
}

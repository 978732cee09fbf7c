import { randomUUID } from 'node:crypto';
import { PassThrough, Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Inject, Injectable, Logger } from '@nestjs/common';
import ExcelJS from 'exceljs';
import type { FastifyReply } from 'fastify';
import type { PoolClient } from 'pg';
import QueryStream from 'pg-query-stream';
import { AccessLogService } from '../access-log/access-log.service';
import type { RequestContext } from '../auth/request-context';
import { reportOffices } from '../reports/report-offices';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { OfficeDb } from '../database/office-transaction';
import { destroyClient } from '../database/pg-driver';
import { ReadReplica } from '../database/replica-db';
import { ExportSigner } from '../exports/export-signer';
import { headsDigest } from '../exports/export-tally';
import { ExportsRepository } from '../exports/exports.repository';
import { startExportResponse, writeToReply } from '../exports/reply-sink';
import { DigestTap } from '../exports/stream-taps';
import { pseudonymKey } from '../history-chain/history-sealer';
import { OFFICE_SETTING_DEFAULTS } from '../office-settings/office-settings';
import { periodParams } from '../reports/report-params';
import type { EsfExportFormat, EsfParticipantsQueryDto } from './dto/esf.dto';
import {
  isShortContact,
  PARTICIPANT_COLUMNS,
  participantRow,
  type ParticipantRow,
} from './esf-indicators';
import { participantGuid } from './esf-pseudonym';
import { factsSql, toFacts } from './esf.repository';

export const ESF_EXPORT_KIND = 'esf-participants';

/** RFC 4180: a cell is quoted when it holds a delimiter, a quote or a line break. */
function csvCell(v: string | number | null): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
export function csvLine(row: ParticipantRow): string {
  return `${PARTICIPANT_COLUMNS.map((c) => csvCell(row[c])).join(',')}\r\n`;
}

/**
 * GET /reports/esf-participants: one row per participant (Regulation (EU) 2021/1057, Annex I),
 * streamed from one repeatable-read snapshot on a connection of its own, like the phase-history
 * export: a server-side cursor (pg-query-stream) read in batches with backpressure, each row
 * turned into its indicator columns (esf-indicators.ts) and written as CSV, NDJSON or XLSX,
 * through the digest tap; the signed manifest (kind esf-participants, no chains) is stored
 * before the last byte goes out. Participants are named only by their pseudonymous GUID; the
 * query does not read the voluntary answers at all.
 */
@Injectable()
export class EsfExportService {
  private readonly logger = new Logger('EsfExport');
  private readonly key: string;

  constructor(
    @Inject(ReadReplica) private readonly replica: ReadReplica,
    @Inject(OfficeDb) private readonly officeDb: OfficeDb,
    @Inject(ExportSigner) private readonly signer: ExportSigner,
    @Inject(ExportsRepository) private readonly manifests: ExportsRepository,
    @Inject(AccessLogService) private readonly accessLog: AccessLogService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.key = pseudonymKey(config);
  }

  async stream(
    ctx: RequestContext,
    q: EsfParticipantsQueryDto,
    reply: FastifyReply,
  ): Promise<void> {
    const officeIds = reportOffices(ctx.actor, 'reports.read', q.officeId);
    const { from, to, today } = periodParams({ from: q.from, to: q.to });
    const format = q.format ?? 'csv';
    const exportId = randomUUID();
    await this.officeDb.run({ officeIds }, (tx) => {
      this.accessLog.record(
        ctx,
        officeIds.map((officeId) => ({
          officeId,
          resourceType: 'esf_participants_export',
          resourceId: exportId,
          action: 'export' as const,
          details: { format, from, to },
        })),
        tx,
      );
      return Promise.resolve();
    });
    const tap = new DigestTap();
    let rows = 0;
    // One snapshot, on the standby when configured and caught up (replica-db.ts), else the primary.
    const { client, snapshotAt } = await this.replica.openSnapshot(officeIds, exportId);
    let clientError: Error | undefined;
    try {
      startExportResponse(reply, ESF_EXPORT_KIND, format, exportId);
      const source = this.participants(client, officeIds, from, to, today, () => rows++);
      const ok = await this.pump(source, format, tap, reply);
      if (!ok) {
        clientError = new Error('client disconnected');
        return;
      }
      await client.query('COMMIT');
    } catch (error) {
      clientError = error as Error;
      if (!reply.raw.headersSent) throw error;
      this.logger.error(`export ${exportId} failed mid-stream: ${clientError.message}`);
      reply.raw.destroy();
      return;
    } finally {
      if (clientError) destroyClient(client);
      client.release(clientError);
    }
    try {
      const manifest = this.signer.signManifest({
        exportId,
        kind: ESF_EXPORT_KIND,
        format,
        dialect: format === 'csv' ? 'rfc4180' : null,
        filters: { officeIds, from, to, changedSince: null },
        pseudonymized: true,
        includeText: false,
        snapshotAt: snapshotAt.toISOString(),
        nextChangedSince: snapshotAt.toISOString(),
        rowCount: rows,
        caseCount: rows,
        bytes: tap.bytes,
        sha256: tap.digest(),
        // No hash chains in this export: the digest of the empty list of chain heads.
        chainHeadsSha256: headsDigest([]),
      });
      await this.officeDb.run({ officeIds }, (tx) =>
        this.manifests.save(tx, manifest, [], { type: ctx.actor.kind, id: ctx.actor.id }),
      );
      reply.raw.end();
    } catch (error) {
      this.logger.error(`export ${exportId}: manifest not stored: ${(error as Error).message}`);
      reply.raw.destroy();
    }
  }

  /** The participants' rows, from a cursor; short contacts are left out (counted in the totals). */
  private participants(
    client: PoolClient,
    officeIds: string[],
    from: string,
    to: string,
    today: string,
    counted: () => void,
  ): Readable {
    const cursor = client.query(
      new QueryStream(
        factsSql(false),
        [officeIds, from, to, OFFICE_SETTING_DEFAULTS.esfMinimumContactHours],
        {
          batchSize: 500,
        },
      ),
    );
    const key = this.key;
    const toRow = new Transform({
      objectMode: true,
      transform(raw: Parameters<typeof toFacts>[0], _enc, done) {
        const f = toFacts(raw);
        if (isShortContact(f)) return done();
        counted();
        done(null, participantRow(f, participantGuid(key, f.founderId), f.officeCode, today));
      },
    });
    cursor.on('error', (e) => toRow.destroy(e));
    return cursor.pipe(toRow);
  }

  /** Writes the rows in the format asked for; false when the client went away first. */
  private pump(
    source: Readable,
    format: EsfExportFormat,
    tap: DigestTap,
    reply: FastifyReply,
  ): Promise<boolean> {
    return writeToReply(
      reply.raw,
      async (sink) => {
        if (format === 'xlsx') {
          const body = new PassThrough();
          const writing = pipeline(body, tap, sink);
          await writeSheet(source, body);
          await writing;
        } else {
          let header = format === 'csv';
          const encode = new Transform({
            writableObjectMode: true,
            transform(row: ParticipantRow, _enc, done) {
              const line = format === 'csv' ? csvLine(row) : `${JSON.stringify(row)}\n`;
              const head = header ? `${PARTICIPANT_COLUMNS.join(',')}\r\n` : '';
              header = false;
              done(null, Buffer.from(head + line));
            },
            flush(done) {
              // An empty export still has its header row.
              done(null, header ? Buffer.from(`${PARTICIPANT_COLUMNS.join(',')}\r\n`) : undefined);
            },
          });
          await pipeline(source, encode, tap, sink);
        }
      },
      // The XLSX sheet reads the rows outside the pipeline: stop them too.
      () => source.destroy(),
    );
  }
}

/** One sheet through ExcelJS's streaming writer: numbers as numbers, everything else as text. */
async function writeSheet(source: Readable, out: Writable): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useSharedStrings: false,
    useStyles: true,
  });
  const sheet = workbook.addWorksheet(ESF_EXPORT_KIND, {
    views: [{ state: 'frozen', xSplit: 0, ySplit: 1, topLeftCell: 'A2', activeCell: 'A2' }],
  });
  sheet.columns = PARTICIPANT_COLUMNS.map((c) => ({ width: c === 'participantId' ? 38 : 10 }));
  const text = { numFmt: '@' };
  const header = sheet.addRow([...PARTICIPANT_COLUMNS]);
  header.eachCell((cell) => (cell.style = { ...text, font: { bold: true } }));
  header.commit();
  let last = 1;
  for await (const row of source as AsyncIterable<ParticipantRow>) {
    const added = sheet.addRow(PARTICIPANT_COLUMNS.map((c) => row[c]));
    added.eachCell((cell) => {
      if (typeof cell.value === 'string') cell.style = text;
    });
    added.commit();
    last++;
  }
  sheet.autoFilter = {
    from: { row: 1, column: 1 },
    to: { row: last, column: PARTICIPANT_COLUMNS.length },
  };
  sheet.commit();
  await workbook.commit();
}

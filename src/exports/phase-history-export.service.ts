import { randomUUID } from 'node:crypto';
import { PassThrough, Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { PoolClient } from 'pg';
import { AccessLogService } from '../access-log/access-log.service';
import { holdsIn, includes, narrowTo, officesFor, OfficeScope } from '../auth/office-scope';
import type { RequestContext } from '../auth/request-context';
import { AppError } from '../common/errors/app-error';
import { OfficeDb } from '../database/office-transaction';
import { destroyClient } from '../database/pg-driver';
import { ReadReplica } from '../database/replica-db';
import type { ExportQueryDto } from './dto/export-query.dto';
import { copyOut } from './copy-out';
import { csvCellSql } from './csv-cells';
import {
  ExportKind,
  exportColumns,
  exportSelect,
  ExportShape,
  ndjsonSelect,
} from './export-columns';
import { CsvTally, ExportTally, NdjsonTally } from './export-tally';
import { ExportSigner } from './export-signer';
import { ExportsRepository } from './exports.repository';
import type { ExportManifest, ServedManifest } from './manifest';
import { startExportResponse, writeToReply } from './reply-sink';
import { Coalesce, DigestTap } from './stream-taps';
import { writeXlsx } from './xlsx-writer';

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

interface Plan {
  kind: ExportKind;
  exportId: string;
  format: 'csv' | 'ndjson' | 'xlsx';
  dialect: 'rfc4180' | 'excel-de' | null;
  /** The offices of the export, resolved from the caller's scope when its access is logged. */
  officeIds: string[];
  shape: ExportShape;
  params: [string[], string | null, string | null, string | null];
}

/**
 * Streams the phase history of many cases (or the history of many RE_SET analyses) from one consistent snapshot (a repeatable-read,
 * read-only transaction on its own connection). CSV and NDJSON leave PostgreSQL through COPY and
 * pass through Node only as bytes (line endings, digest); memory stays flat because every stage
 * respects backpressure. A client that disconnects destroys the pipeline and the connection, so the
 * query ends with it. The signed manifest is stored before the last byte is sent.
 */
@Injectable()
export class PhaseHistoryExportService {
  private readonly logger = new Logger('PhaseHistoryExport');

  constructor(
    // The snapshot needs a pg client of its own (COPY); everything else runs in OfficeDb transactions.
    @Inject(ReadReplica) private readonly replica: ReadReplica,
    @Inject(OfficeDb) private readonly officeDb: OfficeDb,
    @Inject(ExportSigner) private readonly signer: ExportSigner,
    @Inject(ExportsRepository) private readonly manifests: ExportsRepository,
    @Inject(AccessLogService) private readonly accessLog: AccessLogService,
  ) {}

  async stream(
    ctx: RequestContext,
    q: ExportQueryDto,
    reply: FastifyReply,
    kind: ExportKind = 'phase-history',
  ): Promise<void> {
    const scope = this.scopeOf(ctx, q);
    const exportId = randomUUID();
    const shape = { identities: q.pseudonymize === 'false', texts: q.includeText === 'true', kind };
    const format = q.format ?? 'csv';
    const dialect = format === 'csv' ? (q.dialect ?? 'rfc4180') : null;
    // Logged and committed before the first byte: an export that fails mid-stream is still on record.
    const officeIds = await this.officeDb.run(scope, (tx) => {
      this.accessLog.record(
        ctx,
        tx.officeIds.map((officeId) => ({
          officeId,
          resourceType: kind === 'phase-history' ? 'phase_history_export' : 'reset_history_export',
          resourceId: exportId,
          action: 'export' as const,
          details: {
            format,
            dialect,
            from: q.from,
            to: q.to,
            changedSince: q.changedSince,
            pseudonymize: !shape.identities,
            includeText: shape.texts,
          },
        })),
        tx,
      );
      return Promise.resolve([...tx.officeIds]);
    });
    const plan: Plan = {
      kind,
      exportId,
      format,
      dialect,
      officeIds,
      shape,
      params: [officeIds, q.from ?? null, q.to ?? null, q.changedSince ?? null],
    };
    const tally = new ExportTally();
    try {
      const tap = new DigestTap();
      const snapshot = await this.streamSnapshot(plan, tap, tally, reply);
      if (snapshot === null) return; // the client went away
      const manifest = this.sign(
        plan,
        snapshot,
        tap,
        tally.rows,
        tally.cases,
        await tally.finish(),
      );
      // Stored in the export's own offices: the manifest's office_ids are this transaction's.
      await this.officeDb.run({ officeIds: plan.officeIds }, (tx) =>
        this.manifests.save(tx, manifest, tally.headBlocks(), {
          type: ctx.actor.kind,
          id: ctx.actor.id,
        }),
      );
      reply.raw.end();
    } catch (error) {
      if (!reply.raw.headersSent) throw error;
      this.logger.error(`export ${plan.exportId} failed mid-stream: ${(error as Error).message}`);
      reply.raw.destroy();
    } finally {
      tally.dispose();
    }
  }

  /** A completed export's signed manifest, when the caller may read exports in every office it covered. */
  manifest(ctx: RequestContext, exportId: string): Promise<ServedManifest | null> {
    return this.officeDb.run(officesFor(ctx.actor, 'exports.read'), (tx) =>
      this.manifests.find(tx, exportId),
    );
  }

  /**
   * Streams the rows from one snapshot on a connection of its own, released before the manifest is
   * stored (the embedded database has a single connection). Null when the client disconnected.
   */
  private async streamSnapshot(
    plan: Plan,
    tap: DigestTap,
    tally: ExportTally,
    reply: FastifyReply,
  ): Promise<{ snapshotAt: Date; nextChangedSince: Date } | null> {
    // Not an OfficeDb transaction: a REPEATABLE READ READ ONLY snapshot bound to the export's
    // offices, on the standby when one is configured and caught up (replica-db.ts: the lag rule
    // for nextChangedSince), else on the primary.
    const { client, snapshotAt, nextChangedSince } = await this.replica.openSnapshot(
      plan.officeIds,
      plan.exportId,
    );
    let clientError: Error | undefined;
    try {
      startExportResponse(reply, plan.kind, plan.format, plan.exportId);
      if (!(await this.pump(client, plan, tap, tally, reply))) {
        clientError = new Error('client disconnected');
        return null;
      }
      await client.query('COMMIT');
      return { snapshotAt, nextChangedSince };
    } catch (error) {
      clientError = error as Error;
      throw error;
    } finally {
      // A connection cut off mid-query is closed hard: the server's next send fails and the query
      // ends at once (a polite close would let COPY run to its end first).
      if (clientError) destroyClient(client);
      client.release(clientError);
    }
  }

  /**
   * The offices of the export: where the caller may read exports, or the one office asked for.
   * Names and texts need 'exports.identities' in every one of them.
   */
  private scopeOf(ctx: RequestContext, q: ExportQueryDto): OfficeScope {
    const readable = officesFor(ctx.actor, 'exports.read');
    if (q.officeId && !includes(readable, q.officeId))
      throw new AppError('not_found', 'No such office.');
    const scope = q.officeId ? narrowTo(readable, q.officeId) : readable;
    const identities = q.pseudonymize === 'false' || q.includeText === 'true';
    // 'exports.read' is no administrator permission, so its scope is never 'every' (were it, the
    // offices would be unknown here, and names would be refused).
    const offices = scope.officeIds === 'every' ? null : scope.officeIds;
    if (identities && !offices?.every((o) => holdsIn(ctx.actor, 'exports.identities', o))) {
      throw new AppError(
        'forbidden',
        'Only leads of every office in the export may ask for names or texts; add officeId.',
      );
    }
    return scope;
  }

  /** Moves the rows to the client; false when the client went away first. */
  private pump(
    client: PoolClient,
    plan: Plan,
    tap: DigestTap,
    tally: ExportTally,
    reply: FastifyReply,
  ): Promise<boolean> {
    return writeToReply(reply.raw, async (sink) => {
      if (plan.format === 'xlsx') {
        const columns = exportColumns(plan.shape);
        const body = new PassThrough();
        const writing = pipeline(body, new Coalesce(), tap, sink);
        await writeXlsx(
          client,
          exportSelect(columns, plan.shape),
          plan.params,
          columns,
          body,
          tally,
        );
        await writing;
      } else {
        await pipeline([...this.copyStages(client, plan, tally), tap, sink] as unknown as [
          Readable,
          Writable,
        ]);
      }
    });
  }

  private copyStages(
    client: PoolClient,
    plan: Plan,
    tally: ExportTally,
  ): (Readable | NodeJS.ReadWriteStream)[] {
    const columns = exportColumns(plan.shape);
    const sql = inlineParams(
      plan.format === 'ndjson'
        ? ndjsonSelect(columns, plan.shape)
        : exportSelect(columns, plan.shape, csvCellSql(plan.dialect ?? 'rfc4180')),
      plan.params,
      client,
    );
    if (plan.format === 'ndjson') {
      // Quote and delimiter bytes that JSON text never holds raw: each line is the JSON as is.
      return [
        client.query(
          copyOut(`COPY (${sql}) TO STDOUT WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')`),
        ),
        new NdjsonTally(tally),
      ];
    }
    const delimiter = plan.dialect === 'excel-de' ? ';' : ',';
    const copy = client.query(
      copyOut(`COPY (${sql}) TO STDOUT WITH (FORMAT csv, HEADER, DELIMITER '${delimiter}')`),
    );
    const stages: (Readable | NodeJS.ReadWriteStream)[] = [
      copy,
      new CsvTally(tally, delimiter.charCodeAt(0)),
    ];
    // German Excel needs the BOM to read UTF-8; it has no decimal numbers to localise here.
    if (plan.dialect === 'excel-de') stages.splice(1, 0, withPrefix(UTF8_BOM));
    return stages;
  }

  private sign(
    plan: Plan,
    snapshot: { snapshotAt: Date; nextChangedSince: Date },
    tap: DigestTap,
    rowCount: number,
    caseCount: number,
    chainHeadsSha256: string,
  ): ExportManifest {
    return this.signer.signManifest({
      exportId: plan.exportId,
      kind: plan.kind,
      format: plan.format,
      dialect: plan.dialect,
      filters: {
        officeIds: plan.officeIds,
        from: plan.params[1],
        to: plan.params[2],
        changedSince: plan.params[3],
      },
      pseudonymized: !plan.shape.identities,
      includeText: plan.shape.texts,
      snapshotAt: snapshot.snapshotAt.toISOString(),
      nextChangedSince: snapshot.nextChangedSince.toISOString(),
      rowCount,
      caseCount,
      bytes: tap.bytes,
      sha256: tap.digest(),
      chainHeadsSha256,
    });
  }
}

/** COPY takes no bind parameters: the (already validated) values are inlined as escaped literals. */
function inlineParams(sql: string, params: Plan['params'], client: PoolClient): string {
  const literal = (v: string | string[] | null): string =>
    v === null
      ? 'NULL'
      : Array.isArray(v)
        ? `ARRAY[${v.map((x) => client.escapeLiteral(x)).join(',')}]::uuid[]`
        : client.escapeLiteral(v);
  return sql.replace(/\$(\d)/g, (_, i: string) => literal(params[Number(i) - 1]));
}

function withPrefix(prefix: Buffer): Transform {
  let pending: Buffer | null = prefix;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      const out = pending ? Buffer.concat([pending, chunk]) : chunk;
      pending = null;
      done(null, out);
    },
    flush(done) {
      done(null, pending ?? undefined);
    },
  });
}

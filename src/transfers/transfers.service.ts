import { Inject, Injectable } from '@nestjs/common';
import { AccessLogService, type AccessEntry } from '../access-log/access-log.service';
import { officesFor, requireAccess } from '../auth/office-scope';
import type { RequestContext } from '../auth/request-context';
import { CasesRepository } from '../cases/cases.repository';
import { AppError } from '../common/errors/app-error';
import { decodeCursor, toPage } from '../common/pagination/cursor';
import { OfficeDb, OfficeTx } from '../database/office-transaction';
import type {
  DeclineTransferDto,
  RequestTransferDto,
  TransferDto,
  TransferListQueryDto,
  TransferPageDto,
} from './dto/transfer.dto';
import { toTransferDto } from './transfer.mapper';
import { TransferRow, TransfersRepository } from './transfers.repository';

/**
 * Hand-over of a case between offices. The sending office's advisor or lead asks (case.transfer);
 * the receiving office's lead accepts or declines (case.transfer.decide). Until then the founder
 * and everything of theirs is read-only (transfers/in-transfer.ts, asked by every write path).
 *
 * A request and a decision touch both offices (the transfer row, the access log of each side, the
 * move), so each runs in two transactions: the first in the caller's own scope finds what they may
 * see and checks their permission there; the second, scoped to exactly the two offices, locks and
 * checks again before it writes.
 */
@Injectable()
export class TransfersService {
  constructor(
    @Inject(OfficeDb) private readonly officeDb: OfficeDb,
    @Inject(TransfersRepository) private readonly transfers: TransfersRepository,
    @Inject(CasesRepository) private readonly cases: CasesRepository,
    @Inject(AccessLogService) private readonly accessLog: AccessLogService,
  ) {}

  async request(
    ctx: RequestContext,
    caseId: string,
    dto: RequestTransferDto,
  ): Promise<TransferDto> {
    const held = await this.officeDb.run(officesFor(ctx.actor, 'case.transfer'), async (tx) => {
      const row = await this.cases.findById(tx, caseId);
      if (!row) throw new AppError('not_found', 'No such case.');
      if (
        dto.toOfficeId === row.office_id ||
        !(await this.transfers.officeCode(tx, dto.toOfficeId))
      )
        throw targetInvalid();
      return { officeId: row.office_id, founderId: row.founder_id };
    });
    return this.officeDb.run({ officeIds: [held.officeId, dto.toOfficeId] }, async (tx) => {
      // The founder first: founder changes and erasure lock it too, then their cases.
      await this.transfers.lockFounder(tx, held.founderId);
      const row = await this.cases.lockForUpdate(tx, caseId);
      // Moved or erased in between: what the caller saw is gone.
      if (!row || row.office_id !== held.officeId) throw new AppError('not_found', 'No such case.');
      if (row.founder_erased_at)
        throw new AppError(
          'founder_erased',
          'The founder\u2019s data were erased; the case stays.',
        );
      if (row.founder_in_transfer)
        throw new AppError('case_in_transfer', 'A transfer of this founder is already open.');
      const transfer = await this.transfers
        .insert(tx, {
          caseId,
          founderId: row.founder_id,
          fromOfficeId: row.office_id,
          toOfficeId: dto.toOfficeId,
          reason: dto.reason,
          casePhase: row.phase,
          caseStatus: row.status,
          requestedBy: ctx.actor.kind === 'user' ? ctx.actor.id : null,
        })
        .catch((error: unknown) => {
          // The partial unique index: a request that raced this one past the founder lock.
          if ((error as { code?: string }).code === '23505')
            throw new AppError('case_in_transfer', 'A transfer of this founder is already open.');
          throw error;
        });
      this.logBoth(ctx, tx, transfer, 'create', {});
      return toTransferDto(transfer);
    });
  }

  get(ctx: RequestContext, id: string): Promise<TransferDto> {
    const scope = officesFor(ctx.actor, 'case.transfer');
    return this.officeDb.run(scope, async (tx) => {
      const transfer = await this.found(tx, id);
      const own = tx.officeIds.includes(transfer.from_office_id)
        ? transfer.from_office_id
        : transfer.to_office_id;
      this.accessLog.record(
        ctx,
        { officeId: own, resourceType: 'case_transfer', resourceId: id, action: 'read' },
        tx,
      );
      return toTransferDto(transfer);
    });
  }

  list(ctx: RequestContext, q: TransferListQueryDto): Promise<TransferPageDto> {
    const limit = q.limit ?? 50;
    const after = decodeCursor(q.cursor, ['timestamp', 'uuid']) as [string, string] | null;
    return this.officeDb.run(officesFor(ctx.actor, 'case.transfer'), async (tx) => {
      const rows = await this.transfers.list(tx, {
        outgoingFrom: tx.officeIds,
        incomingTo: tx.officeIds,
        direction: q.direction,
        state: q.state,
        after,
        limit,
      });
      this.accessLog.record(
        ctx,
        {
          officeId: tx.officeIds.length === 1 ? tx.officeIds[0] : null,
          resourceType: 'case_transfer',
          resourceId: null,
          action: 'list',
          details: { count: Math.min(rows.length, limit), direction: q.direction, state: q.state },
        },
        tx,
      );
      return toPage(rows, limit, toTransferDto, (r) => [r.cursor_at, r.id]);
    });
  }

  /**
   * Moves the founder with all of their cases and analyses to the receiving office and seals a
   * TRANSFER row into each case's chain, in one transaction.
   */
  async accept(ctx: RequestContext, id: string): Promise<TransferDto> {
    const seen = await this.decidable(ctx, id);
    return this.officeDb.run(
      { officeIds: [seen.from_office_id, seen.to_office_id] },
      async (tx) => {
        const transfer = await this.lockOpen(tx, id);
        await this.transfers.lockFounder(tx, transfer.founder_id);
        const cases = await this.transfers.lockCases(tx, transfer.founder_id);
        const fromOfficeCode = (await this.transfers.officeCode(tx, transfer.from_office_id))!;
        const accepted = await this.transfers.decide(tx, id, {
          state: 'accepted',
          by: ctx.actor.kind === 'user' ? ctx.actor.id : null,
          reason: null,
        });
        const moved = await this.transfers.move(
          tx,
          transfer.founder_id,
          transfer.from_office_id,
          transfer.to_office_id,
        );
        for (const c of cases) {
          await this.transfers.appendTransferRow(tx, c, {
            fromOfficeId: transfer.from_office_id,
            fromOfficeCode,
            toOfficeId: transfer.to_office_id,
            reason: transfer.reason,
            actorType: ctx.actor.kind,
            actorId: ctx.actor.id,
          });
        }
        this.logBoth(ctx, tx, accepted, 'transition', { decision: 'accepted', moved });
        return toTransferDto(accepted);
      },
    );
  }

  /** Nothing moves and no history row is written: the case is writable again; the log keeps it. */
  async decline(ctx: RequestContext, id: string, dto: DeclineTransferDto): Promise<TransferDto> {
    const seen = await this.decidable(ctx, id);
    return this.officeDb.run(
      { officeIds: [seen.from_office_id, seen.to_office_id] },
      async (tx) => {
        await this.lockOpen(tx, id);
        const declined = await this.transfers.decide(tx, id, {
          state: 'declined',
          by: ctx.actor.kind === 'user' ? ctx.actor.id : null,
          reason: dto.reason ?? null,
        });
        this.logBoth(ctx, tx, declined, 'transition', { decision: 'declined' });
        return toTransferDto(declined);
      },
    );
  }

  /** A transfer the caller sees, that they may decide (lead of the receiving office), still open. */
  private decidable(ctx: RequestContext, id: string): Promise<TransferRow> {
    return this.officeDb.run(officesFor(ctx.actor, 'case.transfer'), async (tx) => {
      const transfer = await this.found(tx, id);
      requireAccess(
        ctx.actor,
        'case.transfer.decide',
        transfer.to_office_id,
        'Only a lead of the receiving office may accept or decline a transfer.',
      );
      assertOpen(transfer);
      return transfer;
    });
  }

  private async lockOpen(tx: OfficeTx, id: string): Promise<TransferRow> {
    const transfer = await this.transfers.find(tx, id, { lock: true });
    if (!transfer) throw new AppError('not_found', 'No such transfer.');
    assertOpen(transfer);
    return transfer;
  }

  private async found(tx: OfficeTx, id: string): Promise<TransferRow> {
    const transfer = await this.transfers.find(tx, id);
    if (!transfer) throw new AppError('not_found', 'No such transfer.');
    return transfer;
  }

  /** One entry in each office's log: both sides keep a trace of the hand-over (ids only). */
  private logBoth(
    ctx: RequestContext,
    tx: OfficeTx,
    t: TransferRow,
    action: AccessEntry['action'],
    details: Record<string, unknown>,
  ): void {
    const entry = (officeId: string): AccessEntry => ({
      officeId,
      resourceType: 'case_transfer',
      resourceId: t.id,
      action,
      details: { caseId: t.case_id, ...details },
    });
    this.accessLog.record(ctx, [entry(t.from_office_id), entry(t.to_office_id)], tx);
  }
}

function assertOpen(t: TransferRow): void {
  if (t.state !== 'requested')
    throw new AppError('transfer_decided', `The transfer was already ${t.state}.`);
}

function targetInvalid(): AppError {
  return new AppError(
    'transfer_target_invalid',
    'toOfficeId must name an existing office other than the case\u2019s.',
    { errors: [{ field: 'toOfficeId', message: 'not an existing other office' }] },
  );
}

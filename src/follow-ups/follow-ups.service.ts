import { Inject, Injectable } from '@nestjs/common';
import { AccessLogService } from '../access-log/access-log.service';
import { officesFor } from '../auth/office-scope';
import type { RequestContext } from '../auth/request-context';
import { AppError } from '../common/errors/app-error';
import { assertIfMatch } from '../common/http/if-match';
import type { TransitionOptions } from '../common/http/transition-options';
import { IdempotencyStore } from '../common/idempotency/idempotency.store';
import { OfficeDb } from '../database/office-transaction';
import { CasesRepository } from '../cases/cases.repository';
import { assertNotErased } from '../privacy/erased';
import { readerView } from '../privacy/reader-view';
import type { CreateFollowUpDto, FollowUpListDto, RecordedFollowUpDto } from './dto/follow-up.dto';
import { FOLLOW_UP_EVENT } from './follow-up-event';
import { toFollowUpDto } from './follow-up.mapper';
import { assertFollowUpAllowed } from './follow-up-rules';
import { FollowUpsRepository } from './follow-ups.repository';

/**
 * Follow-ups after exit. Recording one goes through the case's one history write
 * (CasesRepository.writeTransition): a FOLLOW_UP entry with phase and status unchanged and
 * version + 1, sealed into the chain, and the follow-up row pointing at it, in one transaction
 * under the case's row lock. Not through the StateChange skeleton: there is no machine step to
 * ask (phase and status stay), and its refusals (case_not_closed, follow_up_consent_missing) are
 * not the machine refusals the skeleton knows. If-Match and Idempotency-Key work as on events.
 */
@Injectable()
export class FollowUpsService {
  constructor(
    @Inject(OfficeDb) private readonly officeDb: OfficeDb,
    @Inject(CasesRepository) private readonly cases: CasesRepository,
    @Inject(FollowUpsRepository) private readonly followUps: FollowUpsRepository,
    @Inject(IdempotencyStore) private readonly idempotency: IdempotencyStore,
    @Inject(AccessLogService) private readonly accessLog: AccessLogService,
  ) {}

  record(
    ctx: RequestContext,
    caseId: string,
    dto: CreateFollowUpDto,
    options: TransitionOptions,
  ): Promise<RecordedFollowUpDto> {
    const scope = officesFor(ctx.actor, 'case.write');
    const requestHash = IdempotencyStore.requestHash('case-follow-up', caseId, dto);
    return this.idempotency.once<RecordedFollowUpDto>(
      ctx.actor.id,
      options.idempotencyKey,
      requestHash,
      scope,
      (remember, replayLocked) =>
        this.officeDb.run(scope, async (tx) => {
          const row = await this.cases.lockForUpdate(tx, caseId);
          if (!row) throw new AppError('not_found', 'No such case.');
          const prior = await replayLocked(tx);
          if (prior !== null) return prior;
          assertNotErased(row);
          assertIfMatch(options.ifMatch, row.version, 'case');
          const followUpConsentOn = await this.followUps.followUpConsentOn(tx, row.founder_id);
          assertFollowUpAllowed(
            { status: row.status, exitedOn: row.exited_on, followUpConsentOn },
            dto.on,
          );
          const note = dto.note ? dto.note : null;
          const seq = row.head_seq + 1;
          const updated = await this.cases.writeTransition(
            tx,
            {
              id: row.id,
              phase: row.phase,
              status: row.status,
              state: row.state,
              version: row.version + 1,
              phaseChanged: false,
            },
            {
              caseId: row.id,
              seq,
              actorType: ctx.actor.kind,
              actorId: ctx.actor.id,
              event: FOLLOW_UP_EVENT,
              fromPhase: row.phase,
              toPhase: row.phase,
              fromStatus: row.status,
              toStatus: row.status,
              // Codes and dates only: the situation stays in case_follow_up, the note in the texts.
              payload: { followUpOn: dto.on },
              machineVersion: row.machine_version,
              texts: note ? { note } : null,
              daysInPhase: null,
              prevHash: row.head_hash,
              officeCode: row.office_code,
            },
          );
          const inserted = await this.followUps.insert(tx, {
            office_id: row.office_id,
            case_id: row.id,
            history_seq: seq,
            on: dto.on,
            situation: dto.situation,
            still_self_employed: dto.stillSelfEmployed,
            note,
            // An office's API key is no app_user (the FK); the history row names it as actor.
            created_by: ctx.actor.kind === 'user' ? ctx.actor.id : null,
          });
          this.accessLog.record(
            ctx,
            {
              officeId: row.office_id,
              resourceType: 'case_follow_up',
              resourceId: inserted.id,
              action: 'create',
              details: { caseId, historySeq: seq },
            },
            tx,
          );
          const answer = { ...toFollowUpDto(inserted), caseVersion: updated.version };
          await remember(tx, row.office_id, answer);
          return answer;
        }),
    );
  }

  list(ctx: RequestContext, caseId: string): Promise<FollowUpListDto> {
    return this.officeDb.run(officesFor(ctx.actor, 'case.read'), async (tx) => {
      const row = await this.cases.findById(tx, caseId);
      if (!row) throw new AppError('not_found', 'No such case.');
      const rows = await this.followUps.listForCase(tx, caseId);
      this.accessLog.record(
        ctx,
        {
          officeId: row.office_id,
          resourceType: 'case_follow_up',
          resourceId: caseId,
          action: 'list',
        },
        tx,
      );
      return {
        items: rows.map((r) => readerView(ctx, row.office_id, 'follow_up', toFollowUpDto(r))),
      };
    });
  }
}

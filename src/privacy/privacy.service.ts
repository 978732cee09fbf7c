import { Inject, Injectable } from '@nestjs/common';
import { AccessLogService } from '../access-log/access-log.service';
import { officesFor } from '../auth/office-scope';
import type { RequestContext } from '../auth/request-context';
import { AppError } from '../common/errors/app-error';
import { OfficeDb } from '../database/office-transaction';
import type { DataSubjectExportDto } from './dto/data-export.dto';
import type { ErasureCountsDto, ErasureResultDto } from './dto/erasure.dto';
import { PrivacyRepository } from './privacy.repository';
import { redactStored } from './redact';
import { refuseWhileInTransfer } from '../transfers/in-transfer';

/**
 * Erasure (GDPR Art. 17) and subject access (Art. 15) for founders. Erasure removes the person's
 * data and every free text about them in one transaction, and keeps a pseudonymous skeleton
 * (office, year of birth, gender, the phase history): the history rows are untouched and their
 * texts were only ever covered by digests, so every hash chain still verifies.
 */
@Injectable()
export class PrivacyService {
  constructor(
    @Inject(OfficeDb) private readonly officeDb: OfficeDb,
    @Inject(PrivacyRepository) private readonly privacy: PrivacyRepository,
    @Inject(AccessLogService) private readonly accessLog: AccessLogService,
  ) {}

  async erase(ctx: RequestContext, founderId: string): Promise<ErasureResultDto> {
    // Admins may erase in every office; others where they lead.
    return this.officeDb.run(officesFor(ctx.actor, 'founder.erase'), async (tx) => {
      const founder = await this.privacy.lockFounder(tx, founderId);
      if (!founder) throw new AppError('not_found', 'No such founder (or already erased).');
      await refuseWhileInTransfer(tx, founderId);
      await this.privacy.eraseFounder(tx, founderId);
      const counts = await this.privacy.eraseCaseTexts(tx, founderId);
      const analyses = await this.privacy.analysesOf(tx, founderId);
      for (const a of analyses)
        await this.privacy.eraseAnalysis(
          tx,
          a.id,
          redactStored('reset_analysis', 'snapshot', a.snapshot),
        );
      await this.privacy.forgetStoredAnswers(tx, founderId);
      await this.privacy.eraseTransferReasons(tx, founderId);
      const all: ErasureCountsDto = { ...counts, analyses: analyses.length };
      await this.privacy.recordErasure(tx, {
        founderId,
        officeId: founder.office_id,
        actorType: ctx.actor.kind,
        actorId: ctx.actor.id,
        requestId: ctx.requestId,
        counts: all,
      });
      this.accessLog.record(
        ctx,
        {
          officeId: founder.office_id,
          resourceType: 'founder',
          resourceId: founderId,
          action: 'erase',
          details: { ...all },
        },
        tx,
      );
      return { founderId, erased: true, erasedAt: new Date().toISOString(), counts: all };
    });
  }

  async dataExport(ctx: RequestContext, founderId: string): Promise<DataSubjectExportDto> {
    // Advisors and leads of the founder's office only, admins included (as GET /founders/:id).
    return this.officeDb.run(officesFor(ctx.actor, 'founder.subject_access'), async (tx) => {
      const officeId = await this.privacy.founderOffice(tx, founderId);
      if (!officeId) throw new AppError('not_found', 'No such founder.');
      const data = await this.privacy.everything(tx, founderId);
      this.accessLog.record(
        ctx,
        {
          officeId,
          resourceType: 'founder',
          resourceId: founderId,
          action: 'export',
          details: { kind: 'subject_access' },
        },
        tx,
      );
      return { generatedAt: new Date().toISOString(), ...data };
    });
  }
}

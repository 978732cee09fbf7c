import { Inject, Injectable } from '@nestjs/common';
import { AccessLogService } from '../access-log/access-log.service';
import { officesFor } from '../auth/office-scope';
import type { RequestContext } from '../auth/request-context';
import { AppError } from '../common/errors/app-error';
import { assertIfMatch, type IfMatch } from '../common/http/if-match';
import { todayInBerlin } from '../common/time/calendar-date';
import { OfficeDb, type OfficeTx } from '../database/office-transaction';
import type { PutOfficeSettingsDto } from './dto/office-settings.dto';
import { OFFICE_SETTING_DEFAULTS, type OfficeSettings } from './office-settings';
import { OfficeSettingsRepository } from './office-settings.repository';

/** Reading and replacing an office's settings: leads of the office and administrators. */
@Injectable()
export class OfficeSettingsService {
  constructor(
    @Inject(OfficeDb) private readonly officeDb: OfficeDb,
    @Inject(OfficeSettingsRepository) private readonly settings: OfficeSettingsRepository,
    @Inject(AccessLogService) private readonly accessLog: AccessLogService,
  ) {}

  get(ctx: RequestContext, officeId: string): Promise<OfficeSettings> {
    return this.officeDb.run(officesFor(ctx.actor, 'office_settings.administer'), async (tx) => {
      const current = await this.found(tx, officeId);
      this.accessLog.record(
        ctx,
        { officeId, resourceType: 'office_settings', resourceId: officeId, action: 'read' },
        tx,
      );
      return current;
    });
  }

  put(
    ctx: RequestContext,
    officeId: string,
    dto: PutOfficeSettingsDto,
    ifMatch: IfMatch | null,
  ): Promise<OfficeSettings> {
    return this.officeDb.run(officesFor(ctx.actor, 'office_settings.administer'), async (tx) => {
      await this.found(tx, officeId); // 404 before the lock: nothing to lock outside the scope
      await this.settings.lockForWrite(tx, officeId);
      const current = await this.found(tx, officeId);
      assertIfMatch(ifMatch, current.version, 'settings');
      const consentChanged = dto.currentConsentVersion !== current.currentConsentVersion;
      const stored = await this.settings.upsert(
        tx,
        {
          officeId,
          eksFinalOffsetMonths: dto.eksFinalOffsetMonths,
          fundingLeadDays: dto.fundingLeadDays,
          einstiegsgeldWarningDays: dto.einstiegsgeldWarningDays,
          staleDays: { ...dto.staleDays },
          currentConsentVersion: dto.currentConsentVersion,
          // Reviews of a new version are due from the day it was set; no version, no reviews.
          consentVersionSince:
            dto.currentConsentVersion === null
              ? null
              : consentChanged
                ? todayInBerlin()
                : current.consentVersionSince,
          caseUrlTemplate: dto.caseUrlTemplate,
          analysisUrlTemplate: dto.analysisUrlTemplate,
          esfMinimumContactHours:
            dto.esfMinimumContactHours ?? OFFICE_SETTING_DEFAULTS.esfMinimumContactHours,
        },
        ctx.actor.kind === 'user' ? ctx.actor.id : null,
      );
      this.accessLog.record(
        ctx,
        {
          officeId,
          resourceType: 'office_settings',
          resourceId: officeId,
          action: 'update',
          details: { version: stored.version, consentVersionChanged: consentChanged },
        },
        tx,
      );
      return stored;
    });
  }

  private async found(tx: OfficeTx, officeId: string): Promise<OfficeSettings> {
    const [current] = await this.settings.forOffices(tx, [officeId]);
    if (!current) throw new AppError('not_found', 'No such office.');
    return current;
  }
}

import { Injectable } from '@nestjs/common';
import type { OfficeTx } from '../database/office-transaction';
import type { Phase } from '../phase-model';
import { defaultSettings, type OfficeSettings } from './office-settings';

/** @table office_settings */
export interface OfficeSettingsRow {
  office_id: string;
  eks_final_offset_months: number;
  funding_lead_days: number;
  einstiegsgeld_warning_days: number;
  stale_days: Record<Phase, number>;
  current_consent_version: string | null;
  consent_version_since: string | null;
  case_url_template: string | null;
  analysis_url_template: string | null;
  version: number;
  updated_by: string | null;
  updated_at: Date;
}

export function toSettings(row: OfficeSettingsRow): OfficeSettings {
  return {
    officeId: row.office_id,
    eksFinalOffsetMonths: row.eks_final_offset_months,
    fundingLeadDays: row.funding_lead_days,
    einstiegsgeldWarningDays: row.einstiegsgeld_warning_days,
    staleDays: { ...defaultSettings(row.office_id).staleDays, ...row.stale_days },
    currentConsentVersion: row.current_consent_version,
    consentVersionSince: row.consent_version_since,
    caseUrlTemplate: row.case_url_template,
    analysisUrlTemplate: row.analysis_url_template,
    version: row.version,
  };
}

@Injectable()
export class OfficeSettingsRepository {
  /** The settings of each office of the scope (the defaults where none are stored). */
  async forOffices(
    tx: OfficeTx,
    officeIds: readonly string[] = tx.officeIds,
  ): Promise<OfficeSettings[]> {
    const rows: OfficeSettingsRow[] = await tx.manager.query(
      `SELECT * FROM office_settings WHERE office_id = ANY($1::uuid[]) AND office_id = ANY($2::uuid[])`,
      [officeIds, tx.officeIds],
    );
    const stored = new Map(rows.map((r) => [r.office_id, toSettings(r)]));
    return officeIds
      .filter((id) => tx.officeIds.includes(id))
      .map((id) => stored.get(id) ?? defaultSettings(id));
  }
}

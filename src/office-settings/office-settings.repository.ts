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
  esf_minimum_contact_hours: number;
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
    esfMinimumContactHours: row.esf_minimum_contact_hours,
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

  /**
   * Serialises the writes of one office's settings: the first PUT inserts the row, so there is no
   * row to lock before it (two first PUTs with If-Match "0" must not both pass).
   */
  async lockForWrite(tx: OfficeTx, officeId: string): Promise<void> {
    await tx.manager.query(
      `SELECT pg_advisory_xact_lock(hashtextextended('office_settings:' || $1::text, 0))`,
      [officeId],
    );
  }

  /**
   * Inserts the office's settings (version 1) or replaces them (version + 1). The caller found the
   * office in its scope; row-level security checks it again.
   */
  async upsert(
    tx: OfficeTx,
    s: Omit<OfficeSettings, 'version'>,
    updatedBy: string | null,
  ): Promise<OfficeSettings> {
    const [row]: OfficeSettingsRow[] = await tx.manager.query(
      `INSERT INTO office_settings AS o (office_id, eks_final_offset_months, funding_lead_days, einstiegsgeld_warning_days,
                                         stale_days, current_consent_version, consent_version_since, case_url_template,
                                         analysis_url_template, updated_by, esf_minimum_contact_hours)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7::date, $8, $9, $10::uuid, $11)
       ON CONFLICT (office_id) DO UPDATE SET
         eks_final_offset_months = EXCLUDED.eks_final_offset_months,
         funding_lead_days = EXCLUDED.funding_lead_days,
         einstiegsgeld_warning_days = EXCLUDED.einstiegsgeld_warning_days,
         stale_days = EXCLUDED.stale_days,
         current_consent_version = EXCLUDED.current_consent_version,
         consent_version_since = EXCLUDED.consent_version_since,
         case_url_template = EXCLUDED.case_url_template,
         analysis_url_template = EXCLUDED.analysis_url_template,
         esf_minimum_contact_hours = EXCLUDED.esf_minimum_contact_hours,
         updated_by = EXCLUDED.updated_by,
         version = o.version + 1,
         updated_at = now()
       RETURNING *`,
      [
        s.officeId,
        s.eksFinalOffsetMonths,
        s.fundingLeadDays,
        s.einstiegsgeldWarningDays,
        JSON.stringify(s.staleDays),
        s.currentConsentVersion,
        s.consentVersionSince,
        s.caseUrlTemplate,
        s.analysisUrlTemplate,
        updatedBy,
        s.esfMinimumContactHours,
      ],
    );
    return toSettings(row);
  }
}

import { PHASES, type Phase } from '../phase-model';

/**
 * An office's deadline offsets and thresholds. The tasks are derived at read time, so a change
 * takes effect on the next read of the desk.
 */
export interface OfficeSettings {
  officeId: string;
  /** Months after an EKS or benefit period's end at which its final declaration is due. */
  eksFinalOffsetMonths: number;
  /** Days before the planned start from which a missing funding application is a task. */
  fundingLeadDays: number;
  /** Days before the Einstiegsgeld ends from which the desk warns. */
  einstiegsgeldWarningDays: number;
  /** Days without an event, contact or change after which an open case is stale, per phase. */
  staleDays: Record<Phase, number>;
  /** The consent text version founders should have agreed to; null: no consent review. */
  currentConsentVersion: string | null;
  /** The day the current consent version was set (the due date of its reviews). */
  consentVersionSince: string | null;
  /** The office frontend's page of a case, with {caseId}; used by the calendar feed. */
  caseUrlTemplate: string | null;
  /** The office frontend's page of a RE_SET analysis, with {analysisId}. */
  analysisUrlTemplate: string | null;
  /**
   * ESF Plus: a case whose counselling contacts sum to fewer hours is a short contact, counted but
   * not reported as a participant (German ESF practice: about 8 hours).
   */
  esfMinimumContactHours: number;
  /** 0 while the office runs on the defaults (no row yet); the If-Match version otherwise. */
  version: number;
}

/**
 * The defaults, in one place. Two months for the final EKS is Jobcenter practice (the letters
 * say so), not law: a setting. 14 days before the start and 60 days before Einstiegsgeld ends
 * are the defaults; 60 days without activity makes a case stale in every phase.
 */
export const OFFICE_SETTING_DEFAULTS: Omit<OfficeSettings, 'officeId'> = {
  eksFinalOffsetMonths: 2,
  fundingLeadDays: 14,
  einstiegsgeldWarningDays: 60,
  staleDays: Object.fromEntries(PHASES.map((p) => [p, 60])) as Record<Phase, number>,
  currentConsentVersion: null,
  consentVersionSince: null,
  caseUrlTemplate: null,
  analysisUrlTemplate: null,
  esfMinimumContactHours: 8,
  version: 0,
};

export function defaultSettings(officeId: string): OfficeSettings {
  return {
    officeId,
    ...OFFICE_SETTING_DEFAULTS,
    staleDays: { ...OFFICE_SETTING_DEFAULTS.staleDays },
  };
}

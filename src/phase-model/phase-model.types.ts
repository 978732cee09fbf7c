/** The vocabulary of the 4+1 phase model; every other file in this folder builds on these lists. */

export const PHASES = [
  'access',
  'first_counselling',
  'planning',
  'launch',
  'consolidation',
] as const;
export type Phase = (typeof PHASES)[number];

export const CASE_STATUSES = ['active', 'paused', 'closed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

// Order matters: allowedEvents and availableEvents are listed in this order.
export const CASE_EVENT_TYPES = [
  'START_COUNSELLING',
  'START_PLANNING',
  'LAUNCH',
  'START_CONSOLIDATION',
  'COMPLETE',
  'STEP_BACK',
  'DROP_OUT',
  'PAUSE',
  'RESUME',
  'REOPEN',
] as const;
export type CaseEventType = (typeof CASE_EVENT_TYPES)[number];

export const DROP_OUT_REASONS = [
  'employment',
  'qualification',
  'not_viable',
  'moved',
  'illness',
  'no_contact',
  'residence_permit',
  'other',
] as const;
export type DropOutReason = (typeof DROP_OUT_REASONS)[number];

export const COMPLETION_OUTCOMES = ['founded_main', 'founded_side', 'employment', 'other'] as const;
export type CompletionOutcome = (typeof COMPLETION_OUTCOMES)[number];

/**
 * Events only an office lead may send. The role check itself lives in the service; this list is
 * here so the rule is declared next to the model it belongs to.
 */
export const LEAD_ONLY_EVENTS: readonly CaseEventType[] = ['REOPEN'];

export interface BilingualLabel {
  de: string;
  en: string;
}

/** The events' names (the English one is also each event schema's summary in the document). */
export const EVENT_LABELS: Record<CaseEventType, BilingualLabel> = {
  START_COUNSELLING: { de: 'Erstberatung beginnen', en: 'Start first counselling' },
  START_PLANNING: { de: 'Planung beginnen', en: 'Start planning' },
  LAUNCH: { de: 'Unternehmensstart beginnen', en: 'Launch the business' },
  START_CONSOLIDATION: { de: 'Konsolidierung beginnen', en: 'Start consolidation' },
  COMPLETE: { de: 'Abschließen', en: 'Complete' },
  STEP_BACK: { de: 'Eine Phase zurück', en: 'Step back one phase' },
  DROP_OUT: { de: 'Abbruch', en: 'Drop out' },
  PAUSE: { de: 'Pausieren', en: 'Pause' },
  RESUME: { de: 'Fortsetzen', en: 'Resume' },
  REOPEN: { de: 'Wieder öffnen', en: 'Reopen' },
};

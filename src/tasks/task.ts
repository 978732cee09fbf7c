/**
 * The advisor's desk: tasks derived from the data by rules (a fact plus an offset), and manual
 * tasks (Wiedervorlage). A derived task is never stored: it exists while its rule's facts hold and
 * disappears by itself when the fact that completes it is recorded.
 */
export const DERIVED_TASK_KINDS = [
  'eks_final_declaration',
  'first_counselling_overdue',
  'follow_up_6_months',
  'funding_application_before_start',
  'einstiegsgeld_ends',
  'stale_case',
  'consent_review',
] as const;
export type DerivedTaskKind = (typeof DERIVED_TASK_KINDS)[number];

export const TASK_KINDS = [...DERIVED_TASK_KINDS, 'manual'] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

/** Why a task exists: its rule, and the dates and settings the rule was applied to. */
export interface TaskReason {
  /** The rule in words, e.g. "EKS period end + 2 months (office setting)". */
  rule: string;
  /** The dates the due date came from, by name (YYYY-MM-DD), e.g. { periodEnd: '2026-06-30' }. */
  dates: Record<string, string>;
  /** The office settings the rule used, by name (empty for rules without settings). */
  settings: Record<string, number | string>;
}

export interface Task {
  /**
   * Stable for as long as the task exists, whatever its due date does: the kind and its subject
   * ("eks_final_declaration:<analysisId>:<periodStart>", "stale_case:<caseId>",
   * "manual:<taskId>"). The calendar feed's UID is made from it.
   */
  id: string;
  kind: TaskKind;
  officeId: string;
  /** The case the task is about (an analysis's linked case, when it has one). */
  caseId: string | null;
  /** The RE_SET analysis the task is about (eks_final_declaration of a RE_SET period). */
  analysisId: string | null;
  dueOn: string;
  /** The day after which the task no longer matters (the final EKS: the period's end + 1 year). */
  horizonOn: string | null;
  /** The case's advisor (a manual task's own assignee). */
  assigneeId: string | null;
  reason: TaskReason;
  /** A manual task's title (free text; null once erased); null for derived tasks. */
  title: string | null;
}

export type DueFilter = 'overdue' | 'today' | 'week' | 'all';
export const DUE_FILTERS: readonly DueFilter[] = ['overdue', 'today', 'week', 'all'];

/**
 * The events an office's systems can subscribe to, and what each one carries: ids and codes only,
 * never a name or a free text. A receiver fetches the details with its own credentials, so the
 * access log stays complete. The rows are written by webhook_enqueue in the transaction of the
 * change (migrations 1764117300000-Webhooks and the event triggers), and this file is their
 * contract: OpenAPI documents it and the tests check every delivered body against it.
 */
export const WEBHOOK_EVENT_TYPES = [
  'case.created',
  'case.phase_changed',
  'case.closed',
  'case.transferred',
  'reset.decided',
  'task.due',
  'export.completed',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/**
 * The body of every delivery (the Standard Webhooks envelope): the event type, when it happened
 * (ISO 8601, UTC), and its data. The same for every attempt of one message.
 */
export interface WebhookEnvelope<T extends WebhookEventType = WebhookEventType> {
  type: T;
  timestamp: string;
  data: WebhookEventData[T];
}

export interface WebhookEventData {
  'case.created': { caseId: string; officeId: string; founderId: string; phase: string };
  'case.phase_changed': {
    caseId: string;
    officeId: string;
    fromPhase: string;
    toPhase: string;
    /** The phase-model event that changed the phase (START_COUNSELLING, STEP_BACK, RESTART, …). */
    event: string;
    /** The case's version after the change (its ETag). */
    version: number;
  };
  'case.closed': {
    caseId: string;
    officeId: string;
    phase: string;
    /** COMPLETE or DROP_OUT. */
    event: string;
    /** COMPLETE's outcome code or DROP_OUT's reason code. */
    code: string | null;
    version: number;
  };
  'case.transferred': {
    caseId: string;
    transferId: string | null;
    fromOfficeId: string;
    toOfficeId: string;
  };
  'reset.decided': {
    analysisId: string;
    officeId: string;
    /** The case an accepted restart_with_coaching restarted, or the analysis's linked case. */
    caseId: string | null;
    /** The code of the recommendation decided on (give_up, quick_exit, restart_with_coaching). */
    recommendation: string;
    /** Whether the founder accepted the recommendation. */
    accepted: boolean;
  };
  'task.due': {
    /** The derived task's stable id (kind and subject), as GET /tasks lists it. */
    taskId: string;
    /** The derived task kind (src/tasks/task.ts DERIVED_TASK_KINDS). */
    kind: string;
    officeId: string;
    caseId: string | null;
    analysisId: string | null;
    /** The due day (YYYY-MM-DD, Europe/Berlin) that has come; a later one is announced again. */
    dueOn: string;
  };
  'export.completed': {
    exportId: string;
    officeId: string;
    /** The manifest's kind (phase-history, reset-history, esf-participants). */
    kind: string;
    format: string;
    rowCount: number;
  };
}

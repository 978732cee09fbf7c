import { isCalendarDate } from '../common/time/iso-date';
import {
  CASE_EVENT_TYPES,
  COMPLETION_OUTCOMES,
  DROP_OUT_REASONS,
  type CaseEventType,
  type CompletionOutcome,
  type DropOutReason,
} from './phase-model.types';

/** The request body of `POST .../events`: `{ type, ...payload }`, validated here once. */

type WithNote<T> = T & { note?: string };
export type CaseEvent =
  | WithNote<{ type: 'START_COUNSELLING' }>
  | WithNote<{ type: 'START_PLANNING' }>
  | WithNote<{ type: 'LAUNCH' }>
  | WithNote<{ type: 'START_CONSOLIDATION' }>
  | WithNote<{ type: 'COMPLETE'; outcome: CompletionOutcome; followUpOn: string }>
  | WithNote<{ type: 'STEP_BACK'; reason: string }>
  | WithNote<{ type: 'DROP_OUT'; reasonCode: DropOutReason; reason?: string }>
  | WithNote<{ type: 'PAUSE'; reason: string }>
  | WithNote<{ type: 'RESUME' }>
  | WithNote<{ type: 'REOPEN'; reason: string }>;

export interface FieldError {
  field: string;
  message: string;
}

export type ParseCaseEventResult =
  { ok: true; event: CaseEvent } | { ok: false; errors: FieldError[] };

export const MAX_TEXT_LENGTH = 2000;

export interface PayloadField {
  name: string;
  kind: 'text' | 'enum' | 'date';
  /** `'if_reason_code_other'`: DROP_OUT's free text is required only with reason code `other`. */
  required: boolean | 'if_reason_code_other';
  values?: readonly string[];
}

const text = (name: string, required: PayloadField['required']): PayloadField => ({
  name,
  kind: 'text',
  required,
});
const NOTE = text('note', false);

/** Declared once; drives both the parser and the published model description. */
export const EVENT_PAYLOAD_FIELDS: Record<CaseEventType, readonly PayloadField[]> = {
  START_COUNSELLING: [NOTE],
  START_PLANNING: [NOTE],
  LAUNCH: [NOTE],
  START_CONSOLIDATION: [NOTE],
  COMPLETE: [
    { name: 'outcome', kind: 'enum', required: true, values: COMPLETION_OUTCOMES },
    { name: 'followUpOn', kind: 'date', required: true },
    NOTE,
  ],
  STEP_BACK: [text('reason', true), NOTE],
  DROP_OUT: [
    { name: 'reasonCode', kind: 'enum', required: true, values: DROP_OUT_REASONS },
    text('reason', 'if_reason_code_other'),
    NOTE,
  ],
  PAUSE: [text('reason', true), NOTE],
  RESUME: [NOTE],
  REOPEN: [text('reason', true), NOTE],
};

/** True only for a real calendar date in YYYY-MM-DD form (2025-02-30 is refused). */
export const isIsoDate = isCalendarDate;

// Returns an error message, or null when the (present) value is valid.
function checkValue(field: PayloadField, value: unknown): string | null {
  switch (field.kind) {
    case 'text':
      if (typeof value !== 'string') return 'must be a string';
      if (value.trim() === '') return 'must not be blank';
      if (value.length > MAX_TEXT_LENGTH) return `must be at most ${MAX_TEXT_LENGTH} characters`;
      return null;
    case 'enum':
      return typeof value === 'string' && field.values!.includes(value)
        ? null
        : `must be one of: ${field.values!.join(', ')}`;
    case 'date':
      return isIsoDate(value) ? null : 'must be a valid date (YYYY-MM-DD)';
  }
}

const isCaseEventType = (value: unknown): value is CaseEventType =>
  typeof value === 'string' && (CASE_EVENT_TYPES as readonly string[]).includes(value);

export function parseCaseEvent(body: unknown): ParseCaseEventResult {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, errors: [{ field: '', message: 'body must be a JSON object' }] };
  }
  const input = body as Record<string, unknown>;
  if (!isCaseEventType(input.type)) {
    const message = `must be one of: ${CASE_EVENT_TYPES.join(', ')}`;
    return { ok: false, errors: [{ field: 'type', message }] };
  }
  const type = input.type;
  const fields = EVENT_PAYLOAD_FIELDS[type];
  const errors: FieldError[] = [];
  for (const key of Object.keys(input)) {
    if (key !== 'type' && !fields.some((f) => f.name === key)) {
      errors.push({ field: key, message: `is not allowed for ${type}` });
    }
  }
  const event: Record<string, unknown> = { type };
  for (const field of fields) {
    const value = input[field.name];
    // JSON clients often send null for "not given"; treat it like an absent optional field.
    if (value === undefined || value === null) {
      const required =
        field.required === true ||
        (field.required === 'if_reason_code_other' && input.reasonCode === 'other');
      if (required) errors.push({ field: field.name, message: 'is required' });
      continue;
    }
    const message = checkValue(field, value);
    if (message) errors.push({ field: field.name, message });
    else event[field.name] = value;
  }
  // The payload was checked field by field against the declaration of this very type above.
  return errors.length ? { ok: false, errors } : { ok: true, event: event as CaseEvent };
}

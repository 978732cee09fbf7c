import type { ValidateFunction } from 'ajv';
import {
  compileComponent,
  toFieldErrors,
  type FieldError,
} from '../common/json-schema/schema-validator';
import { isCalendarDate } from '../common/time/iso-date';
import { CASE_EVENT_SCHEMAS } from './case-event.schema';
import type { CompletionOutcome, DropOutReason } from './phase-model.types';

export {
  CASE_EVENT_BODY_EXAMPLES,
  CASE_EVENT_EXAMPLES,
  CASE_EVENT_SCHEMAS,
  EVENT_PAYLOAD_FIELDS,
  MAX_TEXT_LENGTH,
  type PayloadField,
} from './case-event.schema';

/**
 * The request body of `POST .../events`: `{ type, ...payload }`, validated here once, with the JSON
 * schemas the OpenAPI document publishes (case-event.schema.ts).
 */

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

export type { FieldError } from '../common/json-schema/schema-validator';

export type ParseCaseEventResult =
  { ok: true; event: CaseEvent } | { ok: false; errors: FieldError[] };

/** True only for a real calendar date in YYYY-MM-DD form (2025-02-30 is refused). */
export const isIsoDate = isCalendarDate;

let compiled: ValidateFunction | undefined;
const validator = () => (compiled ??= compileComponent(CASE_EVENT_SCHEMAS, 'CaseEvent'));

/**
 * What JSON Schema 3.0 cannot say, checked after the schema (and stated in its descriptions):
 * DROP_OUT's `reason` is required with reason code `other`. (Real calendar dates are the `date`
 * format, see newAjv in schema-validator.ts.)
 */
function afterSchema(input: Record<string, unknown>): FieldError[] {
  const absent = (value: unknown) => value === undefined || value === null;
  if (input.type === 'DROP_OUT' && input.reasonCode === 'other' && absent(input.reason)) {
    return [{ field: 'reason', message: 'is required' }];
  }
  return [];
}

export function parseCaseEvent(body: unknown): ParseCaseEventResult {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, errors: [{ field: '', message: 'body must be a JSON object' }] };
  }
  const input = body as Record<string, unknown>;
  const validate = validator();
  const errors = validate(input)
    ? []
    : toFieldErrors(validate.errors ?? [], input, CASE_EVENT_SCHEMAS, 'CaseEvent');
  if (errors.some((e) => e.field === 'type')) return { ok: false, errors };
  const later = afterSchema(input).filter((e) => !errors.some((f) => f.field === e.field));
  if (errors.length || later.length) return { ok: false, errors: [...errors, ...later] };
  // JSON clients often send null for "not given"; the schema allows it for optional fields only.
  const event = Object.fromEntries(Object.entries(input).filter(([, value]) => value !== null));
  return { ok: true, event: event as CaseEvent };
}

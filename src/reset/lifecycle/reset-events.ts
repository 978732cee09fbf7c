import type { ValidateFunction } from 'ajv';
import {
  compileComponent,
  toFieldErrors,
  type FieldError,
} from '../../common/json-schema/schema-validator';
import { RESET_EVENT_SCHEMAS, type ResetRecommendation } from './reset-event.schema';

export {
  RESET_EVENT_BODY_EXAMPLES,
  RESET_EVENT_EXAMPLES,
  RESET_EVENT_SCHEMAS,
  RESET_EVENT_TYPES,
  RESET_LIMITS,
  RESET_RECOMMENDATIONS,
  SWOT_KEYS,
  type ResetEventType,
  type ResetRecommendation,
} from './reset-event.schema';
export type { FieldError } from '../../common/json-schema/schema-validator';

export interface Swot {
  strengths: string[];
  weaknesses: string[];
  opportunities: string[];
  risks: string[];
}

export interface Measure {
  title: string;
  dueOn: string | null;
}

export type ResetEvent =
  | { type: 'START_ANALYSIS' }
  | ({ type: 'ASSESS' } & Swot)
  | {
      type: 'RECOMMEND';
      recommendation: ResetRecommendation;
      measures: Measure[];
      rationale: string;
    }
  | { type: 'DECIDE'; accepted: boolean; note: string | null }
  | { type: 'CANCEL'; reason: string };

export type ParseResetEventResult =
  { ok: true; event: ResetEvent } | { ok: false; errors: FieldError[] };

let compiled: ValidateFunction | undefined;
const validator = () => (compiled ??= compileComponent(RESET_EVENT_SCHEMAS, 'ResetEvent'));

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

// A body the schema accepted, as it is stored: texts trimmed, absent optional values null.
function normalised(body: ResetEvent): ResetEvent {
  switch (body.type) {
    case 'START_ANALYSIS':
      return { type: body.type };
    case 'ASSESS':
      return {
        type: body.type,
        strengths: body.strengths.map((s) => s.trim()),
        weaknesses: body.weaknesses.map((s) => s.trim()),
        opportunities: body.opportunities.map((s) => s.trim()),
        risks: body.risks.map((s) => s.trim()),
      };
    case 'RECOMMEND':
      return {
        type: body.type,
        recommendation: body.recommendation,
        measures: body.measures.map((m) => ({ title: m.title.trim(), dueOn: m.dueOn ?? null })),
        rationale: body.rationale.trim(),
      };
    case 'DECIDE':
      return { type: body.type, accepted: body.accepted, note: body.note?.trim() || null };
    case 'CANCEL':
      return { type: body.type, reason: body.reason.trim() };
  }
}

/**
 * Validates an untrusted request body into a ResetEvent with the JSON schemas the OpenAPI
 * document publishes (reset-event.schema.ts); collects every error it finds.
 */
export function parseResetEvent(body: unknown): ParseResetEventResult {
  if (!isObject(body)) return { ok: false, errors: [{ field: '', message: 'must be an object' }] };
  const validate = validator();
  if (validate(body)) return { ok: true, event: normalised(body as ResetEvent) };
  return {
    ok: false,
    errors: toFieldErrors(validate.errors ?? [], body, RESET_EVENT_SCHEMAS, 'ResetEvent'),
  };
}

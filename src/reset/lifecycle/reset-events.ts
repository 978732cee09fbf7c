import { isIsoDate } from '../rules/rule-set';

export const RESET_RECOMMENDATIONS = ['give_up', 'quick_exit', 'restart_with_coaching'] as const;
export type ResetRecommendation = (typeof RESET_RECOMMENDATIONS)[number];

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

export type ResetEventType = ResetEvent['type'];

export interface FieldError {
  field: string;
  message: string;
}

export type ParseResetEventResult =
  { ok: true; event: ResetEvent } | { ok: false; errors: FieldError[] };

export const SWOT_KEYS = ['strengths', 'weaknesses', 'opportunities', 'risks'] as const;
const MAX_ITEM_CHARS = 500;
const MAX_ITEMS = 50;
const MAX_TEXT_CHARS = 5000; // rationale and note: free text, but bounded

const FIELDS: Record<ResetEventType, readonly string[]> = {
  START_ANALYSIS: [],
  ASSESS: SWOT_KEYS,
  RECOMMEND: ['recommendation', 'measures', 'rationale'],
  DECIDE: ['accepted', 'note'],
  CANCEL: ['reason'],
};
export const RESET_EVENT_TYPES = Object.keys(FIELDS) as ResetEventType[];

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Non-blank string up to `max` chars (after trimming, which is also what gets stored). */
function text(value: unknown, field: string, max: number, errors: FieldError[]): string {
  if (typeof value !== 'string') errors.push({ field, message: 'must be a string' });
  else if (value.trim() === '') errors.push({ field, message: 'must not be blank' });
  else if (value.trim().length > max)
    errors.push({ field, message: `must be at most ${max} characters` });
  else return value.trim();
  return '';
}

function list<T>(
  value: unknown,
  field: string,
  min: number,
  errors: FieldError[],
  item: (v: unknown, field: string) => T,
): T[] {
  if (!Array.isArray(value)) errors.push({ field, message: 'must be an array' });
  else if (value.length < min) errors.push({ field, message: `must have at least ${min} item` });
  else if (value.length > MAX_ITEMS)
    errors.push({ field, message: `must have at most ${MAX_ITEMS} items` });
  else return value.map((v, i) => item(v, `${field}[${i}]`));
  return [];
}

function unknownFields(body: Obj, allowed: readonly string[], prefix: string): FieldError[] {
  return Object.keys(body)
    .filter((k) => !allowed.includes(k))
    .map((k) => ({ field: `${prefix}${k}`, message: 'is not allowed' }));
}

function measure(value: unknown, field: string, errors: FieldError[]): Measure {
  if (!isObject(value)) {
    errors.push({ field, message: 'must be an object' });
    return { title: '', dueOn: null };
  }
  errors.push(...unknownFields(value, ['title', 'dueOn'], `${field}.`));
  const title = text(value.title, `${field}.title`, MAX_ITEM_CHARS, errors);
  const dueOn = value.dueOn ?? null;
  if (dueOn !== null && (typeof dueOn !== 'string' || !isIsoDate(dueOn))) {
    errors.push({ field: `${field}.dueOn`, message: 'must be a valid YYYY-MM-DD date' });
  }
  return { title, dueOn: dueOn as string | null };
}

function payload(type: ResetEventType, body: Obj, errors: FieldError[]): ResetEvent {
  switch (type) {
    case 'START_ANALYSIS':
      return { type };
    case 'ASSESS': {
      const [strengths, weaknesses, opportunities, risks] = SWOT_KEYS.map((key) =>
        list(body[key], key, 1, errors, (v, f) => text(v, f, MAX_ITEM_CHARS, errors)),
      );
      return { type, strengths, weaknesses, opportunities, risks };
    }
    case 'RECOMMEND': {
      const recommendation = body.recommendation as ResetRecommendation;
      if (!RESET_RECOMMENDATIONS.includes(recommendation)) {
        const expected = RESET_RECOMMENDATIONS.join(', ');
        errors.push({ field: 'recommendation', message: `must be one of ${expected}` });
      }
      const measures = list(body.measures, 'measures', 0, errors, (v, f) => measure(v, f, errors));
      const rationale = text(body.rationale, 'rationale', MAX_TEXT_CHARS, errors);
      return { type, recommendation, measures, rationale };
    }
    case 'DECIDE': {
      if (typeof body.accepted !== 'boolean') {
        errors.push({ field: 'accepted', message: 'must be a boolean' });
      }
      const note = body.note ?? null;
      if (note !== null && typeof note !== 'string') {
        errors.push({ field: 'note', message: 'must be a string' });
      } else if (typeof note === 'string' && note.length > MAX_TEXT_CHARS) {
        errors.push({ field: 'note', message: `must be at most ${MAX_TEXT_CHARS} characters` });
      }
      const trimmed = typeof note === 'string' && note.trim() !== '' ? note.trim() : null;
      return { type, accepted: body.accepted === true, note: trimmed };
    }
    case 'CANCEL':
      return { type, reason: text(body.reason, 'reason', MAX_ITEM_CHARS, errors) };
  }
}

/** Validates an untrusted request body into a ResetEvent; collects every error it finds. */
export function parseResetEvent(body: unknown): ParseResetEventResult {
  if (!isObject(body)) return { ok: false, errors: [{ field: '', message: 'must be an object' }] };
  const type = body.type;
  if (typeof type !== 'string' || !RESET_EVENT_TYPES.includes(type as ResetEventType)) {
    const expected = RESET_EVENT_TYPES.join(', ');
    return { ok: false, errors: [{ field: 'type', message: `must be one of ${expected}` }] };
  }
  const eventType = type as ResetEventType;
  const errors = unknownFields(body, ['type', ...FIELDS[eventType]], '');
  const event = payload(eventType, body, errors);
  return errors.length > 0 ? { ok: false, errors } : { ok: true, event };
}

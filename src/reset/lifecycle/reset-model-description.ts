import { transition } from 'xstate';
import type { BilingualLabel } from '../../phase-model/phase-model.types';
import {
  RESET_EVENT_EXAMPLES,
  RESET_EVENT_TYPES,
  RESET_LIMITS,
  RESET_RECOMMENDATIONS,
  SWOT_KEYS,
  type ResetEvent,
  type ResetEventType,
} from './reset-events';
import { RESET_EVENT_LABELS } from './reset-event.schema';
import { unmetRequirements, type Unmet } from './reset-lifecycle';
import {
  RESET_MACHINE_VERSION,
  RESET_STATES,
  resetMachine,
  type ResetStateValue,
} from './reset.machine';

/** The JSON behind `GET /api/v1/reset-analyses/model`, as `GET /phase-model` is for cases. */

export interface ResetPayloadField {
  name: string;
  kind: 'text' | 'text_list' | 'enum' | 'boolean' | 'measure_list';
  required: boolean;
  /** Free text: erased with the person, never shown to auditors. */
  freeText: boolean;
  values?: readonly string[];
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  description: BilingualLabel;
}

// The limits of the event schemas (reset-event.schema.ts); reset-model-description.spec.ts holds
// the parser to them.
const { itemChars: ITEM, textChars: TEXT, items: ITEMS } = RESET_LIMITS;

const swot = (name: (typeof SWOT_KEYS)[number], de: string, en: string): ResetPayloadField => ({
  name,
  kind: 'text_list',
  required: true,
  freeText: true,
  minItems: 1,
  maxItems: ITEMS,
  maxLength: ITEM,
  description: { de, en },
});

export const RESET_PAYLOAD_FIELDS: Record<ResetEventType, readonly ResetPayloadField[]> = {
  START_ANALYSIS: [],
  ASSESS: [
    swot('strengths', 'Stärken', 'Strengths'),
    swot('weaknesses', 'Schwächen', 'Weaknesses'),
    swot('opportunities', 'Chancen', 'Opportunities'),
    swot('risks', 'Risiken', 'Risks'),
  ],
  RECOMMEND: [
    {
      name: 'recommendation',
      kind: 'enum',
      required: true,
      freeText: false,
      values: RESET_RECOMMENDATIONS,
      description: { de: 'Empfehlung', en: 'Recommendation' },
    },
    {
      name: 'measures',
      kind: 'measure_list',
      required: true,
      freeText: true,
      minItems: 0,
      maxItems: ITEMS,
      maxLength: ITEM,
      description: {
        de: 'Maßnahmen: je { title, dueOn? } mit Titel (Freitext) und Fälligkeit (JJJJ-MM-TT)',
        en: 'Measures: each { title, dueOn? }, a title (free text) and a due date (YYYY-MM-DD)',
      },
    },
    {
      name: 'rationale',
      kind: 'text',
      required: true,
      freeText: true,
      maxLength: TEXT,
      description: { de: 'Begründung', en: 'Rationale' },
    },
  ],
  DECIDE: [
    {
      name: 'accepted',
      kind: 'boolean',
      required: true,
      freeText: false,
      description: {
        de: 'Ob die Empfehlung angenommen wurde; restart_with_coaching angenommen startet den Fall neu',
        en: 'Whether the recommendation was accepted; an accepted restart_with_coaching restarts the case',
      },
    },
    {
      name: 'note',
      kind: 'text',
      required: false,
      freeText: true,
      maxLength: TEXT,
      description: { de: 'Notiz', en: 'Note' },
    },
  ],
  CANCEL: [
    {
      name: 'reason',
      kind: 'text',
      required: true,
      freeText: true,
      maxLength: ITEM,
      description: { de: 'Grund des Abbruchs', en: 'Why the analysis is cancelled' },
    },
  ],
};

/** A valid body of each event (declared with the event schemas): the README shows them. */
export { RESET_EVENT_EXAMPLES };

const STATE_LABELS: Record<ResetStateValue, BilingualLabel> = {
  intake: { de: 'Aufnahme', en: 'Intake' },
  analysis: { de: 'Analyse', en: 'Analysis' },
  assessed: { de: 'Bewertet', en: 'Assessed' },
  recommended: { de: 'Empfohlen', en: 'Recommended' },
  decided: { de: 'Entschieden', en: 'Decided' },
  cancelled: { de: 'Abgebrochen', en: 'Cancelled' },
};

const REQUIREMENT_LABELS: Record<Unmet['code'], BilingualLabel> = {
  period_recorded: {
    de: 'Mindestens ein EKS-Zeitraum ist erfasst',
    en: 'At least one EKS period is recorded',
  },
};

const EMPTY_CONTEXT = {
  assessment: null,
  recommendation: null,
  decision: null,
  cancellation: null,
};

// Derived from the machine itself, so the published transitions cannot drift from the real ones.
function transitionsOf(type: ResetEventType): { from: ResetStateValue; to: ResetStateValue }[] {
  return RESET_STATES.flatMap((from) => {
    const snapshot = resetMachine.resolveState({ value: from, context: EMPTY_CONTEXT });
    const event = RESET_EVENT_EXAMPLES[type];
    if (!snapshot.can(event)) return [];
    const [next] = transition(resetMachine, snapshot, event);
    return [{ from, to: next.value }];
  });
}

export interface ResetModelDescription {
  version: number;
  states: { code: ResetStateValue; label: BilingualLabel; final: boolean }[];
  events: {
    type: ResetEventType;
    label: BilingualLabel;
    payload: readonly ResetPayloadField[];
    requirements: Unmet['code'][];
    transitions: { from: ResetStateValue; to: ResetStateValue }[];
    example: ResetEvent;
  }[];
  requirements: { code: Unmet['code']; event: ResetEventType; label: BilingualLabel }[];
}

export function resetModelDescription(): ResetModelDescription {
  const requirementsOf = (type: ResetEventType) =>
    unmetRequirements(type, { periodCount: 0 }).map((u) => u.code);
  return {
    version: RESET_MACHINE_VERSION,
    states: RESET_STATES.map((code) => ({
      code,
      label: STATE_LABELS[code],
      final: resetMachine.states[code].type === 'final',
    })),
    events: RESET_EVENT_TYPES.map((type) => ({
      type,
      label: RESET_EVENT_LABELS[type],
      payload: RESET_PAYLOAD_FIELDS[type],
      requirements: requirementsOf(type),
      transitions: transitionsOf(type),
      example: RESET_EVENT_EXAMPLES[type],
    })),
    requirements: RESET_EVENT_TYPES.flatMap((event) =>
      requirementsOf(event).map((code) => ({ code, event, label: REQUIREMENT_LABELS[code] })),
    ),
  };
}

import { transition } from 'xstate';
import { EVENT_PAYLOAD_FIELDS, type PayloadField } from './case-event';
import { CASE_MACHINE_VERSION, caseMachineV1 } from './case-machine';
import { restoreCaseSnapshot, type PersistedCaseState } from './phase-model';
import {
  CASE_EVENT_TYPES,
  CASE_STATUSES,
  EVENT_LABELS,
  LEAD_ONLY_EVENTS,
  PHASES,
  type BilingualLabel,
  type CaseEventType,
  type CaseStatus,
  type Phase,
} from './phase-model.types';
import { REQUIREMENTS, requirementCodesFor, type RequirementCode } from './requirements';

/** The JSON behind `GET /api/v1/phase-model`, for frontends that render the model. */

const PHASE_TEXT: Record<Phase, { label: BilingualLabel; description: BilingualLabel }> = {
  access: {
    label: { de: 'Zugang und Ansprache', en: 'Access and outreach' },
    description: {
      de: 'Proaktive, interkulturelle Ansprache und Erstkontakt; Einwilligung und Termin zur Erstberatung.',
      en: 'Proactive, intercultural outreach and first contact; consent and a first-counselling appointment.',
    },
  },
  first_counselling: {
    label: { de: 'Erstberatung und Orientierung', en: 'First counselling and orientation' },
    description: {
      de: 'Ideencheck, persönliche Eignung, Aufenthaltsstatus, Sprachniveau, Leistungsbezug und Förderweg.',
      en: 'Idea check, personal suitability, residence status, language level, benefit status and funding route.',
    },
  },
  planning: {
    label: { de: 'Planung', en: 'Planning' },
    description: {
      de: 'Businessplan, Finanzplan, Tragfähigkeitsbescheinigung und Förderantrag vor dem Start.',
      en: 'Business plan, finance plan, viability statement and funding application before the start.',
    },
  },
  launch: {
    label: { de: 'Unternehmensstart', en: 'Business launch' },
    description: {
      de: 'Gewerbe- und Steueranmeldung, Konto, Versicherungen, erste vorläufige EKS bei SGB II.',
      en: 'Trade and tax registration, bank account, insurance, first provisional EKS on SGB II.',
    },
  },
  consolidation: {
    label: { de: 'Konsolidierung und Wachstum', en: 'Consolidation and growth' },
    description: {
      de: 'Begleitung nach dem Start: Buchhaltung, abschließende EKS, Preise, Marketing, Wachstum.',
      en: 'After-start support: bookkeeping, final EKS, pricing, marketing, growth, leaving benefits.',
    },
  },
};

const STATUS_LABELS: Record<CaseStatus, BilingualLabel> = {
  active: { de: 'aktiv', en: 'active' },
  paused: { de: 'pausiert', en: 'paused' },
  closed: { de: 'beendet', en: 'closed' },
};

/** Where a case can be: its status and its phase (a paused or closed case keeps its phase). */
export interface PhaseModelPosition {
  status: CaseStatus;
  phase: Phase;
}

// Every position a v1 case can be in, as it would be stored.
function storedState({ status, phase }: PhaseModelPosition): PersistedCaseState {
  return { value: status === 'active' ? { active: phase } : status, context: { phase } };
}

// Derived from the machine itself, so the published transitions cannot drift from the real ones.
function transitionsOf(type: CaseEventType): PhaseModelTransition[] {
  const result: PhaseModelTransition[] = [];
  for (const status of CASE_STATUSES) {
    for (const phase of PHASES) {
      const snapshot = restoreCaseSnapshot(caseMachineV1, storedState({ status, phase }));
      if (!snapshot.can({ type })) continue;
      const [next] = transition(caseMachineV1, snapshot, { type });
      const toStatus = CASE_STATUSES.find((s) => next.matches(s))!;
      result.push({ from: { status, phase }, to: { status: toStatus, phase: next.context.phase } });
    }
  }
  return result;
}

export interface PhaseModelPhase {
  code: Phase;
  order: number;
  label: BilingualLabel;
  description: BilingualLabel;
}

export interface PhaseModelStatus {
  code: CaseStatus;
  label: BilingualLabel;
}

export interface PhaseModelTransition {
  from: PhaseModelPosition;
  to: PhaseModelPosition;
}

export interface PhaseModelEvent {
  type: CaseEventType;
  label: BilingualLabel;
  leadOnly: boolean;
  payload: readonly PayloadField[];
  requirements: RequirementCode[];
  transitions: PhaseModelTransition[];
}

export interface PhaseModelRequirement {
  code: RequirementCode;
  event: CaseEventType;
  label: BilingualLabel;
}

/** The answer of GET /phase-model; its schema classes (src/cases/dto/phase-model.dto.ts) implement these. */
export interface PhaseModelDescription {
  version: number;
  phases: PhaseModelPhase[];
  statuses: PhaseModelStatus[];
  events: PhaseModelEvent[];
  requirements: PhaseModelRequirement[];
}

export function phaseModelDescription(): PhaseModelDescription {
  return {
    version: CASE_MACHINE_VERSION,
    phases: PHASES.map((code, index) => ({ code, order: index, ...PHASE_TEXT[code] })),
    statuses: CASE_STATUSES.map((code) => ({ code, label: STATUS_LABELS[code] })),
    events: CASE_EVENT_TYPES.map((type) => ({
      type,
      label: EVENT_LABELS[type],
      leadOnly: LEAD_ONLY_EVENTS.includes(type),
      payload: EVENT_PAYLOAD_FIELDS[type],
      requirements: requirementCodesFor(type),
      transitions: transitionsOf(type),
    })),
    requirements: REQUIREMENTS.map(({ code, event, label }) => ({ code, event, label })),
  };
}

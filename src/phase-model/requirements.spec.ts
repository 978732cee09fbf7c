import { allGatesHold, nothingRecorded, storedState } from './case-facts.fixture';
import type { CaseFacts } from './case-facts';
import type { CaseEvent } from './case-event';
import { applyCaseEvent } from './phase-model';
import type { CaseEventType, Phase } from './phase-model.types';
import {
  REQUIREMENTS,
  requirementCodesFor,
  unmetRequirements,
  type RequirementCode,
} from './requirements';

// For each code: the gated event, the phase it leaves, and facts that break exactly that gate.
const BREAKERS: [RequirementCode, CaseEventType, Phase, Partial<CaseFacts>][] = [
  ['consent_recorded', 'START_COUNSELLING', 'access', { consentGivenOn: null }],
  [
    'first_counselling_scheduled',
    'START_COUNSELLING',
    'access',
    { firstCounsellingScheduledOn: null },
  ],
  [
    'first_counselling_documented',
    'START_PLANNING',
    'first_counselling',
    { hasFirstCounsellingContact: false },
  ],
  ['business_idea_recorded', 'START_PLANNING', 'first_counselling', { businessIdea: '   ' }],
  [
    'self_employment_permitted',
    'START_PLANNING',
    'first_counselling',
    { selfEmploymentPermitted: 'no' },
  ],
  ['language_level_recorded', 'START_PLANNING', 'first_counselling', { germanLevel: null }],
  ['suitability_assessed', 'START_PLANNING', 'first_counselling', { suitability: null }],
  ['funding_route_chosen', 'START_PLANNING', 'first_counselling', { fundingRoute: null }],
  ['business_plan_complete', 'LAUNCH', 'planning', { businessPlanCompletedOn: null }],
  ['finance_plan_complete', 'LAUNCH', 'planning', { financePlanCompletedOn: null }],
  ['viability_statement_present', 'LAUNCH', 'planning', { viabilityStatement: null }],
  ['funding_applied_before_start', 'LAUNCH', 'planning', { fundingAppliedOn: null }],
  ['permits_obtained', 'LAUNCH', 'planning', { permitsObtainedOn: null }],
  ['business_started', 'START_CONSOLIDATION', 'launch', { businessStartedOn: null }],
  ['trade_registered', 'START_CONSOLIDATION', 'launch', { tradeRegisteredOn: null }],
  ['tax_registered', 'START_CONSOLIDATION', 'launch', { taxRegisteredOn: null }],
  [
    'provisional_income_declared',
    'START_CONSOLIDATION',
    'launch',
    { provisionalIncomeDeclaredOn: null },
  ],
];

const codes = (type: CaseEventType, facts: CaseFacts) =>
  unmetRequirements(type, facts).map((u) => u.code);

describe('requirements', () => {
  it('names exactly these gates per event', () => {
    expect(requirementCodesFor('START_COUNSELLING')).toEqual([
      'consent_recorded',
      'first_counselling_scheduled',
    ]);
    expect(requirementCodesFor('START_PLANNING')).toEqual([
      'first_counselling_documented',
      'business_idea_recorded',
      'self_employment_permitted',
      'language_level_recorded',
      'suitability_assessed',
      'funding_route_chosen',
    ]);
    expect(requirementCodesFor('LAUNCH')).toEqual([
      'business_plan_complete',
      'finance_plan_complete',
      'viability_statement_present',
      'funding_applied_before_start',
      'permits_obtained',
    ]);
    expect(requirementCodesFor('START_CONSOLIDATION')).toEqual([
      'business_started',
      'trade_registered',
      'tax_registered',
      'provisional_income_declared',
    ]);
    expect(REQUIREMENTS).toHaveLength(17);
  });

  it('has a breaker for every requirement', () => {
    expect(BREAKERS.map(([code]) => code)).toEqual(REQUIREMENTS.map((r) => r.code));
  });

  it.each(['START_COUNSELLING', 'START_PLANNING', 'LAUNCH', 'START_CONSOLIDATION'] as const)(
    '%s passes when every gate holds',
    (type) => expect(unmetRequirements(type, allGatesHold())).toEqual([]),
  );

  it.each(['COMPLETE', 'STEP_BACK', 'DROP_OUT', 'PAUSE', 'RESUME', 'REOPEN'] as const)(
    '%s has no gates',
    (type) => expect(unmetRequirements(type, nothingRecorded())).toEqual([]),
  );

  it.each(BREAKERS)('%s alone fails %s from %s', (code, type, phase, override) => {
    const facts = allGatesHold(override);
    const message = REQUIREMENTS.find((r) => r.code === code)!.message;
    expect(unmetRequirements(type, facts)).toEqual([{ code, message }]);
    const event = { type } as CaseEvent; // the gated events carry no payload
    const state = storedState('active', phase);
    expect(applyCaseEvent({ machineVersion: 1, state, event, facts })).toEqual({
      ok: false,
      code: 'requirements_unmet',
      unmet: [{ code, message }],
    });
  });

  it('reports every failing gate of an event, in order', () => {
    expect(codes('START_COUNSELLING', nothingRecorded())).toEqual([
      'consent_recorded',
      'first_counselling_scheduled',
    ]);
    // With no route chosen, the route-dependent gates do not apply; permits unknown do not block.
    expect(codes('LAUNCH', nothingRecorded())).toEqual([
      'business_plan_complete',
      'finance_plan_complete',
    ]);
  });

  describe('conditional gates', () => {
    it.each(['none', 'other', null] as const)(
      'route %p needs no viability statement or application',
      (fundingRoute) => {
        const facts = allGatesHold({
          fundingRoute,
          viabilityStatement: null,
          fundingAppliedOn: null,
          plannedStartOn: null,
        });
        expect(codes('LAUNCH', facts)).toEqual([]);
      },
    );

    it.each(['einstiegsgeld', 'gruendungszuschuss', 'sgb2_16c'] as const)(
      'route %s needs both',
      (fundingRoute) => {
        const facts = allGatesHold({
          fundingRoute,
          viabilityStatement: null,
          fundingAppliedOn: null,
        });
        expect(codes('LAUNCH', facts)).toEqual([
          'viability_statement_present',
          'funding_applied_before_start',
        ]);
      },
    );

    it('needs a viability statement with an issuer', () => {
      const viabilityStatement = { issuedBy: ' ', issuedOn: '2025-03-10' };
      expect(codes('LAUNCH', allGatesHold({ viabilityStatement }))).toEqual([
        'viability_statement_present',
      ]);
    });

    it.each([
      ['on the start date', '2025-04-01', '2025-04-01', ['funding_applied_before_start']],
      ['after the start date', '2025-04-02', '2025-04-01', ['funding_applied_before_start']],
      ['without a planned start', '2025-03-15', null, ['funding_applied_before_start']],
      ['the day before the start', '2025-03-31', '2025-04-01', []],
    ])('funding applied %s', (_, fundingAppliedOn, plannedStartOn, expected) => {
      expect(codes('LAUNCH', allGatesHold({ fundingAppliedOn, plannedStartOn }))).toEqual(expected);
    });

    it.each([
      [true, ['permits_obtained']],
      [false, []],
      [null, []],
    ] as const)('permits required %p without permits', (permitsRequired, expected) => {
      expect(codes('LAUNCH', allGatesHold({ permitsRequired, permitsObtainedOn: null }))).toEqual(
        expected,
      );
    });

    it.each([
      ['yes', []],
      ['applied', []],
      ['not_required', []],
      ['no', ['self_employment_permitted']],
      ['unknown', ['self_employment_permitted']],
      [null, ['self_employment_permitted']],
    ] as const)('self-employment permitted %p', (selfEmploymentPermitted, expected) => {
      expect(codes('START_PLANNING', allGatesHold({ selfEmploymentPermitted }))).toEqual(expected);
    });

    it('accepts "none" as a chosen funding route', () => {
      expect(codes('START_PLANNING', allGatesHold({ fundingRoute: 'none' }))).toEqual([]);
    });

    it.each([
      ['tomorrow', '2025-05-02', ['business_started']],
      ['today', '2025-05-01', []],
      ['yesterday', '2025-04-30', []],
    ])('business started %s', (_, businessStartedOn, expected) => {
      const facts = allGatesHold({ businessStartedOn, today: '2025-05-01' });
      expect(codes('START_CONSOLIDATION', facts)).toEqual(expected);
    });

    it('needs no trade registration for a freelance business', () => {
      const facts = allGatesHold({ legalForm: 'freelance', tradeRegisteredOn: null });
      expect(codes('START_CONSOLIDATION', facts)).toEqual([]);
    });

    it.each(['sgb3', 'none', 'other', null] as const)(
      'needs no provisional income declaration on benefit status %p',
      (benefitStatus) => {
        const facts = allGatesHold({ benefitStatus, provisionalIncomeDeclaredOn: null });
        expect(codes('START_CONSOLIDATION', facts)).toEqual([]);
      },
    );
  });
});

describe('requirement texts', () => {
  it('answers each unmet gate with its own sentence', () => {
    expect(Object.fromEntries(REQUIREMENTS.map((r) => [r.code, r.message]))).toEqual({
      consent_recorded:
        'Consent to data processing must be recorded before first counselling starts.',
      first_counselling_scheduled: 'A first-counselling appointment must be scheduled.',
      first_counselling_documented: 'The first counselling must be documented as a contact.',
      business_idea_recorded: 'The business idea must be recorded.',
      self_employment_permitted:
        'The residence status must allow self-employment (yes, applied or not required).',
      language_level_recorded: 'The language level must be recorded.',
      suitability_assessed: 'The personal suitability must be assessed.',
      funding_route_chosen: 'A funding route must be chosen (or none).',
      business_plan_complete: 'The business plan must be completed.',
      finance_plan_complete: 'The finance plan must be completed.',
      viability_statement_present:
        'The chosen funding route requires a viability statement from an expert body.',
      funding_applied_before_start:
        'The funding application date and the planned start date must be recorded, and the application must be earlier than the start.',
      permits_obtained: 'The required permits must be obtained.',
      business_started: 'The business start date must be recorded and must not be in the future.',
      trade_registered: 'The trade registration must be recorded unless the business is freelance.',
      tax_registered: 'The registration with the tax office must be recorded.',
      provisional_income_declared:
        'A provisional income declaration (Anlage EKS) must be recorded for a person on SGB II.',
    });
  });

  it('labels every gate in German and in English, each label its own', () => {
    const de = REQUIREMENTS.map((r) => r.label.de);
    const en = REQUIREMENTS.map((r) => r.label.en);
    for (const label of [...de, ...en]) expect(label.trim()).not.toBe('');
    expect(new Set(de).size).toBe(REQUIREMENTS.length);
    expect(new Set(en).size).toBe(REQUIREMENTS.length);
    expect(REQUIREMENTS[0].label).toEqual({
      de: 'Einwilligung zur Datenverarbeitung erfasst',
      en: 'Consent to data processing recorded',
    });
  });
});

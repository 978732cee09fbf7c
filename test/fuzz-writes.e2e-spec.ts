import fc from 'fast-check';
import { registeredRoutes } from '../src/app.factory';
import { ALL_MILESTONES } from './support/cases';
import {
  bodyArb,
  checkRequest,
  FuzzRequest,
  damagedText,
  FuzzRoute,
  FuzzWorld,
  fuzzableRoutes,
  HALF_YEAR_2025,
  isWrite,
  Json,
  RESET_BUSINESS,
  RESET_HOUSEHOLD,
  seedFuzzWorld,
  SWOT,
  walkRoutes,
} from './support/fuzz';
import type { TestApp } from './support/test-app';
import { PASSWORD, useSeededApp, World } from './support/world';

const split = ({ body, ...headers }: { body: string; 'Content-Type': string }) => ({
  headers,
  body,
});

/** Valid bodies of the write routes; the fuzzer mutates them (and sends them as they are). */
function validBodies(w: World, fw: FuzzWorld): Record<string, Json[]> {
  const { founders } = fw.pool;
  return {
    'POST /api/v1/auth/token': [{ email: 'advisora@lotse.test', password: PASSWORD }],
    'POST /api/v1/offices': [{ name: 'Fuzz office', code: 'FUZZ-1', region: 'Rheinhessen' }],
    'PATCH /api/v1/offices/:id': [{ name: 'RUN Mainz', region: null }, { code: 'RUN-MZ' }],
    'POST /api/v1/offices/:officeId/api-keys': [{ name: 'Frontend', role: 'advisor' }],
    'POST /api/v1/users': [
      {
        email: 'fuzzed@lotse.test',
        name: 'Ayşe Yılmaz',
        password: 'a long password 123',
        memberships: [{ officeId: w.officeA, role: 'advisor' }],
      },
    ],
    'PATCH /api/v1/users/:id': [
      { name: 'Renamed' },
      { memberships: [{ officeId: w.officeA, role: 'advisor' }], active: true },
    ],
    'POST /api/v1/founders': [
      {
        firstName: 'Samira',
        lastName: 'Haddad',
        birthDate: '1988-04-02',
        gender: 'female',
        email: 's.haddad@example.org',
        phone: '+49 6131 123456',
        postalCode: '55116',
        city: 'Mainz',
        countryOfBirth: 'SY',
        nationalities: ['SY', 'DE'],
        migrationBackground: true,
        languages: [{ code: 'ar', level: 'native' }],
        germanLevel: 'B1',
        selfEmploymentPermitted: 'yes',
        benefitStatus: 'sgb2',
        jobcenter: 'Jobcenter Mainz',
        jobcenterCustomerNumber: '123D456789',
        iscedLevel: 4,
        foreignQualificationRecognition: 'pending',
        consent: { givenOn: '2026-01-05', version: '2026-01' },
        profile: {
          targetSector: 'gastronomy',
          wzCode: '56.10',
          homeKnowledgeUsability: 2,
          presumedMotivation: 'opportunity',
        },
      },
    ],
    'PATCH /api/v1/founders/:id': [
      {
        city: 'Mainz',
        birthDate: '1990-12-31',
        consent: { givenOn: '2025-03-14', version: 'v2' },
        languages: [{ code: 'tr', level: 'B2' }],
        profile: { wzCode: '96.02.1' },
      },
      { firstName: 'Ayşe', gender: null, nationalities: null },
    ],
    'POST /api/v1/cases': [
      {
        founderId: founders[0],
        channel: 'self',
        contactLanguage: 'ar',
        advisorId: w.users.advisorA.id,
        businessIdea: 'Catering',
      },
    ],
    'PATCH /api/v1/cases/:id': [
      ALL_MILESTONES,
      { followUpOn: '2026-10-01', mainOccupation: false, suitability: null },
    ],
    'POST /api/v1/cases/:id/events': [
      { type: 'START_COUNSELLING', note: 'Termin' },
      { type: 'START_PLANNING' },
      { type: 'COMPLETE', outcome: 'founded_main', followUpOn: '2026-10-01' },
      { type: 'DROP_OUT', reasonCode: 'other', reason: 'Umzug' },
      { type: 'PAUSE', reason: 'Krankheit' },
      { type: 'RESUME' },
      { type: 'REOPEN', reason: 'Neuer Anlauf' },
      { type: 'STEP_BACK', reason: 'Plan fehlt' },
    ],
    'POST /api/v1/cases/:id/contacts': [
      {
        on: '2026-01-20',
        minutes: 60,
        format: 'in_person',
        kind: 'first_counselling',
        topics: ['Finanzierung'],
        language: 'tr',
        interpreter: true,
        notes: 'Notiz',
      },
    ],
    'POST /api/v1/reset-analyses': [
      { founderId: founders[1], business: RESET_BUSINESS, household: RESET_HOUSEHOLD },
    ],
    'PATCH /api/v1/reset-analyses/:id': [
      { business: RESET_BUSINESS, household: RESET_HOUSEHOLD, assessment: SWOT },
      { assessment: null },
    ],
    'PUT /api/v1/reset-analyses/:id/periods/:periodStart': [
      HALF_YEAR_2025,
      { ...HALF_YEAR_2025, kind: 'final', finalDeclarationDueOn: null },
    ],
    'POST /api/v1/reset-analyses/:id/events': [
      { type: 'START_ANALYSIS' },
      { type: 'ASSESS', ...SWOT },
      {
        type: 'RECOMMEND',
        recommendation: 'quick_exit',
        measures: [{ title: 'Preise anheben', dueOn: '2026-03-01' }],
        rationale: 'Nachfrage da',
      },
      { type: 'DECIDE', accepted: true, note: 'einverstanden' },
      { type: 'CANCEL', reason: 'Umzug' },
    ],
  };
}

describe('fuzzing every write route', () => {
  let t: TestApp;
  let w: World;
  let fw: FuzzWorld;
  useSeededApp((app, world) => ([t, w] = [app, world]), { LOGIN_MAX_FAILURES: '1000' });
  beforeAll(async () => {
    fw = await seedFuzzWorld(t, w);
  });

  /** Counterexamples the fuzzer found (all fixed); kept as fixed inputs so they never come back. */
  it('answers the inputs that once broke it', async () => {
    const b64 = (text: string) => Buffer.from(text).toString('base64url');
    const json = (body: unknown) => ({
      'Content-Type': 'application/json',
      body: JSON.stringify(body),
    });
    const [founder] = fw.pool.founders;
    const [caseId] = fw.pool.cases;
    const cases: [Partial<FuzzRequest> & { method: string; path: string }, number][] = [
      // The export upload parser handed the raw stream to a DTO: class-transformer walked the
      // socket and the process aborted (no answer, every other request lost).
      [
        {
          persona: null,
          method: 'POST',
          path: '/api/v1/auth/token',
          headers: { 'Content-Type': 'text/csv' },
          body: JSON.stringify({ email: 'advisora@lotse.test', password: PASSWORD }),
        },
        415,
      ],
      [
        {
          method: 'POST',
          path: '/api/v1/founders',
          headers: { 'Content-Type': 'application/x-ndjson' },
          body: '{"firstName":"A","lastName":"B"}',
        },
        415,
      ],
      // Unpaired surrogates and NUL reached PostgreSQL (500).
      [
        {
          persona: null,
          method: 'POST',
          path: '/api/v1/auth/token',
          ...split(json({ email: 'x\udfffy', password: PASSWORD })),
        },
        400,
      ],
      [
        {
          method: 'POST',
          path: '/api/v1/founders',
          ...split(json({ firstName: 'a\u0000b', lastName: 'B' })),
        },
        400,
      ],
      [{ method: 'GET', path: '/api/v1/founders', query: 'q=%00' }, 400],
      // Nesting deeper than the transformer's stack (500).
      [
        {
          method: 'POST',
          path: '/api/v1/founders',
          headers: { 'Content-Type': 'application/json' },
          body: `{"firstName":${'['.repeat(5000)}${']'.repeat(5000)},"lastName":"B"}`,
        },
        400,
      ],
      // Cursors and filters the database could not cast (500).
      [{ method: 'GET', path: '/api/v1/access-log', query: `cursor=${b64('[1e400]')}` }, 400],
      [{ method: 'GET', path: '/api/v1/users', query: `cursor=${b64('["",""]')}` }, 400],
      [{ method: 'GET', path: '/api/v1/cases', query: `cursor=${b64('["garbage","x"]')}` }, 400],
      [{ method: 'GET', path: '/api/v1/cases', query: 'updatedSince=2025-02-30' }, 400],
      [
        { persona: 'admin', method: 'GET', path: '/api/v1/access-log', query: 'from=2025-W01' },
        400,
      ],
      // Errors before routing were Fastify's own JSON, not problem+json.
      [
        {
          method: 'PATCH',
          path: `/api/v1/founders/${founder}`,
          query: `q=${'%20'.repeat(6000)}`,
          ...split(json({})),
        },
        431,
      ],
      [
        {
          method: 'DELETE',
          path: `/api/v1/offices/${fw.pool.offices[0]}/api-keys/${'a'.repeat(101)}`,
        },
        414,
      ],
      [{ method: 'GET', path: '/api/v1/founders/%FF' }, 400],
      // Fastify's 415 came as code validation_failed.
      [
        {
          method: 'POST',
          path: '/api/v1/founders',
          headers: { 'Content-Type': 'multipart/form-data; boundary=x' },
          body: '{}',
        },
        415,
      ],
      // An array passed @ValidateNested() as "zero valid items" and was stored as the object.
      [
        { method: 'PATCH', path: `/api/v1/cases/${caseId}`, ...split(json({ suitability: [] })) },
        400,
      ],
      [
        {
          method: 'PATCH',
          path: `/api/v1/cases/${caseId}`,
          ...split(json({ viabilityStatement: [] })),
        },
        400,
      ],
    ];
    for (const [partial, status] of cases) {
      const req: FuzzRequest = { persona: 'leadA', query: '', headers: {}, ...partial };
      const res = await checkRequest(t, w, fw, req, true);
      expect({ req: `${req.method} ${req.path.slice(0, 80)}`, status: res.status }).toEqual({
        req: `${req.method} ${req.path.slice(0, 80)}`,
        status,
      });
    }
  });

  it('never answers 5xx, answers every 4xx as problem+json, and a rejected write stores nothing', async () => {
    // Destructive routes last, so that the others still find the records they aim at.
    const destructive = (r: FuzzRoute) => r.method === 'DELETE' || r.url.endsWith('/erase');
    const routes = fuzzableRoutes(registeredRoutes(t.app))
      .filter(isWrite)
      .sort((a, b) => Number(destructive(a)) - Number(destructive(b)));
    expect(routes.length).toBeGreaterThanOrEqual(17);
    const valid = validBodies(w, fw);
    const bodyFor = (route: FuzzRoute) => {
      if (route.url === '/api/v1/exports/verify') {
        const file = fc.oneof(
          damagedText(fw.exportCsv).map((body) => ({ body, contentType: 'text/csv' })),
          damagedText(fw.exportNdjson).map((body) => ({
            body,
            contentType: 'application/x-ndjson',
          })),
          fc.uint8Array({ maxLength: 2_000 }).map((b) => ({
            body: Buffer.from(b),
            contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
          })),
        );
        return fc.oneof(
          { weight: 3, arbitrary: file },
          { weight: 1, arbitrary: bodyArb(undefined) },
        );
      }
      const templates = valid[`${route.method} ${route.url}`];
      return templates
        ? fc.constantFrom(...templates).chain((v) => bodyArb(v))
        : bodyArb(undefined);
    };
    const failures = await walkRoutes(t, w, fw, routes, (r) => (destructive(r) ? 15 : 35), bodyFor);
    expect(failures).toEqual([]);
  }, 180_000);
});

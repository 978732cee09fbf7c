import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import {
  createLotseClient,
  ifMatch,
  type CaseEvent,
  type LotseClient,
  type UpdateCase,
} from '../clients/typescript/src';
import { startTestApp, TestApp } from './support/test-app';

/**
 * The TypeScript client of clients/typescript, as a frontend uses it: generated from the committed
 * openapi.json, compiled strictly, and driving a case from opening to closed against the running
 * service. This file talks to the service only through that client; eslint forbids type
 * assertions here (eslint.config.mjs), so every value below is typed by the generated document.
 */

const run = promisify(execFile);
const CLIENT_DIR = resolve(__dirname, '..', 'clients', 'typescript');

describe('the generated TypeScript client (clients/typescript)', () => {
  it('is up to date with openapi.json and compiles with tsc --strict (its own TypeScript 5)', async () => {
    // The drift check: src/schema.ts regenerated into memory must equal the committed file.
    const drift = await run(
      process.execPath,
      [resolve(CLIENT_DIR, 'scripts', 'generate.mjs'), '--check'],
      {
        cwd: CLIENT_DIR,
      },
    ).catch((error: { stderr?: string; message: string }) => {
      throw new Error(error.stderr || error.message);
    });
    expect(drift.stdout).toContain('matches openapi.json');

    const tsc = require.resolve('typescript/bin/tsc', { paths: [CLIENT_DIR] });
    const { stdout: version } = await run(process.execPath, [tsc, '--version'], {
      cwd: CLIENT_DIR,
    });
    expect(version).toMatch(/^Version 5\./);
    const compiled = await run(
      process.execPath,
      [tsc, '--strict', '--noEmit', '-p', 'tsconfig.json'],
      {
        cwd: CLIENT_DIR,
      },
    ).then(
      () => '',
      (error: { stdout?: string; message: string }) => error.stdout || error.message,
    );
    expect(compiled).toBe('');
  }, 180_000);
});

describe('a case walked to closed through the generated client only', () => {
  const ADMIN = { email: 'admin@lotse.test', password: 'admin password for the client test' };
  const ADVISOR = { email: 'b.kaya@run-mainz.example', password: 'advisor password 2026' };
  let t: TestApp;
  let baseUrl: string;

  beforeAll(async () => {
    t = await startTestApp({
      LOTSE_ADMIN_EMAIL: ADMIN.email,
      LOTSE_ADMIN_PASSWORD: ADMIN.password,
    });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = await t.app.getUrl();
  });
  afterAll(() => t.close());

  /** data of a 2xx answer; anything else fails the test with the status and the problem. */
  function ok<T>(result: { data?: T; error?: unknown; response: Response }): T {
    if (result.data === undefined) {
      throw new Error(
        `${result.response.status} ${result.response.url}: ${JSON.stringify(result.error)}`,
      );
    }
    return result.data;
  }

  async function signIn(credentials: { email: string; password: string }): Promise<LotseClient> {
    const anonymous = createLotseClient({ baseUrl });
    const token = ok(await anonymous.POST('/api/v1/auth/token', { body: credentials }));
    expect(token.tokenType).toBe('Bearer');
    return createLotseClient({ baseUrl, token: token.accessToken });
  }

  it('signs in, creates an office, an advisor, a founder and a case, and walks it to closed', async () => {
    // The first admin comes from LOTSE_ADMIN_EMAIL/LOTSE_ADMIN_PASSWORD at start.
    const admin = await signIn(ADMIN);
    const office = ok(
      await admin.POST('/api/v1/offices', {
        body: { code: 'RUN-MZ', name: 'RUN Mainz', region: 'Rheinhessen' },
      }),
    );
    const advisorUser = ok(
      await admin.POST('/api/v1/users', {
        body: {
          ...ADVISOR,
          name: 'Berk Kaya',
          memberships: [{ officeId: office.id, role: 'advisor' }],
        },
      }),
    );
    expect(advisorUser.memberships).toEqual([{ officeId: office.id, role: 'advisor' }]);

    const advisor = await signIn(ADVISOR);
    const me = ok(await advisor.GET('/api/v1/auth/me'));
    expect(me.kind).toBe('user');

    const founder = ok(
      await advisor.POST('/api/v1/founders', {
        body: {
          firstName: 'Samira',
          lastName: 'Haddad',
          consent: { givenOn: '2026-01-05', version: 'RUN-DS-2024-1' },
          selfEmploymentPermitted: 'yes',
          germanLevel: 'B1',
          benefitStatus: 'sgb2',
        },
      }),
    );
    expect(founder.officeId).toBe(office.id);

    const opened = await advisor.POST('/api/v1/cases', { body: { founderId: founder.id } });
    let current = ok(opened);
    expect(opened.response.headers.get('etag')).toBe(ifMatch(current.version));
    expect(current).toMatchObject({ phase: 'access', status: 'active', founderId: founder.id });
    const caseId = current.id;
    const path = { id: caseId };

    // Each change names the version last read (If-Match).
    const send = (event: CaseEvent) =>
      advisor.POST('/api/v1/cases/{id}/events', {
        params: { path, header: { 'If-Match': ifMatch(current.version) } },
        body: event,
      });
    const patch = (body: UpdateCase) =>
      advisor.PATCH('/api/v1/cases/{id}', {
        params: { path, header: { 'If-Match': ifMatch(current.version) } },
        body,
      });

    // 409: LAUNCH is no event of the access phase; the answer lists the events it accepts.
    const refused = await send({ type: 'LAUNCH' });
    expect(refused.response.status).toBe(409);
    if (refused.error?.code !== 'transition_not_allowed')
      throw new Error(`expected 409 transition_not_allowed, got ${refused.response.status}`);
    const allowed: string[] = refused.error.allowedEvents ?? [];
    expect([...allowed].sort()).toEqual(['DROP_OUT', 'PAUSE', 'START_COUNSELLING']);

    // 422: the stage gate of START_COUNSELLING needs a first-counselling appointment.
    const gated = await send({ type: 'START_COUNSELLING' });
    expect(gated.response.status).toBe(422);
    if (gated.error?.code !== 'requirements_unmet')
      throw new Error(`expected 422 requirements_unmet, got ${gated.response.status}`);
    const unmet = gated.error.unmet ?? [];
    expect(unmet.map((u) => u.code)).toEqual(['first_counselling_scheduled']);
    expect(unmet[0]?.message).toEqual(expect.any(String));

    // 412: a stale If-Match names the version the case is at now (both are sent with the same one).
    const patched = await patch({ firstCounsellingScheduledOn: '2026-01-12' });
    const stale = await patch({ businessIdea: 'lost update' });
    current = ok(patched);
    expect(current.firstCounsellingScheduledOn).toBe('2026-01-12');
    expect(stale.response.status).toBe(412);
    if (stale.error?.code !== 'version_conflict')
      throw new Error(`expected 412 version_conflict, got ${stale.response.status}`);
    expect(stale.error.currentVersion).toBe(current.version);

    current = ok(await send({ type: 'START_COUNSELLING' }));
    expect(current.phase).toBe('first_counselling');

    const contact = ok(
      await advisor.POST('/api/v1/cases/{id}/contacts', {
        params: { path },
        body: {
          on: '2026-01-20',
          minutes: 60,
          format: 'video',
          kind: 'first_counselling',
          topics: ['Idee'],
        },
      }),
    );
    expect(contact.kind).toBe('first_counselling');
    current = ok(await advisor.GET('/api/v1/cases/{id}', { params: { path } }));

    current = ok(
      await patch({
        businessIdea: 'Änderungsschneiderei mit Lieferservice',
        legalForm: 'sole_proprietorship',
        fundingRoute: 'einstiegsgeld',
        suitability: {
          motivation: 5,
          tradeKnowledge: 4,
          businessSkills: 3,
          familySituation: 4,
          resilience: 4,
          summary: 'geeignet',
        },
        businessPlanCompletedOn: '2026-03-01',
        financePlanCompletedOn: '2026-03-01',
        viabilityStatement: { issuedBy: 'HWK Rheinhessen', issuedOn: '2026-03-10' },
        fundingAppliedOn: '2026-03-12',
        plannedStartOn: '2026-04-01',
        permitsRequired: false,
      }),
    );
    current = ok(await send({ type: 'START_PLANNING' }));
    current = ok(await send({ type: 'LAUNCH', note: 'Plan tragfähig' }));
    expect(current.phase).toBe('launch');

    current = ok(
      await patch({
        businessStartedOn: '2026-04-01',
        tradeRegisteredOn: '2026-03-28',
        taxRegisteredOn: '2026-03-30',
        provisionalIncomeDeclaredOn: '2026-04-02',
      }),
    );
    current = ok(await send({ type: 'START_CONSOLIDATION' }));

    // The event union holds each payload: COMPLETE without its outcome does not compile, and the
    // service, validating with the same definition, refuses it.
    // @ts-expect-error outcome is required
    const incomplete: CaseEvent = { type: 'COMPLETE', followUpOn: '2026-10-01' };
    const invalid = await send(incomplete);
    expect(invalid.response.status).toBe(400);
    expect(invalid.error?.code).toBe('invalid_event');
    expect(invalid.error?.errors?.map((e) => e.field)).toContain('outcome');

    current = ok(
      await send({ type: 'COMPLETE', outcome: 'founded_main', followUpOn: '2026-10-01' }),
    );
    expect(current).toMatchObject({
      status: 'closed',
      phase: 'consolidation',
      outcome: 'founded_main',
      followUpOn: '2026-10-01',
    });
    expect(current.availableEvents.map((e) => e.type)).toEqual(['REOPEN']);

    const history = ok(await advisor.GET('/api/v1/cases/{id}/history', { params: { path } }));
    expect(history.items.map((entry) => entry.event)).toEqual([
      'START_COUNSELLING',
      'START_PLANNING',
      'LAUNCH',
      'START_CONSOLIDATION',
      'COMPLETE',
    ]);

    // The case list is keyset-paged: follow nextCursor until it is null.
    const second = ok(
      await advisor.POST('/api/v1/founders', { body: { firstName: 'Omar', lastName: 'Nasser' } }),
    );
    ok(await advisor.POST('/api/v1/cases', { body: { founderId: second.id } }));
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = ok(
        await advisor.GET('/api/v1/cases', {
          params: { query: { limit: 1, ...(cursor ? { cursor } : {}) } },
        }),
      );
      seen.push(...page.items.map((c) => c.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toHaveLength(2);
    expect(seen).toContain(caseId);
  });
});

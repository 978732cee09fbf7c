import { officesFor } from '../../src/auth/office-scope';
import { CaseTransitionService } from '../../src/cases/case-transition.service';
import { CasesRepository } from '../../src/cases/cases.repository';
import { CasesService } from '../../src/cases/cases.service';
import type { CreateContactDto } from '../../src/cases/dto/case.dto';
import { OfficeDb, type OfficeTx } from '../../src/database/office-transaction';
import { FoundersRepository } from '../../src/founders/founders.repository';
import { FoundersService } from '../../src/founders/founders.service';
import { ResetTransitionService } from '../../src/reset/reset-transition.service';
import { ResetRepository } from '../../src/reset/reset.repository';
import { type Medium, recommendedAnalysis, refusal, useMedium } from './harness';

const noHeaders = { ifMatch: null, idempotencyKey: null };
const CONTACT = {
  on: '2026-01-20',
  minutes: 30,
  format: 'phone',
  kind: 'counselling',
} as CreateContactDto;

// Office scope on the medium level: the repositories' code filter and PostgreSQL's row-level
// security, each on its own, keep another office's rows out; the services refuse by permission.
describe('office scope (repositories and services, no HTTP)', () => {
  let m: Medium;
  useMedium((medium) => (m = medium));

  const seeded = {} as Record<
    'founderA' | 'founderB' | 'caseA' | 'caseB' | 'analysisA' | 'analysisB',
    string
  >;
  beforeAll(async () => {
    const cases = m.module.get(CasesService);
    const transitions = m.module.get(CaseTransitionService);
    for (const [office, persona] of [
      ['A', 'advisorA'],
      ['B', 'advisorB'],
    ] as const) {
      const founderId = await m.founder(office === 'A' ? m.officeA : m.officeB);
      const created = await cases.create(m.ctx(persona), { founderId });
      await cases.addContact(m.ctx(persona), created.id, CONTACT);
      await transitions.apply(
        m.ctx(persona),
        created.id,
        { type: 'PAUSE', reason: 'Krankheit' },
        noHeaders,
      );
      // A second founder: one open case per founder, and the restart needs one without.
      const analysisId = await recommendedAnalysis(
        m,
        persona,
        await m.founder(office === 'A' ? m.officeA : m.officeB, 'Yilmaz'),
      );
      seeded[`founder${office}`] = founderId;
      seeded[`case${office}`] = created.id;
      seeded[`analysis${office}`] = analysisId;
    }
  });

  const inOfficeA = <T>(work: (tx: OfficeTx) => Promise<T>) =>
    m.module.get(OfficeDb).run({ officeIds: [m.officeA] }, work);

  it('the owner sees both offices\u2019 rows (what the scoped reads below must not return)', async () => {
    const [counts] = await m.owner.query(
      `SELECT (SELECT count(*)::int FROM founder_case) AS cases, (SELECT count(*)::int FROM case_history) AS history,
              (SELECT count(*)::int FROM case_contact) AS contacts, (SELECT count(*)::int FROM reset_history) AS reset_history`,
    );
    // Per office: one case with a PAUSE row and a contact; one analysis with three history rows.
    expect(counts).toEqual({ cases: 2, history: 2, contacts: 2, reset_history: 6 });
  });

  // On the owner's connection (a superuser: RLS does not bind it) the code filter stands alone.
  it.each([
    ['the request role (code filter and RLS)', 'request'],
    ['the owner (code filter alone, RLS bypassed)', 'owner'],
  ] as const)(
    'repositories filter by the transaction\u2019s offices, as %s: office B\u2019s rows never come back in A',
    async (_, on) => {
      const cases = m.module.get(CasesRepository);
      const reset = m.module.get(ResetRepository);
      const founders = m.module.get(FoundersRepository);
      const officeDb = on === 'request' ? m.module.get(OfficeDb) : new OfficeDb(m.owner);
      const seen = await officeDb.run({ officeIds: [m.officeA] }, async (tx) => ({
        everyCase: (await tx.manager.query<unknown[]>(`SELECT id FROM founder_case`)).length,
        caseA: (await cases.findById(tx, seeded.caseA))?.office_id,
        caseB: await cases.findById(tx, seeded.caseB),
        list: (await cases.list(tx, { after: null, limit: 50 })).map((r) => r.id),
        historyA: (await cases.history(tx, seeded.caseA)).map((h) => h.event),
        historyB: await cases.history(tx, seeded.caseB),
        contactsA: (await cases.contacts(tx, seeded.caseA)).length,
        contactsB: await cases.contacts(tx, seeded.caseB),
        analysisA: (await reset.findById(tx, seeded.analysisA))?.state,
        analysisB: await reset.findById(tx, seeded.analysisB),
        resetHistoryA: (await reset.history(tx, seeded.analysisA)).map((h) => h.event),
        resetHistoryB: await reset.history(tx, seeded.analysisB),
        founders: (await founders.list(tx, { q: null, limit: 50, after: null })).map(
          (f) => f.office_id,
        ),
      }));
      expect(seen).toEqual({
        everyCase: on === 'request' ? 1 : 2,
        caseA: m.officeA,
        caseB: null,
        list: [seeded.caseA],
        historyA: ['PAUSE'],
        historyB: [],
        contactsA: 1,
        contactsB: [],
        analysisA: 'recommended',
        analysisB: null,
        resetHistoryA: ['START_ANALYSIS', 'ASSESS', 'RECOMMEND'],
        resetHistoryB: [],
        founders: [m.officeA, m.officeA],
      });
    },
  );

  it('row-level security alone: a raw query without any office filter inside scope A sees only A', async () => {
    const raw = await inOfficeA(async (tx) => {
      const q = async (sql: string, params: unknown[] = []) =>
        tx.manager.query<{ id: string }[]>(sql, params);
      return {
        setting: (await tx.manager.query(`SELECT current_setting('app.office_ids') AS s`))[0].s,
        user: (await tx.manager.query(`SELECT current_user AS u`))[0].u,
        cases: (await q(`SELECT id FROM founder_case`)).map((r) => r.id),
        founders: (await q(`SELECT office_id AS id FROM founder`)).map((r) => r.id),
        historyB: await q(`SELECT id FROM case_history WHERE case_id = $1`, [seeded.caseB]),
        contactsB: await q(`SELECT id FROM case_contact WHERE case_id = $1`, [seeded.caseB]),
        analysesB: await q(`SELECT id FROM reset_analysis WHERE id = $1`, [seeded.analysisB]),
        resetHistoryB: await q(
          `SELECT analysis_id AS id FROM reset_history WHERE analysis_id = $1`,
          [seeded.analysisB],
        ),
        periodsB: await q(`SELECT id FROM reset_period_version WHERE analysis_id = $1`, [
          seeded.analysisB,
        ]),
      };
    });
    expect(raw).toEqual({
      setting: m.officeA,
      user: 'lotse_app',
      cases: [seeded.caseA],
      founders: [m.officeA, m.officeA],
      historyB: [],
      contactsB: [],
      analysesB: [],
      resetHistoryB: [],
      periodsB: [],
    });
  });

  it('row-level security refuses a write into another office from inside scope A', async () => {
    const attempt = inOfficeA((tx) =>
      tx.manager.query(
        `INSERT INTO founder (office_id, first_name, last_name) VALUES ($1, 'X', 'Y')`,
        [m.officeB],
      ),
    );
    await expect(attempt).rejects.toMatchObject({ code: '42501' });
    const [{ n }] = await m.owner.query(
      `SELECT count(*)::int AS n FROM founder WHERE office_id = $1`,
      [m.officeB],
    );
    expect(n).toBe(2);
  });

  it('an administrator\u2019s every scope resolves to all offices; an empty scope gives nothing', async () => {
    const officeDb = m.module.get(OfficeDb);
    const every = officesFor(m.ctx('admin').actor, 'offices.read');
    expect(every.officeIds).toBe('every');
    const all = await officeDb.run(every, async (tx) => ({
      officeIds: [...tx.officeIds],
      cases: (await tx.manager.query<unknown[]>(`SELECT id FROM founder_case`)).length,
    }));
    expect(all).toEqual({ officeIds: [m.officeA, m.officeB].sort(), cases: 2 });

    const none = await officeDb.run({ officeIds: [] }, async (tx) => ({
      raw: (await tx.manager.query<unknown[]>(`SELECT id FROM founder_case`)).length,
      list: await m.module.get(CasesRepository).list(tx, { after: null, limit: 50 }),
      founders: await m.module
        .get(FoundersRepository)
        .list(tx, { q: null, limit: 50, after: null }),
      analyses: await m.module.get(ResetRepository).list(tx, { after: null, limit: 50 }),
    }));
    expect(none).toEqual({ raw: 0, list: [], founders: [], analyses: [] });
  });

  it('an auditor reads a case but cannot write it: the write scope is empty, so the case is not found', async () => {
    const read = await m.module.get(CasesService).get(m.ctx('auditorA'), seeded.caseA);
    expect(read).toMatchObject({ id: seeded.caseA, status: 'paused', version: 3 });
    const refused = await refusal(
      m.module
        .get(CaseTransitionService)
        .apply(m.ctx('auditorA'), seeded.caseA, { type: 'RESUME' }, noHeaders),
    );
    expect(refused.code).toBe('not_found');
    const [row] = await m.owner.query(`SELECT status, version FROM founder_case WHERE id = $1`, [
      seeded.caseA,
    ]);
    expect(row).toEqual({ status: 'paused', version: 3 });
  });

  it('an advisor cannot send REOPEN (forbidden before the payload); another office\u2019s case is not found', async () => {
    const transitions = m.module.get(CaseTransitionService);
    const reopen = await refusal(
      transitions.apply(
        m.ctx('advisorA'),
        seeded.caseA,
        { type: 'REOPEN', reason: 'x' },
        noHeaders,
      ),
    );
    expect(reopen.code).toBe('forbidden');
    const foreign = await refusal(
      transitions.apply(m.ctx('advisorB'), seeded.caseA, { type: 'RESUME' }, noHeaders),
    );
    expect(foreign.code).toBe('not_found');
    const analysis = await refusal(
      m.module
        .get(ResetTransitionService)
        .apply(m.ctx('leadB'), seeded.analysisA, { type: 'DECIDE', accepted: false }, noHeaders),
    );
    expect(analysis.code).toBe('not_found');
    const [{ n }] = await m.owner.query(
      `SELECT count(*)::int AS n FROM case_history WHERE case_id = $1`,
      [seeded.caseA],
    );
    expect(n).toBe(1);
  });

  it('an administrator sees no founders: founder data are social data, not theirs', async () => {
    const founders = m.module.get(FoundersService);
    const page = await founders.list(m.ctx('admin'), {});
    expect(page.items).toEqual([]);
    expect((await refusal(founders.get(m.ctx('admin'), seeded.founderA))).code).toBe('not_found');
    // The advisor of the office does see them (the empty page above is the scope, not an empty table).
    expect((await founders.list(m.ctx('advisorA'), {})).items.map((f) => f.id)).toContain(
      seeded.founderA,
    );
  });
});

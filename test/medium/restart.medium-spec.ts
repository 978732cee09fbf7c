import { CaseTransitionService } from '../../src/cases/case-transition.service';
import { CasesService } from '../../src/cases/cases.service';
import { ResetTransitionService } from '../../src/reset/reset-transition.service';
import { type Medium, type Persona, recommendedAnalysis, refusal, useMedium } from './harness';

const noHeaders = { ifMatch: null, idempotencyKey: null };
const ACCEPT = { type: 'DECIDE', accepted: true };

// An accepted restart_with_coaching (ResetTransitionService DECIDE) moves the founder's case in
// the DECIDE's own transaction (ResetRestartService): a new case, or the closed one reopened by a
// lead; a founder with an open case is refused and nothing is written.
describe('RE_SET restart (services, no HTTP)', () => {
  let m: Medium;
  useMedium((medium) => (m = medium));

  const decide = (persona: Persona, analysisId: string) =>
    m.module.get(ResetTransitionService).apply(m.ctx(persona), analysisId, ACCEPT, noHeaders);

  /** What a refused DECIDE must leave as it was: the analysis, its history, the founder's cases. */
  const picture = async (analysisId: string, founderId: string) => ({
    analysis: (
      await m.owner.query(
        `SELECT state, version, case_id, updated_at FROM reset_analysis WHERE id = $1`,
        [analysisId],
      )
    )[0],
    history: await m.owner.query(
      `SELECT seq, event FROM reset_history WHERE analysis_id = $1 ORDER BY seq`,
      [analysisId],
    ),
    cases: await m.owner.query(
      `SELECT c.id, c.status, c.phase, c.version, c.coaching, c.reset_analysis_id,
              (SELECT count(*)::int FROM case_history h WHERE h.case_id = c.id) AS history
         FROM founder_case c WHERE c.founder_id = $1 ORDER BY c.created_at`,
      [founderId],
    ),
    logged: (
      await m.owner.query(
        `SELECT count(*)::int AS n FROM access_log WHERE resource_id = ANY($1::text[])`,
        [[analysisId]],
      )
    )[0].n,
  });

  it('opens a new case at planning, with coaching, in the DECIDE\u2019s own transaction', async () => {
    const founderId = await m.founder(m.officeA);
    const analysisId = await recommendedAnalysis(m, 'advisorA', founderId);
    const decided = await decide('advisorA', analysisId);
    expect(decided).toMatchObject({
      id: analysisId,
      state: 'decided',
      version: expect.any(Number),
    });
    const caseId = decided.caseId!;
    expect(caseId).toEqual(expect.any(String));

    const [kase] = await m.owner.query(
      `SELECT founder_id, office_id, phase, status, version, coaching, reset_analysis_id, xmin::text AS xmin
         FROM founder_case WHERE id = $1`,
      [caseId],
    );
    const [analysis] = await m.owner.query(
      `SELECT state, case_id, xmin::text AS xmin FROM reset_analysis WHERE id = $1`,
      [analysisId],
    );
    expect(kase).toMatchObject({
      founder_id: founderId,
      office_id: m.officeA,
      phase: 'planning',
      status: 'active',
      version: 2,
      coaching: true,
      reset_analysis_id: analysisId,
    });
    expect(analysis).toMatchObject({ state: 'decided', case_id: caseId });
    // The same writing transaction: both rows carry its id.
    expect(kase.xmin).toBe(analysis.xmin);

    const history = await m.module.get(CasesService).history(m.ctx('advisorA'), caseId, true);
    expect(history.items).toEqual([
      expect.objectContaining({
        seq: 1,
        event: 'RESTART',
        fromPhase: 'access',
        toPhase: 'planning',
        toStatus: 'active',
      }),
    ]);
    expect(history.chain).toMatchObject({ valid: true, length: 1 });
    const [last] = await m.owner.query(
      `SELECT event, payload FROM reset_history WHERE analysis_id = $1 ORDER BY seq DESC LIMIT 1`,
      [analysisId],
    );
    expect(last).toEqual({
      event: 'DECIDE',
      payload: { accepted: true, caseId, caseAction: 'created' },
    });
  });

  it('reopening the founder\u2019s closed case needs a lead: forbidden for an advisor, nothing written; a lead reopens it', async () => {
    const founderId = await m.founder(m.officeA);
    const closed = await m.module.get(CasesService).create(m.ctx('advisorA'), { founderId });
    await m.module
      .get(CaseTransitionService)
      .apply(
        m.ctx('advisorA'),
        closed.id,
        { type: 'DROP_OUT', reasonCode: 'employment' },
        noHeaders,
      );
    const analysisId = await recommendedAnalysis(m, 'advisorA', founderId);
    const before = await picture(analysisId, founderId);
    expect(before.cases).toEqual([
      expect.objectContaining({ id: closed.id, status: 'closed', version: 2, history: 1 }),
    ]);

    const refused = await refusal(decide('advisorA', analysisId));
    expect(refused.code).toBe('forbidden');
    expect(refused.extra).toEqual({ caseId: closed.id });
    expect(await picture(analysisId, founderId)).toEqual(before);

    const decided = await decide('leadA', analysisId);
    expect(decided).toMatchObject({ state: 'decided', caseId: closed.id });
    const after = await picture(analysisId, founderId);
    expect(after.cases).toEqual([
      expect.objectContaining({
        id: closed.id,
        status: 'active',
        phase: 'planning',
        version: 3,
        coaching: true,
        reset_analysis_id: analysisId,
        history: 2,
      }),
    ]);
    expect(after.history.map((h: { event: string }) => h.event)).toEqual([
      'START_ANALYSIS',
      'ASSESS',
      'RECOMMEND',
      'DECIDE',
    ]);
  });

  it('a founder with an open case: founder_has_open_case, no analysis change and no case written', async () => {
    const founderId = await m.founder(m.officeA);
    const open = await m.module.get(CasesService).create(m.ctx('advisorA'), { founderId });
    const analysisId = await recommendedAnalysis(m, 'advisorA', founderId);
    const before = await picture(analysisId, founderId);
    expect(before.analysis).toMatchObject({ state: 'recommended', case_id: null });

    for (const persona of ['advisorA', 'leadA'] as const) {
      const refused = await refusal(decide(persona, analysisId));
      expect(refused.code).toBe('founder_has_open_case');
      expect(refused.extra).toEqual({ caseId: open.id });
    }
    expect(await picture(analysisId, founderId)).toEqual(before);
    expect(before.cases).toEqual([
      expect.objectContaining({ id: open.id, status: 'active', version: 1, history: 0 }),
    ]);
  });
});

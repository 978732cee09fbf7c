import { CaseTransitionService } from '../../src/cases/case-transition.service';
import { CasesService } from '../../src/cases/cases.service';
import { OfficeDb } from '../../src/database/office-transaction';
import { type Medium, queuedOnLock, refusal, useMedium } from './harness';

// Idempotency-Key on a state change (StateChange.apply + IdempotencyStore.once): the answer is
// stored in the change's transaction, replayed under the row lock, and never before access.
describe('Idempotency-Key of a case transition (services, no HTTP)', () => {
  let m: Medium;
  useMedium((medium) => (m = medium));

  const KEY = 'medium-pause-1';
  const PAUSE = { type: 'PAUSE', reason: 'Krankheit' };
  let caseId: string;

  beforeAll(async () => {
    const founderId = await m.founder(m.officeA);
    caseId = (await m.module.get(CasesService).create(m.ctx('advisorA'), { founderId })).id;
  });

  const send = (body: object, ctx = m.ctx('advisorA'), key = KEY) =>
    m.module
      .get(CaseTransitionService)
      .apply(ctx, caseId, body, { ifMatch: null, idempotencyKey: key });
  const written = async () =>
    (
      await m.owner.query<{ event: string }[]>(
        `SELECT event FROM case_history WHERE case_id = $1 ORDER BY seq`,
        [caseId],
      )
    ).map((r) => r.event);

  it('the same key twice at once: one write, both answers equal', async () => {
    const [first, second] = await queuedOnLock(m, 'founder_case', caseId, [
      () => send(PAUSE),
      () => send(PAUSE),
    ]);
    expect(first).toMatchObject({
      status: 'fulfilled',
      value: { id: caseId, version: 2, status: 'paused' },
    });
    // A second PAUSE judged on the new state would be transition_not_allowed: it was replayed.
    expect(second).toEqual(first);
    expect(await written()).toEqual(['PAUSE']);
    const [row] = await m.owner.query(`SELECT version FROM founder_case WHERE id = $1`, [caseId]);
    expect(row.version).toBe(2);
  });

  it('a later retry with the key gets the stored answer, not a new judgement', async () => {
    const retry = await send(PAUSE);
    expect(retry).toMatchObject({ id: caseId, version: 2, status: 'paused' });
    expect(await written()).toEqual(['PAUSE']);
  });

  it('the stored answer carries the office of the case, and row-level security keeps it there', async () => {
    const stored = await m.owner.query(
      `SELECT actor_id, office_id, status, body FROM idempotent_request WHERE key = $1`,
      [KEY],
    );
    expect(stored).toEqual([
      {
        actor_id: m.users.advisorA,
        office_id: m.officeA,
        status: 200,
        body: expect.objectContaining({ id: caseId, version: 2 }),
      },
    ]);
    const officeDb = m.module.get(OfficeDb);
    const count = (officeId: string) =>
      officeDb.run(
        { officeIds: [officeId] },
        async (tx) =>
          (
            await tx.manager.query<unknown[]>(`SELECT 1 FROM idempotent_request WHERE key = $1`, [
              KEY,
            ])
          ).length,
      );
    expect([await count(m.officeA), await count(m.officeB)]).toEqual([1, 0]);
  });

  it('the same key with another body is idempotency_key_reused and writes nothing', async () => {
    const refused = await refusal(send({ type: 'DROP_OUT', reasonCode: 'employment' }));
    expect(refused.code).toBe('idempotency_key_reused');
    expect(await written()).toEqual(['PAUSE']);
  });

  it('a retry after the caller lost the office is not_found: no replay before access', async () => {
    // The same user, key and body; their membership in A is gone (moved to B).
    const moved = m.ctx('advisorA', { memberships: [{ officeId: m.officeB, role: 'advisor' }] });
    const refused = await refusal(send(PAUSE, moved));
    expect(refused.code).toBe('not_found');
    // The stored answer is still there: a replay before the access check would have returned it.
    const [{ n }] = await m.owner.query(
      `SELECT count(*)::int AS n FROM idempotent_request WHERE key = $1`,
      [KEY],
    );
    expect(n).toBe(1);
  });

  it('the same key on two cases at once: one wins, the other loses on the key and is rolled back', async () => {
    const cases = m.module.get(CasesService);
    const ids = await Promise.all(
      ['Adler', 'Berger'].map(
        async (name) =>
          (await cases.create(m.ctx('advisorA'), { founderId: await m.founder(m.officeA, name) }))
            .id,
      ),
    );
    const transitions = m.module.get(CaseTransitionService);
    const options = { ifMatch: null, idempotencyKey: 'medium-two-cases' };
    // Both hold their own case's lock before either stores its answer: the second insert of the
    // key waits on the first, fails on the primary key (23505) and reads the winner's answer (or,
    // had the winner committed before its replay, finds that answer there): either way reused.
    const results = await queuedOnLock(
      m,
      'founder_case',
      ids,
      ids.map((id) => () => transitions.apply(m.ctx('advisorA'), id, PAUSE, options)),
    );
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const lost = results.find((r) => r.status === 'rejected')!;
    expect(lost.reason).toMatchObject({ code: 'idempotency_key_reused' });
    const paused: { id: string }[] = await m.owner.query(
      `SELECT case_id AS id FROM case_history WHERE case_id = ANY($1::uuid[])`,
      [ids],
    );
    const won = results.find((r) => r.status === 'fulfilled')!;
    expect(paused).toEqual([{ id: (won as PromiseFulfilledResult<{ id: string }>).value.id }]);
  });
});

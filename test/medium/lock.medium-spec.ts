import { CaseTransitionService } from '../../src/cases/case-transition.service';
import { CasesService } from '../../src/cases/cases.service';
import { AppError } from '../../src/common/errors/app-error';
import { type Medium, queuedOnLock, useMedium } from './harness';

const noHeaders = { ifMatch: null, idempotencyKey: null };

// Concurrent state changes of one case queue on its row lock (CasesRepository.lockForUpdate):
// the second reads the state and the chain head the first committed, never a stale one.
describe('row lock of a case transition (services, no HTTP)', () => {
  let m: Medium;
  useMedium((medium) => (m = medium));

  const newCase = async () => {
    const founderId = await m.founder(m.officeA);
    return (await m.module.get(CasesService).create(m.ctx('advisorA'), { founderId })).id;
  };

  it('two transitions at once both succeed in sequence: versions 2 and 3, seq 1 and 2, linked chain', async () => {
    const caseId = await newCase();
    const transitions = m.module.get(CaseTransitionService);
    const [first, second] = await queuedOnLock(m, 'founder_case', caseId, [
      () =>
        transitions.apply(
          m.ctx('advisorA'),
          caseId,
          { type: 'PAUSE', reason: 'Krankheit' },
          noHeaders,
        ),
      // RESUME is possible only from paused: it succeeds only if it saw the first one's commit.
      () => transitions.apply(m.ctx('leadA'), caseId, { type: 'RESUME' }, noHeaders),
    ]);
    expect(first).toMatchObject({ status: 'fulfilled', value: { version: 2, status: 'paused' } });
    expect(second).toMatchObject({
      status: 'fulfilled',
      value: { version: 3, status: 'active', phase: 'access' },
    });

    const history = await m.module.get(CasesService).history(m.ctx('leadA'), caseId, true);
    expect(history.items.map((h) => [h.seq, h.event])).toEqual([
      [1, 'PAUSE'],
      [2, 'RESUME'],
    ]);
    expect(history.chain).toMatchObject({ valid: true, length: 2 });
    const rows: { seq: number; prev_hash: string; hash: string }[] = await m.owner.query(
      `SELECT seq, prev_hash, hash FROM case_history WHERE case_id = $1 ORDER BY seq`,
      [caseId],
    );
    // The second row links to the first one's hash: its head was read after the lock was granted.
    expect(rows[1].prev_hash).toBe(rows[0].hash);
    const [row] = await m.owner.query(`SELECT version, status FROM founder_case WHERE id = $1`, [
      caseId,
    ]);
    expect(row).toEqual({ version: 3, status: 'active' });
  });

  it('with If-Match of the same version, the second one gets version_conflict and writes nothing', async () => {
    const caseId = await newCase();
    const transitions = m.module.get(CaseTransitionService);
    const options = { ifMatch: { versions: [1] }, idempotencyKey: null };
    const [first, second] = await queuedOnLock(m, 'founder_case', caseId, [
      () =>
        transitions.apply(
          m.ctx('advisorA'),
          caseId,
          { type: 'PAUSE', reason: 'Krankheit' },
          options,
        ),
      () =>
        transitions.apply(
          m.ctx('leadA'),
          caseId,
          { type: 'DROP_OUT', reasonCode: 'employment' },
          options,
        ),
    ]);
    expect(first).toMatchObject({ status: 'fulfilled', value: { version: 2, status: 'paused' } });
    expect(second.status).toBe('rejected');
    const error = (second as PromiseRejectedResult).reason as AppError;
    expect(error).toBeInstanceOf(AppError);
    expect(error.code).toBe('version_conflict');
    expect(error.extra).toEqual({ currentVersion: 2 });
    const events: { event: string }[] = await m.owner.query(
      `SELECT event FROM case_history WHERE case_id = $1`,
      [caseId],
    );
    expect(events).toEqual([{ event: 'PAUSE' }]);
    const [{ n }] = await m.owner.query(
      `SELECT count(*)::int AS n FROM access_log WHERE resource_id = $1 AND action = 'transition'`,
      [caseId],
    );
    expect(n).toBe(1);
  });
});

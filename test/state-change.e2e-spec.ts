import { randomUUID } from 'node:crypto';
import { OfficeDb } from '../src/database/office-transaction';
import type { RequestContext } from '../src/auth/request-context';
import { AppError } from '../src/common/errors/app-error';
import type { TransitionOptions } from '../src/common/http/transition-options';
import {
  ClientEventSpec,
  MachineRefusal,
  StateChange,
  StateChangeTx,
} from '../src/state-change/state-change';
import { insertFounder, openCase, sendEvent } from './support/cases';
import { createAnalysis, sendResetEvent } from './support/reset';
import type { TestApp } from './support/test-app';
import { useSeededApp, World } from './support/world';

// Issue 12: the two transition services share one skeleton that owns the order of the steps.
// The skeleton runs here with a spec of plain fakes that records which step ran; the transaction,
// the access log and the Idempotency-Key store are the real ones, against the real database.

interface FakeRow {
  id: string;
  office_id: string;
  version: number;
}
type FakeEvent = { type: 'GO' } | { type: 'HALT' };
type Accepted = { ok: true; to: string };
type Spec = ClientEventSpec<
  FakeRow,
  FakeEvent,
  FakeEvent,
  Accepted,
  string,
  { id: string; to: string }
>;

describe('the state-change skeleton', () => {
  let t: TestApp;
  let w: World;
  useSeededApp((app, world) => ([t, w] = [app, world]));
  const skeleton = () => t.app.get(StateChange);

  let steps: string[];
  let row: FakeRow;
  let lockedIn: string[];

  /** A spec whose every step records itself; `overrides` replace single steps. */
  function spec(overrides: Partial<Spec> = {}): Spec {
    const base: Spec = {
      record: 'case',
      requestKind: 'fake-event',
      scope: 'case.write',
      resourceType: 'fake',
      lock: (tx, id) => {
        steps.push('lock');
        lockedIn = [...tx.officeIds];
        return Promise.resolve(id === row.id ? row : null);
      },
      mayAct: (role) => {
        steps.push('mayAct');
        return role === 'advisor' || role === 'lead'
          ? { ok: true }
          : { ok: false, detail: 'Only advisors and leads.' };
      },
      assertWritable: () => {
        steps.push('assertWritable');
      },
      version: (r) => {
        steps.push('version');
        return r.version;
      },
      parse: (body) => {
        steps.push('parse');
        const type = typeof body === 'object' && body !== null && 'type' in body ? body.type : null;
        return type === 'GO' || type === 'HALT'
          ? { ok: true, event: { type } }
          : { ok: false, errors: [{ field: 'type', message: 'is unknown' }] };
      },
      machine: ({ event }) => {
        steps.push('machine');
        return event.type === 'GO'
          ? { ok: true, to: 'gone' }
          : { ok: false, code: 'transition_not_allowed', allowedEvents: ['GO'] };
      },
      refused: {
        notAllowed: (_r, event) => `${event.type} is not possible here.`,
        unmet: (_r, event) => `${event.type} needs more.`,
        defect: (r, code) => `row ${r.id}: ${code}`,
      },
      write: async ({ tx, row: r }, next) => {
        steps.push('write');
        await renameOffice(tx, r.office_id, next.to);
        r.version += 1;
        return next.to;
      },
      logDetails: ({ event }, written) => {
        steps.push('logDetails');
        return { event: event.type, written };
      },
      answer: ({ row: r }, written) => {
        steps.push('answer');
        return { id: r.id, to: written };
      },
    };
    return { ...base, ...overrides };
  }

  const renameOffice = (tx: StateChangeTx, officeId: string, to: string) =>
    tx.manager.query(`UPDATE office SET name = $2 WHERE id = $1`, [officeId, `RUN Mainz (${to})`]);
  const officeName = async () =>
    (await t.db.query<{ name: string }[]>(`SELECT name FROM office WHERE id = $1`, [w.officeA]))[0]
      .name;
  const logged = async (requestId: string) =>
    await t.db.query<
      {
        office_id: string;
        resource_type: string;
        resource_id: string;
        action: string;
        details: unknown;
      }[]
    >(
      `SELECT office_id, resource_type, resource_id, action, details FROM access_log WHERE request_id = $1`,
      [requestId],
    );
  const storedAnswers = (key: string) =>
    t.db.query<{ body: unknown }[]>(`SELECT body FROM idempotent_request WHERE key = $1`, [key]);

  function ctx(role: 'advisor' | 'lead' | 'auditor' = 'advisor'): RequestContext {
    return {
      actor: {
        kind: 'user',
        id: w.users.advisorA.id,
        isAdmin: false,
        // An auditor membership elsewhere: its office is not one the caller may write in.
        memberships: [
          { officeId: w.officeA, role },
          { officeId: w.officeB, role: 'auditor' },
        ],
      },
      requestId: `state-change-${randomUUID()}`,
      ip: '127.0.0.1',
    };
  }
  const options = (o: Partial<TransitionOptions> = {}): TransitionOptions => ({
    ifMatch: null,
    idempotencyKey: null,
    ...o,
  });
  const rejection = async (p: Promise<unknown>): Promise<unknown> => {
    try {
      await p;
    } catch (error) {
      return error;
    }
    throw new Error('expected a rejection');
  };

  beforeEach(async () => {
    steps = [];
    lockedIn = [];
    row = { id: randomUUID(), office_id: w.officeA, version: 1 };
    await t.db.query(`UPDATE office SET name = 'RUN Mainz' WHERE id = $1`, [w.officeA]);
  });

  it('runs the steps in order, in the writable offices, and logs the change with the answer', async () => {
    const c = ctx();
    const answer = await skeleton().apply(spec(), c, row.id, { type: 'GO' }, options());
    expect(answer).toEqual({ id: row.id, to: 'gone' });
    expect(steps).toEqual([
      'lock',
      'mayAct',
      'assertWritable',
      'version',
      'parse',
      'machine',
      'write',
      'logDetails',
      'answer',
    ]);
    expect(lockedIn).toEqual([w.officeA]);
    expect(await officeName()).toBe('RUN Mainz (gone)');
    expect(await logged(c.requestId)).toEqual([
      {
        office_id: w.officeA,
        resource_type: 'fake',
        resource_id: row.id,
        action: 'transition',
        details: { event: 'GO', written: 'gone' },
      },
    ]);
  });

  it('answers 404 for a record outside the writable offices before anything else', async () => {
    const error = await rejection(
      skeleton().apply(spec(), ctx(), randomUUID(), { type: 'GO' }, options()),
    );
    expect(error).toMatchObject({ code: 'not_found', detail: 'No such case.' });
    expect(steps).toEqual(['lock']);
  });

  it('checks the role before the payload: 403 for an invalid payload the caller may not send', async () => {
    const refused = spec({
      mayAct: (role, body) => {
        steps.push('mayAct');
        const lead =
          typeof body === 'object' && body !== null && 'type' in body && body.type === 'REOPEN';
        return lead && role !== 'lead'
          ? { ok: false, detail: 'Only a lead of the office may send REOPEN.' }
          : { ok: true };
      },
    });
    const c = ctx('advisor');
    const error = await rejection(
      skeleton().apply(refused, c, row.id, { type: 'REOPEN' }, options()),
    );
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({
      code: 'forbidden',
      detail: 'Only a lead of the office may send REOPEN.',
    });
    expect(steps).toEqual(['lock', 'mayAct']);
    // A lead gets past the role to the payload, which is not an event of this machine.
    steps = [];
    const invalid = await rejection(
      skeleton().apply(refused, ctx('lead'), row.id, { type: 'REOPEN' }, options()),
    );
    expect(invalid).toMatchObject({
      code: 'invalid_event',
      extra: { errors: [{ field: 'type', message: 'is unknown' }] },
    });
    expect(steps).toEqual(['lock', 'mayAct', 'assertWritable', 'version', 'parse']);
    expect(await logged(c.requestId)).toEqual([]);
  });

  it('checks that the record takes entries before If-Match', async () => {
    const erased = spec({
      assertWritable: () => {
        steps.push('assertWritable');
        throw new AppError('founder_erased', 'erased');
      },
    });
    const stale = options({ ifMatch: { versions: [7] } });
    const error = await rejection(skeleton().apply(erased, ctx(), row.id, { type: 'GO' }, stale));
    expect(error).toMatchObject({ code: 'founder_erased' });
    expect(steps).toEqual(['lock', 'mayAct', 'assertWritable']);
  });

  it('checks If-Match before the payload', async () => {
    const error = await rejection(
      skeleton().apply(
        spec(),
        ctx(),
        row.id,
        { type: 'FLY' },
        options({ ifMatch: { versions: [7] } }),
      ),
    );
    expect(error).toMatchObject({
      code: 'version_conflict',
      detail: 'The case is at version 1; reload it and try again.',
      extra: { currentVersion: 1 },
    });
    expect(steps).toEqual(['lock', 'mayAct', 'assertWritable', 'version']);
  });

  it('answers a replayed Idempotency-Key under the lock, before the role and If-Match', async () => {
    const key = `k-${randomUUID()}`;
    const first = await skeleton().apply(
      spec(),
      ctx(),
      row.id,
      { type: 'GO' },
      options({ idempotencyKey: key, ifMatch: { versions: [1] } }),
    );
    expect(row.version).toBe(2);
    expect(await storedAnswers(key)).toEqual([{ body: first }]);
    steps = [];
    // The same request again: its If-Match names the version the first one changed.
    const c = ctx();
    const again = await skeleton().apply(
      spec(),
      c,
      row.id,
      { type: 'GO' },
      options({ idempotencyKey: key, ifMatch: { versions: [1] } }),
    );
    expect(again).toEqual(first);
    expect(steps).toEqual(['lock']);
    expect(await logged(c.requestId)).toEqual([]);
    // Without the key the same If-Match is stale.
    const stale = await rejection(
      skeleton().apply(
        spec(),
        ctx(),
        row.id,
        { type: 'GO' },
        options({ ifMatch: { versions: [1] } }),
      ),
    );
    expect(stale).toMatchObject({ code: 'version_conflict', extra: { currentVersion: 2 } });
  });

  it('maps the machine\u2019s refusals to the same errors for every record, and writes nothing', async () => {
    const cases: [MachineRefusal, object][] = [
      [
        { ok: false, code: 'transition_not_allowed', allowedEvents: ['GO'] },
        {
          code: 'transition_not_allowed',
          detail: 'HALT is not possible here.',
          extra: { allowedEvents: ['GO'] },
        },
      ],
      [
        { ok: false, code: 'requirements_unmet', unmet: [{ code: 'x', message: 'y' }] },
        {
          code: 'requirements_unmet',
          detail: 'HALT needs more.',
          extra: { unmet: [{ code: 'x', message: 'y' }] },
        },
      ],
    ];
    for (const [verdict, expected] of cases) {
      steps = [];
      const refusing = spec({ machine: () => (steps.push('machine'), verdict) });
      const error = await rejection(
        skeleton().apply(refusing, ctx(), row.id, { type: 'HALT' }, options()),
      );
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject(expected);
      expect(steps).toEqual(['lock', 'mayAct', 'assertWritable', 'version', 'parse', 'machine']);
    }
    // A snapshot the machine cannot restore is a defect of the data: a plain Error (500).
    const broken = spec({ machine: () => ({ ok: false, code: 'invalid_state' }) });
    const defect = await rejection(
      skeleton().apply(broken, ctx(), row.id, { type: 'GO' }, options()),
    );
    expect(defect).not.toBeInstanceOf(AppError);
    expect(defect).toMatchObject({ message: `row ${row.id}: invalid_state` });
    expect(await officeName()).toBe('RUN Mainz');
  });

  it('rolls back the write, the log and the answer together when a later step fails', async () => {
    const key = `k-${randomUUID()}`;
    const c = ctx();
    const failing = spec({
      answer: () => {
        steps.push('answer');
        throw new Error('the answer could not be built');
      },
    });
    const error = await rejection(
      skeleton().apply(failing, c, row.id, { type: 'GO' }, options({ idempotencyKey: key })),
    );
    expect(error).toMatchObject({ message: 'the answer could not be built' });
    expect(steps).toContain('logDetails');
    expect(await officeName()).toBe('RUN Mainz');
    expect(await logged(c.requestId)).toEqual([]);
    expect(await storedAnswers(key)).toEqual([]);
  });

  it('logs nothing for a write that fails', async () => {
    const c = ctx();
    const failing = spec({
      write: async ({ tx, row: r }) => {
        steps.push('write');
        await renameOffice(tx, r.office_id, 'half');
        throw new Error('the history row could not be sealed');
      },
    });
    const error = await rejection(skeleton().apply(failing, c, row.id, { type: 'GO' }, options()));
    expect(error).toMatchObject({ message: 'the history row could not be sealed' });
    expect(steps).not.toContain('logDetails');
    expect(await officeName()).toBe('RUN Mainz');
    expect(await logged(c.requestId)).toEqual([]);
  });

  it('runs only machine, write and log for an event on an already locked record', async () => {
    const c = ctx();
    const written = await t.app.get(OfficeDb).run({ officeIds: [w.officeA] }, (tx) =>
      skeleton().applyLocked(spec(), {
        ctx: c,
        tx,
        row,
        event: { type: 'GO' },
      }),
    );
    expect(written).toBe('gone');
    expect(steps).toEqual(['machine', 'write', 'logDetails']);
    expect(await logged(c.requestId)).toHaveLength(1);
  });

  // The same order through the two features that use the skeleton.
  describe('through the case and RE_SET routes', () => {
    it('answers an advisor\u2019s REOPEN with an invalid payload 403, a lead\u2019s 400', async () => {
      const c = await openCase(t, w, 'advisorA', await insertFounder(t, w.officeA));
      await sendEvent(t, w, 'advisorA', c.id, {
        type: 'DROP_OUT',
        reasonCode: 'employment',
      }).expect(200);
      const advisor = await sendEvent(t, w, 'advisorA', c.id, { type: 'REOPEN', reason: 7 }).expect(
        403,
      );
      expect(advisor.body.detail).toBe('Only a lead of the office may send REOPEN.');
      const lead = await sendEvent(t, w, 'leadA', c.id, { type: 'REOPEN', reason: 7 }).expect(400);
      expect(lead.body.code).toBe('invalid_event');
    });

    it('replays a case event\u2019s Idempotency-Key before its stale If-Match', async () => {
      const c = await openCase(t, w, 'advisorA', await insertFounder(t, w.officeA));
      const send = () =>
        t
          .http()
          .post(`/api/v1/cases/${c.id}/events`)
          .set(w.as('advisorA'))
          .set('If-Match', `"${c.version}"`)
          .set('Idempotency-Key', `case-${c.id}`)
          .send({ type: 'PAUSE', reason: 'Elternzeit' });
      const first = await send().expect(200);
      expect(first.body.version).toBe(c.version + 1);
      expect((await send().expect(200)).body).toEqual(first.body);
      await sendEvent(t, w, 'advisorA', c.id, { type: 'RESUME' })
        .set('If-Match', `"${c.version}"`)
        .expect(412);
    });

    it('replays an analysis event\u2019s Idempotency-Key before its stale If-Match', async () => {
      const id = await createAnalysis(t, w, await insertFounder(t, w.officeA));
      const send = () =>
        sendResetEvent(t, w, id, { type: 'CANCEL', reason: 'moved away' })
          .set('If-Match', '"1"')
          .set('Idempotency-Key', `analysis-${id}`);
      const first = await send().expect(200);
      expect((await send().expect(200)).body).toEqual(first.body);
      const stale = await sendResetEvent(t, w, id, { type: 'CANCEL', reason: 'x' })
        .set('If-Match', '"1"')
        .expect(412);
      expect(stale.body.detail).toBe('The analysis is at version 2; reload it and try again.');
    });
  });
});

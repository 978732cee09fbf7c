import { RESET_BUSINESS, RESET_HOUSEHOLD } from './support/fuzz';
import { insertFounder, openCase, sendEvent } from './support/cases';
import { recommendedAnalysis, sendResetEvent } from './support/reset';
import type { TestApp } from './support/test-app';
import { Persona, useSeededApp, World } from './support/world';

type Offered = { type: string; allowed: boolean; permitted: boolean; mayAccept?: boolean };
const marks = (events: Offered[]) => events.map((e) => [e.type, e.permitted, e.allowed]);

// Issue 10 item 9: availableEvents say what this caller may send, the role is checked before
// the payload, and a RE_SET DECIDE that reopens a closed case needs a lead, as REOPEN does.
describe('events and the caller\u2019s role', () => {
  let t: TestApp;
  let w: World;
  useSeededApp((app, world) => ([t, w] = [app, world]));

  const http = () => t.http();
  const readCase = async (id: string, persona: Persona) =>
    (await http().get(`/api/v1/cases/${id}`).set(w.as(persona)).expect(200)).body;

  async function closedCase(founderId?: string): Promise<string> {
    const c = await openCase(t, w, 'advisorA', founderId ?? (await insertFounder(t, w.officeA)));
    await sendEvent(t, w, 'advisorA', c.id, { type: 'DROP_OUT', reasonCode: 'employment' }).expect(
      200,
    );
    return c.id;
  }

  describe('cases', () => {
    it('tells an advisor REOPEN is not theirs, a lead that it is, and an auditor that nothing is', async () => {
      const id = await closedCase();
      expect(marks((await readCase(id, 'advisorA')).availableEvents)).toEqual([
        ['REOPEN', false, false],
      ]);
      expect(marks((await readCase(id, 'leadA')).availableEvents)).toEqual([
        ['REOPEN', true, true],
      ]);
      expect(marks((await readCase(id, 'auditorA')).availableEvents)).toEqual([
        ['REOPEN', false, false],
      ]);
      const open = await openCase(t, w, 'advisorA', await insertFounder(t, w.officeA));
      const audited = (await readCase(open.id, 'auditorA')).availableEvents as Offered[];
      expect(audited.length).toBeGreaterThan(0);
      expect(audited.every((e) => !e.permitted && !e.allowed)).toBe(true);
      const advised = (await readCase(open.id, 'advisorA')).availableEvents as Offered[];
      expect(advised.every((e) => e.permitted)).toBe(true);
    });

    it('answers 403 before 400: an advisor\u2019s REOPEN without reason, any auditor event', async () => {
      const id = await closedCase();
      const advisor = await sendEvent(t, w, 'advisorA', id, { type: 'REOPEN' }).expect(403);
      expect(advisor.body.code).toBe('forbidden');
      await sendEvent(t, w, 'advisorA', id, { type: 'REOPEN', reason: 'x', colour: 'red' }).expect(
        403,
      );
      // A lead gets the payload error, and the answer after it.
      expect((await sendEvent(t, w, 'leadA', id, { type: 'REOPEN' }).expect(400)).body.code).toBe(
        'invalid_event',
      );
      for (const body of [{}, { type: 'FLY' }, { type: 'REOPEN' }, { type: 'PAUSE' }]) {
        expect((await sendEvent(t, w, 'auditorA', id, body).expect(403)).body.code).toBe(
          'forbidden',
        );
      }
      await sendEvent(t, w, 'leadA', id, { type: 'REOPEN', reason: 'Zweitgründung' }).expect(200);
    });

    it('the events answer carries the same marks as a read', async () => {
      const c = await openCase(t, w, 'advisorA', await insertFounder(t, w.officeA));
      const dropped = await sendEvent(t, w, 'advisorA', c.id, {
        type: 'DROP_OUT',
        reasonCode: 'moved',
      }).expect(200);
      expect(marks(dropped.body.availableEvents)).toEqual([['REOPEN', false, false]]);
    });
  });

  describe('RE_SET analyses', () => {
    const send = (id: string, event: object, persona: Persona = 'advisorA') =>
      sendResetEvent(t, w, id, event, persona);
    const read = async (id: string, persona: Persona) =>
      (await http().get(`/api/v1/reset-analyses/${id}`).set(w.as(persona)).expect(200)).body;
    const recommended = (founderId: string) => recommendedAnalysis(t, w, founderId);

    it('lists only what the lifecycle can take, marked for the caller; auditors get 403 before 400', async () => {
      const a = await http()
        .post('/api/v1/reset-analyses')
        .set(w.as('advisorA'))
        .send({
          founderId: await insertFounder(t, w.officeA),
          business: RESET_BUSINESS,
          household: RESET_HOUSEHOLD,
        })
        .expect(201);
      expect(a.body.availableEvents.map((e: Offered) => e.type)).toEqual([
        'START_ANALYSIS',
        'CANCEL',
      ]);
      const audited = (await read(a.body.id, 'auditorA')).availableEvents as Offered[];
      expect(marks(audited)).toEqual([
        ['START_ANALYSIS', false, false],
        ['CANCEL', false, false],
      ]);
      for (const body of [{}, { type: 'CANCEL' }, { type: 'CANCEL', reason: 'x' }]) {
        expect((await send(a.body.id, body, 'auditorA').expect(403)).body.code).toBe('forbidden');
      }
    });

    it('an accepted DECIDE that reopens a closed case is for leads; one that opens a new case is not', async () => {
      const founderId = await insertFounder(t, w.officeA);
      const fresh = await recommended(founderId);
      expect((await read(fresh, 'advisorA')).availableEvents).toEqual([
        { type: 'DECIDE', allowed: true, permitted: true, unmet: [], mayAccept: true },
        { type: 'CANCEL', allowed: true, permitted: true, unmet: [] },
      ]);
      const opened = await send(fresh, { type: 'DECIDE', accepted: true }).expect(200);
      const caseId = opened.body.caseId as string;
      await sendEvent(t, w, 'advisorA', caseId, {
        type: 'DROP_OUT',
        reasonCode: 'employment',
      }).expect(200);

      // The founder's case is closed now: accepting the next restart reopens it.
      const again = await recommended(founderId);
      expect((await read(again, 'advisorA')).availableEvents[0]).toEqual({
        type: 'DECIDE',
        allowed: true,
        permitted: true,
        unmet: [],
        mayAccept: false,
      });
      expect((await read(again, 'leadA')).availableEvents[0]).toMatchObject({
        type: 'DECIDE',
        mayAccept: true,
      });
      const refused = await send(again, { type: 'DECIDE', accepted: true }).expect(403);
      expect(refused.body).toMatchObject({ code: 'forbidden', caseId });
      expect(await read(again, 'advisorA')).toMatchObject({ state: 'recommended', caseId: null });
      expect(await readCase(caseId, 'advisorA')).toMatchObject({ status: 'closed' });
      // Rejecting reopens nothing: an advisor may.
      const other = await recommended(founderId);
      await send(other, { type: 'DECIDE', accepted: false }).expect(200);
      const reopened = await send(again, { type: 'DECIDE', accepted: true }, 'leadA').expect(200);
      expect(reopened.body.caseId).toBe(caseId);
      expect(await readCase(caseId, 'leadA')).toMatchObject({
        status: 'active',
        phase: 'planning',
      });
    });
  });
});

import { isDeepStrictEqual } from 'node:util';
import { todayInBerlin } from '../src/common/time/calendar-date';
import { TaskDueAnnouncer } from '../src/webhooks/events/task-due-announcer';
import {
  WEBHOOK_EVENT_TYPES,
  type WebhookEventData,
  type WebhookEventType,
} from '../src/webhooks/webhook-events';
import { insertFounder, openCase, sendEvent } from './support/cases';
import { bufferBody } from './support/exports';
import { recommendedAnalysis, sendResetEvent } from './support/reset';
import type { TestApp } from './support/test-app';
import type { ReceivedWebhook, WebhookReceiver } from './support/webhook-receiver';
import { receiverForBothOffices } from './support/webhooks';
import { useSeededApp, type World } from './support/world';

// Issue 15, webhook tests 1 and 5: every event kind arrives, signed, ids and codes only; a
// rolled-back transition sends nothing. Events are caused through the HTTP API; the outbox
// (webhook_message) is read as the owner to see what the transaction wrote.

/** The documented keys of each event's data (src/webhooks/webhook-events.ts), exactly. */
const DATA_KEYS = {
  'case.created': ['caseId', 'officeId', 'founderId', 'phase'],
  'case.phase_changed': ['caseId', 'officeId', 'fromPhase', 'toPhase', 'event', 'version'],
  'case.closed': ['caseId', 'officeId', 'phase', 'event', 'code', 'version'],
  'case.transferred': ['caseId', 'transferId', 'fromOfficeId', 'toOfficeId'],
  'reset.decided': ['analysisId', 'officeId', 'caseId', 'recommendation', 'accepted'],
  'task.due': ['taskId', 'kind', 'officeId', 'caseId', 'analysisId', 'dueOn'],
  'export.completed': ['exportId', 'officeId', 'kind', 'format', 'rowCount'],
} satisfies { [K in WebhookEventType]: (keyof WebhookEventData[K])[] };

/** Personal data the founders, cases and events of this suite carry: no webhook body may. */
const PERSONAL = ['Quaxelbrot', 'Zebulon', 'zebulon.q@example.org', '+49 6131 999'];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** A code of the API (phase, event, outcome, kind, format): no spaces, no free text. */
const CODE = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;
/** A derived task's id: its kind and the ids (and dates) of its subject. */
const TASK_ID = /^[a-z_0-9]+:[0-9a-f:-]+$/;

function isIdOrCode(value: unknown): boolean {
  if (value === null || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isInteger(value);
  return (
    typeof value === 'string' &&
    (UUID.test(value) || DATE.test(value) || CODE.test(value) || TASK_ID.test(value))
  );
}

function daysAgo(days: number): string {
  const d = new Date(`${todayInBerlin()}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - days);
  return d.toISOString().slice(0, 10);
}

interface Expected {
  path: '/a' | '/b';
  type: WebhookEventType;
  data: Record<string, unknown>;
}

describe('webhook events', () => {
  let t: TestApp;
  let w: World;
  let receiver: WebhookReceiver;
  useSeededApp(
    (app, world) => {
      t = app;
      w = world;
    },
    { WEBHOOK_POLL_MS: '50', WEBHOOK_ALLOWLIST: '127.0.0.1' },
  );

  beforeAll(async () => {
    ({ receiver } = await receiverForBothOffices(t, w));
  });
  afterAll(() => receiver?.close());

  /** A founder full of personal data (name, e-mail, phone) in office A. */
  async function founder(): Promise<string> {
    const id = await insertFounder(t, w.officeA, { last_name: 'Quaxelbrot' });
    await t.db.query(
      `UPDATE founder SET first_name = 'Zebulon', email = 'zebulon.q@example.org', phone = '+49 6131 999' WHERE id = $1`,
      [id],
    );
    return id;
  }

  const patchCase = (id: string, body: object) =>
    t.http().patch(`/api/v1/cases/${id}`).set(w.as('advisorA')).send(body).expect(200);

  const arrived = (e: Expected) =>
    receiver
      .on(e.path)
      .some((r) => r.json?.type === e.type && isDeepStrictEqual(r.json.data, e.data));

  interface OutboxRow {
    endpoint_id: string;
    office_id: string;
    event_type: string;
    ordering_key: string;
    data: Record<string, unknown>;
  }

  function outbox(where: string, params: unknown[]): Promise<OutboxRow[]> {
    return t.db.query<OutboxRow[]>(
      `SELECT endpoint_id, office_id, event_type, ordering_key, data FROM webhook_message WHERE ${where} ORDER BY seq`,
      params,
    );
  }

  it('writes every event kind into the outbox with the change, and each arrives signed, with ids and codes only', async () => {
    const expected: Expected[] = [];
    const A = w.officeA;
    const B = w.officeB;

    // case.created, case.phase_changed, case.closed.
    const f1 = await founder();
    const c1 = (await openCase(t, w, 'advisorA', f1)).id;
    expected.push({
      path: '/a',
      type: 'case.created',
      data: { caseId: c1, officeId: A, founderId: f1, phase: 'access' },
    });
    await patchCase(c1, {
      firstCounsellingScheduledOn: todayInBerlin(),
      businessIdea: 'Quaxelbrot Kaffeerösterei',
    });
    await sendEvent(t, w, 'advisorA', c1, {
      type: 'START_COUNSELLING',
      note: 'Zebulon Quaxelbrot kam pünktlich',
    }).expect(200);
    expected.push({
      path: '/a',
      type: 'case.phase_changed',
      data: {
        caseId: c1,
        officeId: A,
        fromPhase: 'access',
        toPhase: 'first_counselling',
        event: 'START_COUNSELLING',
        version: 3,
      },
    });
    await sendEvent(t, w, 'advisorA', c1, {
      type: 'DROP_OUT',
      reasonCode: 'other',
      reason: 'Quaxelbrot zieht zurück nach Lyon',
    }).expect(200);
    expected.push({
      path: '/a',
      type: 'case.closed',
      data: {
        caseId: c1,
        officeId: A,
        phase: 'first_counselling',
        event: 'DROP_OUT',
        code: 'other',
        version: 4,
      },
    });

    // case.transferred: to the sending and to the receiving office.
    const f2 = await founder();
    const c2 = (await openCase(t, w, 'advisorA', f2)).id;
    expected.push({
      path: '/a',
      type: 'case.created',
      data: { caseId: c2, officeId: A, founderId: f2, phase: 'access' },
    });
    const transferId = (
      await t
        .http()
        .post(`/api/v1/cases/${c2}/transfer`)
        .set(w.as('advisorA'))
        .send({ toOfficeId: B, reason: 'Quaxelbrot zieht nach Zwickau' })
        .expect(201)
    ).body.id as string;
    await t.http().post(`/api/v1/transfers/${transferId}/accept`).set(w.as('leadB')).expect(200);
    for (const path of ['/a', '/b'] as const) {
      expected.push({
        path,
        type: 'case.transferred',
        data: { caseId: c2, transferId, fromOfficeId: A, toOfficeId: B },
      });
    }

    // reset.decided: an accepted restart_with_coaching, which opens the founder's new case.
    const f3 = await founder();
    const analysisId = await recommendedAnalysis(t, w, f3);
    const decided = await sendResetEvent(t, w, analysisId, {
      type: 'DECIDE',
      accepted: true,
      note: 'Zebulon Quaxelbrot stimmt zu',
    }).expect(200);
    const c3 = decided.body.caseId as string;
    expect(c3).toMatch(UUID);
    const c3Version = (await t.http().get(`/api/v1/cases/${c3}`).set(w.as('advisorA')).expect(200))
      .body.version as number;
    expected.push(
      {
        path: '/a',
        type: 'case.created',
        data: { caseId: c3, officeId: A, founderId: f3, phase: 'access' },
      },
      {
        path: '/a',
        type: 'case.phase_changed',
        data: {
          caseId: c3,
          officeId: A,
          fromPhase: 'access',
          toPhase: 'planning',
          event: 'RESTART',
          version: c3Version,
        },
      },
      {
        path: '/a',
        type: 'reset.decided',
        data: {
          analysisId,
          officeId: A,
          caseId: c3,
          recommendation: 'restart_with_coaching',
          accepted: true,
        },
      },
    );
    // One case's events in the outbox in the order they happened (the delivery order per case).
    expect(
      (await outbox(`ordering_key = $1 AND office_id = $2`, [c3, A])).map((m) => m.event_type),
    ).toEqual(['case.created', 'case.phase_changed', 'reset.decided']);

    // export.completed.
    const exported = await t
      .http()
      .get(`/api/v1/exports/phase-history?officeId=${A}&format=csv`)
      .set(w.as('auditorA'))
      .buffer(true)
      .parse(bufferBody)
      .expect(200);
    const exportId: string = exported.headers['x-export-id'];
    const manifest = (
      await t.http().get(`/api/v1/exports/${exportId}/manifest`).set(w.as('auditorA')).expect(200)
    ).body as { rowCount: number };
    expect(manifest.rowCount).toBeGreaterThan(0);
    expected.push({
      path: '/a',
      type: 'export.completed',
      data: {
        exportId,
        officeId: A,
        kind: 'phase-history',
        format: 'csv',
        rowCount: manifest.rowCount,
      },
    });

    // The ESF participants export saves a manifest too (no rows here: none has an ESF entry).
    const esf = await t
      .http()
      .get(
        `/api/v1/reports/esf-participants?officeId=${A}&from=2026-01-01&to=2026-12-31&format=ndjson`,
      )
      .set(w.as('auditorA'))
      .buffer(true)
      .parse(bufferBody)
      .expect(200);
    const esfExportId: string = esf.headers['x-export-id'];
    const esfRows = (
      await t
        .http()
        .get(`/api/v1/exports/${esfExportId}/manifest`)
        .set(w.as('auditorA'))
        .expect(200)
    ).body.rowCount as number;
    expected.push({
      path: '/a',
      type: 'export.completed',
      data: {
        exportId: esfExportId,
        officeId: A,
        kind: 'esf-participants',
        format: 'ndjson',
        rowCount: esfRows,
      },
    });

    // task.due: a first counselling scheduled two days ago and not documented is due since then.
    const f4 = await founder();
    const c4 = (await openCase(t, w, 'advisorA', f4)).id;
    expected.push({
      path: '/a',
      type: 'case.created',
      data: { caseId: c4, officeId: A, founderId: f4, phase: 'access' },
    });
    await patchCase(c4, { firstCounsellingScheduledOn: daysAgo(2) });
    await t.app.get(TaskDueAnnouncer).sweep();
    expected.push({
      path: '/a',
      type: 'task.due',
      data: {
        taskId: `first_counselling_overdue:${c4}`,
        kind: 'first_counselling_overdue',
        officeId: A,
        caseId: c4,
        analysisId: null,
        dueOn: daysAgo(2),
      },
    });

    // Each expected event is in the outbox of its office's endpoint, exactly once.
    for (const e of expected) {
      const rows = await outbox(`event_type = $1 AND data = $2::jsonb AND office_id = $3`, [
        e.type,
        JSON.stringify(e.data),
        e.path === '/a' ? A : B,
      ]);
      expect({ ...e, rows: rows.length }).toEqual({ ...e, rows: 1 });
    }
    expect(new Set(expected.map((e) => e.type))).toEqual(new Set(WEBHOOK_EVENT_TYPES));

    await receiver.waitFor(
      () => expected.every(arrived),
      20_000,
      `${expected.filter((e) => !arrived(e)).length} events`,
    );
    const all: ReceivedWebhook[] = receiver.received;
    for (const r of all) {
      expect({ id: r.id, verified: r.verified }).toEqual({ id: r.id, verified: true });
      for (const personal of PERSONAL) expect(r.body).not.toContain(personal);
      const body = r.json!;
      expect(Object.keys(body).sort()).toEqual(['data', 'timestamp', 'type']);
      expect(new Date(body.timestamp).toISOString()).toBe(body.timestamp);
      const type = body.type as WebhookEventType;
      expect(Object.keys(body.data).sort()).toEqual([...DATA_KEYS[type]].sort());
      const odd = Object.entries(body.data).filter(([, v]) => !isIdOrCode(v));
      expect({ type, odd }).toEqual({ type, odd: [] });
    }
  });

  it('announces a due task once, also from two sweeps at once; again when its due date moves and comes again; not the backlog before the subscription', async () => {
    const announcer = t.app.get(TaskDueAnnouncer);
    const f = await founder();
    const c = (await openCase(t, w, 'advisorA', f)).id;
    const old = (await openCase(t, w, 'advisorA', await founder())).id;
    await patchCase(c, { firstCounsellingScheduledOn: daysAgo(5) });
    // Due 40 days ago: before the endpoint (30 days old) was created.
    await patchCase(old, { firstCounsellingScheduledOn: daysAgo(40) });
    await Promise.all([announcer.sweep(), announcer.sweep()]);
    await announcer.sweep();
    const dueOf = async (caseId: string) =>
      (await outbox(`event_type = 'task.due' AND ordering_key = $1`, [caseId])).map(
        (m) => m.data.dueOn,
      );
    expect(await dueOf(c)).toEqual([daysAgo(5)]);
    expect(await dueOf(old)).toEqual([]);

    // Rescheduled to yesterday: a new due day, announced again; the first stays announced.
    await patchCase(c, { firstCounsellingScheduledOn: daysAgo(1) });
    await announcer.sweep();
    await announcer.sweep();
    expect(await dueOf(c)).toEqual([daysAgo(5), daysAgo(1)]);
    const markers: { task_id: string; due_on: string }[] = await t.db.query(
      `SELECT task_id, due_on::text FROM webhook_task_due WHERE task_id = $1 ORDER BY due_on`,
      [`first_counselling_overdue:${c}`],
    );
    expect(markers.map((m) => m.due_on)).toEqual([daysAgo(5), daysAgo(1)]);
    await receiver.waitFor(
      () =>
        receiver.on('/a').filter((r) => r.json?.type === 'task.due' && r.json.data.caseId === c)
          .length === 2,
      20_000,
      'two task.due',
    );
  });

  it('sends nothing for a transition rolled back at its COMMIT, and the next committed one', async () => {
    const c = (await openCase(t, w, 'advisorA', await founder())).id;
    await patchCase(c, { firstCounsellingScheduledOn: todayInBerlin() });
    await receiver.waitFor(
      () =>
        receiver.on('/a').some((r) => r.json?.type === 'case.created' && r.json.data.caseId === c),
      20_000,
      'case.created',
    );
    // A test-only constraint trigger that refuses this case's history rows when the
    // transaction commits: the transition has run, its outbox rows are written, then it rolls back.
    await t.db.query(`
      CREATE FUNCTION test_refuse_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.case_id = '${c}' THEN RAISE EXCEPTION 'refused at commit (test)'; END IF;
        RETURN NULL;
      END $$`);
    await t.db.query(`
      CREATE CONSTRAINT TRIGGER test_refuse_at_commit AFTER INSERT ON case_history
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION test_refuse_at_commit()`);
    try {
      const refused = await sendEvent(t, w, 'advisorA', c, { type: 'START_COUNSELLING' });
      // A failure of the database at COMMIT, not of the request: 500, problem+json, nothing kept.
      expect({ status: refused.status, code: refused.body.code }).toEqual({
        status: 500,
        code: 'internal_error',
      });
      expect(
        (await t.http().get(`/api/v1/cases/${c}`).set(w.as('advisorA')).expect(200)).body,
      ).toMatchObject({ phase: 'access', version: 2 });
      expect((await outbox(`ordering_key = $1`, [c])).map((m) => m.event_type)).toEqual([
        'case.created',
      ]);
      // Ten poll intervals of the worker: nothing of the rolled-back transition comes.
      await new Promise((r) => setTimeout(r, 500));
      expect(
        receiver
          .on('/a')
          .filter((r) => r.json?.data.caseId === c)
          .map((r) => r.json!.type),
      ).toEqual(['case.created']);
    } finally {
      await t.db.query(`DROP TRIGGER test_refuse_at_commit ON case_history`);
      await t.db.query(`DROP FUNCTION test_refuse_at_commit()`);
    }
    await sendEvent(t, w, 'advisorA', c, { type: 'START_COUNSELLING' }).expect(200);
    const next: Expected = {
      path: '/a',
      type: 'case.phase_changed',
      data: {
        caseId: c,
        officeId: w.officeA,
        fromPhase: 'access',
        toPhase: 'first_counselling',
        event: 'START_COUNSELLING',
        version: 3,
      },
    };
    await receiver.waitFor(() => arrived(next), 20_000, 'the committed transition');
    expect(
      receiver
        .on('/a')
        .filter((r) => r.json?.data.caseId === c)
        .map((r) => r.json!.type),
    ).toEqual(['case.created', 'case.phase_changed']);
  });
});

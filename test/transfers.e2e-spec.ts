import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'csv-parse/sync';
import { Client } from 'pg';
import { insertFounder, openCase, sendEvent } from './support/cases';
import { requestUrl } from './support/database';
import { bufferBody } from './support/exports';
import { HALF_YEAR_2025, RESET_BUSINESS, RESET_HOUSEHOLD } from './support/fuzz';
import { createAnalysis, sendResetEvent } from './support/reset';
import type { TestApp } from './support/test-app';
import { Persona, useSeededApp, World } from './support/world';

const PERSONAS: Persona[] = [
  'leadA',
  'advisorA',
  'auditorA',
  'leadB',
  'advisorB',
  'auditorB',
  'admin',
  'nobody',
];
const PYTHON =
  process.env.PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');

type Probe = 'case' | 'founder' | 'history' | 'contacts' | 'patch' | 'event';
type Matrix = Record<Persona, Record<Probe, number>>;

/** Expected statuses per persona, the same for every probe unless `per` says otherwise. */
function expected(rows: Record<Persona, number | Partial<Record<Probe, number>>>): Matrix {
  const probes: Probe[] = ['case', 'founder', 'history', 'contacts', 'patch', 'event'];
  return Object.fromEntries(
    PERSONAS.map((p) => {
      const row = rows[p];
      return [
        p,
        Object.fromEntries(
          probes.map((probe) => [probe, typeof row === 'number' ? row : (row[probe] ?? 0)]),
        ),
      ];
    }),
  ) as Matrix;
}

describe('hand-over of a case between offices', () => {
  let t: TestApp;
  let w: World;
  let founder: string;
  let caseId: string;
  let secondCaseId: string;
  let analysisId: string;
  let cancelledId: string;
  let taskId: string;
  let transferId: string;
  let historyBefore: number;
  const dir = mkdtempSync(join(tmpdir(), 'lotse-transfer-'));

  useSeededApp((app, world) => ([t, w] = [app, world]));
  beforeAll(async () => {
    founder = await insertFounder(t, w.officeA);
    caseId = (await openCase(t, w, 'advisorA', founder, { advisorId: w.users.advisorA.id })).id;
    await sendEvent(t, w, 'advisorA', caseId, { type: 'PAUSE', reason: 'Krankheit' }).expect(200);
    await sendEvent(t, w, 'advisorA', caseId, { type: 'RESUME' }).expect(200);
    await t
      .http()
      .post(`/api/v1/cases/${caseId}/contacts`)
      .set(w.as('advisorA'))
      .send({
        on: '2026-02-10',
        minutes: 45,
        format: 'in_person',
        kind: 'counselling',
        notes: 'Nachbar',
      })
      .expect(201);
    // A second case of the same founder, closed: acceptance moves it too.
    secondCaseId = (await openCase(t, w, 'advisorA', founder)).id;
    await sendEvent(t, w, 'advisorA', secondCaseId, {
      type: 'DROP_OUT',
      reasonCode: 'employment',
    }).expect(200);
    // A cancelled analysis (its reason is a history text) and an open one.
    cancelledId = await createAnalysis(t, w, founder);
    await sendResetEvent(t, w, cancelledId, { type: 'CANCEL', reason: 'Umzug' }).expect(200);
    analysisId = await createAnalysis(t, w, founder);
    await t
      .http()
      .put(`/api/v1/reset-analyses/${analysisId}/periods/2025-01-01`)
      .set(w.as('advisorA'))
      .send(HALF_YEAR_2025)
      .expect(201);
    await sendResetEvent(t, w, analysisId, { type: 'START_ANALYSIS' }).expect(200);
    // A manual task and a follow-up (the desk's tables): office data that must move too.
    [{ id: taskId }] = await t.db.query(
      `INSERT INTO case_task (office_id, case_id, title, due_on, assignee_id) VALUES ($1, $2, 'Anrufen', '2026-03-01', $3) RETURNING id`,
      [w.officeA, caseId, w.users.advisorA.id],
    );
    await t.db.query(
      `INSERT INTO case_follow_up (office_id, case_id, history_seq, "on", situation, still_self_employed)
       VALUES ($1, $2, 1, '2026-03-01', 'employed', true)`,
      [w.officeA, secondCaseId],
    );
    historyBefore = await historyCount(caseId);
  });

  const historyCount = async (id: string): Promise<number> =>
    (await t.db.query(`SELECT count(*)::int AS n FROM case_history WHERE case_id = $1`, [id]))[0].n;

  /** Every probe for every persona: reads, and writes that change nothing when let through. */
  async function matrix(id: string, founderId: string): Promise<Matrix> {
    const http = () => t.http();
    const out = {} as Matrix;
    for (const p of PERSONAS) {
      const as = w.as(p);
      out[p] = {
        case: (await http().get(`/api/v1/cases/${id}`).set(as)).status,
        founder: (await http().get(`/api/v1/founders/${founderId}`).set(as)).status,
        history: (await http().get(`/api/v1/cases/${id}/history`).set(as)).status,
        contacts: (await http().get(`/api/v1/cases/${id}/contacts`).set(as)).status,
        // A stale If-Match: 412 where the write would go through, 409 while read-only.
        patch: (
          await http()
            .patch(`/api/v1/cases/${id}`)
            .set(as)
            .set('if-match', '"999"')
            .send({ businessIdea: 'x' })
        ).status,
        // An unknown event: 400 where it would be applied, 409 while read-only.
        event: (await http().post(`/api/v1/cases/${id}/events`).set(as).send({ type: 'NOPE' }))
          .status,
      };
    }
    return out;
  }

  /** Transfer reads and decisions per persona (decisions only for those who may not decide). */
  async function transferMatrix(id: string, skip: Persona[] = []) {
    const out: Record<string, { get: number; listed: boolean; accept?: number; decline?: number }> =
      {};
    for (const p of PERSONAS) {
      const as = w.as(p);
      const list = await t.http().get('/api/v1/transfers').set(as);
      out[p] = {
        get: (await t.http().get(`/api/v1/transfers/${id}`).set(as)).status,
        listed:
          list.status === 200 &&
          (list.body.items as { id: string }[]).some((item) => item.id === id),
      };
      if (!skip.includes(p)) {
        out[p].accept = (await t.http().post(`/api/v1/transfers/${id}/accept`).set(as)).status;
        out[p].decline = (
          await t.http().post(`/api/v1/transfers/${id}/decline`).set(as).send({})
        ).status;
      }
    }
    return out;
  }

  const IN_A = expected({
    leadA: { case: 200, founder: 200, history: 200, contacts: 200, patch: 412, event: 400 },
    advisorA: { case: 200, founder: 200, history: 200, contacts: 200, patch: 412, event: 400 },
    auditorA: { case: 200, founder: 403, history: 200, contacts: 403, patch: 403, event: 403 },
    leadB: 404,
    advisorB: 404,
    auditorB: { case: 404, founder: 403, history: 404, contacts: 403, patch: 403, event: 403 },
    admin: 403,
    nobody: 403,
  });

  it('before: the sending office alone sees and writes the case', async () => {
    expect(await matrix(caseId, founder)).toEqual(IN_A);
  });

  it('refuses bad requests with 4xx and writes nothing', async () => {
    const ask = (persona: Persona, body: object, id = caseId) =>
      t.http().post(`/api/v1/cases/${id}/transfer`).set(w.as(persona)).send(body);
    const self = await ask('advisorA', { toOfficeId: w.officeA, reason: 'x' }).expect(422);
    expect(self.headers['content-type']).toContain('application/problem+json');
    expect(self.body.code).toBe('transfer_target_invalid');
    expect(
      (await ask('advisorA', { toOfficeId: '00000000-0000-4000-8000-000000000000', reason: 'x' }))
        .body.code,
    ).toBe('transfer_target_invalid');
    for (const body of [
      { toOfficeId: w.officeB },
      { toOfficeId: w.officeB, reason: '' },
      { toOfficeId: w.officeB, reason: '   ' },
      { toOfficeId: w.officeB, reason: 'x'.repeat(501) },
      { toOfficeId: 'B', reason: 'x' },
      { toOfficeId: w.officeB, reason: 'x', founderId: founder },
    ])
      expect({ body, status: (await ask('advisorA', body)).status }).toEqual({ body, status: 400 });
    await ask('leadB', { toOfficeId: w.officeB, reason: 'x' }).expect(404);
    for (const p of ['auditorA', 'admin', 'nobody'] as const)
      await ask(p, { toOfficeId: w.officeB, reason: 'x' }).expect(403);
    await t
      .http()
      .post(`/api/v1/cases/00000000-0000-4000-8000-000000000000/transfer`)
      .set(w.as('advisorA'))
      .send({ toOfficeId: w.officeB, reason: 'x' })
      .expect(404);
    expect((await t.db.query(`SELECT count(*)::int AS n FROM case_transfer`))[0].n).toBe(0);
  });

  it('an advisor of the sending office asks; the receiving office sees the transfer, not the case', async () => {
    const res = await t
      .http()
      .post(`/api/v1/cases/${caseId}/transfer`)
      .set(w.as('advisorA'))
      .send({ toOfficeId: w.officeB, reason: 'Umzug nach Zwickau' })
      .expect(201);
    transferId = res.body.id;
    expect(res.body).toEqual({
      id: expect.any(String),
      caseId,
      fromOfficeId: w.officeA,
      toOfficeId: w.officeB,
      reason: 'Umzug nach Zwickau',
      state: 'requested',
      casePhase: 'access',
      caseStatus: 'active',
      requestedAt: expect.any(String),
      requestedBy: w.users.advisorA.id,
      decidedAt: null,
      decidedBy: null,
      decisionReason: null,
    });
    const seen = await t
      .http()
      .get(`/api/v1/transfers/${transferId}`)
      .set(w.as('leadB'))
      .expect(200);
    expect(seen.body).toEqual(res.body);
    expect(JSON.stringify(seen.body)).not.toContain(founder);
    const incoming = await t
      .http()
      .get('/api/v1/transfers?direction=incoming&state=requested')
      .set(w.as('leadB'))
      .expect(200);
    expect(incoming.body.items.map((i: { id: string }) => i.id)).toEqual([transferId]);
    for (const q of ['direction=outgoing', 'state=accepted'])
      expect((await t.http().get(`/api/v1/transfers?${q}`).set(w.as('leadB'))).body.items).toEqual(
        [],
      );
    expect(
      (await t.http().get('/api/v1/transfers?direction=outgoing').set(w.as('leadA'))).body.items,
    ).toHaveLength(1);
    await t.http().get('/api/v1/transfers?direction=sideways').set(w.as('leadA')).expect(400);
    // Both offices' logs hold the request.
    const log = await t.db.query(
      `SELECT office_id FROM access_log WHERE resource_type = 'case_transfer' AND action = 'create' AND resource_id = $1`,
      [transferId],
    );
    expect(log.map((r: { office_id: string }) => r.office_id).sort()).toEqual(
      [w.officeA, w.officeB].sort(),
    );
  });

  it('refuses a second open transfer of the founder, of any of their cases', async () => {
    for (const id of [caseId, secondCaseId]) {
      const res = await t
        .http()
        .post(`/api/v1/cases/${id}/transfer`)
        .set(w.as('leadA'))
        .send({ toOfficeId: w.officeB, reason: 'nochmal' })
        .expect(409);
      expect(res.body.code).toBe('case_in_transfer');
    }
  });

  it('during: reads stay as they were, every write answers 409 for both offices', async () => {
    expect(await matrix(caseId, founder)).toEqual(
      expected({
        ...IN_A,
        leadA: { ...IN_A.leadA, patch: 409, event: 409 },
        advisorA: { ...IN_A.advisorA, patch: 409, event: 409 },
      }),
    );
    expect(await transferMatrix(transferId, ['leadB'])).toEqual({
      leadA: { get: 200, listed: true, accept: 403, decline: 403 },
      advisorA: { get: 200, listed: true, accept: 403, decline: 403 },
      auditorA: { get: 403, listed: false, accept: 403, decline: 403 },
      leadB: { get: 200, listed: true },
      advisorB: { get: 200, listed: true, accept: 403, decline: 403 },
      auditorB: { get: 403, listed: false, accept: 403, decline: 403 },
      admin: { get: 403, listed: false, accept: 403, decline: 403 },
      nobody: { get: 403, listed: false, accept: 403, decline: 403 },
    });
  });

  it('during: nothing is written about the founder, their cases or analyses', async () => {
    const snapshot = () =>
      t.db.query(
        `SELECT (SELECT row_to_json(f) FROM founder f WHERE id = $1) AS founder,
                (SELECT json_agg(c ORDER BY c.id) FROM founder_case c WHERE founder_id = $1) AS cases,
                (SELECT count(*) FROM case_contact k JOIN founder_case c ON c.id = k.case_id WHERE c.founder_id = $1)::int AS contacts,
                (SELECT count(*) FROM case_history h JOIN founder_case c ON c.id = h.case_id WHERE c.founder_id = $1)::int AS history,
                (SELECT row_to_json(a) FROM reset_analysis a WHERE id = $2) AS analysis,
                (SELECT count(*) FROM reset_period_version WHERE analysis_id = $2)::int AS periods,
                (SELECT count(*) FROM reset_history WHERE analysis_id = $2)::int AS reset_history,
                (SELECT json_agg(k ORDER BY k.id) FROM case_task k JOIN founder_case c ON c.id = k.case_id WHERE c.founder_id = $1) AS tasks,
                (SELECT count(*) FROM case_follow_up k JOIN founder_case c ON c.id = k.case_id WHERE c.founder_id = $1)::int AS follow_ups`,
        [founder, analysisId],
      );
    const before = await snapshot();
    const analysis = await t
      .http()
      .get(`/api/v1/reset-analyses/${analysisId}`)
      .set(w.as('advisorA'))
      .expect(200);
    const writes: [string, () => Promise<{ status: number; body: { code?: string } }>][] = [
      [
        'case data',
        () =>
          t
            .http()
            .patch(`/api/v1/cases/${caseId}`)
            .set(w.as('advisorA'))
            .send({ businessIdea: 'x' }),
      ],
      ['event', () => sendEvent(t, w, 'advisorA', caseId, { type: 'PAUSE', reason: 'x' })],
      ['event of the other case', () => sendEvent(t, w, 'leadA', secondCaseId, { type: 'REOPEN' })],
      [
        'contact',
        () =>
          t
            .http()
            .post(`/api/v1/cases/${caseId}/contacts`)
            .set(w.as('advisorA'))
            .send({ on: '2026-02-11', minutes: 30, format: 'phone', kind: 'counselling' }),
      ],
      [
        'founder',
        () =>
          t
            .http()
            .patch(`/api/v1/founders/${founder}`)
            .set(w.as('advisorA'))
            .send({ city: 'Zwickau' }),
      ],
      ['erasure', () => t.http().post(`/api/v1/founders/${founder}/erase`).set(w.as('leadA'))],
      [
        'new case',
        () => t.http().post('/api/v1/cases').set(w.as('advisorA')).send({ founderId: founder }),
      ],
      [
        'new analysis',
        () =>
          t
            .http()
            .post('/api/v1/reset-analyses')
            .set(w.as('advisorA'))
            .send({ founderId: founder, business: RESET_BUSINESS, household: RESET_HOUSEHOLD }),
      ],
      [
        'analysis data',
        () =>
          t
            .http()
            .patch(`/api/v1/reset-analyses/${analysisId}`)
            .set(w.as('advisorA'))
            .set('if-match', `"${analysis.body.version}"`)
            .send({ household: RESET_HOUSEHOLD }),
      ],
      [
        'EKS period',
        () =>
          t
            .http()
            .put(`/api/v1/reset-analyses/${analysisId}/periods/2025-01-01`)
            .set(w.as('advisorA'))
            .send(HALF_YEAR_2025),
      ],
      ['analysis event', () => sendResetEvent(t, w, analysisId, { type: 'CANCEL', reason: 'x' })],
      [
        'follow-up',
        () =>
          t
            .http()
            .post(`/api/v1/cases/${secondCaseId}/follow-ups`)
            .set(w.as('advisorA'))
            .send({ on: '2026-03-01', situation: 'employed', stillSelfEmployed: false }),
      ],
      [
        'manual task',
        () =>
          t
            .http()
            .post(`/api/v1/cases/${caseId}/tasks`)
            .set(w.as('advisorA'))
            .send({ title: 'Bescheid anfordern', dueOn: '2026-04-01' }),
      ],
      [
        'manual task change',
        () =>
          t.http().patch(`/api/v1/tasks/${taskId}`).set(w.as('advisorA')).send({ title: 'Anders' }),
      ],
    ];
    for (const [what, write] of writes) {
      const res = await write();
      expect({ what, status: res.status, code: res.body.code }).toEqual({
        what,
        status: 409,
        code: 'case_in_transfer',
      });
    }
    expect(await snapshot()).toEqual(before);
  });

  it('accepts: the founder and everything of theirs belongs to the receiving office', async () => {
    const res = await t
      .http()
      .post(`/api/v1/transfers/${transferId}/accept`)
      .set(w.as('leadB'))
      .expect(200);
    expect(res.body).toMatchObject({
      state: 'accepted',
      decidedBy: w.users.leadB.id,
      decidedAt: expect.any(String),
    });
    const [offices] = await t.db.query(
      `SELECT (SELECT array_agg(DISTINCT office_id) FROM founder WHERE id = $1) AS founder,
              (SELECT array_agg(DISTINCT office_id) FROM founder_case WHERE founder_id = $1) AS cases,
              (SELECT array_agg(DISTINCT k.office_id) FROM case_contact k JOIN founder_case c ON c.id = k.case_id WHERE c.founder_id = $1) AS contacts,
              (SELECT array_agg(DISTINCT k.office_id) FROM case_task k JOIN founder_case c ON c.id = k.case_id WHERE c.founder_id = $1) AS tasks,
              (SELECT array_agg(DISTINCT k.office_id) FROM case_follow_up k JOIN founder_case c ON c.id = k.case_id WHERE c.founder_id = $1) AS follow_ups,
              (SELECT array_agg(DISTINCT k.office_id) FROM case_history k JOIN founder_case c ON c.id = k.case_id WHERE c.founder_id = $1) AS history,
              (SELECT array_agg(DISTINCT k.office_id) FROM case_history_text k JOIN founder_case c ON c.id = k.case_id WHERE c.founder_id = $1) AS history_texts,
              (SELECT array_agg(DISTINCT office_id) FROM reset_analysis WHERE founder_id = $1) AS analyses,
              (SELECT array_agg(DISTINCT k.office_id) FROM reset_history k WHERE k.analysis_id = $2) AS reset_history,
              (SELECT array_agg(DISTINCT k.office_id) FROM reset_history_text k JOIN reset_analysis a ON a.id = k.analysis_id WHERE a.founder_id = $1) AS reset_texts,
              (SELECT array_agg(DISTINCT k.office_id) FROM reset_period_version k WHERE k.analysis_id = $2) AS periods,
              (SELECT array_agg(DISTINCT l.office_id) FROM reset_period_line l JOIN reset_period_version v ON v.id = l.period_version_id WHERE v.analysis_id = $2) AS period_lines`,
      [founder, analysisId],
    );
    for (const [table, ids] of Object.entries(offices))
      expect({ table, ids }).toEqual({ table, ids: [w.officeB] });
    // The sender's staff are no longer the case's: the receiving office assigns.
    const [moved] = await t.db.query(
      `SELECT c.advisor_id, (SELECT assignee_id FROM case_task WHERE case_id = c.id) AS assignee FROM founder_case c WHERE id = $1`,
      [caseId],
    );
    expect(moved).toEqual({ advisor_id: null, assignee: null });
    // The rows each office wrote keep their writer.
    const written = await t.db.query(
      `SELECT seq, event, office_code, written_office_id, office_id FROM case_history WHERE case_id = $1 ORDER BY seq`,
      [caseId],
    );
    expect(written).toHaveLength(historyBefore + 1);
    expect(
      written
        .slice(0, -1)
        .every((r: { written_office_id: string }) => r.written_office_id === w.officeA),
    ).toBe(true);
    expect(written[written.length - 1]).toEqual({
      seq: historyBefore + 1,
      event: 'TRANSFER',
      office_code: 'RUN-MZ',
      written_office_id: w.officeA,
      office_id: w.officeB,
    });
    const [resetWritten] = await t.db.query(
      `SELECT array_agg(DISTINCT written_office_id) AS ids FROM reset_history WHERE analysis_id = $1`,
      [analysisId],
    );
    expect(resetWritten.ids).toEqual([w.officeA]);
    const log = await t.db.query(
      `SELECT office_id FROM access_log WHERE resource_type = 'case_transfer' AND action = 'transition' AND resource_id = $1`,
      [transferId],
    );
    expect(log.map((r: { office_id: string }) => r.office_id).sort()).toEqual(
      [w.officeA, w.officeB].sort(),
    );
  });

  it('after: the receiving office alone sees and writes; the sender keeps only the transfer', async () => {
    const IN_B = expected({
      leadA: 404,
      advisorA: 404,
      auditorA: { case: 404, founder: 403, history: 404, contacts: 403, patch: 403, event: 403 },
      leadB: { case: 200, founder: 200, history: 200, contacts: 200, patch: 412, event: 400 },
      advisorB: { case: 200, founder: 200, history: 200, contacts: 200, patch: 412, event: 400 },
      auditorB: { case: 200, founder: 403, history: 200, contacts: 403, patch: 403, event: 403 },
      admin: 403,
      nobody: 403,
    });
    expect(await matrix(caseId, founder)).toEqual(IN_B);
    expect(await matrix(secondCaseId, founder)).toEqual(IN_B);
    const decided = await transferMatrix(transferId);
    expect(decided).toEqual({
      leadA: { get: 200, listed: true, accept: 403, decline: 403 },
      advisorA: { get: 200, listed: true, accept: 403, decline: 403 },
      auditorA: { get: 403, listed: false, accept: 403, decline: 403 },
      leadB: { get: 200, listed: true, accept: 409, decline: 409 },
      advisorB: { get: 200, listed: true, accept: 403, decline: 403 },
      auditorB: { get: 403, listed: false, accept: 403, decline: 403 },
      admin: { get: 403, listed: false, accept: 403, decline: 403 },
      nobody: { get: 403, listed: false, accept: 403, decline: 403 },
    });
    const again = await t.http().post(`/api/v1/transfers/${transferId}/accept`).set(w.as('leadB'));
    expect(again.body.code).toBe('transfer_decided');
    // The sender's lists and the analysis: gone for A, there for B.
    expect(
      (await t.http().get(`/api/v1/cases?founderId=${founder}`).set(w.as('leadA'))).body.items,
    ).toEqual([]);
    await t.http().get(`/api/v1/reset-analyses/${analysisId}`).set(w.as('leadA')).expect(404);
    await t.http().get(`/api/v1/reset-analyses/${analysisId}`).set(w.as('leadB')).expect(200);
    // The receiving office writes: its own advisor, a real change.
    await t
      .http()
      .patch(`/api/v1/cases/${caseId}`)
      .set(w.as('leadB'))
      .send({ advisorId: w.users.advisorB.id })
      .expect(200);
  });

  it('after: the chain holds the TRANSFER entry and verifies for the receiving office', async () => {
    const res = await t
      .http()
      .get(`/api/v1/cases/${caseId}/history?verify=true`)
      .set(w.as('advisorB'))
      .expect(200);
    expect(res.body.chain).toMatchObject({ valid: true, length: historyBefore + 1 });
    expect(res.body.items.at(-1)).toMatchObject({
      event: 'TRANSFER',
      fromPhase: 'access',
      toPhase: 'access',
      fromStatus: 'active',
      toStatus: 'active',
      payload: {},
      texts: { reason: 'Umzug nach Zwickau' },
    });
    // Auditors see the entry, not its text.
    const audited = await t
      .http()
      .get(`/api/v1/cases/${caseId}/history`)
      .set(w.as('auditorB'))
      .expect(200);
    expect(audited.body.items.at(-1)).toMatchObject({ event: 'TRANSFER', texts: null });
  });

  describe('the database', () => {
    async function asRequestRole<T>(
      offices: string[],
      work: (c: Client) => Promise<T>,
    ): Promise<T> {
      const database = new URL(t.config.databaseUrl!).pathname.slice(1);
      const client = new Client({ connectionString: requestUrl(database) });
      await client.connect();
      try {
        await client.query('BEGIN');
        await client.query(`SELECT set_config('app.office_ids', $1, true)`, [offices.join(',')]);
        return await work(client);
      } finally {
        await client.query('ROLLBACK').catch(() => undefined);
        await client.end();
      }
    }
    const count = async (c: Client, sql: string, params: unknown[]) =>
      (await c.query<{ n: number }>(sql, params)).rows[0].n;

    it('hides the moved rows from the sending office, except the history rows it wrote (no texts)', async () => {
      const seen = (offices: string[]) =>
        asRequestRole(offices, async (c) => ({
          founder: await count(c, `SELECT count(*)::int AS n FROM founder WHERE id = $1`, [
            founder,
          ]),
          cases: await count(
            c,
            `SELECT count(*)::int AS n FROM founder_case WHERE founder_id = $1`,
            [founder],
          ),
          contacts: await count(
            c,
            `SELECT count(*)::int AS n FROM case_contact WHERE case_id = ANY($1::uuid[])`,
            [[caseId, secondCaseId]],
          ),
          tasks: await count(
            c,
            `SELECT count(*)::int AS n FROM case_task WHERE case_id = ANY($1::uuid[])`,
            [[caseId, secondCaseId]],
          ),
          followUps: await count(
            c,
            `SELECT count(*)::int AS n FROM case_follow_up WHERE case_id = ANY($1::uuid[])`,
            [[caseId, secondCaseId]],
          ),
          history: await count(
            c,
            `SELECT count(*)::int AS n FROM case_history WHERE case_id = $1`,
            [caseId],
          ),
          texts: await count(
            c,
            `SELECT count(*)::int AS n FROM case_history_text WHERE case_id = $1`,
            [caseId],
          ),
          analyses: await count(c, `SELECT count(*)::int AS n FROM reset_analysis WHERE id = $1`, [
            analysisId,
          ]),
          resetHistory: await count(
            c,
            `SELECT count(*)::int AS n FROM reset_history WHERE analysis_id = $1`,
            [analysisId],
          ),
          resetTexts: await count(
            c,
            `SELECT count(*)::int AS n FROM reset_history_text WHERE analysis_id = ANY($1::uuid[])`,
            [[analysisId, cancelledId]],
          ),
          periods: await count(
            c,
            `SELECT count(*)::int AS n FROM reset_period_version WHERE analysis_id = $1`,
            [analysisId],
          ),
        }));
      expect(await seen([w.officeA])).toEqual({
        founder: 0,
        cases: 0,
        contacts: 0,
        tasks: 0,
        followUps: 0,
        // The rows it wrote, the TRANSFER row included; not the receiver's new ones.
        history: historyBefore + 1,
        texts: 0,
        analyses: 0,
        resetHistory: 1,
        resetTexts: 0,
        periods: 0,
      });
      const inB = await seen([w.officeB]);
      expect(inB).toMatchObject({
        resetTexts: 1,
        founder: 1,
        cases: 2,
        contacts: 1,
        tasks: 1,
        followUps: 1,
        analyses: 1,
        periods: 1,
      });
      expect(inB.history).toBe(historyBefore + 1);
      // The sender cannot write into what it wrote, nor move it back.
      const refused = await asRequestRole([w.officeA], async (c) => {
        const r = await c.query(`UPDATE case_history SET office_id = $1 WHERE case_id = $2`, [
          w.officeA,
          caseId,
        ]);
        return r.rowCount;
      });
      expect(refused).toBe(0);
    });

    it('lets an UPDATE of an append-only row change its office_id only', async () => {
      const attempt = (sql: string, id = caseId) =>
        t.db
          .transaction(async (m) => {
            await m.query(sql, [id]);
            throw new Error('rollback');
          })
          .catch((e: Error) => e.message);
      expect(
        await attempt(`UPDATE case_history SET office_id = office_id WHERE case_id = $1`),
      ).toBe('rollback');
      for (const sql of [
        `UPDATE case_history SET hash = repeat('0', 64) WHERE case_id = $1`,
        `UPDATE case_history SET office_id = written_office_id, event = 'X' WHERE case_id = $1`,
        `UPDATE case_history SET written_office_id = office_id WHERE case_id = $1`,
        `DELETE FROM case_history WHERE case_id = $1`,
      ])
        expect({ sql, error: await attempt(sql) }).toEqual({
          sql,
          error: expect.stringContaining('append-only'),
        });
      expect(
        await attempt(
          `UPDATE reset_period_version SET office_id = office_id WHERE analysis_id = $1`,
          analysisId,
        ),
      ).toBe('rollback');
      for (const sql of [
        `UPDATE reset_history SET event = event || 'x' WHERE analysis_id = $1`,
        `DELETE FROM reset_period_line WHERE period_version_id IN (SELECT id FROM reset_period_version WHERE analysis_id = $1)`,
      ])
        expect({ sql, error: await attempt(sql, analysisId) }).toEqual({
          sql,
          error: expect.stringContaining('append-only'),
        });
    });
  });

  describe('exports', () => {
    const exportAs = (persona: Persona, query = '') =>
      t
        .http()
        .get(`/api/v1/exports/phase-history${query}`)
        .set(w.as(persona))
        .buffer(true)
        .parse(bufferBody)
        .expect(200);
    const csvRows = (body: Buffer) =>
      parse<Record<string, string>>(body, { columns: true, bom: true, record_delimiter: '\r\n' });
    const verify = async (persona: Persona, body: Buffer, exportId: string) =>
      (
        await t
          .http()
          .post(`/api/v1/exports/verify?exportId=${exportId}`)
          .set(w.as(persona))
          .set('content-type', 'text/csv')
          .send(body)
          .expect(200)
      ).body;

    it('gives the sender its rows and the TRANSFER, pseudonymised even for its lead, and they verify', async () => {
      const res = await exportAs('leadA', '?pseudonymize=false&includeText=true');
      const rows = csvRows(res.body);
      const caseRows = rows;
      const transfer = caseRows.filter((r) => r.event === 'TRANSFER');
      expect(transfer).toHaveLength(2);
      expect(
        transfer.every((r) => r.officeCode === 'RUN-MZ' && r.caseId === '' && r.reason === ''),
      ).toBe(true);
      const text = (res.body as Buffer).toString('utf8');
      for (const secret of [caseId, secondCaseId, 'Umzug nach Zwickau', 'Krankheit'])
        expect(text).not.toContain(secret);
      const ref = transfer[0].caseRef;
      const chain = caseRows.filter((r) => r.caseRef === ref);
      expect(chain.map((r) => Number(r.seq))).toEqual(chain.map((_, i) => i + 1));
      expect(chain.at(-1)!.event).toBe('TRANSFER');
      const report = await verify('leadA', res.body, res.headers['x-export-id']);
      expect(report).toMatchObject({
        valid: true,
        chains: { broken: [] },
        manifest: {
          signatureValid: true,
          digestMatches: true,
          headsMatch: true,
          rowCountMatches: true,
        },
      });
      // The independent verifier agrees.
      const key = (await t.http().get('/api/v1/exports/public-key').set(w.as('leadA')).expect(200))
        .body;
      const manifest = (
        await t
          .http()
          .get(`/api/v1/exports/${res.headers['x-export-id']}/manifest`)
          .set(w.as('leadA'))
          .expect(200)
      ).body;
      expect(manifest.chainHeads[ref]).toBe(chain.at(-1)!.hash);
      writeFileSync(join(dir, 'a.csv'), res.body as Buffer);
      writeFileSync(join(dir, 'a.manifest.json'), JSON.stringify(manifest));
      writeFileSync(join(dir, 'key.pem'), key.publicKeyPem);
      const { stdout } = await promisify(execFile)(PYTHON, [
        join(__dirname, '../tools/verify_export.py'),
        join(dir, 'a.csv'),
        '--manifest',
        join(dir, 'a.manifest.json'),
        '--public-key',
        join(dir, 'key.pem'),
      ]);
      expect(JSON.parse(stdout)).toMatchObject({ valid: true, chains: { broken: [] } });
    });

    it('gives the receiver the whole chain, with ids and texts for its lead, and it verifies', async () => {
      const res = await exportAs('leadB', '?pseudonymize=false&includeText=true');
      const rows = csvRows(res.body).filter((r) => r.caseId === caseId);
      expect(rows.map((r) => Number(r.seq))).toEqual(rows.map((_, i) => i + 1));
      expect(rows.length).toBe(historyBefore + 1);
      expect(rows.at(-1)).toMatchObject({
        event: 'TRANSFER',
        officeCode: 'RUN-MZ',
        reason: 'Umzug nach Zwickau',
      });
      expect(rows.find((r) => r.event === 'PAUSE')).toMatchObject({ reason: 'Krankheit' });
      expect(await verify('leadB', res.body, res.headers['x-export-id'])).toMatchObject({
        valid: true,
        chains: { broken: [] },
      });
      const auditor = csvRows((await exportAs('auditorA')).body);
      expect(auditor.filter((r) => r.event === 'TRANSFER')).toHaveLength(2);
    });
  });

  describe('a declined transfer', () => {
    let other: string;
    let otherCase: string;
    let declined: string;
    beforeAll(async () => {
      other = await insertFounder(t, w.officeA, { last_name: 'Nowak' });
      otherCase = (await openCase(t, w, 'advisorA', other)).id;
    });

    it('moves nothing, writes no history, and the case is writable again', async () => {
      declined = (
        await t
          .http()
          .post(`/api/v1/cases/${otherCase}/transfer`)
          .set(w.as('leadA'))
          .send({ toOfficeId: w.officeB, reason: 'Angebot in Zwickau' })
          .expect(201)
      ).body.id;
      await t
        .http()
        .post(`/api/v1/transfers/${declined}/decline`)
        .set(w.as('leadB'))
        .send({ reason: '' })
        .expect(400);
      await t
        .http()
        .post(`/api/v1/transfers/${declined}/decline`)
        .set(w.as('leadB'))
        .send({ note: 'x' })
        .expect(400);
      const history = await historyCount(otherCase);
      const res = await t
        .http()
        .post(`/api/v1/transfers/${declined}/decline`)
        .set(w.as('leadB'))
        .send({ reason: 'Keine Kapazität' })
        .expect(200);
      expect(res.body).toMatchObject({
        state: 'declined',
        decidedBy: w.users.leadB.id,
        decisionReason: 'Keine Kapazität',
      });
      expect(await historyCount(otherCase)).toBe(history);
      expect(await matrix(otherCase, other)).toEqual(IN_A);
      await t.http().post(`/api/v1/transfers/${declined}/accept`).set(w.as('leadB')).expect(409);
      expect(
        (await t.http().post(`/api/v1/transfers/${declined}/decline`).set(w.as('leadB')).send({}))
          .body.code,
      ).toBe('transfer_decided');
      const log = await t.db.query(
        `SELECT office_id, details->>'decision' AS decision FROM access_log WHERE resource_type = 'case_transfer' AND action = 'transition' AND resource_id = $1`,
        [declined],
      );
      expect(log).toHaveLength(2);
      expect(log.every((r: { decision: string }) => r.decision === 'declined')).toBe(true);
      await t
        .http()
        .patch(`/api/v1/cases/${otherCase}`)
        .set(w.as('advisorA'))
        .send({ businessIdea: 'Imbiss' })
        .expect(200);
      // And it can be asked again.
      await t
        .http()
        .post(`/api/v1/cases/${otherCase}/transfer`)
        .set(w.as('advisorA'))
        .send({ toOfficeId: w.officeB, reason: 'doch' })
        .expect(201);
    });

    it('refuses the transfer of an erased founder', async () => {
      const erased = await insertFounder(t, w.officeA, { last_name: 'Weg' });
      const c = (await openCase(t, w, 'advisorA', erased)).id;
      // An earlier, declined hand-over: its reasons can name the person, so erasure clears them.
      const earlier = (
        await t
          .http()
          .post(`/api/v1/cases/${c}/transfer`)
          .set(w.as('advisorA'))
          .send({ toOfficeId: w.officeB, reason: 'Frau Weg zieht zu ihrer Schwester' })
          .expect(201)
      ).body.id;
      await t
        .http()
        .post(`/api/v1/transfers/${earlier}/decline`)
        .set(w.as('leadB'))
        .send({ reason: 'Frau Weg ist bekannt' })
        .expect(200);
      await t.http().post(`/api/v1/founders/${erased}/erase`).set(w.as('leadA')).expect(200);
      const [kept] = await t.db.query(
        `SELECT reason, decision_reason FROM case_transfer WHERE id = $1`,
        [earlier],
      );
      expect(kept.reason).not.toContain('Weg');
      expect(kept.decision_reason).toBeNull();
      const res = await t
        .http()
        .post(`/api/v1/cases/${c}/transfer`)
        .set(w.as('leadA'))
        .send({ toOfficeId: w.officeB, reason: 'x' })
        .expect(409);
      expect(res.body.code).toBe('founder_erased');
    });
  });
});

import { todayInBerlin } from '../src/common/time/calendar-date';
import { insertFounder, openCase, sendEvent } from './support/cases';
import { HALF_YEAR_2025 } from './support/fuzz';
import { createAnalysis } from './support/reset';
import type { TestApp } from './support/test-app';
import { useSeededApp, type Persona, type World } from './support/world';

interface TaskItem {
  id: string;
  kind: string;
  officeId: string;
  caseId: string | null;
  analysisId: string | null;
  dueOn: string;
  horizonOn: string | null;
  assigneeId: string | null;
  reason: { rule: string; dates: Record<string, string>; settings: Record<string, unknown> };
  title: string | null;
}

const today = todayInBerlin();
function plusDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
/** PostgreSQL's date + interval 'n months' (the day clamped to the month's end). */
function plusMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number);
  const first = new Date(Date.UTC(y, m - 1 + months, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  first.setUTCDate(Math.min(d, last));
  return first.toISOString().slice(0, 10);
}

describe('the desk: GET /api/v1/tasks', () => {
  let t: TestApp;
  let w: World;
  useSeededApp((app, world) => ([t, w] = [app, world]));

  const get = (persona: Persona, query: Record<string, string | number> = {}) =>
    t.http().get('/api/v1/tasks').query(query).set(w.as(persona));

  /** Every open task the persona sees (all pages), in the order the pages gave them. */
  async function allTasks(
    persona: Persona,
    query: Record<string, string | number> = {},
  ): Promise<TaskItem[]> {
    const items: TaskItem[] = [];
    let cursor: string | null = null;
    do {
      const res = await get(persona, {
        ...query,
        limit: 200,
        ...(cursor ? { cursor } : {}),
      }).expect(200);
      items.push(...(res.body.items as TaskItem[]));
      cursor = res.body.nextCursor as string | null;
    } while (cursor);
    return items;
  }

  const tasksOfCase = async (caseId: string, persona: Persona = 'advisorA', query = {}) =>
    (await allTasks(persona, query)).filter((x) => x.caseId === caseId);

  /**
   * Noon (Europe/Berlin) n days before today there: "now() - n days" in UTC lands on the Berlin
   * day after when the span crosses the end of summer time and the clock reads 22:00-23:00 UTC.
   */
  const berlinNoonDaysAgo = (n: number) =>
    `((now() AT TIME ZONE 'Europe/Berlin')::date - ${n} + time '12:00') AT TIME ZONE 'Europe/Berlin'`;

  /** A fresh case of office A, advised by advisorA, with its data and milestones set by PATCH. */
  async function caseWith(body: object = {}, founder: object = {}): Promise<string> {
    const founderId = await insertFounder(t, w.officeA, founder);
    const c = await openCase(t, w, 'advisorA', founderId, { advisorId: w.users.advisorA.id });
    if (Object.keys(body).length > 0)
      await t
        .http()
        .patch(`/api/v1/cases/${c.id}`)
        .set(w.as('advisorA'))
        .set('If-Match', `"${c.version}"`)
        .send(body)
        .expect(200);
    return c.id;
  }

  const setCase = (id: string, sql: string, params: unknown[] = []) =>
    t.db.query(`UPDATE founder_case SET ${sql} WHERE id = $1`, [id, ...params]);

  const version = async (caseId: string): Promise<number> =>
    (await t.db.query(`SELECT version FROM founder_case WHERE id = $1`, [caseId]))[0].version;

  describe('each kind appears while its facts hold and goes when the completing fact is recorded', () => {
    it('first_counselling_overdue: until a first-counselling contact is recorded', async () => {
      const scheduled = plusDays(today, -3);
      const id = await caseWith({ firstCounsellingScheduledOn: scheduled });
      const [task] = await tasksOfCase(id);
      expect(task).toEqual({
        id: `first_counselling_overdue:${id}`,
        kind: 'first_counselling_overdue',
        officeId: w.officeA,
        caseId: id,
        analysisId: null,
        dueOn: scheduled,
        horizonOn: null,
        assigneeId: w.users.advisorA.id,
        reason: expect.objectContaining({ dates: { scheduledOn: scheduled }, settings: {} }),
        title: null,
      });
      // A scheduled date still ahead is no task.
      const later = await caseWith({ firstCounsellingScheduledOn: today });
      expect(await tasksOfCase(later)).toEqual([]);

      await t
        .http()
        .post(`/api/v1/cases/${id}/contacts`)
        .set(w.as('advisorA'))
        .set('If-Match', `"${await version(id)}"`)
        .send({ on: today, minutes: 60, format: 'in_person', kind: 'first_counselling' })
        .expect(201);
      expect(await tasksOfCase(id)).toEqual([]);
    });

    it('funding_application_before_start: from fundingLeadDays before the start until applied', async () => {
      const start = plusDays(today, 10);
      const id = await caseWith({ fundingRoute: 'gruendungszuschuss', plannedStartOn: start });
      const tasks = await tasksOfCase(id);
      expect(tasks).toMatchObject([
        {
          id: `funding_application_before_start:${id}`,
          dueOn: plusDays(start, -1),
          reason: { dates: { plannedStartOn: start }, settings: { fundingLeadDays: 14 } },
        },
      ]);
      // Not yet 20 days ahead; other routes need no application before the start.
      const far = await caseWith({
        fundingRoute: 'einstiegsgeld',
        plannedStartOn: plusDays(today, 20),
      });
      const none = await caseWith({ fundingRoute: 'none', plannedStartOn: start });
      expect(await tasksOfCase(far)).toEqual([]);
      expect(await tasksOfCase(none)).toEqual([]);

      await t
        .http()
        .patch(`/api/v1/cases/${id}`)
        .set(w.as('advisorA'))
        .set('If-Match', `"${await version(id)}"`)
        .send({ fundingAppliedOn: today })
        .expect(200);
      expect(await tasksOfCase(id)).toEqual([]);
    });

    it('einstiegsgeld_ends: within einstiegsgeldWarningDays of its end, while active', async () => {
      const ends = plusDays(today, 30);
      const byEnd = await caseWith({ fundingRoute: 'einstiegsgeld' });
      await setCase(byEnd, 'funding_ends_on = $2', [ends]);
      const starts = plusDays(plusMonths(today, -24), 5);
      const byStart = await caseWith({ fundingRoute: 'einstiegsgeld' });
      await setCase(byStart, 'funding_starts_on = $2', [starts]);
      const farEnd = await caseWith({ fundingRoute: 'einstiegsgeld' });
      await setCase(farEnd, 'funding_ends_on = $2', [plusDays(today, 61)]);

      expect(await tasksOfCase(byEnd)).toMatchObject([
        {
          id: `einstiegsgeld_ends:${byEnd}`,
          dueOn: ends,
          reason: { dates: { fundingEndsOn: ends } },
        },
      ]);
      expect(await tasksOfCase(byStart)).toMatchObject([
        { dueOn: plusMonths(starts, 24), reason: { dates: { fundingStartsOn: starts } } },
      ]);
      expect(await tasksOfCase(farEnd)).toEqual([]);

      await sendEvent(t, w, 'advisorA', byEnd, { type: 'PAUSE', reason: 'Krankheit' }).expect(200);
      expect(await tasksOfCase(byEnd)).toEqual([]);
    });

    it('stale_case: more than staleDays[phase] days without activity, until the next one', async () => {
      const id = await caseWith();
      await setCase(id, `updated_at = ${berlinNoonDaysAgo(61)}`);
      const lastActivity = (
        await t.db.query(
          `SELECT (updated_at AT TIME ZONE 'Europe/Berlin')::date::text AS d FROM founder_case WHERE id = $1`,
          [id],
        )
      )[0].d as string;
      expect(await tasksOfCase(id)).toMatchObject([
        {
          id: `stale_case:${id}`,
          kind: 'stale_case',
          dueOn: plusDays(lastActivity, 61),
          reason: { dates: { lastActivityOn: lastActivity }, settings: { staleDays: 60 } },
        },
      ]);
      const fresh = await caseWith();
      await setCase(fresh, `updated_at = ${berlinNoonDaysAgo(59)}`);
      expect(await tasksOfCase(fresh)).toEqual([]);
      // Exactly staleDays days is not yet more than staleDays: due tomorrow, not on the desk.
      const edge = await caseWith();
      await setCase(edge, `updated_at = ${berlinNoonDaysAgo(60)}`);
      expect(await tasksOfCase(edge)).toEqual([]);
      // Paused cases are dormant on purpose.
      const paused = await caseWith();
      await sendEvent(t, w, 'advisorA', paused, { type: 'PAUSE', reason: 'Elternzeit' }).expect(
        200,
      );
      await setCase(paused, `updated_at = ${berlinNoonDaysAgo(90)}`);
      expect(await tasksOfCase(paused)).toEqual([]);

      await t
        .http()
        .post(`/api/v1/cases/${id}/contacts`)
        .set(w.as('advisorA'))
        .set('If-Match', `"${await version(id)}"`)
        .send({ on: today, minutes: 30, format: 'phone', kind: 'counselling' })
        .expect(201);
      expect(await tasksOfCase(id)).toEqual([]);
    });

    it('follow_up_6_months: exit + 6 months with consent, until a follow-up on or after the exit', async () => {
      const id = await caseWith();
      await sendEvent(t, w, 'advisorA', id, { type: 'DROP_OUT', reasonCode: 'moved' }).expect(200);
      const exited = plusDays(today, -200);
      await setCase(id, 'exited_on = $2', [exited]);
      // Without consent to the follow-up there is no task.
      expect(await tasksOfCase(id)).toEqual([]);
      await t.db.query(
        `UPDATE founder SET follow_up_consent_on = $2 WHERE id = (SELECT founder_id FROM founder_case WHERE id = $1)`,
        [id, plusDays(today, -300)],
      );
      expect(await tasksOfCase(id)).toMatchObject([
        { id: `follow_up_6_months:${id}:${exited}`, dueOn: plusMonths(exited, 6) },
      ]);
      const followUp = `INSERT INTO case_follow_up (office_id, case_id, history_seq, "on", situation, still_self_employed)
        VALUES ($1, $2, $3, $4, 'employed', false)`;
      // One before the exit does not count.
      await t.db.query(followUp, [w.officeA, id, 90, plusDays(exited, -1)]);
      expect(await tasksOfCase(id)).toHaveLength(1);
      await t.db.query(followUp, [w.officeA, id, 91, today]);
      expect(await tasksOfCase(id)).toEqual([]);
    });

    it('consent_review: a founder on another consent version than the office’s current one', async () => {
      const id = await caseWith();
      expect(await tasksOfCase(id)).toEqual([]);
      const since = plusDays(today, -5);
      await t.db.query(
        `INSERT INTO office_settings (office_id, eks_final_offset_months, funding_lead_days, einstiegsgeld_warning_days, stale_days, current_consent_version, consent_version_since)
         VALUES ($1, 2, 14, 60, '{}', 'v2', $2)`,
        [w.officeA, since],
      );
      try {
        expect(await tasksOfCase(id)).toMatchObject([
          {
            id: `consent_review:${id}`,
            dueOn: since,
            reason: { settings: { currentConsentVersion: 'v2' } },
          },
        ]);
        await t.db.query(
          `UPDATE founder SET consent_version = 'v2' WHERE id = (SELECT founder_id FROM founder_case WHERE id = $1)`,
          [id],
        );
        expect(await tasksOfCase(id)).toEqual([]);
      } finally {
        await t.db.query(`DELETE FROM office_settings WHERE office_id = $1`, [w.officeA]);
      }
    });

    it('eks_final_declaration of an SGB II benefit period: end + 2 months until the final income is declared', async () => {
      const ends = plusDays(today, -10);
      const id = await caseWith({ benefitPeriodEndsOn: ends });
      expect(await tasksOfCase(id)).toMatchObject([
        {
          id: `eks_final_declaration:${id}:${ends}`,
          analysisId: null,
          dueOn: plusMonths(ends, 2),
          horizonOn: plusMonths(ends, 12),
          reason: { dates: { benefitPeriodEndsOn: ends }, settings: { eksFinalOffsetMonths: 2 } },
        },
      ]);
      // Not for a founder outside SGB II, nor before the period's end, nor a year after it.
      const sgb3 = await caseWith({ benefitPeriodEndsOn: ends }, { benefit_status: 'sgb3' });
      const running = await caseWith({ benefitPeriodEndsOn: today });
      const old = await caseWith({ benefitPeriodEndsOn: plusMonths(today, -13) });
      for (const other of [sgb3, running, old]) expect(await tasksOfCase(other)).toEqual([]);

      await t
        .http()
        .patch(`/api/v1/cases/${id}`)
        .set(w.as('advisorA'))
        .set('If-Match', `"${await version(id)}"`)
        .send({ finalIncomeDeclaredOn: today })
        .expect(200);
      expect(await tasksOfCase(id)).toEqual([]);
    });

    it('eks_final_declaration of a RE_SET period: its deadline or end + 2 months, until a final version', async () => {
      const caseId = await caseWith();
      const founderId = (
        await t.db.query(`SELECT founder_id FROM founder_case WHERE id = $1`, [caseId])
      )[0].founder_id as string;
      const analysisId = await createAnalysis(t, w, founderId);
      await t.db.query(`UPDATE reset_analysis SET case_id = $2 WHERE id = $1`, [
        analysisId,
        caseId,
      ]);
      // Two periods of the last year: the one with the Jobcenter's deadline, the other without.
      const months = (first: string) =>
        HALF_YEAR_2025.months
          .slice(0, 3)
          .map((m, i) => ({ ...m, month: plusMonths(first, i).slice(0, 7) }));
      const firstOfMonth = (d: string) => `${d.slice(0, 8)}01`;
      const aStart = firstOfMonth(plusMonths(today, -8));
      const aEnd = plusDays(plusMonths(aStart, 3), -1);
      const bStart = plusMonths(aStart, 3);
      const bEnd = plusDays(plusMonths(bStart, 3), -1);
      const dueOn = plusDays(today, 20);
      const put = async (start: string, body: object, status: number) => {
        const v = (
          await t.db.query(`SELECT version FROM reset_analysis WHERE id = $1`, [analysisId])
        )[0].version;
        await t
          .http()
          .put(`/api/v1/reset-analyses/${analysisId}/periods/${start}`)
          .set(w.as('advisorA'))
          .set('If-Match', `"${v}"`)
          .send({ months: months(start), ...body })
          .expect(status);
      };
      await put(
        aStart,
        { periodEnd: aEnd, kind: 'provisional', finalDeclarationDueOn: dueOn },
        201,
      );
      await put(bStart, { periodEnd: bEnd, kind: 'provisional' }, 201);
      const eks = (await tasksOfCase(caseId)).filter((x) => x.kind === 'eks_final_declaration');
      expect(eks).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            id: `eks_final_declaration:${analysisId}:${aStart}`,
            analysisId,
            dueOn,
            horizonOn: plusMonths(aEnd, 12),
            assigneeId: w.users.advisorA.id,
          }),
          expect.objectContaining({
            id: `eks_final_declaration:${analysisId}:${bStart}`,
            dueOn: plusMonths(bEnd, 2),
            reason: expect.objectContaining({ settings: { eksFinalOffsetMonths: 2 } }),
          }),
        ]),
      );
      expect(eks).toHaveLength(2);

      await put(aStart, { periodEnd: aEnd, kind: 'final' }, 200);
      expect(
        (await tasksOfCase(caseId))
          .filter((x) => x.kind === 'eks_final_declaration')
          .map((x) => x.id),
      ).toEqual([`eks_final_declaration:${analysisId}:${bStart}`]);
      // A cancelled analysis asks for nothing more.
      await t.db.query(`UPDATE reset_analysis SET state = 'cancelled' WHERE id = $1`, [analysisId]);
      expect(await tasksOfCase(caseId)).toEqual([]);
    });

    it('manual: an open case task, with its own assignee and title, until done', async () => {
      const id = await caseWith();
      const [task] = await t.db.query(
        `INSERT INTO case_task (office_id, case_id, title, due_on, assignee_id) VALUES ($1, $2, 'Unterlagen anfordern', $3, $4) RETURNING id`,
        [w.officeA, id, plusDays(today, 3), w.users.leadA.id],
      );
      expect(await tasksOfCase(id)).toEqual([
        expect.objectContaining({
          id: `manual:${task.id}`,
          kind: 'manual',
          title: 'Unterlagen anfordern',
          assigneeId: w.users.leadA.id,
          dueOn: plusDays(today, 3),
        }),
      ]);
      await t.db.query(`UPDATE case_task SET done_at = now() WHERE id = $1`, [task.id]);
      expect(await tasksOfCase(id)).toEqual([]);
    });

    it('skips erased founders', async () => {
      const id = await caseWith({ firstCounsellingScheduledOn: plusDays(today, -1) });
      expect(await tasksOfCase(id)).toHaveLength(1);
      await t.db.query(
        `UPDATE founder SET erased_at = now() WHERE id = (SELECT founder_id FROM founder_case WHERE id = $1)`,
        [id],
      );
      expect(await tasksOfCase(id)).toEqual([]);
    });
  });

  describe('filters, pages and scope', () => {
    let overdue: string;
    let dueToday: string;
    let inWeek: string;
    let ofLead: string;
    let inB: string;
    beforeAll(async () => {
      overdue = await caseWith({ firstCounsellingScheduledOn: plusDays(today, -2) });
      // planned start tomorrow: the application is due today; in 7 days: due in 6 days.
      dueToday = await caseWith({
        fundingRoute: 'sgb2_16c',
        plannedStartOn: plusDays(today, 1),
      });
      inWeek = await caseWith({ fundingRoute: 'sgb2_16c', plannedStartOn: plusDays(today, 7) });
      ofLead = await caseWith({
        firstCounsellingScheduledOn: plusDays(today, -2),
        advisorId: w.users.leadA.id,
      });
      const founderB = await insertFounder(t, w.officeB);
      inB = (await openCase(t, w, 'advisorB', founderB)).id;
      await setCase(inB, 'first_counselling_scheduled_on = $2', [plusDays(today, -2)]);
    });

    it('due=overdue|today|week narrow by dueOn against today (Europe/Berlin)', async () => {
      const ids = async (due: string) => (await allTasks('advisorA', { due })).map((x) => x.caseId);
      const [o, d, wk, all] = await Promise.all(['overdue', 'today', 'week', 'all'].map(ids));
      expect(o).toContain(overdue);
      expect(o).not.toContain(dueToday);
      expect(d).toContain(dueToday);
      expect(d).not.toContain(overdue);
      expect(d).not.toContain(inWeek);
      expect(wk).toEqual(expect.arrayContaining([dueToday, inWeek]));
      expect(wk).not.toContain(overdue);
      expect(all).toEqual(expect.arrayContaining([overdue, dueToday, inWeek]));
      for (const x of await allTasks('advisorA', { due: 'overdue' }))
        expect(x.dueOn < today).toBe(true);
      for (const x of await allTasks('advisorA', { due: 'week' }))
        expect(x.dueOn >= today && x.dueOn <= plusDays(today, 6)).toBe(true);
    });

    it('kind= narrows to the kinds listed, comma-separated', async () => {
      const got = await allTasks('advisorA', { kind: 'funding_application_before_start,manual' });
      expect(new Set(got.map((x) => x.kind))).toEqual(
        new Set(['funding_application_before_start']),
      );
      expect(got.map((x) => x.caseId)).toEqual(expect.arrayContaining([dueToday, inWeek]));
      const one = await allTasks('advisorA', { kind: 'first_counselling_overdue' });
      expect(one.every((x) => x.kind === 'first_counselling_overdue')).toBe(true);
    });

    it('assigneeId=me or a user id: the tasks assigned to them', async () => {
      const mine = await allTasks('leadA', { assigneeId: 'me' });
      expect(mine.map((x) => x.caseId)).toContain(ofLead);
      expect(mine.every((x) => x.assigneeId === w.users.leadA.id)).toBe(true);
      const advisors = await allTasks('leadA', { assigneeId: w.users.advisorA.id });
      expect(advisors.map((x) => x.caseId)).toContain(overdue);
      expect(advisors.map((x) => x.caseId)).not.toContain(ofLead);
    });

    it('pages by (dueOn, id): the walk with small pages is the one big page, sorted', async () => {
      const whole = (await get('advisorA', { limit: 200 }).expect(200)).body.items as TaskItem[];
      expect(whole.length).toBeGreaterThan(4);
      const sorted = [...whole].sort((a, b) =>
        a.dueOn !== b.dueOn ? (a.dueOn < b.dueOn ? -1 : 1) : a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
      );
      expect(whole).toEqual(sorted);
      const walked: TaskItem[] = [];
      let cursor: string | null = null;
      do {
        const res = await get('advisorA', { limit: 2, ...(cursor ? { cursor } : {}) }).expect(200);
        expect(res.body.items.length).toBeLessThanOrEqual(2);
        walked.push(...(res.body.items as TaskItem[]));
        cursor = res.body.nextCursor as string | null;
      } while (cursor);
      expect(walked).toEqual(whole);
    });

    it('keeps to the caller’s offices: officeId narrows, another office is an empty page', async () => {
      const a = await allTasks('advisorA');
      expect(a.every((x) => x.officeId === w.officeA)).toBe(true);
      expect(a.map((x) => x.caseId)).not.toContain(inB);
      expect((await allTasks('advisorB')).map((x) => x.caseId)).toContain(inB);
      expect((await get('advisorA', { officeId: w.officeB }).expect(200)).body).toEqual({
        items: [],
        nextCursor: null,
      });
      expect((await allTasks('advisorA', { officeId: w.officeA })).length).toBe(a.length);
      // An administrator holds tasks.read nowhere; auditors do not read the desk.
      await get('auditorA').expect(403);
    });

    it('logs one access-log entry per read, with counts, not names', async () => {
      const res = await get('advisorA', { due: 'overdue', limit: 3 }).expect(200);
      expect(res.body.items.length).toBeGreaterThan(0);
      const [entry] = await t.db.query(
        `SELECT * FROM access_log WHERE actor_id = $1 AND resource_type = 'task' ORDER BY at DESC LIMIT 1`,
        [w.users.advisorA.id],
      );
      expect(entry).toMatchObject({ action: 'list', resource_id: null });
      expect(entry.details).toEqual({ count: res.body.items.length, due: 'overdue' });
    });

    it('takes a settings change on the next read', async () => {
      const start = plusDays(today, 20);
      const id = await caseWith({ fundingRoute: 'einstiegsgeld', plannedStartOn: start });
      expect(await tasksOfCase(id)).toEqual([]);
      await t.db.query(
        `INSERT INTO office_settings (office_id, eks_final_offset_months, funding_lead_days, einstiegsgeld_warning_days, stale_days)
         VALUES ($1, 2, 30, 60, '{"access": 10}')`,
        [w.officeA],
      );
      try {
        const tasks = await tasksOfCase(id);
        expect(tasks).toMatchObject([
          {
            kind: 'funding_application_before_start',
            reason: { settings: { fundingLeadDays: 30 } },
          },
        ]);
        // staleDays per phase: 10 days in access now.
        await setCase(id, `updated_at = now() - interval '12 days'`);
        expect((await tasksOfCase(id)).map((x) => x.kind).sort()).toEqual([
          'funding_application_before_start',
          'stale_case',
        ]);
      } finally {
        await t.db.query(`DELETE FROM office_settings WHERE office_id = $1`, [w.officeA]);
      }
      expect(await tasksOfCase(id)).toEqual([]);
    });

    it.each([
      ['kind', { kind: 'stale_case,nonsense' }],
      ['kind', { kind: '' }],
      ['due', { due: 'tomorrow' }],
      ['assigneeId', { assigneeId: 'you' }],
      ['officeId', { officeId: 'not-a-uuid' }],
      ['cursor', { cursor: 'garbage' }],
      ['cursor', { cursor: Buffer.from('["2026-02-30","stale_case:x"]').toString('base64url') }],
      ['cursor', { cursor: Buffer.from(`["${today}","x'; DROP"]`).toString('base64url') }],
      ['limit', { limit: 0 }],
      ['limit', { limit: 201 }],
      ['unknown', { sort: 'due' }],
    ])('answers 400 validation_failed for a bad %s', async (_, query) => {
      const res = await get('advisorA', query).expect(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.code).toBe('validation_failed');
    });
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { todayInBerlin } from '../src/common/time/iso-date';
import { reportDocs } from '../src/reports/report-docs';
import { insertFounder, openCase, sendEvent } from './support/cases';
import type { TestApp } from './support/test-app';
import { useSeededApp, World } from './support/world';

/** What every report shares: who may read it, its parameters and the counts the triggers keep. */
describe('reports: access, parameters and the daily counts', () => {
  let t: TestApp;
  let w: World;
  useSeededApp((app, world) => ([t, w] = [app, world]));
  const report = (name: string) => t.http().get(`/api/v1/reports/${name}`);

  it('lets leads and auditors read reports, an advisor only the caseload, nobody else anything', async () => {
    await report('funnel').set(w.as('leadA')).expect(200);
    await report('funnel').set(w.as('auditorA')).expect(200);
    const refused = await report('funnel').set(w.as('advisorA')).expect(403);
    expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
    await report('caseload').set(w.as('advisorA')).expect(200);
    await report('caseload').set(w.as('nobody')).expect(403);
    await report('funnel').expect(401);
  });

  it('refuses an office the caller may not read, bad dates and bad options with a 4xx problem', async () => {
    const other = await report('funnel').query({ officeId: w.officeB }).set(w.as('leadA'));
    expect(other.status).toBe(403);
    expect(other.body.code).toBe('forbidden');
    for (const query of [
      { from: '2026-03-01', to: '2026-02-01' },
      { from: '2010-01-01', to: '2026-02-01' },
      { from: '2026-02-30' },
      { groupBy: 'week' },
      { format: 'pdf' },
      { lang: 'fr' },
      { officeId: 'not-a-uuid' },
      { staleDays: '0' },
      { staleDays: '0x10' },
    ]) {
      const res = await report('funnel').query(query).set(w.as('leadA'));
      expect({ query, status: res.status, code: res.body.code }).toEqual({
        query,
        status: 400,
        code: 'validation_failed',
      });
    }
  });

  it('answers JSON with the parameters, defaults from today and Accept-Language, and logs the read', async () => {
    const res = await report('funnel')
      .set(w.as('leadA'))
      .set('Accept-Language', 'en-GB,en;q=0.9,de;q=0.5')
      .expect(200);
    const today = todayInBerlin();
    expect(res.body).toMatchObject({
      report: 'funnel',
      lang: 'en',
      officeIds: [w.officeA],
      from: `${today.slice(0, 4)}-01-01`,
      to: today,
      groupBy: 'month',
    });
    expect(res.headers['content-language']).toBe('en');
    expect(res.body.columns.slice(0, 3).map((c: { key: string }) => c.key)).toEqual([
      'officeId',
      'officeCode',
      'officeName',
    ]);
    const de = await report('funnel').set(w.as('leadA')).expect(200);
    expect(de.body.lang).toBe('de');
    expect(de.body.columns[2].label).toBe('Stelle');
    const logged = await t.db.query(
      `SELECT office_id, action, details FROM access_log WHERE resource_type = 'report' AND actor_id = $1`,
      [w.users.leadA.id],
    );
    expect(logged.length).toBeGreaterThanOrEqual(2);
    expect(logged[0]).toMatchObject({ office_id: w.officeA, action: 'read' });
    expect(logged[0].details).toMatchObject({ report: 'funnel', officeIds: [w.officeA] });
  });

  it('counts a case opened and its events in the writing transaction, readable only in its office', async () => {
    const founder = await insertFounder(t, w.officeA, { last_name: 'Tally' });
    const c = await openCase(t, w, 'advisorA', founder);
    await sendEvent(t, w, 'advisorA', c.id, { type: 'PAUSE', reason: 'Urlaub' }).expect(200);
    await sendEvent(t, w, 'advisorA', c.id, { type: 'RESUME' }).expect(200);
    await sendEvent(t, w, 'advisorA', c.id, { type: 'PAUSE', reason: 'Krank' }).expect(200);
    const today = todayInBerlin();
    const counts = await t.db.query(
      `SELECT metric, key, n FROM report_day_count WHERE office_id = $1 AND day = $2 ORDER BY metric, key`,
      [w.officeA, today],
    );
    expect(counts).toEqual(
      expect.arrayContaining([
        { metric: 'created', key: '', n: expect.any(Number) },
        { metric: 'event', key: 'PAUSE', n: expect.any(Number) },
        { metric: 'event', key: 'RESUME', n: expect.any(Number) },
        { metric: 'pause', key: 'access', n: expect.any(Number) },
      ]),
    );
    const [{ created }] = await t.db.query(
      `SELECT count(*)::int AS created FROM founder_case
        WHERE created_office_id = $1 AND (created_at AT TIME ZONE 'Europe/Berlin')::date = $2`,
      [w.officeA, today],
    );
    expect(counts.find((r: { metric: string }) => r.metric === 'created').n).toBe(created);
  });

  it('moves a milestone count when the service changes the date, as the request role', async () => {
    const founder = await insertFounder(t, w.officeA, { last_name: 'Milestone' });
    const c = await openCase(t, w, 'advisorA', founder);
    const q = { officeId: w.officeA, from: '2024-03-01', to: '2024-04-30', groupBy: 'month' };
    const plans = async () =>
      (
        (await report('funnel').query(q).set(w.as('leadA')).expect(200)).body.rows as {
          businessPlansCompleted: number;
        }[]
      ).map((r) => r.businessPlansCompleted);
    const before = await plans();
    const patch = (on: string | null) =>
      t
        .http()
        .patch(`/api/v1/cases/${c.id}`)
        .set(w.as('advisorA'))
        .send({ businessPlanCompletedOn: on })
        .expect(200);
    await patch('2024-03-15');
    expect(await plans()).toEqual([before[0] + 1, before[1]]);
    await patch('2024-04-02');
    expect(await plans()).toEqual([before[0], before[1] + 1]);
    await patch(null);
    expect(await plans()).toEqual(before);
  });

  it('keeps docs/reports.md equal to the definitions the service answers with', () => {
    const committed = readFileSync(join(__dirname, '..', 'docs', 'reports.md'), 'utf8');
    expect(committed).toBe(reportDocs());
  });
});

import { todayInBerlin } from '../src/common/time/iso-date';
import type { TestApp } from './support/test-app';
import { Persona, useSeededApp, World } from './support/world';

const SETTINGS = {
  eksFinalOffsetMonths: 3,
  fundingLeadDays: 21,
  einstiegsgeldWarningDays: 90,
  staleDays: { access: 30, first_counselling: 45, planning: 60, launch: 90, consolidation: 120 },
  currentConsentVersion: 'RUN-DS-2026-1',
  caseUrlTemplate: 'https://desk.example.org/cases/{caseId}',
  analysisUrlTemplate: null,
};

describe('office settings over HTTP', () => {
  let t: TestApp;
  let w: World;
  useSeededApp((app, world) => ([t, w] = [app, world]));

  const get = (persona: Persona, officeId: string) =>
    t.http().get(`/api/v1/offices/${officeId}/settings`).set(w.as(persona));
  const put = (persona: Persona, officeId: string, body: object) =>
    t.http().put(`/api/v1/offices/${officeId}/settings`).set(w.as(persona)).send(body);
  const stored = async (officeId: string) =>
    (await t.db.query(`SELECT * FROM office_settings WHERE office_id = $1`, [officeId]))[0] ?? null;

  it('answers the defaults (version 0) while none are stored, to leads and admins', async () => {
    const res = await get('leadB', w.officeB).expect(200);
    expect(res.headers.etag).toBe('"0"');
    expect(res.body).toEqual({
      officeId: w.officeB,
      eksFinalOffsetMonths: 2,
      fundingLeadDays: 14,
      einstiegsgeldWarningDays: 60,
      staleDays: { access: 60, first_counselling: 60, planning: 60, launch: 60, consolidation: 60 },
      currentConsentVersion: null,
      consentVersionSince: null,
      caseUrlTemplate: null,
      analysisUrlTemplate: null,
      esfMinimumContactHours: 8,
      version: 0,
    });
    expect((await get('admin', w.officeB).expect(200)).body.version).toBe(0);
    const logged = await t.db.query(
      `SELECT action, office_id FROM access_log WHERE resource_type = 'office_settings' AND actor_id = $1`,
      [w.users.leadB.id],
    );
    expect(logged).toEqual([{ action: 'read', office_id: w.officeB }]);
  });

  it('stores a PUT as version 1, then versions it with If-Match; the consent day moves only with the version', async () => {
    const first = await put('leadA', w.officeA, SETTINGS).set('If-Match', '"0"').expect(200);
    expect(first.headers.etag).toBe('"1"');
    expect(first.body).toEqual({
      ...SETTINGS,
      officeId: w.officeA,
      consentVersionSince: todayInBerlin(),
      // Not sent: the default.
      esfMinimumContactHours: 8,
      version: 1,
    });
    expect(await stored(w.officeA)).toMatchObject({
      eks_final_offset_months: 3,
      stale_days: SETTINGS.staleDays,
      updated_by: w.users.leadA.id,
      version: 1,
    });
    expect((await get('leadA', w.officeA).expect(200)).body).toEqual(first.body);

    // Kept while the version stays; a stale If-Match is refused and writes nothing.
    await t.db.query(
      `UPDATE office_settings SET consent_version_since = '2026-01-02' WHERE office_id = $1`,
      [w.officeA],
    );
    const stale = await put('leadA', w.officeA, SETTINGS).set('If-Match', '"0"').expect(412);
    expect(stale.body).toMatchObject({ code: 'version_conflict', currentVersion: 1 });
    const second = await put('admin', w.officeA, { ...SETTINGS, fundingLeadDays: 7 })
      .set('If-Match', '"1"')
      .expect(200);
    expect(second.body).toMatchObject({
      fundingLeadDays: 7,
      consentVersionSince: '2026-01-02',
      version: 2,
    });
    expect((await stored(w.officeA)).updated_by).toBe(w.users.admin.id);
    const changed = await put('leadA', w.officeA, {
      ...SETTINGS,
      currentConsentVersion: 'RUN-DS-2026-2',
      analysisUrlTemplate: 'http://desk.example.org/reset/{analysisId}?tab=plan',
    }).expect(200);
    expect(changed.body).toMatchObject({
      currentConsentVersion: 'RUN-DS-2026-2',
      consentVersionSince: todayInBerlin(),
      analysisUrlTemplate: 'http://desk.example.org/reset/{analysisId}?tab=plan',
      version: 3,
    });
    const none = await put('leadA', w.officeA, { ...SETTINGS, currentConsentVersion: null }).expect(
      200,
    );
    expect(none.body).toMatchObject({ currentConsentVersion: null, consentVersionSince: null });
    const logged = await t.db.query(
      `SELECT action, details FROM access_log WHERE resource_type = 'office_settings' AND action = 'update' AND office_id = $1 ORDER BY at`,
      [w.officeA],
    );
    expect(logged.map((l: { details: { version: number } }) => l.details.version)).toEqual([
      1, 2, 3, 4,
    ]);
  });

  it('refuses invalid bodies with 400 and writes nothing', async () => {
    const bad: [string, object][] = [
      ['offset above 12', { eksFinalOffsetMonths: 13 }],
      ['negative offset', { eksFinalOffsetMonths: -1 }],
      ['fractional lead days', { fundingLeadDays: 1.5 }],
      ['lead days 0', { fundingLeadDays: 0 }],
      ['lead days above 180', { fundingLeadDays: 181 }],
      ['warning above 365', { einstiegsgeldWarningDays: 366 }],
      ['stale days above 730', { staleDays: { ...SETTINGS.staleDays, launch: 731 } }],
      ['a phase missing', { staleDays: { access: 1, planning: 1, launch: 1, consolidation: 1 } }],
      ['an unknown phase', { staleDays: { ...SETTINGS.staleDays, paused: 5 } }],
      ['stale days not an object', { staleDays: [30] }],
      ['consent version too long', { currentConsentVersion: 'x'.repeat(41) }],
      ['blank consent version', { currentConsentVersion: '  ' }],
      ['template without its placeholder', { caseUrlTemplate: 'https://desk.example.org/cases' }],
      ['the wrong placeholder', { analysisUrlTemplate: 'https://desk.example.org/{caseId}' }],
      ['not http(s)', { caseUrlTemplate: 'javascript:alert({caseId})' }],
      ['not a URL', { caseUrlTemplate: '/cases/{caseId}' }],
      [
        'template too long',
        { caseUrlTemplate: `https://desk.example.org/${'a'.repeat(480)}/{caseId}` },
      ],
      ['an unknown field', { colour: 'blue' }],
    ];
    for (const [name, change] of bad) {
      const res = await put('leadB', w.officeB, { ...SETTINGS, ...change });
      expect([name, res.status, res.body.code]).toEqual([name, 400, 'validation_failed']);
    }
    for (const field of Object.keys(SETTINGS)) {
      const partial: Record<string, unknown> = { ...SETTINGS };
      delete partial[field];
      const res = await put('leadB', w.officeB, partial);
      expect([field, res.status]).toEqual([field, 400]);
    }
    await put('leadB', w.officeB, SETTINGS).set('If-Match', 'W/"0"').expect(412);
    expect(await stored(w.officeB)).toBeNull();
  });

  it('is for leads of the office and admins only; another office is not found', async () => {
    for (const persona of ['advisorA', 'auditorA', 'nobody'] as const) {
      await get(persona, w.officeA).expect(403);
      await put(persona, w.officeA, SETTINGS).expect(403);
    }
    const other = await get('leadB', w.officeA).expect(404);
    expect(other.body.code).toBe('not_found');
    await put('leadB', w.officeA, { ...SETTINGS, fundingLeadDays: 99 }).expect(404);
    expect((await stored(w.officeA))?.funding_lead_days ?? null).not.toBe(99);
    await get('admin', '00000000-0000-4000-8000-000000000000').expect(404);
    await put('admin', '00000000-0000-4000-8000-000000000000', SETTINGS).expect(404);
    await get('admin', 'not-a-uuid').expect(400);
  });
});

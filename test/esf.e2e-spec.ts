import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { TokenService } from '../src/auth/token.service';
import { todayInBerlin } from '../src/common/time/iso-date';
import { APP_CONFIG, type AppConfig } from '../src/config/config';
import { participantGuid } from '../src/esf/esf-pseudonym';
import { pseudonymKey } from '../src/history-chain/history-sealer';
import { insertFounder, openCase, sendEvent } from './support/cases';
import { bufferBody } from './support/exports';
import { fuzzOptions } from './support/fuzz';
import type { TestApp } from './support/test-app';
import { useSeededApp, type World } from './support/world';

const plusDays = (day: string, n: number): string => {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
};
/** Calendar months later, the day clamped to the month's end (PostgreSQL's date + interval). */
const plusMonths = (day: string, n: number): string => {
  const [y, m, d] = day.split('-').map(Number);
  const last = new Date(Date.UTC(y, m - 1 + n + 1, 0));
  const target = new Date(Date.UTC(y, m - 1 + n, Math.min(d, last.getUTCDate())));
  return target.toISOString().slice(0, 10);
};

const ENTRY = {
  esfEntry: '2026-02-02',
  employmentStatus: 'long_term_unemployed',
  gender: 'female',
  parentsBornAbroad: 'none',
  disability: 'yes',
  minority: 'not_stated',
  homelessOrHousingExclusion: 'no',
};
const EXIT = {
  jobSearching: false,
  inEducationOrTraining: false,
  gainingQualification: false,
  inEmployment: true,
};
const run = promisify(execFile);
const VERIFIER = join(__dirname, '../tools/verify_export.py');
const VOLUNTARY_HEADERS = ['EECO12', 'EECO15', 'EECO16', 'disability', 'minority', 'homeless'];

describe('ESF Plus participant data', () => {
  let t: TestApp;
  let w: World;
  let key: string;
  useSeededApp((app, world) => ([t, w] = [app, world]));
  beforeAll(() => {
    key = pseudonymKey(t.app.get<AppConfig>(APP_CONFIG));
  });

  const today = () => todayInBerlin();
  const count = async (sql: string, params: unknown[] = []) =>
    Number((await t.db.query(sql, params))[0].n);
  const putEntry = (
    caseId: string,
    body: object,
    persona: Parameters<World['as']>[0] = 'advisorA',
  ) => t.http().put(`/api/v1/cases/${caseId}/esf-entry`).set(w.as(persona)).send(body);
  const postExit = (caseId: string, body: object) =>
    t.http().post(`/api/v1/cases/${caseId}/esf-exits`).set(w.as('advisorA')).send(body);
  const exportAs = (persona: Parameters<World['as']>[0], query: string) =>
    t
      .http()
      .get(`/api/v1/reports/esf-participants${query}`)
      .set(w.as(persona))
      .buffer(true)
      .parse(bufferBody);
  const ndjson = async (persona: Parameters<World['as']>[0], query: string) => {
    const res = await exportAs(persona, `${query}&format=ndjson`).expect(200);
    return (res.body as Buffer)
      .toString('utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  };

  /** A founder of office A and an open case. */
  async function participation(founder: Record<string, unknown> = {}) {
    const founderId = await insertFounder(t, w.officeA);
    const sets = Object.keys(founder).map((k, i) => `${k} = $${i + 2}`);
    if (sets.length)
      await t.db.query(`UPDATE founder SET ${sets.join(', ')} WHERE id = $1`, [
        founderId,
        ...Object.values(founder),
      ]);
    const c = await openCase(t, w, 'advisorA', founderId);
    return { founderId, caseId: c.id };
  }
  /** Closes the case (DROP_OUT) and moves its exit day to `exitedOn`. */
  async function close(caseId: string, exitedOn: string) {
    await sendEvent(t, w, 'advisorA', caseId, { type: 'DROP_OUT', reasonCode: 'moved' }).expect(
      200,
    );
    await t.db.query(`UPDATE founder_case SET exited_on = $2 WHERE id = $1`, [caseId, exitedOn]);
  }
  async function contactHours(caseId: string, hours: number) {
    await t.db.query(
      `INSERT INTO case_contact (case_id, office_id, "on", minutes, format, kind)
       SELECT id, office_id, '2026-02-03', $2, 'in_person', 'counselling' FROM founder_case WHERE id = $1`,
      [caseId, hours * 60],
    );
  }

  describe('the entry record', () => {
    it('refuses bad input with a problem and writes nothing', async () => {
      const { caseId } = await participation({ gender: 'unknown' });
      const bad: [object, string][] = [
        [{ ...ENTRY, employmentStatus: 'retired' }, 'employmentStatus'],
        [{ ...ENTRY, esfEntry: '2026-02-30' }, 'esfEntry'],
        [{ ...ENTRY, esfEntry: plusDays(today(), 1) }, 'esfEntry'],
        [{ ...ENTRY, disability: undefined }, 'disability'],
        [{ ...ENTRY, minority: 'maybe' }, 'minority'],
        [{ ...ENTRY, parentsBornAbroad: 'unknown' }, 'parentsBornAbroad'],
        [{ ...ENTRY, gender: 'unknown' }, 'gender'],
        // No gender given and the founder's is unknown.
        [{ ...ENTRY, gender: undefined }, 'gender'],
        [{ ...ENTRY, extra: 1 }, 'extra'],
      ];
      for (const [body, field] of bad) {
        const res = await putEntry(caseId, body).expect(400);
        expect(res.headers['content-type']).toContain('application/problem+json');
        expect(JSON.stringify(res.body)).toContain(field);
      }
      expect(await count(`SELECT count(*) AS n FROM esf_entry WHERE case_id = $1`, [caseId])).toBe(
        0,
      );
      expect(
        await count(`SELECT count(*) AS n FROM esf_voluntary WHERE case_id = $1`, [caseId]),
      ).toBe(0);
      await putEntry('00000000-0000-4000-8000-000000000000', ENTRY).expect(404);
      await putEntry('not-a-uuid', ENTRY).expect(400);
    });

    it('derives age, ISCED, third-country nationality and foreign background from the founder', async () => {
      const cases: [Record<string, unknown>, object, Record<string, unknown>][] = [
        [
          {
            birth_date: '1990-02-03',
            isced_level: 3,
            nationalities: ['SY'],
            country_of_birth: 'SY',
            gender: 'male',
          },
          { gender: undefined },
          {
            ageAtEntry: 35,
            iscedLevel: 3,
            thirdCountryNational: true,
            bornAbroad: true,
            foreignBackground: true,
            gender: 'male',
          },
        ],
        [
          { birth_date: '1990-02-02', nationalities: ['SY', 'FR'], country_of_birth: 'DE' },
          { parentsBornAbroad: 'both' },
          {
            ageAtEntry: 36,
            iscedLevel: null,
            thirdCountryNational: false,
            bornAbroad: false,
            foreignBackground: true,
          },
        ],
        [
          { birth_year: 2001, nationalities: [], country_of_birth: 'DE' },
          { parentsBornAbroad: 'one' },
          {
            ageAtEntry: 25,
            thirdCountryNational: true,
            bornAbroad: false,
            foreignBackground: false,
          },
        ],
      ];
      for (const [founder, body, expected] of cases) {
        const { caseId } = await participation(founder);
        const res = await putEntry(caseId, { ...ENTRY, ...body }).expect(200);
        expect(res.body).toMatchObject({ caseId, esfEntry: '2026-02-02', ...expected });
      }
    });

    it('keeps the voluntary answers apart, for advisors and leads only, and replaces them on PUT', async () => {
      const { caseId } = await participation();
      await putEntry(caseId, ENTRY).expect(200);
      const stored = await t.db.query(`SELECT * FROM esf_entry WHERE case_id = $1`, [caseId]);
      expect(Object.keys(stored[0]).filter((k) => /disab|minor|homeless/.test(k))).toEqual([]);
      expect(
        await t.db.query(
          `SELECT disability, minority, homeless_or_housing_exclusion AS h FROM esf_voluntary WHERE case_id = $1`,
          [caseId],
        ),
      ).toEqual([{ disability: 'yes', minority: 'not_stated', h: 'no' }]);
      const read = await t
        .http()
        .get(`/api/v1/cases/${caseId}/esf-entry`)
        .set(w.as('leadA'))
        .expect(200);
      expect(read.body).toMatchObject({
        disability: 'yes',
        minority: 'not_stated',
        homelessOrHousingExclusion: 'no',
        version: 1,
      });
      await t.http().get(`/api/v1/cases/${caseId}/esf-entry`).set(w.as('auditorA')).expect(403);
      await t.http().get(`/api/v1/cases/${caseId}/esf-entry`).set(w.as('advisorB')).expect(404);
      const again = await putEntry(caseId, { ...ENTRY, disability: 'not_stated' }).expect(200);
      expect(again.body).toMatchObject({ disability: 'not_stated', version: 2 });
      // The access log names the record, never an answer.
      const logged = await t.db.query(
        `SELECT details::text AS d FROM access_log WHERE resource_type = 'esf_entry' AND resource_id = $1`,
        [caseId],
      );
      expect(logged.length).toBeGreaterThan(0);
      for (const l of logged) expect(String(l.d)).not.toMatch(/yes|not_stated|disab/);
    });
  });

  describe('exit records', () => {
    it('needs a closed case, a day in the 28-day window and not both job searching and employment', async () => {
      const { caseId } = await participation();
      const open = await postExit(caseId, { ...EXIT, on: '2026-03-01' }).expect(409);
      expect(open.body.code).toBe('case_not_closed');
      await close(caseId, '2026-03-01');
      const refused: object[] = [
        { ...EXIT, on: '2026-02-28' },
        { ...EXIT, on: plusDays('2026-03-01', 29) },
        { ...EXIT, jobSearching: true, inEmployment: true, on: '2026-03-02' },
        { ...EXIT, inEmployment: 'yes', on: '2026-03-02' },
        { ...EXIT, gainingQualification: undefined, on: '2026-03-02' },
      ];
      for (const body of refused) {
        const res = await postExit(caseId, body).expect(400);
        expect(res.headers['content-type']).toContain('application/problem+json');
      }
      expect(await count(`SELECT count(*) AS n FROM esf_exit WHERE case_id = $1`, [caseId])).toBe(
        0,
      );
      await postExit(caseId, { ...EXIT, on: '2026-03-01' }).expect(201);
      await postExit(caseId, { ...EXIT, on: plusDays('2026-03-01', 28) }).expect(201);
    });

    it('counts the last record in the window', async () => {
      const { caseId, founderId } = await participation();
      await putEntry(caseId, ENTRY).expect(200);
      await contactHours(caseId, 9);
      await close(caseId, '2026-03-01');
      await postExit(caseId, { ...EXIT, on: '2026-03-20' }).expect(201);
      await postExit(caseId, {
        ...EXIT,
        inEmployment: false,
        jobSearching: true,
        on: '2026-03-05',
      }).expect(201);
      const list = await t
        .http()
        .get(`/api/v1/cases/${caseId}/esf-exits`)
        .set(w.as('auditorA'))
        .expect(200);
      expect(list.body.items.map((x: { on: string; counts: boolean }) => [x.on, x.counts])).toEqual(
        [
          ['2026-03-05', false],
          ['2026-03-20', true],
        ],
      );
      const rows = await ndjson('auditorA', `?officeId=${w.officeA}&from=2026-01-01&to=2026-12-31`);
      const row = rows.find((r) => r.participantId === participantGuid(key, founderId));
      expect(row).toMatchObject({
        exitRecord: 'recorded',
        EECR01: 0,
        EECR04: 1,
        leftOn: '2026-03-01',
      });
    });
  });

  describe('six months after leaving', () => {
    it('tells no_consent, not_due, missing and a counted follow-up apart', async () => {
      const exitedLongAgo = plusMonths(today(), -8);
      const scenario = async (
        consent: string | null,
        exitedOn: string,
        followUp: string | null,
      ) => {
        const p = await participation({ follow_up_consent_on: consent });
        await putEntry(p.caseId, ENTRY).expect(200);
        await contactHours(p.caseId, 10);
        await close(p.caseId, exitedOn);
        if (followUp)
          await t.db.query(
            `INSERT INTO case_follow_up (office_id, case_id, history_seq, "on", situation, still_self_employed)
             VALUES ($1, $2, 99, $3, 'employed', false)`,
            [w.officeA, p.caseId, followUp],
          );
        return participantGuid(key, p.founderId);
      };
      const noConsent = await scenario(null, exitedLongAgo, plusMonths(exitedLongAgo, 6));
      const missing = await scenario('2026-01-05', exitedLongAgo, null);
      const early = await scenario('2026-01-05', exitedLongAgo, plusMonths(exitedLongAgo, 5));
      const counted = await scenario('2026-01-05', exitedLongAgo, plusMonths(exitedLongAgo, 6));
      const notDue = await scenario('2026-01-05', plusMonths(today(), -1), null);
      const rows = await ndjson('leadA', `?from=${plusMonths(today(), -9)}&to=${today()}`);
      const of = (id: string) => rows.find((r) => r.participantId === id)?.EECR05;
      expect([of(noConsent), of(missing), of(early), of(counted), of(notDue)]).toEqual([
        'no_consent',
        'missing',
        'missing',
        1,
        'not_due',
      ]);
    });
  });

  describe('short contacts', () => {
    it('leaves out participations under the office minimum and counts them in the totals', async () => {
      const p = await participation();
      await putEntry(p.caseId, { ...ENTRY, esfEntry: '2025-05-05' }).expect(200);
      await contactHours(p.caseId, 7);
      const guid = participantGuid(key, p.founderId);
      const q = `?officeId=${w.officeA}&from=2025-05-01&to=2025-05-31`;
      const totals = async () =>
        (
          await t
            .http()
            .get(`/api/v1/reports/esf-totals${q}&groupBy=month`)
            .set(w.as('leadA'))
            .expect(200)
        ).body.rows as { indicator: string; female: number; total: number }[];
      expect((await ndjson('leadA', q)).map((r) => r.participantId)).not.toContain(guid);
      expect((await totals()).find((r) => r.indicator === 'SHORT_CONTACTS')).toMatchObject({
        female: 1,
        total: 1,
      });
      expect((await totals()).find((r) => r.indicator === 'EECO01')).toMatchObject({ total: 0 });

      const settings = await t
        .http()
        .get(`/api/v1/offices/${w.officeA}/settings`)
        .set(w.as('leadA'))
        .expect(200);
      expect(settings.body.esfMinimumContactHours).toBe(8);
      const { officeId: _o, version: _v, consentVersionSince: _c, ...put } = settings.body;
      await t
        .http()
        .put(`/api/v1/offices/${w.officeA}/settings`)
        .set(w.as('leadA'))
        .send({ ...put, esfMinimumContactHours: 7 })
        .expect(200);
      expect((await ndjson('leadA', q)).map((r) => r.participantId)).toContain(guid);
      expect((await totals()).find((r) => r.indicator === 'SHORT_CONTACTS')).toMatchObject({
        total: 0,
      });
      expect((await totals()).find((r) => r.indicator === 'EECO01')).toMatchObject({
        female: 1,
        total: 1,
      });
      // Counts only: the voluntary answer is a line of the totals.
      expect((await totals()).find((r) => r.indicator === 'EECO12')).toMatchObject({ total: 1 });
      await t
        .http()
        .put(`/api/v1/offices/${w.officeA}/settings`)
        .set(w.as('leadA'))
        .send({ ...put, esfMinimumContactHours: 8 })
        .expect(200);
    });
  });

  describe('the export', () => {
    it('names participants by a stable GUID that is not an id, signs a manifest that verifies, and holds no voluntary answers', async () => {
      const p = await participation();
      await putEntry(p.caseId, {
        ...ENTRY,
        disability: 'yes',
        minority: 'yes',
        homelessOrHousingExclusion: 'yes',
      }).expect(200);
      await contactHours(p.caseId, 8);
      const q = `?officeId=${w.officeA}&from=2026-01-01&to=2026-12-31&format=csv`;
      const first = await exportAs('auditorA', q).expect(200);
      const second = await exportAs('auditorA', q).expect(200);
      const text = (first.body as Buffer).toString('utf8');
      const header = text.split('\r\n')[0].split(',');
      for (const h of VOLUNTARY_HEADERS) expect(header).not.toContain(h);
      expect(header.slice(0, 6)).toEqual([
        'participantId',
        'officeCode',
        'entryOn',
        'leftOn',
        'gender',
        'ageAtEntry',
      ]);
      const guid = participantGuid(key, p.founderId);
      expect(guid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(guid).not.toBe(p.founderId);
      expect(text).toContain(guid);
      expect((second.body as Buffer).toString('utf8')).toContain(guid);
      for (const id of [p.founderId, p.caseId]) expect(text).not.toContain(id);
      expect(text).not.toContain('not_stated');
      expect(text).not.toMatch(/,yes\b/);

      const exportId = first.headers['x-export-id'];
      const manifest = await t
        .http()
        .get(`/api/v1/exports/${exportId}/manifest`)
        .set(w.as('auditorA'))
        .expect(200);
      expect(manifest.body).toMatchObject({
        kind: 'esf-participants',
        format: 'csv',
        pseudonymized: true,
      });
      expect(manifest.body.rowCount).toBe(text.split('\r\n').filter((l) => l !== '').length - 1);
      const verify = (body: Buffer) =>
        t
          .http()
          .post(`/api/v1/exports/verify?exportId=${exportId}`)
          .set(w.as('auditorA'))
          .set('content-type', 'text/csv')
          .send(body)
          .expect(200);
      expect((await verify(first.body as Buffer)).body).toMatchObject({
        valid: true,
        manifest: {
          signatureValid: true,
          digestMatches: true,
          rowCountMatches: true,
          headsMatch: true,
        },
      });
      const tampered = Buffer.from(text.replace(',female,', ',male,'));
      expect((await verify(tampered)).body).toMatchObject({
        valid: false,
        manifest: { digestMatches: false },
      });

      for (const format of ['xlsx', 'ndjson']) {
        const res = await exportAs('auditorA', q.replace('format=csv', `format=${format}`)).expect(
          200,
        );
        const id = res.headers['x-export-id'];
        const checked = await t
          .http()
          .post(`/api/v1/exports/verify?exportId=${id}&format=${format}`)
          .set(w.as('auditorA'))
          .set(
            'content-type',
            format === 'xlsx'
              ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
              : 'application/x-ndjson',
          )
          .send(res.body as Buffer)
          .expect(200);
        expect(checked.body).toMatchObject({ valid: true });
      }
    });

    it('verifies with the independent Python verifier (tools/verify_export.py)', async () => {
      const p = await participation();
      await putEntry(p.caseId, ENTRY).expect(200);
      await contactHours(p.caseId, 8);
      const res = await exportAs(
        'auditorA',
        `?officeId=${w.officeA}&from=2026-01-01&to=2026-12-31`,
      ).expect(200);
      const manifest = await t
        .http()
        .get(`/api/v1/exports/${res.headers['x-export-id']}/manifest`)
        .set(w.as('auditorA'))
        .expect(200);
      const key = await t
        .http()
        .get('/api/v1/exports/public-key')
        .set(w.as('auditorA'))
        .expect(200);
      const dir = mkdtempSync(join(tmpdir(), 'lotse-esf-verify-'));
      writeFileSync(join(dir, 'e.csv'), res.body as Buffer);
      writeFileSync(
        join(dir, 'bad.csv'),
        Buffer.from((res.body as Buffer).toString('utf8').replace(',1,', ',0,')),
      );
      writeFileSync(join(dir, 'm.json'), JSON.stringify(manifest.body));
      writeFileSync(join(dir, 'k.pem'), key.body.publicKeyPem);
      const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
      const verify = async (file: string) => {
        try {
          const out = await run(python, [
            VERIFIER,
            join(dir, file),
            '--manifest',
            join(dir, 'm.json'),
            '--public-key',
            join(dir, 'k.pem'),
          ]);
          return JSON.parse(out.stdout) as { valid: boolean; manifest: Record<string, boolean> };
        } catch (error) {
          return JSON.parse((error as { stdout: string }).stdout) as {
            valid: boolean;
            manifest: Record<string, boolean>;
          };
        }
      };
      const good = await verify('e.csv');
      expect(good.valid).toBe(true);
      expect(Object.values(good.manifest).every(Boolean)).toBe(true);
      const bad = await verify('bad.csv');
      expect(bad).toMatchObject({ valid: false, manifest: { digestMatches: false } });
    });

    it('is for leads and auditors of their own offices', async () => {
      await exportAs('advisorA', '?format=csv').expect(403);
      const refused = await exportAs('leadB', `?officeId=${w.officeA}`).expect(403);
      expect(refused.headers['content-type']).toContain('application/problem+json');
      await exportAs('auditorA', '?format=pdf').expect(400);
      await exportAs('auditorA', '?from=2026-05-01&to=2026-04-01').expect(400);
      const rowsB = await ndjson('auditorB', '?from=2021-01-01&to=2030-12-31');
      expect(rowsB.filter((r) => r.officeCode !== 'EXIS-Z')).toEqual([]);
      await t
        .http()
        .get(`/api/v1/reports/esf-totals?officeId=${w.officeA}`)
        .set(w.as('auditorB'))
        .expect(403);
    });
  });

  describe('hand-over', () => {
    it('moves the entry, the voluntary answers and the exit records with the case', async () => {
      const p = await participation();
      await putEntry(p.caseId, ENTRY).expect(200);
      await contactHours(p.caseId, 9);
      const asked = await t
        .http()
        .post(`/api/v1/cases/${p.caseId}/transfer`)
        .set(w.as('advisorA'))
        .send({ toOfficeId: w.officeB, reason: 'Umzug' })
        .expect(201);
      await t
        .http()
        .post(`/api/v1/transfers/${asked.body.id}/accept`)
        .set(w.as('leadB'))
        .expect(200);
      const guid = participantGuid(key, p.founderId);
      const q = '?from=2026-01-01&to=2026-12-31';
      expect((await ndjson('auditorB', q)).map((r) => r.participantId)).toContain(guid);
      expect((await ndjson('auditorA', q)).map((r) => r.participantId)).not.toContain(guid);
      const read = await t
        .http()
        .get(`/api/v1/cases/${p.caseId}/esf-entry`)
        .set(w.as('advisorB'))
        .expect(200);
      expect(read.body).toMatchObject({ officeId: w.officeB, disability: 'yes' });
      await t.http().get(`/api/v1/cases/${p.caseId}/esf-entry`).set(w.as('advisorA')).expect(404);
    });
  });

  describe('erasure', () => {
    it('deletes the voluntary answers with the person and counts them; the participant stays pseudonymous', async () => {
      const p = await participation();
      await putEntry(p.caseId, ENTRY).expect(200);
      await contactHours(p.caseId, 9);
      await close(p.caseId, '2026-03-01');
      await postExit(p.caseId, { ...EXIT, on: '2026-03-02' }).expect(201);
      const subject = async () =>
        (
          await t
            .http()
            .get(`/api/v1/founders/${p.founderId}/data-export`)
            .set(w.as('advisorA'))
            .expect(200)
        ).body;
      const before = await subject();
      expect(before.esfEntries).toMatchObject([
        { case_id: p.caseId, disability: 'yes', employment_status: 'long_term_unemployed' },
      ]);
      expect(before.esfExits).toMatchObject([
        { case_id: p.caseId, on: '2026-03-02', in_employment: true },
      ]);
      const res = await t
        .http()
        .post(`/api/v1/founders/${p.founderId}/erase`)
        .set(w.as('leadA'))
        .expect(200);
      expect(res.body.counts.esfVoluntaryAnswers).toBe(1);
      expect(
        await count(`SELECT count(*) AS n FROM esf_voluntary WHERE case_id = $1`, [p.caseId]),
      ).toBe(0);
      const [record] = await t.db.query(`SELECT counts FROM erasure_record WHERE founder_id = $1`, [
        p.founderId,
      ]);
      expect(record.counts.esfVoluntaryAnswers).toBe(1);
      expect((await subject()).esfEntries).toMatchObject([{ case_id: p.caseId, disability: null }]);
      const rows = await ndjson('auditorA', `?officeId=${w.officeA}&from=2026-01-01&to=2026-12-31`);
      expect(rows.find((r) => r.participantId === participantGuid(key, p.founderId))).toMatchObject(
        { gender: 'female' },
      );
      await putEntry(p.caseId, ENTRY).expect(409);
    });
  });

  describe('the export equals a brute-force recomputation', () => {
    /** Office C, only for this property, with a lead of its own. */
    let officeC: string;
    let leadC: { Authorization: string };
    beforeAll(async () => {
      const [o] = await t.db.query(
        `INSERT INTO office (code, name, region) VALUES ('ESF-C', 'ESF C', 'Test') RETURNING id`,
      );
      officeC = o.id;
      const [u] = await t.db.query(
        `INSERT INTO app_user (email, name, password_hash) VALUES ('leadc@lotse.test', 'leadC', 'x') RETURNING id`,
      );
      await t.db.query(
        `INSERT INTO membership (user_id, office_id, role) VALUES ($1, $2, 'lead')`,
        [u.id, officeC],
      );
      leadC = { Authorization: `Bearer ${await t.app.get(TokenService).issue(u.id)}` };
    });

    const day = (offset: number) => plusDays('2025-01-01', offset);
    const participationArb = fc.record({
      gender: fc.constantFrom('female', 'male', 'non_binary'),
      entry: fc.integer({ min: 0, max: 600 }),
      status: fc.constantFrom('unemployed', 'long_term_unemployed', 'inactive', 'employed'),
      age: fc.option(fc.integer({ min: 15, max: 70 }), { nil: null }),
      isced: fc.option(fc.integer({ min: 0, max: 8 }), { nil: null }),
      tcn: fc.boolean(),
      fb: fc.boolean(),
      leftAfter: fc.option(fc.integer({ min: 0, max: 300 }), { nil: null, freq: 5 }),
      consent: fc.constantFrom(true, true, false),
      hours: fc.array(fc.oneof(fc.constantFrom(4, 7, 8), fc.integer({ min: 1, max: 9 })), {
        maxLength: 3,
      }),
      exits: fc.array(
        fc.record({
          d: fc.oneof(fc.constantFrom(-1, 0, 27, 28, 29), fc.integer({ min: -3, max: 32 })),
          flags: fc.constantFrom('js', 'ie', 'et', 'gq', 'none', 'et+gq'),
        }),
        { maxLength: 3 },
      ),
      followUps: fc.array(
        fc.record({
          m: fc.constantFrom(5, 6, 8, 9),
          d: fc.constantFrom(0, 1, 28, 30),
          employed: fc.boolean(),
        }),
        { maxLength: 2 },
      ),
    });
    type P = typeof participationArb extends fc.Arbitrary<infer T> ? T : never;

    async function write(ps: P[]): Promise<{ founderId: string; p: P; leftOn: string | null }[]> {
      await t.db.query(`DELETE FROM esf_exit WHERE office_id = $1`, [officeC]);
      await t.db.query(`DELETE FROM esf_voluntary WHERE office_id = $1`, [officeC]);
      await t.db.query(`DELETE FROM esf_entry WHERE office_id = $1`, [officeC]);
      const out: { founderId: string; p: P; leftOn: string | null }[] = [];
      for (const p of ps) {
        const [f] = await t.db.query(
          `INSERT INTO founder (office_id, first_name, last_name, gender, follow_up_consent_on) VALUES ($1, 'X', 'Y', $2, $3) RETURNING id`,
          [officeC, p.gender, p.consent ? '2025-01-01' : null],
        );
        const leftOn = p.leftAfter === null ? null : day(p.entry + p.leftAfter);
        const [c] = await t.db.query(
          `INSERT INTO founder_case (office_id, founder_id, phase, status, machine_version, state, exited_on)
           VALUES ($1, $2, 'access', $3, 1, '{}', $4) RETURNING id`,
          [officeC, f.id, leftOn ? 'closed' : 'active', leftOn],
        );
        await t.db.query(
          `INSERT INTO esf_entry (case_id, office_id, entry_on, employment_status, gender, age_at_entry, isced_level,
                                  third_country_national, parents_born_abroad, foreign_background)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'not_stated', $9)`,
          [c.id, officeC, day(p.entry), p.status, p.gender, p.age, p.isced, p.tcn, p.fb],
        );
        await t.db.query(
          `INSERT INTO esf_voluntary (case_id, office_id, disability, minority, homeless_or_housing_exclusion)
           VALUES ($1, $2, 'yes', 'yes', 'yes')`,
          [c.id, officeC],
        );
        for (const h of p.hours)
          await t.db.query(
            `INSERT INTO case_contact (case_id, office_id, "on", minutes, format, kind) VALUES ($1, $2, '2025-01-02', $3, 'phone', 'counselling')`,
            [c.id, officeC, h * 60],
          );
        if (leftOn) {
          for (const [i, x] of p.exits.entries())
            await t.db.query(
              `INSERT INTO esf_exit (case_id, office_id, "on", job_searching, in_education_or_training, gaining_qualification, in_employment, created_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, now() + make_interval(secs => $8))`,
              [
                c.id,
                officeC,
                plusDays(leftOn, x.d),
                x.flags === 'js',
                x.flags.includes('et'),
                x.flags.includes('gq'),
                x.flags === 'ie',
                i,
              ],
            );
          for (const [i, u] of p.followUps.entries())
            await t.db.query(
              `INSERT INTO case_follow_up (office_id, case_id, history_seq, "on", situation, still_self_employed)
               VALUES ($1, $2, $3, $4, $5, false)`,
              [
                officeC,
                c.id,
                i + 1,
                plusDays(plusMonths(leftOn, u.m), u.d),
                u.employed ? 'employed' : 'job_searching',
              ],
            );
        }
        out.push({ founderId: f.id, p, leftOn });
      }
      return out;
    }

    /** The rules, written out again from the brief, row by row. */
    function expected(
      written: { founderId: string; p: P; leftOn: string | null }[],
      from: string,
      to: string,
    ) {
      const now = today();
      return written
        .filter(({ p, leftOn }) => day(p.entry) <= to && (leftOn === null || leftOn >= from))
        .filter(({ p }) => p.hours.reduce((a, b) => a + b, 0) >= 8)
        .map(({ founderId, p, leftOn }) => {
          let exit: { d: number; flags: string } | null = null;
          if (leftOn)
            for (const x of p.exits)
              if (x.d >= 0 && x.d <= 28 && (!exit || x.d >= exit.d)) exit = x;
          let eecr05: unknown = null;
          if (leftOn) {
            const mark = plusMonths(leftOn, 6);
            const ons = p.followUps
              .map((u) => ({ on: plusDays(plusMonths(leftOn, u.m), u.d), employed: u.employed }))
              .filter((u) => u.on >= mark && u.on <= plusMonths(mark, 3))
              .sort((a, b) => a.on.localeCompare(b.on));
            eecr05 = !p.consent
              ? 'no_consent'
              : now < mark
                ? 'not_due'
                : ons.length === 0
                  ? 'missing'
                  : ons[0].employed
                    ? 1
                    : 0;
          }
          const b = (x: boolean) => (x ? 1 : 0);
          const f = (flag: string) => (exit ? b(exit.flags.split('+').includes(flag)) : null);
          return {
            participantId: participantGuid(key, founderId),
            officeCode: 'ESF-C',
            entryOn: day(p.entry),
            leftOn,
            gender: p.gender,
            ageAtEntry: p.age,
            EECO01: 1,
            EECO02: b(p.status === 'unemployed' || p.status === 'long_term_unemployed'),
            EECO03: b(p.status === 'long_term_unemployed'),
            EECO04: b(p.status === 'inactive'),
            EECO05: b(p.status === 'employed'),
            EECO06: b(p.age !== null && p.age < 18),
            EECO07: b(p.age !== null && p.age >= 18 && p.age < 30),
            EECO08: b(p.age !== null && p.age >= 55),
            EECO09: b(p.isced !== null && p.isced < 3),
            EECO10: b(p.isced === 3 || p.isced === 4),
            EECO11: b(p.isced !== null && p.isced > 4),
            EECO13: b(p.tcn),
            EECO14: b(p.fb),
            exitRecord: !leftOn ? 'not_left' : exit ? 'recorded' : 'missing',
            EECR01: f('js'),
            EECR02: f('et'),
            EECR03: f('gq'),
            EECR04: f('ie'),
            EECR05: eecr05,
          };
        })
        .sort(
          (a, z) =>
            a.entryOn.localeCompare(z.entryOn) || a.participantId.localeCompare(z.participantId),
        );
    }

    it('for random participations, exits and follow-ups (fixed seed)', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(participationArb, { minLength: 1, maxLength: 15 }),
          fc.integer({ min: 0, max: 500 }),
          fc.integer({ min: 0, max: 400 }),
          async (ps, fromOffset, span) => {
            const written = await write(ps);
            const from = day(fromOffset);
            const to = day(fromOffset + span);
            const res = await t
              .http()
              .get(`/api/v1/reports/esf-participants?from=${from}&to=${to}&format=ndjson`)
              .set(leadC)
              .buffer(true)
              .parse(bufferBody)
              .expect(200);
            const rows = (res.body as Buffer)
              .toString('utf8')
              .split('\n')
              .filter((l) => l !== '')
              .map((l) => JSON.parse(l) as { entryOn: string; participantId: string });
            rows.sort(
              (a, z) =>
                a.entryOn.localeCompare(z.entryOn) ||
                a.participantId.localeCompare(z.participantId),
            );
            const want = expected(written, from, to);
            expect(rows).toEqual(want);
            // The totals of the whole span (one year period) equal the sums over the rows.
            if (from.slice(0, 4) === to.slice(0, 4)) {
              const totals = await t
                .http()
                .get(`/api/v1/reports/esf-totals?from=${from}&to=${to}&groupBy=year`)
                .set(leadC)
                .expect(200);
              const line = (code: string) =>
                (totals.body.rows as { indicator: string; total: number }[]).find(
                  (r) => r.indicator === code,
                )?.total;
              expect(line('EECO01')).toBe(want.length);
              expect(line('EECO12')).toBe(want.length); // every voluntary answer here is yes
              expect(line('EECR04')).toBe(want.filter((r) => r.EECR04 === 1).length);
              expect(line('EECR05_MISSING')).toBe(
                want.filter((r) => r.EECR05 === 'missing').length,
              );
            }
          },
        ),
        fuzzOptions(20, 90_000),
      );
    });
  });
});

import { TokenService } from '../src/auth/token.service';
import { todayInBerlin as todayInGermany } from '../src/common/time/iso-date';
import type { TestApp } from './support/test-app';
import { Persona, useSeededApp, World } from './support/world';

type Auth = { Authorization: string };

const FULL = {
  firstName: 'Ayşe',
  lastName: 'Yılmaz',
  birthDate: '1988-02-29',
  gender: 'female',
  email: 'a.yilmaz@example.org',
  phone: '+49 (6131) 123-456',
  postalCode: '55116',
  city: 'Mainz',
  countryOfBirth: 'TR',
  nationalities: ['TR', 'DE'],
  migrationBackground: true,
  languages: [
    { code: 'tr', level: 'native' },
    { code: 'en', level: 'B2' },
  ],
  germanLevel: 'B1',
  selfEmploymentPermitted: 'not_required',
  benefitStatus: 'sgb2',
  jobcenter: 'Jobcenter Mainz',
  jobcenterCustomerNumber: '123D456789',
  iscedLevel: 4,
  foreignQualificationRecognition: 'partial',
  consent: { givenOn: '2025-03-14', version: 'RUN-DS-2024-1' },
  followUpConsentOn: '2025-03-14',
  profile: {
    targetSector: 'gastronomy',
    wzCode: '56.10',
    homeKnowledgeUsability: 3,
    presumedMotivation: 'opportunity',
  },
};

const EMPTY = {
  birthDate: null,
  gender: 'unknown',
  email: null,
  phone: null,
  postalCode: null,
  city: null,
  countryOfBirth: null,
  nationalities: [],
  migrationBackground: null,
  languages: [],
  germanLevel: null,
  selfEmploymentPermitted: 'unknown',
  benefitStatus: null,
  jobcenter: null,
  jobcenterCustomerNumber: null,
  iscedLevel: null,
  foreignQualificationRecognition: null,
  consent: null,
  followUpConsentOn: null,
  profile: null,
};

function tomorrow(): string {
  const d = new Date(`${todayInGermany()}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

describe('founders', () => {
  let t: TestApp;
  let w: World;
  let seq = 0;
  const as = (who: Persona | Auth) => (typeof who === 'string' ? w.as(who) : who);
  const post = (who: Persona | Auth, body: object, query = '') =>
    t.http().post(`/api/v1/founders${query}`).set(as(who)).send(body);
  const patch = (who: Persona | Auth, id: string, body: object) =>
    t.http().patch(`/api/v1/founders/${id}`).set(as(who)).send(body);
  const list = (who: Persona | Auth, query: Record<string, string | number>) =>
    t.http().get('/api/v1/founders').query(query).set(as(who));
  const count = async () => (await t.db.query(`SELECT count(*)::int AS n FROM founder`))[0].n;
  /** A name no other test uses, so duplicate checks and searches stay independent. */
  const unique = (first = 'Test') => ({ firstName: first, lastName: `Person${++seq}x` });
  const create = async (who: Persona | Auth, body: object = unique()) =>
    (await post(who, body).expect(201)).body;

  async function userWith(memberships: [string, string][]): Promise<Auth> {
    const [u] = await t.db.query(
      `INSERT INTO app_user (email, name, password_hash) VALUES ($1, 'extra', 'x') RETURNING id`,
      [`extra${++seq}@lotse.test`],
    );
    for (const [office, role] of memberships) {
      await t.db.query(`INSERT INTO membership (user_id, office_id, role) VALUES ($1, $2, $3)`, [
        u.id,
        office,
        role,
      ]);
    }
    return { Authorization: `Bearer ${await t.app.get(TokenService).issue(u.id)}` };
  }

  useSeededApp((app, world) => ([t, w] = [app, world]));

  it('creates a founder with every field, and reads back exactly what was sent', async () => {
    const res = await post('advisorA', { ...FULL, officeId: w.officeA }).expect(201);
    const expected = {
      ...FULL,
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      officeId: w.officeA,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    };
    expect(res.body).toEqual(expected);
    const read = await t.http().get(`/api/v1/founders/${res.body.id}`).set(w.as('leadA'));
    expect(read.status).toBe(200);
    expect(read.body).toEqual(res.body);
    const [row] = await t.db.query(`SELECT created_by, profile FROM founder WHERE id = $1`, [
      res.body.id,
    ]);
    expect(row.created_by).toBe(w.users.advisorA.id);
    expect(row.profile).toEqual({
      target_sector: 'gastronomy',
      wz_code: '56.10',
      home_knowledge_usability: 3,
      presumed_motivation: 'opportunity',
    });
  });

  it('creates a minimal founder in the caller\u2019s only office, trimmed, defaulted', async () => {
    const body = await create('advisorB', { firstName: '  Ada ', lastName: ' Lovelace  ' });
    expect(body).toEqual({
      ...EMPTY,
      id: expect.any(String),
      officeId: w.officeB,
      firstName: 'Ada',
      lastName: 'Lovelace',
      createdAt: expect.any(String),
      updatedAt: body.createdAt,
    });
  });

  it('requires officeId from a caller with several offices; hides other offices', async () => {
    const both = await userWith([
      [w.officeA, 'advisor'],
      [w.officeB, 'lead'],
    ]);
    const before = await count();
    const res = await post(both, unique()).expect(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('validation_failed');
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['officeId']);
    expect(await count()).toBe(before);
    expect((await post(both, { ...unique(), officeId: w.officeB }).expect(201)).body.officeId).toBe(
      w.officeB,
    );
    const other = await post('advisorA', { ...unique(), officeId: w.officeB }).expect(404);
    expect(other.body.code).toBe('not_found');
    // Auditor in B and advisor in A: B is not an office for founder data.
    const mixed = await userWith([
      [w.officeA, 'advisor'],
      [w.officeB, 'auditor'],
    ]);
    expect((await post(mixed, unique()).expect(201)).body.officeId).toBe(w.officeA);
    await post(mixed, { ...unique(), officeId: w.officeB }).expect(404);
    expect(await count()).toBe(before + 2);
  });

  const invalid: [string, object, string][] = [
    ['missing last name', { lastName: undefined }, 'lastName'],
    ['blank first name', { firstName: '   ', lastName: 'B' }, 'firstName'],
    ['overlong first name', { firstName: 'x'.repeat(201), lastName: 'B' }, 'firstName'],
    ['30 February', { birthDate: '2025-02-30' }, 'birthDate'],
    ['not a leap year', { birthDate: '1987-02-29' }, 'birthDate'],
    ['future birth date', { birthDate: tomorrow() }, 'birthDate'],
    ['birth before 1900', { birthDate: '1899-12-31' }, 'birthDate'],
    ['German date format', { birthDate: '02.04.1988' }, 'birthDate'],
    ['unknown gender', { gender: 'divers' }, 'gender'],
    ['bad email', { email: 'not-an-email' }, 'email'],
    ['bad phone', { phone: 'call me' }, 'phone'],
    ['bad postal code', { postalCode: '55116-ABCDEFG' }, 'postalCode'],
    ['unknown country', { countryOfBirth: 'XX' }, 'countryOfBirth'],
    ['lower-case country', { countryOfBirth: 'tr' }, 'countryOfBirth'],
    ['alpha-3 country', { countryOfBirth: 'TUR' }, 'countryOfBirth'],
    ['unknown nationality', { nationalities: ['DE', 'ZZ'] }, 'nationalities'],
    ['unknown language', { languages: [{ code: 'xx', level: 'B1' }] }, 'languages.0.code'],
    ['upper-case language', { languages: [{ code: 'DE', level: 'B1' }] }, 'languages.0.code'],
    ['bad language level', { languages: [{ code: 'de', level: 'B3' }] }, 'languages.0.level'],
    [
      'language twice',
      {
        languages: [
          { code: 'ar', level: 'native' },
          { code: 'ar', level: 'C1' },
        ],
      },
      'languages',
    ],
    ['bad German level', { germanLevel: 'B3' }, 'germanLevel'],
    ['ISCED 9', { iscedLevel: 9 }, 'iscedLevel'],
    ['ISCED as text', { iscedLevel: '3' }, 'iscedLevel'],
    ['migration background as text', { migrationBackground: 'yes' }, 'migrationBackground'],
    ['bad permit', { selfEmploymentPermitted: 'maybe' }, 'selfEmploymentPermitted'],
    ['consent month 13', { consent: { givenOn: '2024-13-01', version: 'v1' } }, 'consent.givenOn'],
    ['future consent', { consent: { givenOn: tomorrow(), version: 'v1' } }, 'consent.givenOn'],
    ['consent without version', { consent: { givenOn: '2024-01-01' } }, 'consent.version'],
    ['consent as array', { consent: [] }, 'consent'],
    ['usability 4', { profile: { homeKnowledgeUsability: 4 } }, 'profile.homeKnowledgeUsability'],
    ['bad WZ code', { profile: { wzCode: '5610' } }, 'profile.wzCode'],
    ['bad motivation', { profile: { presumedMotivation: 'greed' } }, 'profile.presumedMotivation'],
    ['unknown field', { nickname: 'x' }, 'nickname'],
    ['unknown nested field', { profile: { foo: 1 } }, 'profile.foo'],
  ];

  it.each(invalid)('refuses %s with 400 and stores nothing', async (_, fields, field) => {
    const before = await count();
    const res = await post('advisorA', { ...unique(), ...fields }).expect(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('validation_failed');
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(await count()).toBe(before);
  });

  it('accepts today as a birth date edge and a foreign postal code', async () => {
    const body = await create('advisorA', {
      ...unique(),
      birthDate: todayInGermany(),
      postalCode: ' 1234 ab ',
    });
    expect([body.birthDate, body.postalCode]).toEqual([todayInGermany(), '1234 AB']);
  });

  it('refuses an unknown target sector with 422 and lists the configured ones', async () => {
    const before = await count();
    const res = await post('advisorA', { ...unique(), profile: { targetSector: 'astrology' } });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({
      code: 'target_sector_unknown',
      errors: [{ field: 'profile.targetSector' }],
    });
    expect(await count()).toBe(before);
    const sectors = await t.http().get('/api/v1/target-sectors').set(w.as('auditorB')).expect(200);
    expect(sectors.body.items).toHaveLength(9);
    expect(sectors.body.items[1]).toEqual({
      code: 'gastronomy',
      labelDe: 'Gastronomie und Beherbergung',
      labelEn: 'Food service and accommodation',
      wzSection: 'I',
    });
    await t.http().get('/api/v1/target-sectors').expect(401);
  });

  it('refuses a duplicate (office, name, postal code) unless allowDuplicate=true', async () => {
    const name = unique('Mehmet');
    const first = await create('advisorA', { ...name, postalCode: '55116' });
    const before = await count();
    const again = {
      firstName: ' mehmet ',
      lastName: name.lastName.toUpperCase(),
      postalCode: '55116',
    };
    const res = await post('leadA', again).expect(409);
    expect(res.body).toMatchObject({ code: 'founder_duplicate', existingId: first.id });
    await post('leadA', again, '?allowDuplicate=false').expect(409);
    expect(await count()).toBe(before);
    const bad = await post('leadA', again, '?allowDuplicate=yes').expect(400);
    expect(bad.body.errors[0].field).toBe('allowDuplicate');
    const forced = await post('leadA', again, '?allowDuplicate=true').expect(201);
    expect(forced.body.id).not.toBe(first.id);
    await post('leadA', { ...again, postalCode: '55122' }).expect(201);
    await post('advisorB', again).expect(201); // another office has its own founders
    expect(await count()).toBe(before + 3);
  });

  it('makes a concurrent create wait for the name lock and then see the duplicate', async () => {
    // White-box: another transaction holds the lock the service takes (same key) while it inserts
    // the same person; without the lock the create would not wait and would answer 201.
    const body = { ...unique('Race'), postalCode: '08056' };
    const other = t.db.createQueryRunner();
    await other.connect();
    await other.startTransaction();
    await other.query(
      `SELECT pg_advisory_xact_lock(
                hashtext('founder'), hashtext($1 || '/' || lower($2) || '/' || lower($3)))`,
      [w.officeA, body.firstName, body.lastName],
    );
    let settled = false;
    const pending = post('advisorA', body).then((res) => ((settled = true), res));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(settled).toBe(false);
    const [row] = await other.query(
      `INSERT INTO founder (office_id, first_name, last_name, postal_code)
       VALUES ($1, $2, $3, $4) RETURNING id`,
      [w.officeA, body.firstName, body.lastName, body.postalCode],
    );
    await other.commitTransaction();
    await other.release();
    const res = await pending;
    expect([res.status, res.body.code, res.body.existingId]).toEqual([
      409,
      'founder_duplicate',
      row.id,
    ]);
  });

  it('updates a subset of fields and clears fields with null', async () => {
    const created = await create('advisorA', { ...FULL, ...unique() });
    const res = await patch('leadA', created.id, { city: 'Alzey', germanLevel: 'B2' }).expect(200);
    expect(res.body).toEqual({
      ...created,
      city: 'Alzey',
      germanLevel: 'B2',
      updatedAt: expect.any(String),
    });
    expect(Date.parse(res.body.updatedAt)).toBeGreaterThan(Date.parse(created.updatedAt));
    const cleared = await patch('advisorA', created.id, {
      email: null,
      consent: null,
      profile: null,
      gender: null,
      languages: null,
      birthDate: null,
    }).expect(200);
    expect(cleared.body).toMatchObject({
      email: null,
      consent: null,
      profile: null,
      gender: 'unknown',
      languages: [],
      birthDate: null,
      phone: FULL.phone,
      city: 'Alzey',
    });
    const profile = await patch('advisorA', created.id, { profile: { wzCode: '96.02.1' } });
    expect(profile.body.profile).toEqual({
      targetSector: null,
      wzCode: '96.02.1',
      homeKnowledgeUsability: null,
      presumedMotivation: null,
    });
  });

  it('refuses a null name, unknown fields and unknown sectors in PATCH, unchanged', async () => {
    const created = await create('advisorA');
    const nulled = await patch('advisorA', created.id, { firstName: null }).expect(400);
    expect(nulled.body.errors.map((e: { field: string }) => e.field)).toContain('firstName');
    const moved = await patch('advisorA', created.id, { officeId: w.officeB }).expect(400);
    expect(moved.body.errors.map((e: { field: string }) => e.field)).toContain('officeId');
    await patch('advisorA', created.id, { profile: { targetSector: 'nope' } }).expect(422);
    const empty = await patch('advisorA', created.id, {}).expect(200);
    expect(empty.body).toEqual(created);
  });

  it('searches case-insensitively by first, last and "first last"; % is no wildcard', async () => {
    const tag = `Quist${++seq}`;
    const zoe = await create('advisorA', { firstName: 'Zoe', lastName: tag });
    const anna = await create('advisorA', { firstName: 'Anna', lastName: `${tag}-Berg` });
    const pct = await create('advisorA', { firstName: 'Half', lastName: `${tag}50%off` });
    const ids = async (q: string) =>
      (await list('advisorA', { q }).expect(200)).body.items.map((f: { id: string }) => f.id);
    expect((await ids(tag.toLowerCase())).sort()).toEqual([zoe.id, anna.id, pct.id].sort());
    expect(await ids(`ANNA ${tag}`)).toEqual([anna.id]);
    expect(await ids(`${tag}50%`)).toEqual([pct.id]);
    expect(await ids(`${tag}%off`)).toEqual([]);
    expect(await ids(`${tag}_`)).toEqual([]);
    expect(await list('advisorB', { q: tag.toLowerCase() }).then((r) => r.body.items)).toEqual([]);
  });

  it('pages newest-updated first without duplicates or gaps, even for equal times', async () => {
    const [c] = await t.db.query(
      `INSERT INTO office (code, name) VALUES ('PAGE-C', 'Paging') RETURNING id`,
    );
    const advisorC = await userWith([[c.id, 'advisor']]);
    const created: string[] = [];
    for (let i = 0; i < 7; i++) created.push((await create(advisorC)).id);
    const walk = async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < 5; page++) {
        const query: Record<string, string | number> = { limit: 3, ...(cursor ? { cursor } : {}) };
        const res = await list(advisorC, query).expect(200);
        seen.push(...res.body.items.map((f: { id: string }) => f.id));
        cursor = res.body.nextCursor;
        if (!cursor) return { seen, pages: page + 1 };
      }
      throw new Error('more pages than founders');
    };
    expect(await walk()).toEqual({ seen: [...created].reverse(), pages: 3 });
    // Same timestamp down to the microsecond: the id decides the order.
    await t.db.query(
      `UPDATE founder SET updated_at = '2025-01-01T10:00:00.123456Z' WHERE office_id = $1`,
      [c.id],
    );
    expect(await walk()).toEqual({ seen: [...created].sort().reverse(), pages: 3 });
    await list(advisorC, { limit: 201 }).expect(400);
    const bad = await list(advisorC, { cursor: 'not-a-cursor' }).expect(400);
    expect(bad.body.errors[0].field).toBe('cursor');
    const forged = Buffer.from(JSON.stringify(['yesterday', 'x'])).toString('base64url');
    await list(advisorC, { cursor: forged }).expect(400);
  });

  it('isolates offices: another office\u2019s founder is 404 and never listed', async () => {
    const founder = await create('advisorA');
    for (const who of ['advisorB', 'leadB'] as const) {
      const read = await t.http().get(`/api/v1/founders/${founder.id}`).set(w.as(who));
      expect([read.status, read.body.code]).toEqual([404, 'not_found']);
      await patch(who, founder.id, { city: 'Zwickau' }).expect(404);
    }
    const [row] = await t.db.query(`SELECT city FROM founder WHERE id = $1`, [founder.id]);
    expect(row.city).toBeNull();
    const b = await list('leadB', { limit: 200 }).expect(200);
    expect(b.body.items.length).toBeGreaterThan(0);
    expect(b.body.items.every((f: { officeId: string }) => f.officeId === w.officeB)).toBe(true);
    const a = await list('advisorA', { limit: 200 }).expect(200);
    expect(a.body.items.map((f: { id: string }) => f.id)).toContain(founder.id);
    expect(a.body.items.every((f: { officeId: string }) => f.officeId === w.officeA)).toBe(true);
  });

  it('refuses auditors, admins without membership and members of no office with 403', async () => {
    const founder = await create('advisorA');
    for (const who of ['auditorA', 'admin', 'nobody'] as const) {
      const calls = [
        post(who, unique()),
        t.http().get(`/api/v1/founders/${founder.id}`).set(w.as(who)),
        patch(who, founder.id, { city: 'X' }),
        list(who, {}),
      ];
      for (const res of await Promise.all(calls)) {
        expect([who, res.status, res.body.code]).toEqual([who, 403, 'forbidden']);
      }
    }
  });

  it('writes an access-log entry for every create, read, update and list', async () => {
    const entries = (requestId: string) =>
      t.db.query(
        `SELECT actor_id, office_id, resource_type, resource_id, action, details
           FROM access_log WHERE request_id = $1`,
        [requestId],
      );
    const name = unique('Logged');
    const created = await post('advisorA', name).set('X-Request-Id', 'fl-create').expect(201);
    const id = created.body.id;
    await t.http().get(`/api/v1/founders/${id}`).set(w.as('leadA')).set('X-Request-Id', 'fl-read');
    await patch('advisorA', id, { city: 'Bingen' }).set('X-Request-Id', 'fl-update').expect(200);
    await list('advisorA', { q: name.lastName }).set('X-Request-Id', 'fl-list').expect(200);
    await post('advisorA', name).set('X-Request-Id', 'fl-dup').expect(409);
    const base = { resource_type: 'founder', office_id: w.officeA };
    expect(await entries('fl-create')).toEqual([
      { ...base, actor_id: w.users.advisorA.id, resource_id: id, action: 'create', details: null },
    ]);
    expect(await entries('fl-read')).toEqual([
      { ...base, actor_id: w.users.leadA.id, resource_id: id, action: 'read', details: null },
    ]);
    expect(await entries('fl-update')).toEqual([
      {
        ...base,
        actor_id: w.users.advisorA.id,
        resource_id: id,
        action: 'update',
        details: { fields: ['city'] },
      },
    ]);
    expect(await entries('fl-list')).toEqual([
      {
        ...base,
        actor_id: w.users.advisorA.id,
        resource_id: null,
        action: 'list',
        details: { count: 1 },
      },
    ]);
    expect(await entries('fl-dup')).toEqual([]);
  });
});

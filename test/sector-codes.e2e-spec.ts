import { RESET_BUSINESS, RESET_HOUSEHOLD } from './support/fuzz';
import type { TestApp } from './support/test-app';
import { useSeededApp, World } from './support/world';

/**
 * A case's sector and a RE_SET business's sector are codes of the configured target sectors,
 * checked as the founder profile's targetSector is: a malformed value is 400, a well-formed code
 * that is not configured is 422 target_sector_unknown, and nothing is written.
 */
describe('sector codes of cases and RE_SET analyses', () => {
  let t: TestApp;
  let w: World;
  let founderId: string;

  useSeededApp((app, world) => ([t, w] = [app, world]));
  beforeAll(async () => {
    const [f] = await t.db.query(
      `INSERT INTO founder (office_id, first_name, last_name) VALUES ($1, 'Aylin', 'Demir') RETURNING id`,
      [w.officeA],
    );
    founderId = f.id;
  });

  const count = async (table: string): Promise<number> =>
    (await t.db.query(`SELECT count(*)::int AS n FROM ${table}`))[0].n;
  const expectUnknown = (body: { code: string; errors: { field: string }[] }, field: string) => {
    expect(body.code).toBe('target_sector_unknown');
    expect(body.errors).toEqual([expect.objectContaining({ field })]);
  };

  it('refuses a sector that is not a configured code when a case is opened or changed', async () => {
    const unknown = await t
      .http()
      .post('/api/v1/cases')
      .set(w.as('advisorA'))
      .send({ founderId, sector: 'bogus' })
      .expect(422);
    expectUnknown(unknown.body, 'sector');
    const prose = await t
      .http()
      .post('/api/v1/cases')
      .set(w.as('advisorA'))
      .send({ founderId, sector: 'Imbiss am Markt' })
      .expect(400);
    expect(prose.body.errors[0].field).toBe('sector');
    expect(await count('founder_case')).toBe(0);

    const c = await t
      .http()
      .post('/api/v1/cases')
      .set(w.as('advisorA'))
      .send({ founderId, sector: 'gastronomy' })
      .expect(201);
    expect(c.body.sector).toBe('gastronomy');
    const patched = await t
      .http()
      .patch(`/api/v1/cases/${c.body.id}`)
      .set(w.as('advisorA'))
      .send({ sector: 'bogus' })
      .expect(422);
    expectUnknown(patched.body, 'sector');
    await t
      .http()
      .patch(`/api/v1/cases/${c.body.id}`)
      .set(w.as('advisorA'))
      .send({ sector: 42 })
      .expect(400);
    const after = await t
      .http()
      .get(`/api/v1/cases/${c.body.id}`)
      .set(w.as('advisorA'))
      .expect(200);
    expect(after.body).toMatchObject({ sector: 'gastronomy', version: c.body.version });
    await t
      .http()
      .patch(`/api/v1/cases/${c.body.id}`)
      .set(w.as('advisorA'))
      .send({ sector: null })
      .expect(200);
  });

  it('refuses a RE_SET business sector that is not a configured code', async () => {
    const send = (sector: unknown) =>
      t
        .http()
        .post('/api/v1/reset-analyses')
        .set(w.as('advisorA'))
        .send({ founderId, business: { ...RESET_BUSINESS, sector }, household: RESET_HOUSEHOLD });
    expectUnknown((await send('bogus').expect(422)).body, 'business.sector');
    expect((await send('Friseur').expect(400)).body.errors[0].field).toBe('business.sector');
    await send(null).expect(400);
    expect(await count('reset_analysis')).toBe(0);

    const a = await send('personal_services').expect(201);
    const patch = await t
      .http()
      .patch(`/api/v1/reset-analyses/${a.body.id}`)
      .set(w.as('advisorA'))
      .send({ business: { ...RESET_BUSINESS, sector: 'bogus' } })
      .expect(422);
    expectUnknown(patch.body, 'business.sector');
    const after = await t
      .http()
      .get(`/api/v1/reset-analyses/${a.body.id}`)
      .set(w.as('advisorA'))
      .expect(200);
    expect(after.body).toMatchObject({
      business: { sector: 'personal_services' },
      version: a.body.version,
    });
  });

  it('answers as the founder profile does for the same code', async () => {
    const res = await t
      .http()
      .post('/api/v1/founders')
      .set(w.as('advisorA'))
      .send({ firstName: 'Jana', lastName: 'Novak', profile: { targetSector: 'bogus' } })
      .expect(422);
    expectUnknown(res.body, 'profile.targetSector');
  });
});

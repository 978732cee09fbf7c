import { insertFounder } from './support/cases';
import { RESET_BUSINESS, RESET_HOUSEHOLD } from './support/fuzz';
import type { TestApp } from './support/test-app';
import { useSeededApp, World } from './support/world';

/** Input that was accepted though no field could mean it: invalid UTF-8, amounts padded with spaces. */
describe('input the service must refuse', () => {
  let t: TestApp;
  let w: World;
  useSeededApp((app, world) => ([t, w] = [app, world]));

  async function count(table: string): Promise<number> {
    const [{ n }] = await t.db.query(`SELECT count(*)::integer AS n FROM ${table}`);
    return n;
  }
  const founder = () => insertFounder(t, w.officeA);
  /** POST /reset-analyses for a new founder of office A (the fuzz suite's business), expecting `status`. */
  const createAnalysis = async (household: object, status: number) =>
    t
      .http()
      .post('/api/v1/reset-analyses')
      .set(w.as('advisorA'))
      .send({ founderId: await founder(), business: RESET_BUSINESS, household })
      .expect(status);
  /** A JSON text whose bytes ff fe sit inside a string: U+FFFD twice, if decoded leniently. */
  const withInvalidUtf8 = (json: string, marker: string) => {
    const [before, after] = json.split(marker);
    return Buffer.concat([Buffer.from(before), Buffer.from([0xff, 0xfe]), Buffer.from(after)]);
  };

  describe('a JSON body that is not valid UTF-8', () => {
    it.each([
      [
        'POST /offices',
        '/api/v1/offices',
        { name: 'RUN @@', code: 'RUN-X', region: 'Rheinhessen' },
        'office',
      ],
      [
        'POST /reset-analyses',
        '/api/v1/reset-analyses',
        {
          founderId: 'FOUNDER',
          business: { ...RESET_BUSINESS, description: 'Salon @@' },
          household: RESET_HOUSEHOLD,
        },
        'reset_analysis',
      ],
    ])('%s answers 400 problem+json and stores nothing', async (_name, url, body, table) => {
      const json = JSON.stringify(body).replace('FOUNDER', await founder());
      const before = await count(table);
      const res = await t
        .http()
        .post(url)
        .set(w.as(table === 'office' ? 'admin' : 'advisorA'))
        .set('content-type', 'application/json')
        .serialize(() => withInvalidUtf8(json, '@@') as unknown as string)
        .send({})
        .expect(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({
        status: 400,
        code: 'malformed_body',
        detail: 'The request body is not valid UTF-8.',
      });
      expect(await count(table)).toBe(before);
      // The same body in valid UTF-8 is stored (so the refusal was for the bytes alone).
      await t
        .http()
        .post(url)
        .set(w.as(table === 'office' ? 'admin' : 'advisorA'))
        .set('content-type', 'application/json; charset=utf-8')
        .send(json.replace('@@', 'ÿþ'))
        .expect(201);
    });
  });

  describe('amounts with surrounding spaces', () => {
    it.each([' 12 ', '12 ', ' 12', '\t12', '12\n'])(
      'refuses %p in an analysis and in a period, storing nothing',
      async (amount) => {
        const before = await count('reset_analysis');
        const bad = await createAnalysis({ ...RESET_HOUSEHOLD, housingCostsMonthly: amount }, 400);
        expect(bad.body.code).toBe('validation_failed');
        expect(bad.body.errors).toEqual([
          expect.objectContaining({ field: 'household.housingCostsMonthly' }),
        ]);
        expect(await count('reset_analysis')).toBe(before);

        const analysis = await createAnalysis(RESET_HOUSEHOLD, 201);
        const versions = await count('reset_period_version');
        const period = {
          periodEnd: '2025-06-30',
          kind: 'provisional',
          months: [{ month: '2025-01', receipts: { A1: amount }, expenses: {} }],
        };
        const res = await t
          .http()
          .put(`/api/v1/reset-analyses/${analysis.body.id}/periods/2025-01-01`)
          .set(w.as('advisorA'))
          .send(period)
          .expect(400);
        expect(res.body.code).toBe('validation_failed');
        expect(await count('reset_period_version')).toBe(versions);
      },
    );

    it('still takes the same amounts without the spaces', async () => {
      await createAnalysis({ ...RESET_HOUSEHOLD, housingCostsMonthly: '12' }, 201);
    });
  });

  describe('page sizes', () => {
    it.each(['%2012%20', '12%20', '0x10', '1e1', '', '%20'])('refuses limit=%s', async (limit) => {
      const res = await t
        .http()
        .get(`/api/v1/cases?limit=${limit}`)
        .set(w.as('advisorA'))
        .expect(400);
      expect(res.body.code).toBe('validation_failed');
    });

    it('takes a plain number', async () => {
      await t.http().get('/api/v1/cases?limit=12').set(w.as('advisorA')).expect(200);
    });
  });
});

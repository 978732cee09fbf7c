import type { TestApp } from './support/test-app';
import { useSeededApp, World } from './support/world';

interface Entry {
  id: string;
  officeId: string | null;
}

describe('GET /api/v1/access-log pages', () => {
  let t: TestApp;
  let w: World;

  useSeededApp((app, world) => ([t, w] = [app, world]));
  beforeAll(async () => {
    // 240 entries, ids from 1 to past 200: the ids cross two digit boundaries (9→10, 99→100),
    // where a text sort ("98" > "240") would misorder them. Every third belongs to office B.
    await t.db.query(
      `INSERT INTO access_log (actor_type, actor_id, office_id, resource_type, resource_id, action)
       SELECT 'user', $1, CASE WHEN n % 3 = 0 THEN $3::uuid ELSE $2::uuid END, 'case', n::text, 'read'
         FROM generate_series(1, 240) n`,
      [w.users.leadA.id, w.officeA, w.officeB],
    );
  });

  async function walk(
    persona: 'admin' | 'leadA',
    limit: number,
  ): Promise<{ ids: number[]; pages: number }> {
    const ids: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await t.http().get(`/api/v1/access-log?${query}`).set(w.as(persona)).expect(200);
      ids.push(...(res.body.items as Entry[]).map((e) => Number(e.id)));
      cursor = res.body.nextCursor;
      pages += 1;
    } while (cursor && pages < 1000);
    return { ids, pages };
  }

  const stored = async (officeId: string | null): Promise<number[]> =>
    (
      await t.db.query(
        `SELECT id FROM access_log WHERE ($1::uuid IS NULL OR office_id = $1) ORDER BY id DESC`,
        [officeId],
      )
    ).map((r: { id: string }) => Number(r.id));

  it('answers newest first by number', async () => {
    const res = await t.http().get('/api/v1/access-log?limit=5').set(w.as('admin')).expect(200);
    const all = await stored(null);
    expect(all.length).toBeGreaterThan(100);
    expect((res.body.items as Entry[]).map((e) => Number(e.id))).toEqual(all.slice(0, 5));
  });

  it.each([7, 50, 100])(
    'returns every entry exactly once over all pages of %i (admin)',
    async (limit) => {
      const { ids, pages } = await walk('admin', limit);
      expect(ids).toEqual(await stored(null));
      expect(pages).toBe(Math.ceil(ids.length / limit) || 1);
    },
  );

  it('returns every entry of the lead’s office exactly once, and none of another office', async () => {
    const { ids } = await walk('leadA', 9);
    const own = await stored(w.officeA);
    expect(own.length).toBeGreaterThan(100);
    expect(ids).toEqual(own);
  });
});

import { AccessLogService } from '../src/access-log/access-log.service';
import { OfficeDb } from '../src/database/office-transaction';
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

describe('access-log entries written with the COMMIT', () => {
  let t: TestApp;
  let w: World;
  useSeededApp((app, world) => ([t, w] = [app, world]));

  const ctx = (requestId: string) => ({
    actor: {
      kind: 'user' as const,
      id: w.users.advisorA.id,
      isAdmin: false,
      memberships: [{ officeId: w.officeA, role: 'advisor' as const }],
    },
    requestId,
    ip: '127.0.0.1',
  });
  const entries = (requestId: string) =>
    t.db.query(
      `SELECT office_id, resource_type, resource_id, action, details FROM access_log WHERE request_id = $1 ORDER BY id`,
      [requestId],
    );

  it('keeps every value as it was given, however it is quoted', async () => {
    const hostile = `O'Brien \\ "x" '); DELETE FROM access_log; -- \u00e4\u{1F600} $1 E'\\x00'`;
    await t.app.get(OfficeDb).run({ officeIds: [w.officeA] }, (tx) => {
      t.app.get(AccessLogService).record(
        ctx('quoted-1'),
        [
          {
            officeId: w.officeA,
            resourceType: 'case',
            resourceId: hostile,
            action: 'read',
            details: { q: hostile, n: 1 },
          },
          { officeId: null, resourceType: 'case', resourceId: null, action: 'list' },
        ],
        tx,
      );
      return Promise.resolve();
    });
    expect(await entries('quoted-1')).toEqual([
      {
        office_id: w.officeA,
        resource_type: 'case',
        resource_id: hostile,
        action: 'read',
        details: { q: hostile, n: 1 },
      },
      { office_id: null, resource_type: 'case', resource_id: null, action: 'list', details: null },
    ]);
    expect((await t.db.query(`SELECT count(*)::int AS n FROM access_log`))[0].n).toBeGreaterThan(1);
  });

  it('commits with the transaction or not at all', async () => {
    const failed = await t.app
      .get(OfficeDb)
      .run({ officeIds: [w.officeA] }, (tx) => {
        t.app
          .get(AccessLogService)
          .record(
            ctx('rolled-back'),
            { officeId: w.officeA, resourceType: 'case', resourceId: null, action: 'read' },
            tx,
          );
        return Promise.reject(new Error('the use case failed after logging'));
      })
      .catch((e: Error) => e.message);
    expect(failed).toBe('the use case failed after logging');
    expect(await entries('rolled-back')).toEqual([]);
    // An entry row-level security refuses (another office than the scope's) fails the commit, and
    // the work of the transaction with it.
    const refused = await t.app
      .get(OfficeDb)
      .run({ officeIds: [w.officeA] }, async (tx) => {
        await tx.manager.query(`UPDATE founder_case SET coaching = coaching`);
        t.app
          .get(AccessLogService)
          .record(
            ctx('refused'),
            { officeId: w.officeB, resourceType: 'case', resourceId: null, action: 'read' },
            tx,
          );
      })
      .catch((e: Error) => e.message);
    expect(refused).toMatch(/row-level security/);
    expect(await entries('refused')).toEqual([]);
  });
});

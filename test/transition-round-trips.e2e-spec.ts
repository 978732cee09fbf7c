import { Client } from 'pg';
import { insertFounder, openCase, sendEvent } from './support/cases';
import type { TestApp } from './support/test-app';
import { useSeededApp, World } from './support/world';

// Issue 16, "fewer round trips per transition": a client's event costs two round trips on its
// transaction's connection, BEGIN (+ scope, lock, facts, stored answer) and the write (+ access
// log, stored answer, COMMIT). A regression that adds one fails here, and so does a fold that
// commits part of a failed write.

interface Sent {
  client: unknown;
  text: string;
}

describe('a phase transition in two round trips', () => {
  let t: TestApp;
  let w: World;
  // One pool connection: the statements are prepared on it by the first transition, so every
  // later one shows its steady state.
  useSeededApp((app, world) => ([t, w] = [app, world]), { DATABASE_POOL_SIZE: '1' });

  let sent: Sent[] = [];
  // eslint-disable-next-line @typescript-eslint/unbound-method -- kept to be called with its client
  const original = Client.prototype.query;
  beforeAll(() => {
    Client.prototype.query = function (this: Client, ...args: unknown[]) {
      const config = args[0] as string | { text?: string };
      const text = typeof config === 'string' ? config : (config.text ?? '');
      sent.push({ client: this, text });
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof original;
  });
  afterAll(() => {
    Client.prototype.query = original;
  });

  /** The messages of the one transaction that locked `caseId`, from its BEGIN to its COMMIT. */
  function transactionOf(caseId: string): string[] {
    const begin = sent.findIndex((s) => s.text.startsWith('BEGIN') && s.text.includes(caseId));
    expect(begin).toBeGreaterThanOrEqual(0);
    const client = sent[begin].client;
    const own = sent.slice(begin).filter((s) => s.client === client);
    const end = own.findIndex((s) => /\bCOMMIT$|^COMMIT|^ROLLBACK/.test(s.text));
    expect(end).toBeGreaterThanOrEqual(0);
    return own.slice(0, end + 1).map((s) => s.text);
  }

  async function warmCase(): Promise<string> {
    const founder = await insertFounder(t, w.officeA);
    const c = await openCase(t, w, 'advisorA', founder);
    // Prepares the lock, facts and write statements on the connection.
    await sendEvent(t, w, 'advisorA', c.id, { type: 'PAUSE', reason: 'warm-up' }).expect(200);
    await sendEvent(t, w, 'advisorA', c.id, { type: 'RESUME' }).expect(200);
    return c.id;
  }

  it('sends BEGIN with the lock and the facts, and the write with the access log and the COMMIT', async () => {
    const caseId = await warmCase();
    sent = [];
    await sendEvent(t, w, 'advisorA', caseId, { type: 'PAUSE', reason: 'Krankheit' }).expect(200);
    const tx = transactionOf(caseId);
    expect(tx).toHaveLength(2);
    expect(tx[0]).toMatch(/^BEGIN[^;]*;\s*SELECT set_config/);
    expect(tx[0]).toMatch(/EXECUTE "case_lock"\('[0-9a-f-]{36}', '\{/);
    expect(tx[0]).toContain('EXECUTE "case_locked_facts"');
    expect(tx[1]).toContain('EXECUTE "case_transition"');
    expect(tx[1]).toContain('INSERT INTO access_log');
    expect(tx[1]).toMatch(/COMMIT$/);
    // The free text travels as an escaped literal, never as SQL.
    expect(tx[1]).toContain(`'{"reason":"Krankheit"}'`);
  });

  it('with an Idempotency-Key: the lookup rides with the lock, the stored answer with the COMMIT', async () => {
    const caseId = await warmCase();
    sent = [];
    const first = await sendEvent(t, w, 'advisorA', caseId, { type: 'PAUSE', reason: 'x' })
      .set('Idempotency-Key', 'h3-two-trips')
      .expect(200);
    const tx = transactionOf(caseId);
    expect(tx).toHaveLength(2);
    expect(tx[0]).toContain('EXECUTE "idempotent_lookup"');
    expect(tx[1]).toContain('INSERT INTO idempotent_request');
    expect(tx[1].indexOf('case_transition')).toBeLessThan(tx[1].indexOf('idempotent_request'));
    // The retry answers the stored first answer, which is what the database holds now.
    const again = await sendEvent(t, w, 'advisorA', caseId, { type: 'PAUSE', reason: 'x' })
      .set('Idempotency-Key', 'h3-two-trips')
      .expect(200);
    expect(again.body).toEqual(first.body);
    const read = await t.http().get(`/api/v1/cases/${caseId}`).set(w.as('advisorA')).expect(200);
    expect(first.body).toEqual(read.body);
  });

  it('answers the row the write left, column by column (phase change, closing, reopening)', async () => {
    const founder = await insertFounder(t, w.officeA);
    const c = await openCase(t, w, 'advisorA', founder);
    await t
      .http()
      .patch(`/api/v1/cases/${c.id}`)
      .set(w.as('advisorA'))
      .send({ firstCounsellingScheduledOn: '2026-01-12' })
      .expect(200);
    const events = [
      { type: 'START_COUNSELLING' },
      { type: 'PAUSE', reason: 'Urlaub' },
      { type: 'RESUME' },
      { type: 'DROP_OUT', reasonCode: 'employment' },
    ];
    for (const event of events) {
      const answer = await sendEvent(t, w, 'advisorA', c.id, event).expect(200);
      const read = await t.http().get(`/api/v1/cases/${c.id}`).set(w.as('advisorA')).expect(200);
      expect(answer.body).toEqual(read.body);
    }
    const reopened = await sendEvent(t, w, 'leadA', c.id, {
      type: 'REOPEN',
      reason: 'neuer Anlauf',
    }).expect(200);
    const read = await t.http().get(`/api/v1/cases/${c.id}`).set(w.as('leadA')).expect(200);
    expect(reopened.body).toEqual(read.body);
    expect(read.body).toMatchObject({ status: 'active', exitedOn: null });
  });

  describe('a failure in the folded write commits none of it', () => {
    async function state(caseId: string) {
      const [row] = await t.db.query(
        `SELECT c.version,
                (SELECT count(*)::int FROM case_history h WHERE h.case_id = c.id) AS history,
                (SELECT count(*)::int FROM case_history_text x WHERE x.case_id = c.id) AS texts,
                (SELECT count(*)::int FROM access_log a WHERE a.resource_id = c.id::text AND a.action = 'transition') AS logged,
                (SELECT count(*)::int FROM idempotent_request r WHERE r.key LIKE 'h3-fail-%') AS answers
           FROM founder_case c WHERE c.id = $1`,
        [caseId],
      );
      return row as Record<string, number>;
    }

    // A trigger that refuses one row, installed for one test: the statements before it in the
    // COMMIT's message have run when it fires.
    async function refusing(table: string, when: string, work: () => Promise<void>) {
      await t.db.query(`CREATE FUNCTION h3_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF ${when} THEN RAISE EXCEPTION 'refused by the test'; END IF; RETURN NEW; END $$`);
      await t.db.query(
        `CREATE TRIGGER h3_refuse BEFORE INSERT ON ${table} FOR EACH ROW EXECUTE FUNCTION h3_refuse()`,
      );
      try {
        await work();
      } finally {
        await t.db.query(`DROP TRIGGER h3_refuse ON ${table}`);
        await t.db.query(`DROP FUNCTION h3_refuse()`);
      }
    }

    it.each([
      ['the stored answer (last before COMMIT)', 'idempotent_request', `NEW.key LIKE 'h3-fail-%'`],
      ['the access-log entry', 'access_log', `NEW.action = 'transition'`],
      ['the history row', 'case_history', `NEW.event = 'PAUSE'`],
    ])('refused at %s', async (_label, table, when) => {
      const caseId = await warmCase();
      const before = await state(caseId);
      await refusing(table, when, async () => {
        const res = await sendEvent(t, w, 'advisorA', caseId, { type: 'PAUSE', reason: 'nie' })
          .set('Idempotency-Key', `h3-fail-${table}`)
          .set('If-Match', `"${before.version}"`);
        expect(res.status).toBe(500);
      });
      expect(await state(caseId)).toEqual(before);
      // The connection came back clean: the same event goes through now.
      const ok = await sendEvent(t, w, 'advisorA', caseId, { type: 'PAUSE', reason: 'ja' })
        .set('If-Match', `"${before.version}"`)
        .expect(200);
      expect(ok.body.version).toBe(before.version + 1);
      expect(await state(caseId)).toMatchObject({
        version: before.version + 1,
        history: before.history + 1,
        logged: before.logged + 1,
      });
    });
  });
});

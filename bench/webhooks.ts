import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from 'pg';
import { hashApiKey } from '../src/auth/api-key-hash';
import type { AppConfig } from '../src/config/config';
import { WEBHOOK_EVENT_TYPES } from '../src/webhooks/webhook-events';
import {
  newWebhookSecret,
  secretPrefix,
  WebhookSecretCipher,
} from '../src/webhooks/webhook-secret';
import { BENCH } from './config';
import { fmt, pct } from './lib/stats';
import type { Phase } from './report';
import type { HttpScenario } from './workers/specs';

/**
 * The webhooks scenario (BENCH_ONLY=webhooks): what the transactional outbox costs a phase
 * transition. The transitions scenario's load (same clients, same number of cases) with a cycle
 * that changes the phase (START_COUNSELLING / STEP_BACK, so every transition is a
 * case.phase_changed event; PAUSE/RESUME keeps the phase and sends none), run three times on fresh
 * cases of one office:
 *   (a) no endpoint: the enqueue trigger finds no subscriber (one index probe);
 *   (p) one paused endpoint: every transition writes its outbox row, nothing is delivered — the
 *       outbox's write cost alone;
 *   (b) one active endpoint on a receiver in this process that answers 204, with the service's
 *       worker on: the write plus the delivery (claim, sign, POST, record) in the same service.
 * After (b), the outbox is drained and the delivery lag (occurred_at → delivered_at) measured, and
 * (a) is run once more: (b) is compared with the mean of the two runs of (a) that bracket it, so
 * that drift over the runs (tables growing, other work on the machine) does not count as the
 * outbox's. Before (a), one unreported run of the same load warms the service's code path (the
 * first run of a cycle is otherwise the slowest by far).
 */

/** The two events each connection alternates on its cases (STEP_BACK's reason is a text row, like PAUSE's). */
const THERE = { type: 'START_COUNSELLING' } as const;
const BACK = { type: 'STEP_BACK', reason: 'bench' } as const;

/** How long the worker may take to deliver what (b) left pending. */
const DRAIN_TIMEOUT_MS = 300_000;

export interface WebhooksRun {
  dbUrl: string;
  /** WEBHOOK_SECRET_KEY and LOTSE_DATA_DIR of the service, so that it can decrypt the endpoint's secret */
  secretConfig: Pick<AppConfig, 'webhookSecretKey' | 'dataDir'>;
  httpPhase: (label: string, scenario: HttpScenario, connections: number) => Promise<Phase>;
  log: (message: string) => void;
}

export interface WebhooksResults {
  title: string;
  none: Phase;
  /** (a) again, after (b) and the drain */
  noneAfter: Phase;
  paused: Phase;
  active: Phase;
  /** outbox rows written in (p), all left pending by the paused endpoint */
  pausedMessages: number;
  /** outbox rows of the active endpoint, and how they ended */
  messages: number;
  delivered: number;
  failed: number;
  /** pending when the load of (b) stopped: the worker's backlog */
  pendingAtEnd: number;
  drainSeconds: number;
  /** pending when the bench stopped waiting (0: drained) */
  pendingLeft: number;
  /** webhook_delivery rows (attempts) and the receiver's requests */
  attempts: number;
  receiverHits: number;
  lag: { p50: number; p99: number; max: number };
}

export async function runWebhooks(run: WebhooksRun): Promise<WebhooksResults> {
  const { clients, casesPerSide } = BENCH.transitions;
  const db = new Client({ connectionString: run.dbUrl, application_name: 'lotse-bench-webhooks' });
  await db.connect();
  const receiver = await startReceiver();
  try {
    const world = await seedWebhookOffice(db, casesPerSide);
    const cipher = new WebhookSecretCipher(run.secretConfig as AppConfig);
    const subscribe = async (status: 'active' | 'paused') => {
      const secret = newWebhookSecret();
      const { rows } = await db.query<{ id: string }>(
        `INSERT INTO webhook_endpoint (office_id, url, events, status, secret_encrypted, secret_prefix)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
        [
          world.officeId,
          receiver.url,
          WEBHOOK_EVENT_TYPES,
          status,
          cipher.encrypt(secret),
          secretPrefix(secret),
        ],
      );
      return rows[0].id;
    };
    const phase = (label: string, caseIds: string[]) =>
      run.httpPhase(
        `phase transitions ${label}, ${clients} connections`,
        { kind: 'transitions', apiKey: world.apiKey, caseIds, bodies: [THERE, BACK] },
        clients,
      );

    await phase('warm-up, not reported', world.cases[3]);
    const none = await phase('without endpoint', world.cases[0]);
    const stray = await count(db, `SELECT count(*) FROM webhook_message`);
    if (stray !== 0) throw new Error(`webhooks: ${stray} outbox rows without an endpoint`);

    const pausedId = await subscribe('paused');
    const paused = await phase('with a paused endpoint (outbox write only)', world.cases[1]);
    // Deleted as the API does it (soft), then its rows, once the transitions still under way
    // when the load stopped have committed: (b)'s claims should not wade through them.
    await db.query(`UPDATE webhook_endpoint SET deleted_at = now() WHERE id = $1`, [pausedId]);
    await new Promise((r) => setTimeout(r, 2000));
    const pausedMessages = await count(
      db,
      `SELECT count(*) FROM webhook_message WHERE endpoint_id = $1`,
      [pausedId],
    );
    await db.query(`DELETE FROM webhook_message WHERE endpoint_id = $1`, [pausedId]);
    await db.query(`VACUUM (ANALYZE) webhook_message`);

    const activeId = await subscribe('active');
    const active = await phase('with one endpoint (worker delivering)', world.cases[2]);
    const pendingSql = `SELECT count(*) FROM webhook_message WHERE endpoint_id = $1 AND state = 'pending'`;
    const pendingAtEnd = await count(db, pendingSql, [activeId]);
    run.log(`webhooks: ${fmt(pendingAtEnd)} messages pending after the load; draining`);
    const t0 = Date.now();
    let pending = pendingAtEnd;
    while (pending > 0 && Date.now() - t0 < DRAIN_TIMEOUT_MS) {
      await new Promise((r) => setTimeout(r, 200));
      pending = await count(db, pendingSql, [activeId]);
    }
    const drainSeconds = (Date.now() - t0) / 1000;
    if (pending > 0)
      run.log(`webhooks: ${fmt(pending)} still pending after ${fmt(drainSeconds)} s`);
    // Deleted (soft, as the API does): the last run writes no outbox row, as (a) did not.
    await db.query(`UPDATE webhook_endpoint SET deleted_at = now() WHERE id = $1`, [activeId]);
    const noneAfter = await phase('without endpoint, again', world.cases[4]);

    const { rows } = await db.query<{
      messages: string;
      delivered: string;
      failed: string;
      attempts: string;
      p50: number | null;
      p99: number | null;
      max: number | null;
    }>(
      `WITH m AS (SELECT state, extract(epoch FROM delivered_at - occurred_at) * 1000 AS lag
                    FROM webhook_message WHERE endpoint_id = $1)
       SELECT count(*) AS messages,
              count(*) FILTER (WHERE state = 'delivered') AS delivered,
              count(*) FILTER (WHERE state = 'failed') AS failed,
              (SELECT count(*) FROM webhook_delivery WHERE endpoint_id = $1) AS attempts,
              percentile_disc(0.5) WITHIN GROUP (ORDER BY lag) AS p50,
              percentile_disc(0.99) WITHIN GROUP (ORDER BY lag) AS p99,
              max(lag) AS max
         FROM m`,
      [activeId],
    );
    const f = rows[0];
    return {
      title: `phase transitions START_COUNSELLING/STEP_BACK, ${clients} clients on ${fmt(casesPerSide)} cases`,
      none,
      noneAfter,
      paused,
      active,
      pausedMessages,
      messages: Number(f.messages),
      delivered: Number(f.delivered),
      failed: Number(f.failed),
      pendingAtEnd,
      drainSeconds,
      pendingLeft: pending,
      attempts: Number(f.attempts),
      receiverHits: receiver.hits(),
      lag: { p50: Number(f.p50), p99: Number(f.p99), max: Number(f.max) },
    };
  } finally {
    await receiver.close();
    await db.end();
  }
}

async function count(db: Client, sql: string, values: unknown[] = []): Promise<number> {
  const { rows } = await db.query<{ count: string }>(sql, values);
  return Number(rows[0].count);
}

/**
 * One office with five sets of casesPerSide cases (warm-up, a, p, b, a again) in phase access whose founders consented and
 * whose first counselling is scheduled (the gates of START_COUNSELLING), and an advisor key.
 */
async function seedWebhookOffice(
  db: Client,
  casesPerSide: number,
): Promise<{ officeId: string; apiKey: string; cases: string[][] }> {
  const {
    rows: [office],
  } = await db.query<{ id: string }>(
    `INSERT INTO office (code, name) VALUES ('BENCH-W', 'Bench webhooks') RETURNING id`,
  );
  await db.query(
    `INSERT INTO founder (office_id, first_name, last_name, consent_given_on, consent_version)
     VALUES ($1, 'Bench', 'Founder', current_date, 'bench')`,
    [office.id],
  );
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO founder_case (office_id, created_office_id, founder_id, phase, status, machine_version, state,
                               first_counselling_scheduled_on)
     SELECT $1, $1, f.id, 'access', 'active', 1, '{"value":{"active":"access"},"context":{"phase":"access"}}',
            current_date
       FROM generate_series(1, $2::int), founder f WHERE f.office_id = $1
     RETURNING id`,
    [office.id, 5 * casesPerSide],
  );
  const apiKey = `lotse_${randomBytes(32).toString('base64url')}`;
  await db.query(
    `INSERT INTO api_key (office_id, name, role, key_hash, key_prefix) VALUES ($1, 'bench', 'advisor', $2, $3)`,
    [office.id, hashApiKey(apiKey), apiKey.slice(0, 12)],
  );
  await db.query(`VACUUM (ANALYZE) founder_case`);
  const ids = rows.map((r) => r.id);
  const set = (k: number) => ids.filter((_, i) => i % 5 === k);
  return { officeId: office.id, apiKey, cases: [0, 1, 2, 3, 4].map(set) };
}

/** The office's system: reads each request to its end and answers 204, counting requests. */
async function startReceiver(): Promise<{ url: string; hits(): number; close(): Promise<void> }> {
  let hits = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      hits++;
      res.writeHead(204).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/lotse`,
    hits: () => hits,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

const ms = (x: number) => `${fmt(x, x < 10 ? 2 : 1)} ms`;

/** (b) against (a): the target rows of the report. */
export function webhooksTargetRows(r: WebhooksResults): string[][] {
  const [a, a2, p, b] = [r.none, r.noneAfter, r.paused, r.active].map((x) => x.result);
  const base = (a.perSecond + a2.perSecond) / 2;
  const ratio = b.perSecond / base;
  return [
    [
      `webhooks: ${r.title}, one subscribed endpoint (worker delivering)`,
      'events/s',
      fmt(b.perSecond),
      `${fmt(base)} (no endpoint: mean of ${fmt(a.perSecond)} before and ${fmt(a2.perSecond)} after); ${fmt(p.perSecond)} (paused endpoint: outbox write only)`,
      pct(ratio),
      '≥ 90 %',
      ratio >= 0.9 ? 'yes' : '**no**',
    ],
    [
      '',
      'p50 / p99',
      `${ms(b.latency.p50)} / ${ms(b.latency.p99)}`,
      `${ms(a.latency.p50)} / ${ms(a.latency.p99)} and ${ms(a2.latency.p50)} / ${ms(a2.latency.p99)}; ${ms(p.latency.p50)} / ${ms(p.latency.p99)}`,
      `${fmt(b.latency.p99 / Math.max(a.latency.p99, a2.latency.p99), 2)}× (p99, to the larger)`,
      'informative',
      '–',
    ],
  ];
}

export function webhooksPhases(r: WebhooksResults): Phase[] {
  return [r.none, r.paused, r.active, r.noneAfter];
}

/** The delivery side: what the worker sent, and how long an event took to reach the receiver. */
export function webhooksSection(r: WebhooksResults): string[] {
  return [
    '',
    '## Webhooks',
    '',
    `Runs of the same load on fresh cases of one office (bench/webhooks.ts), after an unreported warm-up run: no endpoint; one paused endpoint (every transition writes its outbox row, none is sent); ` +
      `one active endpoint subscribed to all events on a receiver in the bench process answering 204, delivered by the service's own worker (WEBHOOK_POLL_MS default) while the load runs; no endpoint again. ` +
      `Each transition is one case.phase_changed event. Warm-up included in the counts below.`,
    '',
    `- paused endpoint: ${fmt(r.pausedMessages)} outbox rows written, none delivered`,
    `- active endpoint: ${fmt(r.messages)} messages, ${fmt(r.delivered)} delivered, ${fmt(r.failed)} failed; ` +
      `${fmt(r.attempts)} attempts logged, ${fmt(r.receiverHits)} requests at the receiver`,
    `- backlog when the load stopped: ${fmt(r.pendingAtEnd)} pending; ` +
      (r.pendingLeft === 0
        ? `drained in ${fmt(r.drainSeconds, 1)} s`
        : `**${fmt(r.pendingLeft)} still pending** after ${fmt(r.drainSeconds)} s`),
    `- delivery lag (occurred_at → delivered_at, delivered messages): p50 ${ms(r.lag.p50)}, p99 ${ms(r.lag.p99)}, max ${ms(r.lag.max)}`,
  ];
}

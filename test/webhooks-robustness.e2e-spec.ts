import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { hashApiKey } from '../src/auth/api-key-hash';
import type { AppConfig } from '../src/config/config';
import { LEASE_SECONDS } from '../src/webhooks/delivery/outbox.repository';
import { MAX_IN_FLIGHT } from '../src/webhooks/delivery/webhook-worker';
import { WEBHOOK_EVENT_TYPES } from '../src/webhooks/webhook-events';
import {
  newWebhookSecret,
  secretPrefix,
  WebhookSecretCipher,
} from '../src/webhooks/webhook-secret';
import { cloneTemplate, type ClonedDatabase } from './support/cloned-database';
import { serviceDatabaseEnv } from './support/database';
import { startService, type ServiceProcess } from './support/service-process';
import { WebhookReceiver } from './support/webhook-receiver';

/**
 * Issue 15, webhook tests 3 and 4: the built service as separate processes on one database (as in
 * production), a real signature-verifying receiver, and events from real phase transitions over
 * HTTP. Each transition START_COUNSELLING / STEP_BACK changes the phase, so each is one
 * case.phase_changed message (PAUSE/RESUME keep the phase and send nothing).
 */

const THERE = { type: 'START_COUNSELLING' };
const BACK = { type: 'STEP_BACK', reason: 'robustness test' };

/** Shared by every instance: all of them must sign with, and decrypt, the same secrets. */
const SECRETS = {
  JWT_SECRET: randomBytes(32).toString('hex'),
  PSEUDONYM_KEY: randomBytes(32).toString('hex'),
  WEBHOOK_SECRET_KEY: randomBytes(32).toString('hex'),
};

interface MessageRow {
  id: string;
  ordering_key: string;
  data: { caseId: string; version: number };
  state: string;
  attempts: number;
  lease_owner: string | null;
}

let db: ClonedDatabase;
let dataDir: string;
let receiver: WebhookReceiver;
const services: ServiceProcess[] = [];

beforeAll(async () => {
  db = await cloneTemplate(2);
  dataDir = mkdtempSync(join(tmpdir(), 'lotse-webhooks-robust-'));
  receiver = await WebhookReceiver.start();
});

afterAll(async () => {
  // The ones still running (a killed child's stop would wait for an exit that has happened).
  for (const s of services)
    if (s.child.exitCode === null && s.child.signalCode === null) await s.stop('SIGKILL');
  await receiver?.close();
  await db?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

function start(name: string, env: Record<string, string> = {}): Promise<ServiceProcess> {
  return startService({
    ...serviceDatabaseEnv(db.name),
    ...SECRETS,
    LOTSE_DATA_DIR: join(dataDir, name),
    WEBHOOK_POLL_MS: '50',
    WEBHOOK_ALLOWLIST: '127.0.0.1',
    ...env,
  }).then((s) => (services.push(s), s));
}

/**
 * An office with `cases` cases in phase access that may start first counselling (consent given,
 * appointment scheduled), an advisor's API key, and one endpoint on `path` subscribed to every event.
 */
async function seedOffice(
  ds: DataSource,
  code: string,
  cases: number,
  path: string,
): Promise<{ apiKey: string; caseIds: string[]; endpointId: string }> {
  const [office]: { id: string }[] = await ds.query(
    `INSERT INTO office (code, name) VALUES ($1, $1) RETURNING id`,
    [code],
  );
  await ds.query(
    `INSERT INTO founder (office_id, first_name, last_name, consent_given_on, consent_version)
     VALUES ($1, 'Robust', 'Founder', current_date, 'v1')`,
    [office.id],
  );
  const rows: { id: string }[] = await ds.query(
    `INSERT INTO founder_case (office_id, created_office_id, founder_id, phase, status, machine_version, state,
                               first_counselling_scheduled_on)
     SELECT $1, $1, f.id, 'access', 'active', 1, '{"value":{"active":"access"},"context":{"phase":"access"}}',
            current_date
       FROM generate_series(1, $2::int), founder f WHERE f.office_id = $1
     RETURNING id`,
    [office.id, cases],
  );
  const apiKey = `lotse_${randomBytes(32).toString('base64url')}`;
  await ds.query(
    `INSERT INTO api_key (office_id, name, role, key_hash, key_prefix) VALUES ($1, 'robust', 'advisor', $2, $3)`,
    [office.id, hashApiKey(apiKey), apiKey.slice(0, 12)],
  );
  // The seeded cases' case.created messages were written before the endpoint existed: none.
  const secret = newWebhookSecret();
  const cipher = new WebhookSecretCipher({
    webhookSecretKey: SECRETS.WEBHOOK_SECRET_KEY,
    dataDir,
  } as AppConfig);
  const [endpoint]: { id: string }[] = await ds.query(
    `INSERT INTO webhook_endpoint (office_id, url, events, secret_encrypted, secret_prefix)
     VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [
      office.id,
      receiver.url(path),
      WEBHOOK_EVENT_TYPES,
      cipher.encrypt(secret),
      secretPrefix(secret),
    ],
  );
  receiver.setSecrets(path, secret);
  return { apiKey, caseIds: rows.map((r) => r.id), endpointId: endpoint.id };
}

/**
 * `rounds` phase changes per case, each case's one after the other, all cases at once; the
 * request of round r for case i goes to instance (i + r) mod n. Every answer must be 200: each is
 * one committed case.phase_changed message.
 */
async function drive(
  urls: string[],
  apiKey: string,
  caseIds: string[],
  rounds: number,
): Promise<void> {
  await Promise.all(
    caseIds.map(async (id, i) => {
      for (let r = 0; r < rounds; r++) {
        const res = await fetch(`${urls[(i + r) % urls.length]}/api/v1/cases/${id}/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
          body: JSON.stringify(r % 2 === 0 ? THERE : BACK),
        });
        expect({ case: id, round: r, status: res.status }).toEqual({
          case: id,
          round: r,
          status: 200,
        });
        await res.arrayBuffer();
      }
    }),
  );
}

const messagesOf = (endpointId: string): Promise<MessageRow[]> =>
  db.dataSource.query(
    `SELECT id, ordering_key, data, state, attempts, lease_owner FROM webhook_message
      WHERE endpoint_id = $1 ORDER BY seq`,
    [endpointId],
  );

async function until<T>(
  what: string,
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const countBy = <T>(items: T[], key: (item: T) => string): Map<string, number> => {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
};

/** The delivery log: attempts per message, and successful ones. */
async function deliveriesOf(
  endpointId: string,
): Promise<{ message_id: string; attempt: number; outcome: string }[]> {
  return db.dataSource.query(
    `SELECT message_id, attempt, outcome FROM webhook_delivery WHERE endpoint_id = $1`,
    [endpointId],
  );
}

describe('webhook delivery across a crash and across instances (built service, one database)', () => {
  it(`kill -9 with messages in flight and pending: after a restart every event arrives, each under one webhook-id (waits out the ${LEASE_SECONDS} s lease)`, async () => {
    const path = '/crash';
    const cases = MAX_IN_FLIGHT + 4;
    const rounds = 4;
    const o = await seedOffice(db.dataSource, 'ROBUST-CRASH', cases, path);
    // The first attempts hang at the receiver far longer than the test needs to kill the
    // service, but less than the sender's 15 s time-out: in flight when it dies.
    receiver.script(
      path,
      ...Array.from({ length: MAX_IN_FLIGHT }, () => ({ status: 204, delayMs: 12_000 })),
    );

    const first = await start('crash-first');
    await drive([first.url], o.apiKey, o.caseIds, rounds);
    const leased = await until(
      'the worker to have every attempt it may make under way',
      async () => (await messagesOf(o.endpointId)).filter((m) => m.lease_owner !== null),
      (m) => m.length >= MAX_IN_FLIGHT,
      10_000,
    );
    await first.stop('SIGKILL');

    const atKill = await messagesOf(o.endpointId);
    const inFlight = new Set(atKill.filter((m) => m.lease_owner !== null).map((m) => m.id));
    // The premise: committed events of which some were being sent and the rest still waited.
    expect(atKill).toHaveLength(cases * rounds);
    expect(inFlight.size).toBe(leased.length);
    expect(
      atKill.filter((m) => m.state === 'pending' && !inFlight.has(m.id)).length,
    ).toBeGreaterThan(0);
    expect(atKill.filter((m) => m.state === 'delivered')).toHaveLength(0);

    const second = await start('crash-second');
    // The dead instance's leases are honoured until they run out (a new instance cannot tell a
    // dead owner from a slow one); its cases wait for them, in order.
    const done = await until(
      'every message delivered after the restart',
      () => messagesOf(o.endpointId),
      (m) => m.every((x) => x.state === 'delivered'),
      (LEASE_SECONDS + 60) * 1000,
    );
    // The hung first attempts are received too (after their delay): wait for them.
    await receiver
      .waitFor(
        () => receiver.on(path).length >= done.length + inFlight.size,
        15_000,
        'the in-flight attempts of the killed instance',
      )
      .catch(() => undefined);
    await second.stop('SIGTERM');

    const received = receiver.on(path);
    const ids = new Set(done.map((m) => m.id));
    // At least once, signed: every committed event's id arrived, and nothing else did.
    expect([...ids].filter((id) => !received.some((r) => r.id === id && r.verified))).toEqual([]);
    expect(received.filter((r) => !ids.has(r.id))).toEqual([]);
    // One id per event: each (case, version) has one message id, and all receipts of an id carry
    // the same body.
    const idsPerEvent = new Map<string, Set<string>>();
    for (const r of received) {
      const key = `${String(r.json?.data.caseId)}@${String(r.json?.data.version)}`;
      idsPerEvent.set(key, (idsPerEvent.get(key) ?? new Set()).add(r.id));
    }
    expect(idsPerEvent.size).toBe(cases * rounds);
    expect([...idsPerEvent.values()].filter((s) => s.size !== 1)).toEqual([]);
    for (const id of ids)
      expect(new Set(received.filter((r) => r.id === id).map((r) => r.body)).size).toBe(1);
    // Duplicates are retries of the attempts the crash cut off, nothing else.
    const twice = [...countBy(received, (r) => r.id)].filter(([, n]) => n > 1).map(([id]) => id);
    expect(twice.filter((id) => !inFlight.has(id))).toEqual([]);
    expect(twice.length).toBeGreaterThan(0);
    // The log: one success per message, made by the second instance for the cut-off ones.
    const log = await deliveriesOf(o.endpointId);
    const successes = countBy(
      log.filter((d) => d.outcome === 'succeeded'),
      (d) => d.message_id,
    );
    expect([...ids].filter((id) => successes.get(id) !== 1)).toEqual([]);
    // Order per case survives the restart: each case's first receipts come in version order.
    for (const id of o.caseIds) {
      const versions = received
        .filter(
          (r, i) => r.json?.data.caseId === id && received.findIndex((x) => x.id === r.id) === i,
        )
        .map((r) => Number(r.json?.data.version));
      expect(versions).toEqual([...versions].sort((a, b) => a - b));
    }
  }, 240_000);

  it('two instances on one database deliver each attempt of each event once, and both take part', async () => {
    const path = '/two';
    const cases = 40;
    const rounds = 6;
    const o = await seedOffice(db.dataSource, 'ROBUST-TWO', cases, path);
    // Some first attempts fail (a retry 5 s later, from whichever instance claims it); the rest
    // answer after a short delay so that both instances have attempts under way at once.
    const failing = 8;
    receiver.script(
      path,
      ...Array.from({ length: failing }, () => ({ status: 503 })),
      ...Array.from({ length: cases * rounds }, () => ({ status: 204, delayMs: 20 })),
    );

    const [a, b] = await Promise.all([start('two-a'), start('two-b')]);
    // Who is at work: the lease owners (each instance's own id) seen while messages are in flight.
    const owners = new Set<string>();
    const done = await Promise.all([
      drive([a.url, b.url], o.apiKey, o.caseIds, rounds),
      until(
        'every message delivered by the two instances',
        async () => {
          const m = await messagesOf(o.endpointId);
          for (const x of m) if (x.lease_owner) owners.add(x.lease_owner);
          return m;
        },
        (m) => m.length === cases * rounds && m.every((x) => x.state === 'delivered'),
        60_000,
      ),
    ]).then(([, m]) => m);
    await Promise.all([a.stop('SIGTERM'), b.stop('SIGTERM')]);

    const received = receiver.on(path);
    const hits = countBy(received, (r) => r.id);
    const log = await deliveriesOf(o.endpointId);
    const attemptsLog = countBy(log, (d) => `${d.message_id}#${d.attempt}`);
    const perMessage = countBy(log, (d) => d.message_id);
    // Each message: receiver hits == its attempts == its delivery rows, and one success.
    expect(
      done.filter((m) => hits.get(m.id) !== m.attempts || perMessage.get(m.id) !== m.attempts),
    ).toEqual([]);
    expect([...attemptsLog.values()].filter((n) => n !== 1)).toEqual([]);
    expect(received.every((r) => r.verified)).toBe(true);
    expect(done.filter((m) => m.attempts > 1)).toHaveLength(failing);
    expect(received).toHaveLength(cases * rounds + failing);
    const successes = countBy(
      log.filter((d) => d.outcome === 'succeeded'),
      (d) => d.message_id,
    );
    expect(done.filter((m) => successes.get(m.id) !== 1)).toEqual([]);

    // Both instances took part: two lease owners held messages.
    expect(owners.size).toBe(2);
  }, 120_000);
});

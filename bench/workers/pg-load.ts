import 'reflect-metadata';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { accessLogInsert } from '../../src/access-log/access-log.service';
import { hashApiKey } from '../../src/auth/api-key-hash';
import { CredentialsRepository } from '../../src/auth/credentials.repository';
import { CasesRepository } from '../../src/cases/cases.repository';
import type { OfficeTx } from '../../src/database/office-transaction';
import { standInDriver } from '../../src/database/pg-driver';
import type { AppConfig } from '../../src/config/config';
import { GENESIS_HASH } from '../../src/history-chain/chain';
import { todayInBerlin } from '../../src/common/time/calendar-date';
import { OfficeSettingsRepository } from '../../src/office-settings/office-settings.repository';
import { TASK_KINDS } from '../../src/tasks/task';
import { TasksRepository } from '../../src/tasks/tasks.repository';
import { HistorySealer } from '../../src/history-chain/history-sealer';
import { cpuMs } from '../lib/processes';
import { latency, LoadResult } from '../lib/stats';
import { serve } from './answer';
import { PAUSE, PgLoadSpec, PgScenario, shareOf } from './specs';

/**
 * Baseline worker (its own process): the same database work as a scenario, sent straight through
 * `pg` by `clients` connections in closed loops, one statement in flight per connection. What it
 * reaches is what PostgreSQL and the machine allow; the HTTP figure is reported as a share of it.
 */
type Operation = () => Promise<void>;

async function main(spec: PgLoadSpec): Promise<LoadResult> {
  const clients = await Promise.all(
    Array.from({ length: spec.clients }, async () => {
      const c = new Client({
        connectionString: spec.databaseUrl,
        application_name: 'lotse-bench-baseline',
      });
      await c.connect();
      return c;
    }),
  );
  try {
    // The backends live only as long as this worker, so it measures their CPU itself.
    const backends = await Promise.all(
      clients.map(
        async (c) => (await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid,
      ),
    );
    const backendCpu = () => backends.reduce((sum, pid) => sum + cpuMs(pid), 0);
    const operations = clients.map((c, k) => operationOf(spec.scenario, c, k, spec.clients));
    const backendCpu0 = backendCpu();
    const warm = await loop(operations, spec.warmupS);
    const cpu0 = process.cpuUsage();
    const run = await loop(operations, spec.durationS);
    const cpu = process.cpuUsage(cpu0);
    return {
      ok: run.samples.length,
      errors: run.errors,
      statuses: {},
      seconds: run.seconds,
      perSecond: run.samples.length / run.seconds,
      latency: latency(run.samples),
      totalOps: warm.samples.length + warm.errors + run.samples.length + run.errors,
      generatorCpuMs: (cpu.user + cpu.system) / 1000,
      backendCpuMs: backendCpu() - backendCpu0,
    };
  } finally {
    await Promise.all(clients.map((c) => c.end()));
  }
}

async function loop(operations: Operation[], seconds: number) {
  const samples: number[] = [];
  let errors = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  await Promise.all(
    operations.map(async (operation) => {
      while (performance.now() < end) {
        const t0 = performance.now();
        try {
          await operation();
          samples.push(performance.now() - t0);
        } catch {
          errors++;
        }
      }
    }),
  );
  return { samples, errors, seconds: (performance.now() - start) / 1000 };
}

function operationOf(s: PgScenario, client: Client, k: number, n: number): Operation {
  switch (s.kind) {
    case 'transitions':
      return transition(s, client, shareOf(s.caseIds, k, n));
    case 'list':
      return listWalk(s, client, k, n);
    case 'get':
      return getCase(s, client, k);
    case 'point':
      return pointSelect(s, client, k);
    case 'desk':
      return deskPage(s, client);
    case 'statements':
      return replay(s, client, k, n);
  }
}

/** A stand-in DataSource for the service's repositories: their SQL, sent on this client. */
function dataSourceOn(client: Client): DataSource {
  const query = (sql: string, params: unknown[]) => client.query(sql, params).then((r) => r.rows);
  // A DataSource to the repositories (and to their named prepared statements), on this one client.
  const db = Object.assign(Object.create(DataSource.prototype) as DataSource, {
    query,
    driver: standInDriver(client),
  });
  return Object.assign(db, { manager: { query, connection: db } });
}

/**
 * The baseline runs the repositories' SQL as it is, on this client: without the service's
 * office-scoped transaction (BEGIN, set_config, COMMIT) and, as the bench's superuser, without
 * row-level security. So the ratio to it shows what the second lock costs the service.
 */
function unscoped(db: DataSource, officeIds: string[]): OfficeTx {
  return { manager: db.manager, officeIds, atCommit: () => undefined } as unknown as OfficeTx;
}

/**
 * Lock the case, update it, append its sealed history row (and, for PAUSE, the row's text), commit:
 * the essential writes of POST /cases/:id/events, without the service's re-reads, access log,
 * idempotency or HTTP. Each client is the only writer of its cases, so it keeps their chain heads.
 */
function transition(
  s: Extract<PgScenario, { kind: 'transitions' }>,
  client: Client,
  mine: string[],
): Operation {
  const sealer = new HistorySealer({ pseudonymKey: s.pseudonymKey } as AppConfig);
  const heads = new Map<string, string>();
  let i = 0;
  let officeCode: string | undefined;
  return async () => {
    const caseId = mine[i++ % mine.length];
    // The service reads the office code with the row lock; the code of this office never changes.
    officeCode ??= (
      await client.query<{ code: string }>(`SELECT code FROM office WHERE id = $1`, [s.officeId])
    ).rows[0].code;
    await client.query('BEGIN');
    try {
      const { rows } = await client.query<{
        version: number;
        status: string;
        phase: string;
        machine_version: number;
      }>(
        `SELECT version, status, phase, machine_version FROM founder_case WHERE id = $1 AND office_id = ANY($2::uuid[]) FOR UPDATE`,
        [caseId, [s.officeId]],
      );
      const row = rows[0];
      const pausing = row.status === 'active';
      const status = pausing ? 'paused' : 'active';
      const state = pausing
        ? { value: 'paused', context: { phase: row.phase } }
        : { value: { active: row.phase }, context: { phase: row.phase } };
      const version = row.version + 1;
      await client.query(
        `UPDATE founder_case SET status = $2, state = $3, version = $4, updated_at = now() WHERE id = $1`,
        [caseId, status, JSON.stringify(state), version],
      );
      const texts = pausing ? { reason: PAUSE.reason } : null;
      const facts = {
        caseId,
        seq: row.version,
        at: new Date(),
        actorType: 'api_key',
        actorId: s.actorId,
        event: pausing ? 'PAUSE' : 'RESUME',
        fromPhase: row.phase,
        toPhase: row.phase,
        fromStatus: row.status,
        toStatus: status,
        payload: {},
        machineVersion: row.machine_version,
        texts,
        officeCode,
      };
      const prevHash = heads.get(caseId) ?? GENESIS_HASH;
      const sealed = sealer.sealCase(prevHash, facts);
      await client.query(
        `INSERT INTO case_history (case_id, seq, at, actor_type, actor_id, event, from_phase, to_phase, from_status, to_status,
                                   payload, machine_version, days_in_phase, case_ref, actor_ref, prev_hash, hash, text_digest,
                                   chain_format, office_code, reset_analysis_ref, office_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)`,
        [
          caseId,
          facts.seq,
          facts.at,
          'api_key',
          s.actorId,
          facts.event,
          row.phase,
          row.phase,
          row.status,
          status,
          '{}',
          row.machine_version,
          null,
          sealed.caseRef,
          sealed.actorRef,
          prevHash,
          sealed.hash,
          sealed.textDigest,
          sealed.format,
          sealed.officeCode,
          sealed.resetAnalysisRef,
          s.officeId,
        ],
      );
      if (texts)
        await client.query(
          `INSERT INTO case_history_text (case_id, seq, texts, salt, office_id) VALUES ($1, $2, $3, $4, $5)`,
          [caseId, facts.seq, JSON.stringify(texts), sealed.salt, s.officeId],
        );
      await client.query('COMMIT');
      heads.set(caseId, sealed.hash);
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    }
  };
}

/** The service's own list query (CasesRepository.list, run on this client): first page, then follow the cursor. */
function listWalk(
  s: Extract<PgScenario, { kind: 'list' }>,
  client: Client,
  k: number,
  n: number,
): Operation {
  const db = dataSourceOn(client);
  const repository = new CasesRepository(null as unknown as HistorySealer);
  let office = k % s.offices.length;
  let after: [string, string] | null = null;
  let depth = 0;
  return async () => {
    const rows = await repository.list(unscoped(db, [s.offices[office]]), {
      group: { founder: {}, case: { phase: [s.phase] }, created: null, today: '', names: [] },
      after,
      limit: s.limit,
    });
    const last = rows[s.limit - 1];
    depth++;
    if (rows.length > s.limit && depth < s.pagesPerWalk) after = [last.cursor_at, last.id];
    else [after, depth, office] = [null, 0, (office + n) % s.offices.length];
  };
}

/** The three statements of GET /cases/:id, from the service's own code: API key, the case, the access log entry. */
function getCase(s: Extract<PgScenario, { kind: 'get' }>, client: Client, k: number): Operation {
  const db = dataSourceOn(client);
  const [credentials, cases] = [
    new CredentialsRepository(db),
    new CasesRepository(null as unknown as HistorySealer),
  ];
  const keyHash = hashApiKey(s.apiKey);
  let i = k * 7919;
  return async () => {
    const actor = (await credentials.apiKeyPrincipal(keyHash))!;
    const id = s.caseIds[i++ % s.caseIds.length];
    const tx = unscoped(db, [actor.memberships[0].officeId]);
    const row = (await cases.findById(tx, id))!;
    // The service sends this entry with its COMMIT; here it is the third statement on its own.
    await client.query(
      accessLogInsert({ actor, requestId: 'bench', ip: '127.0.0.1' }, [
        { officeId: row.office_id, resourceType: 'case', resourceId: id, action: 'read' },
      ])!,
    );
  };
}

/**
 * One point SELECT of the case by its primary key, a named prepared statement (parsed and planned
 * once per client): the least a GET /cases/:id can cost the database, as the superuser (no
 * row-level security), over the same cases as the HTTP side.
 */
function pointSelect(
  s: Extract<PgScenario, { kind: 'point' }>,
  client: Client,
  k: number,
): Operation {
  let i = k * 7919;
  return async () => {
    const id = s.caseIds[i++ % s.caseIds.length];
    const { rowCount } = await client.query({
      name: 'bench-point-case',
      text: 'SELECT * FROM founder_case WHERE id = $1',
      values: [id],
    });
    if (rowCount !== 1) throw new Error(`case ${id}: ${rowCount} rows`);
  };
}

/**
 * The desk's first page as the service reads it: the office's settings, then the tasks SQL
 * (TasksRepository), on this client in a plain transaction: without the office scope (as the
 * superuser, without row-level security) and the access log.
 */
function deskPage(s: Extract<PgScenario, { kind: 'desk' }>, client: Client): Operation {
  const tx = unscoped(dataSourceOn(client), [s.officeId]);
  const settings = new OfficeSettingsRepository();
  const tasks = new TasksRepository();
  // In a transaction, as the service runs it: the repository's transaction-local settings (JIT
  // off, the generic plan) would do nothing outside one.
  return async () => {
    await client.query('BEGIN');
    await tasks.open(tx, await settings.forOffices(tx), {
      today: todayInBerlin(),
      kinds: TASK_KINDS,
      minDue: null,
      maxDue: null,
      after: null,
      assigneeId: null,
      rows: s.limit + 1,
    });
    await client.query('COMMIT');
  };
}

/** Recorded statements (the reports' SQL), each run in its own transaction as the service runs it. */
function replay(
  s: Extract<PgScenario, { kind: 'statements' }>,
  client: Client,
  k: number,
  n: number,
): Operation {
  let i = k;
  return async () => {
    const run = s.runs[i % s.runs.length];
    i += n;
    await client.query('BEGIN');
    try {
      for (const { text, values, name } of run) await client.query({ text, values, name });
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    }
  };
}

serve(main);

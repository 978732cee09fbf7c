import { Test, type TestingModule } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { AccessLogService } from '../../src/access-log/access-log.service';
import { ReadLogCommitter } from '../../src/access-log/read-log-committer';
import type { Principal, Role } from '../../src/auth/principal';
import type { RequestContext } from '../../src/auth/request-context';
import { CaseTransitionService } from '../../src/cases/case-transition.service';
import { CasesRepository } from '../../src/cases/cases.repository';
import { CasesService } from '../../src/cases/cases.service';
import { IdempotencyStore } from '../../src/common/idempotency/idempotency.store';
import { APP_CONFIG, loadConfig } from '../../src/config/config';
import { createDataSource } from '../../src/database/data-source';
import { OfficeDb } from '../../src/database/office-transaction';
import { assertRequestRole } from '../../src/database/request-role';
import { FoundersRepository } from '../../src/founders/founders.repository';
import { FoundersService } from '../../src/founders/founders.service';
import { HistorySealer } from '../../src/history-chain/history-sealer';
import { ResetAnalysesService } from '../../src/reset/reset-analyses.service';
import { ResetPeriodsRepository } from '../../src/reset/reset-periods.repository';
import { ResetPeriodsService } from '../../src/reset/reset-periods.service';
import { ResetRestartService } from '../../src/reset/reset-restart.service';
import { ResetTransitionService } from '../../src/reset/reset-transition.service';
import { ResetView } from '../../src/reset/reset-view';
import { ResetRepository } from '../../src/reset/reset.repository';
import { StateChange } from '../../src/state-change/state-change';
import { AppError } from '../../src/common/errors/app-error';
import type { CreateResetAnalysisDto } from '../../src/reset/dto/analysis.dto';
import type { PutPeriodDto } from '../../src/reset/dto/period.dto';
import { HALF_YEAR_2025, RESET_BUSINESS, RESET_HOUSEHOLD, SWOT } from '../support/fuzz';
import { cloneTemplate, type ClonedDatabase } from '../support/cloned-database';
import { requestUrl } from '../support/database';

/**
 * The medium level (immich's test/medium): the real services and repositories on a clone of the
 * migrated template, without HTTP. Requests run as the request role lotse_app, so row-level
 * security binds them exactly as in production; seeding and checks go through the owner (a
 * superuser, RLS does not bind it).
 */
export type Persona = 'admin' | 'leadA' | 'advisorA' | 'auditorA' | 'leadB' | 'advisorB';

/** The providers of the use cases under test, wired by Nest from their own @Inject metadata. */
const PROVIDERS = [
  OfficeDb,
  AccessLogService,
  ReadLogCommitter,
  IdempotencyStore,
  StateChange,
  HistorySealer,
  CasesRepository,
  CasesService,
  CaseTransitionService,
  FoundersRepository,
  FoundersService,
  ResetRepository,
  ResetPeriodsRepository,
  ResetView,
  ResetRestartService,
  ResetTransitionService,
  ResetAnalysesService,
  ResetPeriodsService,
];

/** The application name of the request pool: lets a test find its backends in pg_stat_activity. */
export const REQUEST_APPLICATION = 'lotse-medium';

export interface Medium {
  /** The clone as its owner (superuser): seeding and checking rows. Bypasses RLS. */
  owner: DataSource;
  /** The request pool as lotse_app; the services below run on it. */
  request: DataSource;
  module: TestingModule;
  officeA: string;
  officeB: string;
  users: Record<Persona, string>;
  /** The principal of a persona, as the auth guard would build it from the seeded memberships. */
  ctx(persona: Persona, override?: Partial<Principal>): RequestContext;
  /** A founder written with SQL as the owner, ready for every case gate. */
  founder(officeId: string, lastName?: string): Promise<string>;
}

const MEMBERSHIPS: Record<Persona, [office: 'A' | 'B', role: Role] | null> = {
  admin: null,
  leadA: ['A', 'lead'],
  advisorA: ['A', 'advisor'],
  auditorA: ['A', 'auditor'],
  leadB: ['B', 'lead'],
  advisorB: ['B', 'advisor'],
};

let requests = 0;

async function open(): Promise<{ medium: Medium; close(): Promise<void> }> {
  const clone: ClonedDatabase = await cloneTemplate(2);
  const request = createDataSource({
    url: requestUrl(clone.name),
    poolSize: 4,
    embedded: false,
    applicationName: REQUEST_APPLICATION,
  });
  await request.initialize();
  // The level's claim is that RLS binds these connections: the service's own start check says so.
  await assertRequestRole(request);
  const owner = clone.dataSource;
  const config = loadConfig({ PSEUDONYM_KEY: 'medium-level-pseudonym-key-0123456789abcdef' });
  const real = await Test.createTestingModule({
    providers: [
      { provide: DataSource, useValue: request },
      { provide: APP_CONFIG, useValue: config },
      ...PROVIDERS,
    ],
  }).compile();

  const [a]: { id: string }[] = await owner.query(
    `INSERT INTO office (code, name, region) VALUES ('RUN-MZ', 'RUN Mainz', 'Rheinhessen') RETURNING id`,
  );
  const [b]: { id: string }[] = await owner.query(
    `INSERT INTO office (code, name, region) VALUES ('EXIS-Z', 'EXIS Zwickau', 'Sachsen') RETURNING id`,
  );
  const officeOf = { A: a.id, B: b.id };
  const users = {} as Record<Persona, string>;
  for (const persona of Object.keys(MEMBERSHIPS) as Persona[]) {
    const [u]: { id: string }[] = await owner.query(
      `INSERT INTO app_user (email, name, password_hash, is_admin) VALUES ($1, $2, 'unused', $3) RETURNING id`,
      [`${persona.toLowerCase()}@lotse.test`, persona, persona === 'admin'],
    );
    const m = MEMBERSHIPS[persona];
    if (m) {
      await owner.query(`INSERT INTO membership (user_id, office_id, role) VALUES ($1, $2, $3)`, [
        u.id,
        officeOf[m[0]],
        m[1],
      ]);
    }
    users[persona] = u.id;
  }

  const medium: Medium = {
    owner,
    request,
    module: real,
    officeA: a.id,
    officeB: b.id,
    users,
    ctx(persona, override = {}) {
      const m = MEMBERSHIPS[persona];
      const actor: Principal = {
        kind: 'user',
        id: users[persona],
        isAdmin: persona === 'admin',
        memberships: m ? [{ officeId: officeOf[m[0]], role: m[1] }] : [],
        ...override,
      };
      return { actor, requestId: `medium-${++requests}`, ip: '127.0.0.1' };
    },
    async founder(officeId, lastName = 'Haddad') {
      const [row]: { id: string }[] = await owner.query(
        `INSERT INTO founder (office_id, first_name, last_name, consent_given_on, consent_version,
                              self_employment_permitted, german_level, benefit_status)
         VALUES ($1, 'Samira', $2, '2026-01-05', 'v1', 'yes', 'B1', 'sgb2') RETURNING id`,
        [officeId, lastName],
      );
      return row.id;
    },
  };
  return {
    medium,
    async close() {
      await real.close();
      if (request.isInitialized) await request.destroy();
      await clone.drop();
    },
  };
}

/**
 * A suite's world: a fresh clone, the services and the two seeded offices in beforeAll, handed to
 * `ready`; everything closed and the clone dropped in afterAll.
 */
export function useMedium(ready: (m: Medium) => void): void {
  let opened: Awaited<ReturnType<typeof open>> | undefined;
  beforeAll(async () => {
    opened = await open();
    ready(opened.medium);
  });
  afterAll(() => opened?.close());
}

const noHeaders = { ifMatch: null, idempotencyKey: null };

/**
 * An analysis of the founder taken through the real services to `recommended` with
 * restart_with_coaching (the next step is DECIDE), as test/support/reset.ts does over HTTP.
 */
export async function recommendedAnalysis(
  m: Medium,
  persona: Persona,
  founderId: string,
): Promise<string> {
  const ctx = m.ctx(persona);
  const created = await m.module.get(ResetAnalysesService).create(ctx, {
    founderId,
    business: RESET_BUSINESS,
    household: RESET_HOUSEHOLD,
  } as unknown as CreateResetAnalysisDto);
  await m.module
    .get(ResetPeriodsService)
    .put(ctx, created.id, '2025-01-01', HALF_YEAR_2025 as unknown as PutPeriodDto);
  const events = m.module.get(ResetTransitionService);
  await events.apply(ctx, created.id, { type: 'START_ANALYSIS' }, noHeaders);
  await events.apply(ctx, created.id, { type: 'ASSESS', ...SWOT }, noHeaders);
  await events.apply(
    ctx,
    created.id,
    { type: 'RECOMMEND', recommendation: 'restart_with_coaching', measures: [], rationale: 'r' },
    noHeaders,
  );
  return created.id;
}

/** The domain error a service refused with (fails when it resolved or threw something else). */
export async function refusal(work: Promise<unknown>): Promise<AppError> {
  const outcome = await work.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome))
    throw new Error(`expected a refusal, got ${JSON.stringify(outcome.value)}`);
  if (!(outcome.error instanceof AppError)) throw outcome.error;
  return outcome.error;
}

/**
 * Runs `starts` one after another while the owner holds the row locks of `table`/`ids`, each started
 * only once the one before waits on that lock (pg_stat_activity), then releases the lock. So the
 * requests really overlap (each on its own pool connection) and queue in a known order.
 */
export async function queuedOnLock<T>(
  m: Medium,
  table: 'founder_case' | 'reset_analysis',
  ids: string | string[],
  starts: (() => Promise<T>)[],
): Promise<PromiseSettledResult<T>[]> {
  const holder = m.owner.createQueryRunner();
  await holder.connect();
  const running: Promise<T>[] = [];
  try {
    await holder.startTransaction();
    await holder.query(`SELECT 1 FROM ${table} WHERE id = ANY($1::uuid[]) FOR UPDATE`, [
      [ids].flat(),
    ]);
    for (const start of starts) {
      const promise = start();
      // Observed as settled below; until then a rejection is not unhandled.
      promise.catch(() => undefined);
      running.push(promise);
      await waitForLockWaiters(m, running.length);
    }
    await holder.commitTransaction();
  } finally {
    if (holder.isTransactionActive) await holder.rollbackTransaction();
    await holder.release();
  }
  return Promise.allSettled(running);
}

/** Waits until `count` request connections wait on a lock (fails after 5 s). */
export async function waitForLockWaiters(m: Medium, count: number): Promise<void> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const [{ n }]: { n: number }[] = await m.owner.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND application_name = $1 AND wait_event_type = 'Lock'`,
      [REQUEST_APPLICATION],
    );
    if (n >= count) return;
    if (Date.now() > deadline)
      throw new Error(`${n} of ${count} requests wait on the lock after 5 s`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * The client-side ledger of what the service answered, and the invariants checked against the
 * stored cases afterwards:
 *
 *  - version = 1 + number of history rows, seqs 1..n without gaps (no history row without its case
 *    version, no version without its history row);
 *  - phase/status of the case = to_phase/to_status of its last history row (no half-applied state),
 *    and every row starts where the previous one ended;
 *  - the case's hash chain verifies (GET /cases/:id/history?verify=true);
 *  - every 200 the client got is in the history: seq = answered version - 1, same event type; no two
 *    200s claim the same version of a case;
 *  - no phantom transitions: history rows beyond the acknowledged ones are at most the requests whose
 *    outcome the client never learnt (connection cut by a crash).
 *
 * Reads go through the API, so the same checks work on the embedded database; with a server URL the
 * same invariants are also checked in SQL over the whole database.
 */
import { Answer, Auth, http, pool, Run, sql } from './support';

export interface Ack {
  caseId: string;
  version: number;
  event: string;
  status: string;
  via: string;
}

export interface Unknown {
  caseId: string;
  event: string;
  body: unknown;
  ifMatch: number | null;
  idempotencyKey: string | null;
  /** Who sent it: an Idempotency-Key belongs to one caller, so a retry must come from the same one. */
  auth?: unknown;
  error: string;
}

export class Ledger {
  readonly acks: Ack[] = [];
  readonly unknowns: Unknown[] = [];
  readonly statusCounts = new Map<string, number>();

  count(a: Answer): void {
    const k = a.status === 0 ? `network:${a.error}` : String(a.status);
    this.statusCounts.set(k, (this.statusCounts.get(k) ?? 0) + 1);
  }

  ack(caseId: string, body: { version: number; status: string }, event: string, via: string): void {
    this.acks.push({ caseId, version: body.version, event, status: body.status, via });
  }

  counts(): string {
    return [...this.statusCounts.entries()]
      .sort()
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
  }
}

interface CaseView {
  id: string;
  version: number;
  phase: string;
  status: string;
  history: {
    seq: number;
    event: string;
    fromPhase: string | null;
    toPhase: string;
    fromStatus: string | null;
    toStatus: string;
  }[];
  historyVersion: number;
  chain: { valid: boolean; length: number; firstBroken: unknown } | null;
}

async function readCase(base: string, auth: Auth, id: string): Promise<CaseView | string> {
  const c = await http(base, 'GET', `/api/v1/cases/${id}`, { auth, timeoutMs: 20_000 });
  if (c.status !== 200) return `GET case ${id}: ${c.status} ${c.error ?? JSON.stringify(c.body)}`;
  const h = await http(base, 'GET', `/api/v1/cases/${id}/history?verify=true`, {
    auth,
    timeoutMs: 20_000,
  });
  if (h.status !== 200)
    return `GET history ${id}: ${h.status} ${h.error ?? JSON.stringify(h.body)}`;
  return {
    id,
    version: c.body.version,
    phase: c.body.phase,
    status: c.body.status,
    history: h.body.items,
    historyVersion: h.body.version,
    chain: h.body.chain ?? null,
  };
}

/**
 * Checks every invariant for the given cases; prints one aggregated line per invariant and the first
 * offending cases. Returns how many 200-acknowledged transitions are missing from (or differ from)
 * the history read back.
 */
export async function checkInvariants(
  run: Run,
  label: string,
  base: string,
  auth: Auth,
  caseIds: string[],
  ledger: Ledger,
  opts: { databaseUrl?: string; initial?: { phase: string; status: string } } = {},
): Promise<number> {
  const initial = opts.initial ?? { phase: 'access', status: 'active' };
  run.log(
    `invariants (${label}) over ${caseIds.length} cases, ${ledger.acks.length} acknowledged transitions, ${ledger.unknowns.length} unknown outcomes`,
  );
  const views = await pool(caseIds, 8, (id) => readCase(base, auth, id));
  const unreadable = views.filter((v): v is string => typeof v === 'string');
  run.check(
    unreadable.length === 0,
    `[${label}] every case and its verified history readable through the API`,
    unreadable.slice(0, 3),
  );
  const cases = views.filter((v): v is CaseView => typeof v !== 'string');

  const bad = (pred: (v: CaseView) => string | null) =>
    cases.map((v) => pred(v)).filter((x): x is string => x !== null);
  const report = (name: string, offenders: string[]) =>
    run.check(
      offenders.length === 0,
      `[${label}] ${name} (${cases.length - offenders.length}/${cases.length} cases)`,
      offenders.slice(0, 5),
    );

  report(
    'version = 1 + history rows',
    bad((v) =>
      v.version === 1 + v.history.length && v.historyVersion === v.version
        ? null
        : `${v.id}: version ${v.version}, ${v.history.length} rows`,
    ),
  );
  report(
    'history seqs are 1..n without gaps',
    bad((v) =>
      v.history.every((h, i) => h.seq === i + 1)
        ? null
        : `${v.id}: seqs ${v.history.map((h) => h.seq).join(',')}`,
    ),
  );
  report(
    'hash chain verifies',
    bad((v) =>
      v.chain?.valid === true && v.chain.length === v.history.length
        ? null
        : `${v.id}: ${JSON.stringify(v.chain)}`,
    ),
  );
  report(
    'phase/status = last history row (no half-applied state)',
    bad((v) => {
      const last = v.history[v.history.length - 1];
      const want = last ? { phase: last.toPhase, status: last.toStatus } : initial;
      return v.phase === want.phase && v.status === want.status
        ? null
        : `${v.id}: case ${v.phase}/${v.status}, history says ${want.phase}/${want.status}`;
    }),
  );
  report(
    'each history row starts where the previous ended',
    bad((v) => {
      let prev = initial;
      for (const h of v.history) {
        if (h.fromPhase !== prev.phase || h.fromStatus !== prev.status)
          return `${v.id} seq ${h.seq}: from ${h.fromPhase}/${h.fromStatus}, previous ${prev.phase}/${prev.status}`;
        prev = { phase: h.toPhase, status: h.toStatus };
      }
      return null;
    }),
  );

  // Acknowledged transitions.
  const byId = new Map(cases.map((v) => [v.id, v]));
  const missing: string[] = [];
  const doubled: string[] = [];
  const seen = new Set<string>();
  const acksPerCase = new Map<string, number>();
  for (const a of ledger.acks) {
    const key = `${a.caseId}@${a.version}`;
    if (seen.has(key)) doubled.push(`${key} acknowledged twice`);
    seen.add(key);
    acksPerCase.set(a.caseId, (acksPerCase.get(a.caseId) ?? 0) + 1);
    const v = byId.get(a.caseId);
    if (!v) continue;
    const row = v.history.find((h) => h.seq === a.version - 1);
    if (!row)
      missing.push(
        `${a.caseId}: answered 200 ${a.event} at version ${a.version} (via ${a.via}), no history seq ${a.version - 1} (case at version ${v.version})`,
      );
    else if (row.event !== a.event || row.toStatus !== a.status)
      missing.push(
        `${a.caseId} seq ${row.seq}: answered ${a.event}->${a.status}, history has ${row.event}->${row.toStatus}`,
      );
  }
  run.check(
    missing.length === 0,
    `[${label}] every 200-acknowledged transition is in the history (${ledger.acks.length - missing.length}/${ledger.acks.length})`,
    missing.slice(0, 5),
  );
  run.check(
    doubled.length === 0,
    `[${label}] no two 200s claim the same case version`,
    doubled.slice(0, 5),
  );

  const unknownPerCase = new Map<string, number>();
  for (const u of ledger.unknowns)
    unknownPerCase.set(u.caseId, (unknownPerCase.get(u.caseId) ?? 0) + 1);
  const phantom = bad((v) => {
    const extra = v.history.length - (acksPerCase.get(v.id) ?? 0);
    return extra <= (unknownPerCase.get(v.id) ?? 0)
      ? null
      : `${v.id}: ${v.history.length} rows, ${acksPerCase.get(v.id) ?? 0} acknowledged, ${unknownPerCase.get(v.id) ?? 0} unknown`;
  });
  report(
    'no phantom or duplicated rows (rows <= acknowledged + unknown-outcome requests)',
    phantom,
  );
  const totalRows = cases.reduce((n, v) => n + v.history.length, 0);
  run.log(
    `  rows ${totalRows} = ${ledger.acks.length} acknowledged + ${totalRows - ledger.acks.length} committed without an answer (of ${ledger.unknowns.length} unknown outcomes)`,
  );

  if (opts.databaseUrl) await checkSql(run, label, opts.databaseUrl);
  return missing.length;
}

/** The same invariants straight in SQL over the whole database (server mode only). */
async function checkSql(run: Run, label: string, url: string): Promise<void> {
  const versions = await sql(
    url,
    `SELECT c.id, c.version, c.phase, c.status, h.n, h.max_seq, l.to_phase, l.to_status
       FROM founder_case c
       LEFT JOIN (SELECT case_id, count(*)::int AS n, max(seq) AS max_seq FROM case_history GROUP BY case_id) h ON h.case_id = c.id
       LEFT JOIN LATERAL (SELECT to_phase, to_status FROM case_history x WHERE x.case_id = c.id ORDER BY seq DESC LIMIT 1) l ON true
      WHERE c.version <> 1 + coalesce(h.n, 0)
         OR coalesce(h.max_seq, 0) <> coalesce(h.n, 0)
         OR (h.n > 0 AND (c.phase <> l.to_phase OR c.status <> l.to_status))`,
  );
  run.check(
    versions.length === 0,
    `[${label}] SQL: every case version = 1 + rows = 1 + max(seq), state = last row`,
    versions.slice(0, 5),
  );
  const chain = await sql(
    url,
    `SELECT h.case_id, h.seq FROM case_history h
       LEFT JOIN case_history p ON p.case_id = h.case_id AND p.seq = h.seq - 1
      WHERE (h.seq = 1 AND h.prev_hash <> repeat('0', 64)) OR (h.seq > 1 AND (p.hash IS NULL OR h.prev_hash <> p.hash))`,
  );
  run.check(
    chain.length === 0,
    `[${label}] SQL: every prev_hash links to the previous row's hash`,
    chain.slice(0, 5),
  );
  const orphans = await sql(
    url,
    `SELECT t.case_id, t.seq FROM case_history_text t
      WHERE NOT EXISTS (SELECT 1 FROM case_history h WHERE h.case_id = t.case_id AND h.seq = t.seq)`,
  );
  run.check(
    orphans.length === 0,
    `[${label}] SQL: no history text without its history row`,
    orphans.slice(0, 5),
  );
  const idem = await sql(
    url,
    `SELECT i.key, i.body->>'id' AS case_id, (i.body->>'version')::int AS version FROM idempotent_request i
      WHERE i.body ? 'version'
        AND EXISTS (SELECT 1 FROM founder_case c WHERE c.id::text = i.body->>'id')
        AND NOT EXISTS (SELECT 1 FROM case_history h WHERE h.case_id::text = i.body->>'id' AND h.seq = (i.body->>'version')::int - 1)`,
  );
  run.check(
    idem.length === 0,
    `[${label}] SQL: every stored Idempotency-Key answer has its history row`,
    idem.slice(0, 5),
  );
}

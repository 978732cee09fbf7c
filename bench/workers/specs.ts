/** What run.ts asks of the load workers (sent over IPC, so plain data only). */

export type HttpScenario =
  /**
   * Each connection cycles PAUSE/RESUME (or the two given bodies, there and back) over its own share
   * of caseIds: no two clients touch a case.
   */
  | { kind: 'transitions'; apiKey: string; caseIds: string[]; bodies?: [object, object] }
  /** Each connection walks pagesPerWalk keyset pages of one office, then moves on to another office. */
  | {
      kind: 'list';
      offices: { id: string; apiKey: string }[];
      phase: string;
      limit: number;
      pagesPerWalk: number;
    }
  | { kind: 'get'; apiKey: string; caseIds: string[] }
  /** The first page of the desk (GET /tasks) of one office, again and again. */
  | { kind: 'desk'; apiKey: string; limit: number }
  | { kind: 'hello' }
  /** GET requests: connection k sends paths[k], paths[k + n], … round the list (the reports). */
  | { kind: 'paths'; paths: string[]; headers: Record<string, string> };

export interface HttpLoadSpec {
  url: string;
  connections: number;
  warmupS: number;
  durationS: number;
  scenario: HttpScenario;
}

export type PgScenario =
  | {
      kind: 'transitions';
      officeId: string;
      actorId: string;
      caseIds: string[];
      pseudonymKey: string;
    }
  | { kind: 'list'; offices: string[]; phase: string; limit: number; pagesPerWalk: number }
  | { kind: 'get'; apiKey: string; caseIds: string[] }
  /** The GET target's baseline: one prepared point SELECT of the case, nothing else. */
  | { kind: 'point'; caseIds: string[] }
  | { kind: 'desk'; officeId: string; limit: number }
  /**
   * Recorded statements replayed as they were sent, each run in one transaction: client k runs
   * runs[k], runs[k + n], … round the list (the reports' SQL, bench/reports.ts).
   */
  | { kind: 'statements'; runs: RecordedStatement[][] };

/** One statement as a repository sent it: its text, its parameters and, if prepared, its name. */
export interface RecordedStatement {
  text: string;
  values: unknown[];
  name?: string;
}

export interface PgLoadSpec {
  databaseUrl: string;
  clients: number;
  warmupS: number;
  durationS: number;
  scenario: PgScenario;
}

/** Request bodies of the transition scenarios (the reason makes PAUSE write a case_history_text row too). */
export const PAUSE = { type: 'PAUSE', reason: 'bench' } as const;
export const RESUME = { type: 'RESUME' } as const;

/** The share of `items` that client k of n works on. */
export function shareOf<T>(items: T[], k: number, n: number): T[] {
  return items.filter((_, i) => i % n === k);
}

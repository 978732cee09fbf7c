/**
 * Every place where Lotse stores text that a person typed about a founder: the one list that
 * erasure (privacy.repository.ts), the auditor view (reader-view.ts) and the export's includeText
 * (exports/export-columns.ts) read. A new text column must be added here or to NOT_FREE_TEXT
 * below; test/free-text-fields.e2e-spec.ts fails on a column of the migrated schema that is on
 * neither, and on a free string field of a request DTO that is not here.
 */

/** What erasure writes: NULL (or removes the jsonb key), the placeholder, an empty array, or deletes the row. */
export type Erase = 'null' | 'placeholder' | 'empty_array' | 'delete_row';

/** The answers that carry free text, named by what they describe. */
export type ApiResource =
  | 'case'
  | 'case_list_item'
  | 'case_history_item'
  | 'contact'
  | 'reset_analysis'
  | 'reset_history_item'
  | 'follow_up';

export interface FreeTextField {
  table: string;
  column: string;
  /** Keys inside a jsonb column, `*` for each array item; empty for the column itself. */
  path: readonly string[];
  erase: Erase;
  /** Where reads answer it: dotted paths, `*` for each array item. Auditors get null there. */
  api: readonly { resource: ApiResource; path: string }[];
}

const f = (
  table: string,
  column: string,
  erase: Erase,
  api: FreeTextField['api'] = [],
  path: readonly string[] = [],
): FreeTextField => ({ table, column, path, erase, api });

const SWOT = ['strengths', 'weaknesses', 'opportunities', 'risks'] as const;

export const FREE_TEXT_FIELDS: readonly FreeTextField[] = [
  // The person (GET /founders is for advisors and leads only; no auditor ever reads these).
  f('founder', 'first_name', 'placeholder'),
  f('founder', 'last_name', 'placeholder'),
  f('founder', 'email', 'null'),
  f('founder', 'phone', 'null'),
  f('founder', 'postal_code', 'null'),
  f('founder', 'city', 'null'),
  f('founder', 'jobcenter', 'null'),
  f('founder', 'jobcenter_customer_number', 'null'),
  f('founder', 'consent_version', 'null'),
  // Cases.
  f('founder_case', 'business_idea', 'null', [
    { resource: 'case', path: 'businessIdea' },
    { resource: 'case_list_item', path: 'businessIdea' },
  ]),
  f(
    'founder_case',
    'suitability',
    'null',
    [{ resource: 'case', path: 'suitability.summary' }],
    ['summary'],
  ),
  // The issuer of a viability statement is free text (an IHK, HWK, bank, tax adviser or other
  // "fachkundige Stelle": too many to list). A placeholder, not null: the statement stays recorded.
  f(
    'founder_case',
    'viability_statement',
    'placeholder',
    [{ resource: 'case', path: 'viabilityStatement.issuedBy' }],
    ['issuedBy'],
  ),
  f('case_contact', 'notes', 'null', [{ resource: 'contact', path: 'notes' }]),
  f('case_contact', 'topics', 'empty_array', [{ resource: 'contact', path: 'topics' }]),
  f('case_history_text', 'texts', 'delete_row', [{ resource: 'case_history_item', path: 'texts' }]),
  f('case_follow_up', 'note', 'null', [{ resource: 'follow_up', path: 'note' }]),
  // Only advisors and leads read manual tasks (tasks.read), and they read free texts anyway.
  f('case_task', 'title', 'null'),
  // RE_SET analyses. The snapshot's texts are the lifecycle's record of the same texts.
  f(
    'reset_analysis',
    'business',
    'placeholder',
    [{ resource: 'reset_analysis', path: 'business.description' }],
    ['description'],
  ),
  f(
    'reset_analysis',
    'assessment',
    'null',
    SWOT.map((key) => ({ resource: 'reset_analysis' as const, path: `assessment.${key}` })),
  ),
  ...SWOT.map((key) =>
    f('reset_analysis', 'snapshot', 'placeholder', [], ['context', 'assessment', key, '*']),
  ),
  f(
    'reset_analysis',
    'snapshot',
    'placeholder',
    [{ resource: 'reset_analysis', path: 'recommendation.rationale' }],
    ['context', 'recommendation', 'rationale'],
  ),
  f(
    'reset_analysis',
    'snapshot',
    'placeholder',
    [{ resource: 'reset_analysis', path: 'recommendation.measures.*.title' }],
    ['context', 'recommendation', 'measures', '*', 'title'],
  ),
  f(
    'reset_analysis',
    'snapshot',
    'null',
    [{ resource: 'reset_analysis', path: 'decision.note' }],
    ['context', 'decision', 'note'],
  ),
  f(
    'reset_analysis',
    'snapshot',
    'placeholder',
    [{ resource: 'reset_analysis', path: 'cancellation.reason' }],
    ['context', 'cancellation', 'reason'],
  ),
  f('reset_history_text', 'texts', 'delete_row', [
    { resource: 'reset_history_item', path: 'texts' },
  ]),
  // Hand-overs (src/transfers): only advisors and leads of either office read them.
  f('case_transfer', 'reason', 'placeholder'),
  f('case_transfer', 'decision_reason', 'null'),
  // Stored answers of Idempotency-Key retries quote the texts above.
  f('idempotent_request', 'body', 'delete_row'),
];

/** The keys of a history row's erasable texts (case_history_text.texts, reset_history_text.texts). */
export const HISTORY_TEXT_KEYS = ['reason', 'note'] as const;

/**
 * Codes that were free text before they were checked against target_sector: values stored
 * before then may still be prose. Erasure clears such values, and auditors get null for them.
 */
export const FORMERLY_FREE_CODES: readonly FreeTextField[] = [
  f('founder_case', 'sector', 'null', [{ resource: 'case', path: 'sector' }]),
  f(
    'reset_analysis',
    'business',
    'placeholder',
    [{ resource: 'reset_analysis', path: 'business.sector' }],
    ['sector'],
  ),
];

/**
 * Text, jsonb and array columns that hold no free text: codes checked against a list or a pattern,
 * ids, hashes, keyed pseudonyms, figures. Per table; `*` = the whole table is no office data about
 * founders (users, offices, keys, configuration, export bookkeeping).
 */
export const NOT_FREE_TEXT: Readonly<Record<string, readonly string[]>> = {
  migrations: ['*'],
  office: ['*'],
  app_user: ['*'],
  membership: ['*'],
  oidc_mapping: ['*'], // group names of the provider and ids
  api_key: ['*'],
  feed_token: ['*'], // a user's name for their own token, its hash and prefix
  auth_failure: ['*'],
  target_sector: ['*'],
  export_manifest: ['*'],
  export_chain_head: ['*'],
  // The reports' daily counts: a metric name and a code (event, phase, reason code, outcome).
  report_day_count: ['metric', 'key'],
  // resource_id and details hold ids and filters only (AccessEntry: "never personal data").
  access_log: ['actor_type', 'resource_type', 'resource_id', 'action', 'request_id', 'details'],
  founder: [
    'gender',
    'country_of_birth',
    'nationalities',
    'languages',
    'german_level',
    'self_employment_permitted',
    'benefit_status',
    'foreign_qualification_recognition',
    'profile', // codes only: target sector, WZ code, a score, a motivation code
  ],
  founder_case: [
    'phase',
    'status',
    'state', // the machine snapshot: phase and status only
    'sector', // a target_sector code (see FORMERLY_FREE_CODES)
    'legal_form',
    'funding_route',
    'channel',
    'contact_language',
    'outcome',
  ],
  case_history: [
    'actor_type',
    'event',
    'from_phase',
    'to_phase',
    'from_status',
    'to_status',
    'payload', // codes and dates; texts go to case_history_text
    'case_ref',
    'actor_ref',
    'reset_analysis_ref',
    'office_code',
    'prev_hash',
    'hash',
    'text_digest',
  ],
  // The random salt of a text's digest; it goes with the texts (delete_row).
  case_history_text: ['salt'],
  reset_history_text: ['salt'],
  case_contact: ['format', 'kind', 'language'],
  idempotent_request: ['key', 'request_hash'],
  reset_analysis: ['state', 'household_members'],
  reset_period_version: ['kind', 'months'],
  reset_period_line: ['code'],
  reset_history: [
    'actor_type',
    'event',
    'from_state',
    'to_state',
    'payload', // codes and counts; texts go to reset_history_text
    'chain_payload', // the payload with its ids as pseudonyms
    'analysis_ref',
    'actor_ref',
    'office_code',
    'prev_hash',
    'hash',
    'text_digest',
  ],
  erasure_record: ['actor_type', 'request_id', 'counts'],
  case_follow_up: ['situation'], // an ESF result category
  case_transfer: ['case_phase', 'case_status', 'state'],
  // An office's configuration: thresholds, a consent version label, URL templates of its frontend.
  office_settings: ['*'],
  // ESF Plus (src/esf): codes only. The voluntary answers are special categories (GDPR Art. 9):
  // no free text, but an erasure deletes their rows (erase-sql.ts ESF_VOLUNTARY_ERASE).
  esf_entry: ['employment_status', 'gender', 'parents_born_abroad'],
  esf_voluntary: ['disability', 'minority', 'homeless_or_housing_exclusion'],
  // Webhooks (src/webhooks): an office's configuration of its own system (URL, a lead's
  // description of it, encrypted secrets), and events that carry ids and codes only. A delivery
  // keeps what the office's receiver answered (its first 1 KB) and our own error text.
  webhook_endpoint: ['*'],
  webhook_message: ['event_type', 'ordering_key', 'data', 'state', 'lease_owner'],
  webhook_delivery: ['trigger', 'outcome', 'response_body', 'error'],
  // A derived task's id: its kind and the ids of its subject ("stale_case:<caseId>").
  webhook_task_due: ['task_id'],
};

export function freeTextOf(table: string): FreeTextField[] {
  return FREE_TEXT_FIELDS.filter((field) => field.table === table);
}

import type { ColumnType, Generated, Insertable, Selectable, Updateable } from "kysely";

/** Timestamps are ISO-8601 UTC strings in both dialects, so they sort and compare as text. */
type Timestamp = string;
/** Booleans are 0/1 integers in both dialects. */
type Flag = ColumnType<number, number | undefined, number>;

export interface LibrariesTable {
  id: Generated<number>;
  code: string;
  name: string;
  timezone: ColumnType<string, string | undefined, string>;
  latitude: number | null;
  longitude: number | null;
  contact_email: string | null;
  suspended_until: Timestamp | null;
  /** JSON OpeningHours (opening-hours.ts); null = the default week. */
  opening_hours: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Timestamp;
}

export type SourceProtocol = "file" | "oai-pmh" | "z39.50" | "sru";

export interface SourcesTable {
  id: Generated<number>;
  library_id: number;
  name: string;
  protocol: SourceProtocol;
  /** URL, host:port/database, or a folder/file path for file sources. */
  endpoint: string;
  /** JSON: protocol options (set, metadataPrefix, recordSyntax, ...). */
  options: ColumnType<string, string | undefined, string>;
  /** JSON: holdings mapping (preset name or field/subfield mapping); null = auto-detect. */
  holdings_mapping: string | null;
  schedule: string | null;
  timezone: ColumnType<string, string | undefined, string>;
  enabled: Flag;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type RunStatus = "running" | "succeeded" | "failed" | "partial";

export interface HarvestRunsTable {
  id: Generated<number>;
  source_id: number;
  status: RunStatus;
  mode: "full" | "incremental";
  started_at: Timestamp;
  finished_at: Timestamp | null;
  heartbeat_at: Timestamp | null;
  seen: Flag;
  added: Flag;
  updated: Flag;
  deleted: Flag;
  rejected: Flag;
  /** JSON: where to resume (resumption token, offset, file position, from/until). */
  checkpoint: string | null;
  error: string | null;
}

export interface RejectedRecordsTable {
  id: Generated<number>;
  run_id: number;
  position: number;
  local_id: string | null;
  reason: string;
  raw: string | null;
  created_at: Timestamp;
}

export interface BibRecordsTable {
  id: Generated<number>;
  library_id: number;
  source_id: number;
  local_id: string;
  cluster_id: number | null;
  title: string;
  /** JSON: the NormalisedBib. */
  data: string;
  /** JSON: the MARC record as harvested (leader + fields), lossless. */
  marc: string;
  /** Content hash: an unchanged record re-harvested is not rewritten. */
  content_hash: string;
  datestamp: Timestamp | null;
  updated_at: Timestamp;
}

export interface ItemsTable {
  id: Generated<number>;
  bib_id: number;
  library_id: number;
  barcode: string | null;
  call_number: string | null;
  location: string | null;
  status: "available" | "on_loan" | "missing" | "not_lendable";
  due_date: string | null;
  lendable: Flag;
  loan_type: "returnable" | "non_returnable";
}

export interface MatchKeysTable {
  bib_id: number;
  /** "isbn:978…", "issn:…", "oclc:…", "lccn:…", "work:…" */
  key: string;
}

export interface ClustersTable {
  id: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** Clusters whose search document must be rewritten (transactional outbox for the index). */
export interface IndexOutboxTable {
  cluster_id: number;
  queued_at: Timestamp;
}

export interface PatronsTable {
  id: Generated<number>;
  library_id: number;
  card_number: string;
  name: string;
  email: string | null;
  pin_hash: string;
  status: "active" | "blocked" | "expired";
  expires_at: Timestamp | null;
  created_at: Timestamp;
}

export interface UsersTable {
  id: Generated<number>;
  email: string;
  name: string;
  password_hash: string;
  role: "staff" | "admin";
  library_id: number | null;
  created_at: Timestamp;
}

export interface SessionsTable {
  /** SHA-256 of the session token; the token itself is never stored. */
  id: string;
  user_id: number | null;
  patron_id: number | null;
  role: "patron" | "staff" | "admin";
  csrf_token: string;
  created_at: Timestamp;
  expires_at: Timestamp;
}

/** A member's own system calling the API with a bearer token (only the token's SHA-256 is kept). */
export interface ApiClientsTable {
  id: Generated<number>;
  library_id: number;
  name: string;
  /** Hex SHA-256 of the token; the token itself is shown once, at creation. */
  token_hash: string;
  /** JSON array of scope names. */
  scopes: ColumnType<string, string | undefined, string>;
  created_at: Timestamp;
  revoked_at: Timestamp | null;
}

export interface RequestsTable {
  id: Generated<number>;
  patron_id: number;
  borrower_library_id: number;
  cluster_id: number;
  pickup_location: string | null;
  service_type: "loan" | "copy";
  state: string;
  /** JSON: the frozen rota (ordered lender candidates with their reasons). */
  rota: string;
  rota_position: number;
  lender_library_id: number | null;
  idempotency_key: string | null;
  due_date: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface RequestEventsTable {
  id: Generated<number>;
  request_id: number;
  at: Timestamp;
  actor: string;
  from_state: string | null;
  to_state: string;
  lender_library_id: number | null;
  reason: string | null;
}

/** Requests sent to each lender per UTC day (YYYY-MM-DD), kept with each "sent" event. */
export interface LenderDailySendsTable {
  lender_library_id: number;
  day: string;
  sent: number;
}

export interface SettingsTable {
  key: string;
  /** JSON value. */
  value: string;
}

export interface Database {
  libraries: LibrariesTable;
  sources: SourcesTable;
  harvest_runs: HarvestRunsTable;
  rejected_records: RejectedRecordsTable;
  bib_records: BibRecordsTable;
  items: ItemsTable;
  match_keys: MatchKeysTable;
  clusters: ClustersTable;
  index_outbox: IndexOutboxTable;
  patrons: PatronsTable;
  users: UsersTable;
  sessions: SessionsTable;
  api_clients: ApiClientsTable;
  requests: RequestsTable;
  request_events: RequestEventsTable;
  lender_daily_sends: LenderDailySendsTable;
  settings: SettingsTable;
}

export type Library = Selectable<LibrariesTable>;
export type NewLibrary = Insertable<LibrariesTable>;
export type Source = Selectable<SourcesTable>;
export type NewSource = Insertable<SourcesTable>;
export type SourceUpdate = Updateable<SourcesTable>;
export type HarvestRun = Selectable<HarvestRunsTable>;
export type BibRecordRow = Selectable<BibRecordsTable>;
export type ItemRow = Selectable<ItemsTable>;
export type PatronRow = Selectable<PatronsTable>;
export type UserRow = Selectable<UsersTable>;
export type SessionRow = Selectable<SessionsTable>;
export type ApiClientRow = Selectable<ApiClientsTable>;
export type RequestRow = Selectable<RequestsTable>;
export type RequestEventRow = Selectable<RequestEventsTable>;

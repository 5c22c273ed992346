import type { DiscoveryKind } from '../knowledge/discoveries';

/** Where a discovery was seen: a workspace-relative POSIX path and a 1-based line. */
export interface SourceRef {
  file: string;
  line: number;
}

/** Database types, named as the seed names them (`mssql`, not `sqlserver`). */
export type DbType = 'postgresql' | 'mysql' | 'mariadb' | 'mssql' | 'oracle' | 'mongodb' | 'redis' | 'sqlite';

interface FindingBase {
  source: SourceRef;
  /** Extra metadata keys (never a raw credential). */
  extra: Record<string, unknown>;
}

export interface DatabaseFinding extends FindingBase {
  kind: 'databases';
  database_type: DbType;
  /** Always redacted. */
  connection_string: string;
  host: string | null;
  port: number | null;
  database_name: string | null;
  /** Set only when the database itself was opened (SQLite files). */
  verified?: { schemas: string[]; table_count: number };
  /** True when we built the connection string from parts (compose service, env vars, Django settings). */
  synthesized: boolean;
  /** A Prisma `env("X")` URL not resolved in the file itself. */
  envRef?: string;
}

export interface ApiFinding extends FindingBase {
  kind: 'apis';
  api_type: 'rest' | 'graphql' | 'grpc' | 'soap';
  base_url: string;
  spec_location: string;
  endpoints: string[];
  authentication_type: string | null;
}

export interface FrameworkFinding extends FindingBase {
  kind: 'frameworks';
  framework_type: string;
  version: string | null;
  config_location: string;
  /** Null when the framework gives no honest way to count (see README). */
  components_count: number | null;
  routes_count: number | null;
}

export type Finding = DatabaseFinding | ApiFinding | FrameworkFinding;

export interface CrawlProgress {
  phase: 'walk' | 'detect' | 'store';
  dirsScanned: number;
  filesScanned: number;
  candidates: number;
}

export interface CrawlOptions {
  /** Absolute workspace folder. */
  workspace: string;
  /** gitignore-style patterns; replaces DEFAULT_EXCLUDES when given. */
  excludes?: readonly string[];
  /** Files larger than this are skipped (counted as oversize). SQLite files are only opened, never read, and are exempt. */
  maxFileBytes?: number;
  /** Stop walking after this long; the report says `truncated` and nothing is marked stale. */
  timeBudgetMs?: number;
  signal?: AbortSignal;
  onProgress?: (p: CrawlProgress) => void;
  /** Seconds since the epoch; defaults to now. */
  now?: number;
}

export interface SkipCounts {
  binary: number;
  oversize: number;
  ignored: number;
  links: number;
  unreadable: number;
  malformed: number;
}

export interface CrawlReport {
  workspace: string;
  found: Record<DiscoveryKind, number>;
  new: number;
  updated: number;
  unchanged: number;
  stale: number;
  filesScanned: number;
  dirsScanned: number;
  skipped: SkipCounts;
  /** File-level problems (no file contents, so no secret can leak into a log); the first 100. */
  warnings: string[];
  durationMs: number;
  truncated: boolean;
}

import type { FileKind } from '../fileKinds';
import type { Ecosystem } from '../rules/frameworks';
import type { Finding } from '../types';

/** A TNS alias's address, for JDBC/ODP.NET strings that name only the alias. */
export interface TnsAddress {
  host: string | null;
  port: number | null;
  service: string | null;
}

export type WarningKind = 'malformed' | 'unreadable' | 'oversize' | 'binary';

/** What a detector may ask of the crawl (or of a re-verification) besides its own file. */
export interface DetectContext {
  /** Another workspace file's text (e.g. the `.env` beside a compose file); undefined when absent, unreadable or too big. */
  readText(rel: string): Promise<string | undefined>;
  /** The version a lockfile in `dir` or above resolves for a package, with the lockfile's path. */
  lockedVersion(ecosystem: Ecosystem, name: string, dir: string): Promise<{ version: string; lockfile: string } | undefined>;
  /** Aliases from every tnsnames.ora seen so far, upper-cased. */
  tns: Map<string, TnsAddress>;
  /** Opens a SQLite file read-only: its schema names and table count, or undefined when it cannot be opened. */
  inspectSqlite(abs: string): Promise<{ schemas: string[]; table_count: number } | undefined>;
  /** A file-level problem, counted and reported without the file's contents. */
  warn(kind: WarningKind, rel: string, what: string): void;
}

export interface DetectFile {
  rel: string;
  abs: string;
  kind: FileKind;
}

/** Reads one file's text and returns what it reveals. Throwing means "malformed": the crawl counts it and goes on. */
export type TextDetector = (file: DetectFile, text: string, ctx: DetectContext) => Finding[] | Promise<Finding[]>;

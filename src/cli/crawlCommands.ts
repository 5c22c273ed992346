import { withDatabase } from '../core/db/database';
import { crawlWorkspace } from '../core/crawler/crawl';
import { reverifyStale } from '../core/crawler/reverify';
import type { CrawlReport } from '../core/crawler/types';
import { DiscoveredApi, DiscoveredDatabase, DiscoveredFramework, DiscoveryKind, queryDiscovered } from '../core/knowledge/discoveries';
import { CliIo, Command, EXIT, UsageError, Values } from './command';

/** The workspace crawler and the agents' query API on the command line. */

const KINDS: readonly DiscoveryKind[] = ['databases', 'apis', 'frameworks'];

function positiveInt(value: unknown, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (typeof value !== 'string' || !Number.isInteger(n) || n <= 0) throw new UsageError(`${flag} takes a whole number greater than 0`);
  return n;
}

function printCrawl(r: CrawlReport, io: CliIo): void {
  const f = r.found;
  io.out(
    `crawled ${r.workspace} in ${r.durationMs} ms: ${f.databases} database(s), ${f.apis} API(s), ${f.frameworks} framework(s) — ${r.new} new, ${r.updated} updated, ${r.unchanged} unchanged, ${r.stale} marked stale`,
  );
  const s = r.skipped;
  io.out(`  ${r.filesScanned} files in ${r.dirsScanned} folders; skipped: ${s.ignored} ignored, ${s.links} links, ${s.binary} binary, ${s.oversize} oversize, ${s.unreadable} unreadable, ${s.malformed} malformed`);
  if (r.truncated) io.out('  time budget reached: the crawl is incomplete and nothing was marked stale');
  for (const w of r.warnings) io.out(`  warning: ${w}`);
}

function describe(kind: DiscoveryKind, row: DiscoveredDatabase | DiscoveredApi | DiscoveredFramework): string {
  const at = typeof row.metadata.source_file === 'string' ? `  (${row.metadata.source_file}:${String(row.metadata.line ?? 1)})` : '';
  const stale = row.stale ? '  [stale]' : '';
  if (kind === 'databases') {
    const d = row as DiscoveredDatabase;
    const where = `${d.host ?? ''}${d.port !== null ? `:${d.port}` : ''}${d.database_name ? `/${d.database_name}` : ''}`;
    return `#${d.id} ${d.database_type} ${where}  ${d.connection_string}${d.table_count !== null && d.schemas ? `  ${d.table_count} tables` : ''}${at}${stale}`;
  }
  if (kind === 'apis') {
    const a = row as DiscoveredApi;
    return `#${a.id} ${a.api_type} ${a.base_url}  auth ${a.authentication_type ?? 'unknown'}, ${a.endpoints.length} endpoint(s)${at}${stale}`;
  }
  const fw = row as DiscoveredFramework;
  const counts = [fw.components_count !== null ? `${fw.components_count} components` : '', fw.routes_count !== null ? `${fw.routes_count} routes` : ''].filter(Boolean).join(', ');
  return `#${fw.id} ${fw.framework_type} ${fw.version ?? '(version unknown)'}  ${fw.config_location ?? ''}${counts ? `  ${counts}` : ''}${stale}`;
}

export const crawlCommands: Record<string, Command> = {
  crawl: {
    summary: 'Find the databases, APIs and frameworks the workspace uses and store them in the brain (--verify: re-check stale entries only)',
    usage: 'cortex crawl [--verify] [--stale-days N] [--exclude PATTERN]... [--time-budget MS] [--workspace DIR | --db FILE] [--json]',
    options: { verify: { type: 'boolean' }, 'stale-days': { type: 'string' }, exclude: { type: 'string', multiple: true }, 'time-budget': { type: 'string' } },
    async run(v: Values, io, ctx) {
      const excludes = (v as Record<string, unknown>).exclude as string[] | undefined;
      const staleAfterDays = positiveInt(v['stale-days'], '--stale-days');
      const timeBudgetMs = positiveInt(v['time-budget'], '--time-budget');
      if (v.verify === true) {
        const r = await withDatabase(ctx.dbPath, { busyTimeoutMs: ctx.busyTimeoutMs }, (db) => reverifyStale(db, { workspace: ctx.workspace, staleAfterDays }));
        if (ctx.json) io.out(JSON.stringify(r, null, 2));
        else {
          io.out(`re-verified ${r.checked} stale entr${r.checked === 1 ? 'y' : 'ies'} in ${r.durationMs} ms: ${r.verified} still there, ${r.missing} missing (marked stale), ${r.unverifiable} without a source file`);
          for (const w of r.warnings) io.out(`  warning: ${w}`);
        }
        return EXIT.ok;
      }
      const r = await withDatabase(ctx.dbPath, { busyTimeoutMs: ctx.busyTimeoutMs }, (db) => crawlWorkspace(db, { workspace: ctx.workspace, excludes, timeBudgetMs }));
      if (ctx.json) io.out(JSON.stringify(r, null, 2));
      else printCrawl(r, io);
      return EXIT.ok;
    },
  },
  query: {
    summary: 'List what the crawler discovered: databases, apis or frameworks (read-only)',
    usage: 'cortex query databases|apis|frameworks [--type T] [--pattern ID] [--workspace DIR | --db FILE] [--json]',
    positionals: 'databases|apis|frameworks',
    options: { type: { type: 'string' }, pattern: { type: 'string' } },
    async run(v, io, ctx) {
      const [kind, ...extra] = ctx.positionals;
      if (!KINDS.includes(kind as DiscoveryKind) || extra.length) throw new UsageError(`query takes one of ${KINDS.join(', ')}`);
      const k = kind as DiscoveryKind;
      const type = typeof v.type === 'string' ? v.type : undefined;
      const usedByPattern = typeof v.pattern === 'string' ? v.pattern : undefined;
      const items = await withDatabase(ctx.dbPath, { readonly: true, busyTimeoutMs: ctx.busyTimeoutMs }, (db) => queryDiscovered(db, k, { type, usedByPattern }));
      if (ctx.json) {
        io.out(JSON.stringify({ kind: k, type: type ?? null, items }, null, 2));
        return EXIT.ok;
      }
      if (!items.length) io.out(`no ${k} discovered${type ? ` of type ${type}` : ''} (run \`cortex crawl\`)`);
      for (const row of items) io.out(describe(k, row));
      return EXIT.ok;
    },
  },
};

import { createHash } from 'node:crypto';
import { Database, quoteIdent, withDatabase } from '../db/database';
import { CortexError } from '../db/errors';
import { BUILTIN_PLUGINS } from '../plugins/builtin';
import { TIER_POLICIES } from '../retention/tierPolicies';
import { CONVERSATION_COLUMNS, CONVERSATIONS_ACTIVE_INDEX, SEED_GROUPS, SEED_TABLES } from './seedDdl';
import { ReferenceSchema } from './reference';
import { columnNames, describeIndex, describeTable, diffTables, sameIndex, tableExists } from './structure';

/** Our migrations are recorded as `cortex-vscode/<id>`; any other name in `migrations` belongs to other CORTEX tooling. */
export const MIGRATION_NAMESPACE = 'cortex-vscode/';

export interface MigrationContext {
  db: Database;
  reference: ReferenceSchema;
  now: Date;
}

export interface Migration {
  id: string;
  title: string;
  /**
   * The SQL this migration runs (conditional steps included as the statements
   * they would issue). Its SHA-256 is the checksum recorded in `migrations`,
   * so editing a shipped migration is detected as drift.
   */
  sql: string;
  /** What `apply` would do on this database, for dry runs. Reads only. */
  plan(ctx: MigrationContext): Promise<string[]>;
  /** Runs inside the group's transaction; returns notes for the report. */
  apply(ctx: MigrationContext): Promise<string[]>;
}

export function checksum(sql: string): string {
  return createHash('sha256').update(sql, 'utf8').digest('hex');
}

function conflict(details: string[]): CortexError {
  return new CortexError(
    'SCHEMA_CONFLICT',
    `Existing tables differ from the 2.0 schema: ${details.join('; ')}.`,
    'They were left as they are. Rename or remove the conflicting table (after checking what wrote it), then migrate again.',
  );
}

function splitStatements(ddl: string): string[] {
  return ddl.split(';').map((s) => s.trim()).filter(Boolean);
}

/**
 * Creates each seed table that is missing. A table that already exists (other
 * CORTEX tooling may have created it) is accepted when its structure equals
 * the seed's, and then only its missing indexes are added; anything else is
 * a conflict that stops the group without touching the table.
 */
async function ensureSeedTables(ctx: MigrationContext, tables: readonly string[], dryRun: boolean): Promise<string[]> {
  const notes: string[] = [];
  const conflicts: string[] = [];
  for (const name of tables) {
    const seed = SEED_TABLES[name];
    if (!(await tableExists(ctx.db, name))) {
      if (!dryRun) await ctx.db.exec(seed.ddl);
      notes.push(`create table ${name}`);
      continue;
    }
    const want = await ctx.reference.table(name);
    const have = await describeTable(ctx.db, name);
    const diffs = diffTables(name, have, want);
    if (diffs.length) {
      conflicts.push(...diffs);
      continue;
    }
    for (const stmt of splitStatements(seed.ddl).filter((s) => s.startsWith('CREATE INDEX'))) {
      const indexName = /CREATE INDEX (\w+)/.exec(stmt)![1];
      const wantIdx = want.indexes.find((i) => i.name === indexName)!;
      const haveIdx = have.indexes.find((i) => i.name === indexName);
      if (!haveIdx) {
        const owner = await ctx.db.get<{ tbl_name: string }>(`SELECT tbl_name FROM sqlite_master WHERE type = 'index' AND name = ?`, [indexName]);
        if (owner) {
          conflicts.push(`index ${indexName} already exists on table ${owner.tbl_name}`);
          continue;
        }
        if (!dryRun) await ctx.db.exec(stmt);
        notes.push(`create missing index ${indexName} on existing table ${name}`);
      } else if (!sameIndex(haveIdx, wantIdx)) {
        conflicts.push(`index ${indexName} has columns ${JSON.stringify(haveIdx.keys)}, the seed says ${JSON.stringify(wantIdx.keys)}`);
      }
    }
    notes.push(`keep existing table ${name} (same structure as the seed)`);
  }
  if (conflicts.length) throw conflict(conflicts);
  return notes;
}

function seedGroup(id: string, title: string, tables: readonly string[]): Migration {
  return {
    id,
    title,
    sql: tables.map((t) => SEED_TABLES[t].ddl).join('\n'),
    plan: (ctx) => ensureSeedTables(ctx, tables, true),
    apply: (ctx) => ensureSeedTables(ctx, tables, false),
  };
}

/** The 1.0 Tier 1 `conversations` table (src/tier1/conversation_manager.py), for brains that lack it. */
const BASELINE_CONVERSATIONS = `CREATE TABLE IF NOT EXISTS conversations (
    conversation_id TEXT PRIMARY KEY,
    agent_id TEXT,
    start_time TIMESTAMP,
    end_time TIMESTAMP,
    goal TEXT,
    outcome TEXT,
    status TEXT,
    message_count INTEGER DEFAULT 0,
    context TEXT
)`;

/**
 * No 1.0 variant has `last_updated`, which the seed's index needs. It is
 * backfilled from the best timestamp each 1.0 shape carries, in this order.
 */
export const LAST_UPDATED_SOURCES = ['updated_at', 'last_activity', 'end_time', 'ended', 'start_time', 'started', 'created_at', 'import_date'];
const LAST_UPDATED_SQL = `ALTER TABLE conversations ADD COLUMN last_updated TIMESTAMP;
UPDATE conversations SET last_updated = COALESCE(${LAST_UPDATED_SOURCES.join(', ')}) WHERE last_updated IS NULL`;
const PRESERVED_INDEX = 'idx_conversations_active_v1';

async function conversationSteps(ctx: MigrationContext, dryRun: boolean): Promise<string[]> {
  const { db } = ctx;
  const notes: string[] = [];
  const run = async (sql: string, note: string) => {
    if (!dryRun) await db.exec(sql);
    notes.push(note);
  };
  if (!(await tableExists(db, 'conversations'))) {
    if (dryRun) {
      return [
        `add columns ${[...CONVERSATION_COLUMNS.map(([n]) => n), 'last_updated'].join(', ')} to the new conversations table`,
        'create index idx_conversations_active',
        ...SEED_GROUPS.conversation.map((t) => `create table ${t}`),
      ];
    }
    throw new CortexError('MIGRATION_FAILED', 'The conversations table is missing although the baseline migration was applied.');
  }
  const wantCols = await ctx.reference.conversationColumns();
  const have = await describeTable(db, 'conversations');
  const conflicts: string[] = [];
  for (const [name, def] of CONVERSATION_COLUMNS) {
    const h = have.columns.find((c) => c.name === name);
    if (!h) await run(`ALTER TABLE conversations ADD COLUMN ${name} ${def}`, `add column conversations.${name} ${def}`);
    else if (JSON.stringify(h) !== JSON.stringify(wantCols.find((c) => c.name === name))) {
      conflicts.push(`conversations.${name} exists as ${h.type}${h.dflt !== null ? ` DEFAULT ${h.dflt}` : ''}, the seed says ${def}`);
    }
  }
  if (conflicts.length) throw conflict(conflicts);

  if (!have.columns.some((c) => c.name === 'last_updated')) {
    await run('ALTER TABLE conversations ADD COLUMN last_updated TIMESTAMP', 'add column conversations.last_updated TIMESTAMP (no 1.0 shape has it)');
    const present = new Set(have.columns.map((c) => c.name));
    const sources = LAST_UPDATED_SOURCES.filter((c) => present.has(c));
    if (sources.length) {
      const expr = sources.length === 1 ? quoteIdent(sources[0]) : `COALESCE(${sources.map(quoteIdent).join(', ')})`;
      await run(`UPDATE conversations SET last_updated = ${expr} WHERE last_updated IS NULL`, `backfill last_updated from ${sources.join(' → ')}`);
    }
  }

  const existing = await db.get<{ sql: string | null; tbl_name: string }>(
    `SELECT sql, tbl_name FROM sqlite_master WHERE type = 'index' AND name = 'idx_conversations_active'`,
  );
  const wantIdx = await ctx.reference.conversationsActiveIndex();
  if (!existing) {
    await run(CONVERSATIONS_ACTIVE_INDEX, 'create index idx_conversations_active');
  } else {
    const haveIdx = existing.tbl_name === 'conversations' ? await describeIndex(db, 'idx_conversations_active', 'c', 0) : undefined;
    const uniqueRow = haveIdx
      ? await db.get<{ unique: number }>(`SELECT "unique" FROM pragma_index_list('conversations') WHERE name = 'idx_conversations_active'`)
      : undefined;
    if (!haveIdx || !sameIndex({ ...haveIdx, unique: uniqueRow?.unique ?? 0 }, wantIdx)) {
      // The 1.0 index of the same name (on is_active/active) still serves 1.0
      // queries: keep it under another name rather than losing it.
      const oldSql = existing.sql ?? '';
      const preserved = await db.get(`SELECT 1 AS x FROM sqlite_master WHERE name = ?`, [PRESERVED_INDEX]);
      if (!preserved && existing.tbl_name === 'conversations' && /^CREATE\s+(UNIQUE\s+)?INDEX/i.test(oldSql)) {
        const renamed = oldSql.replace(/^(CREATE\s+(?:UNIQUE\s+)?INDEX\s+(?:IF\s+NOT\s+EXISTS\s+)?)("?)idx_conversations_active\2/i, `$1${PRESERVED_INDEX}`);
        await run('DROP INDEX idx_conversations_active', `replace the 1.0 index idx_conversations_active (${oldSql}) with the seed's`);
        await run(renamed, `keep the 1.0 index as ${PRESERVED_INDEX}`);
      } else {
        await run('DROP INDEX idx_conversations_active', `replace the index idx_conversations_active (${oldSql}) with the seed's`);
      }
      await run(CONVERSATIONS_ACTIVE_INDEX, 'create index idx_conversations_active (archived, last_updated DESC)');
    }
  }
  notes.push(...(await ensureSeedTables(ctx, SEED_GROUPS.conversation, dryRun)));
  return notes;
}

const PLUGIN_INSERT = `INSERT OR IGNORE INTO plugins (plugin_id, name, version, category, priority, description, author, dependencies, hooks, enabled)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`;
const SNAPSHOT_INSERT = `INSERT INTO retention_policy_snapshots (tier, policy_json, violations_count, age_violations, count_violations, actions_taken)
VALUES (?, ?, ?, ?, ?, '[]')`;
const PROVENANCE_INSERT = `INSERT INTO provenance_links (source_type, source_ref, target_type, target_ref, relation, confidence)
VALUES ('migration', 'MIGRATION_START', 'system', 'schema_v2', 'generated', 1.0)`;

/** Tier 1 violations of the tier1 policy, measured on the conversations table. */
async function tier1Violations(db: Database, maxAgeDays: number, maxRecords: number): Promise<[number, number]> {
  const cols = new Set(await columnNames(db, 'conversations'));
  const row = await db.get<{ total: number; old: number }>(
    `SELECT COUNT(*) AS total, ${cols.has('last_updated') ? `SUM(last_updated < datetime('now', ?))` : '0'} AS old FROM conversations`,
    cols.has('last_updated') ? [`-${maxAgeDays} days`] : [],
  );
  const total = row?.total ?? 0;
  return [row?.old ?? 0, maxRecords >= 0 ? Math.max(0, total - maxRecords) : 0];
}

async function backfill(ctx: MigrationContext, dryRun: boolean): Promise<string[]> {
  const { db } = ctx;
  const notes: string[] = [];
  for (const p of BUILTIN_PLUGINS) {
    if (!dryRun) {
      await db.run(PLUGIN_INSERT, [p.plugin_id, p.name, p.version, p.category, p.priority, p.description, p.author, JSON.stringify(p.dependencies), JSON.stringify(p.hooks)]);
    }
    notes.push(`register plugin ${p.plugin_id}`);
  }
  for (const policy of TIER_POLICIES) {
    const [age, count] = policy.tier === 'tier1' ? await tier1Violations(db, policy.maxAgeDays, policy.maxRecords) : [0, 0];
    if (!dryRun) await db.run(SNAPSHOT_INSERT, [policy.tier, JSON.stringify(policy), age + count, age, count]);
    notes.push(`retention snapshot ${policy.tier}: ${age} age + ${count} count violations`);
  }
  if (!dryRun) await db.run(PROVENANCE_INSERT);
  notes.push('provenance: migration MIGRATION_START → system schema_v2');
  return notes;
}

/** Links from knowledge-graph patterns to discoveries (doc 11's `add_relationship` examples); read by src/core/knowledge/relationships.ts. */
const KNOWLEDGE_RELATIONSHIPS_DDL = `CREATE TABLE knowledge_relationships (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    subject_pattern_id TEXT NOT NULL,
    relationship_type TEXT NOT NULL CHECK (relationship_type IN ('uses_database','uses_api','uses_framework')),
    object_entity_type TEXT NOT NULL CHECK (object_entity_type IN ('workspace_database','workspace_api','workspace_framework')),
    object_entity_id INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE(subject_pattern_id, relationship_type, object_entity_type, object_entity_id)
);
CREATE INDEX idx_knowledge_relationships_object ON knowledge_relationships(object_entity_type, object_entity_id)`;
const KNOWLEDGE_RELATIONSHIPS_INDEX = 'idx_knowledge_relationships_object';

/** Creates knowledge_relationships, or keeps one another tool made when its structure is the same (adding a missing index). */
async function knowledgeRelationships(ctx: MigrationContext, dryRun: boolean): Promise<string[]> {
  const { db } = ctx;
  if (!(await tableExists(db, 'knowledge_relationships'))) {
    if (!dryRun) await db.exec(KNOWLEDGE_RELATIONSHIPS_DDL);
    return ['create table knowledge_relationships', `create index ${KNOWLEDGE_RELATIONSHIPS_INDEX}`];
  }
  const want = await withDatabase(':memory:', { create: true }, async (mem) => {
    await mem.exec(KNOWLEDGE_RELATIONSHIPS_DDL);
    return describeTable(mem, 'knowledge_relationships');
  });
  const have = await describeTable(db, 'knowledge_relationships');
  const diffs = diffTables('knowledge_relationships', have, want);
  const wantIdx = want.indexes.find((i) => i.name === KNOWLEDGE_RELATIONSHIPS_INDEX)!;
  const haveIdx = have.indexes.find((i) => i.name === KNOWLEDGE_RELATIONSHIPS_INDEX);
  if (haveIdx && !sameIndex(haveIdx, wantIdx)) diffs.push(`index ${KNOWLEDGE_RELATIONSHIPS_INDEX} has columns ${JSON.stringify(haveIdx.keys)}`);
  if (diffs.length) throw conflict(diffs);
  const notes = ['keep existing table knowledge_relationships (same structure)'];
  if (!haveIdx) {
    if (!dryRun) await db.exec(splitStatements(KNOWLEDGE_RELATIONSHIPS_DDL)[1]);
    notes.push(`create missing index ${KNOWLEDGE_RELATIONSHIPS_INDEX}`);
  }
  return notes;
}

/** Summaries the retention worker keeps of maintenance runs and hook executions past their windows (src/core/retention/rollups.ts). */
const RETENTION_ROLLUPS_DDL = `CREATE TABLE maintenance_rollups (
    period TEXT NOT NULL,
    tier TEXT NOT NULL,
    runs INTEGER NOT NULL,
    failed INTEGER NOT NULL,
    space_reclaimed_mb REAL,
    avg_speedup REAL,
    PRIMARY KEY (period, tier)
);
CREATE TABLE hook_execution_rollups (
    period TEXT NOT NULL,
    plugin_id TEXT NOT NULL,
    hook TEXT NOT NULL,
    runs INTEGER NOT NULL,
    failed INTEGER NOT NULL,
    total_ms REAL,
    max_ms REAL,
    PRIMARY KEY (period, plugin_id, hook)
)`;
const RETENTION_ROLLUP_TABLES = ['maintenance_rollups', 'hook_execution_rollups'];

/** Creates the rollup tables, or keeps ones another tool made when their structure is the same. */
async function retentionRollups(ctx: MigrationContext, dryRun: boolean): Promise<string[]> {
  const notes: string[] = [];
  const conflicts: string[] = [];
  const statements = splitStatements(RETENTION_ROLLUPS_DDL);
  for (const [i, name] of RETENTION_ROLLUP_TABLES.entries()) {
    if (!(await tableExists(ctx.db, name))) {
      if (!dryRun) await ctx.db.exec(statements[i]);
      notes.push(`create table ${name}`);
      continue;
    }
    const want = await withDatabase(':memory:', { create: true }, async (mem) => {
      await mem.exec(statements[i]);
      return describeTable(mem, name);
    });
    const diffs = diffTables(name, await describeTable(ctx.db, name), want);
    if (diffs.length) conflicts.push(...diffs);
    else notes.push(`keep existing table ${name} (same structure)`);
  }
  if (conflicts.length) throw conflict(conflicts);
  return notes;
}

/** Every migration this version knows, in apply order. Never edit a shipped one: add a new one. */
export const MIGRATIONS: readonly Migration[] = [
  {
    id: '001_baseline_conversations',
    title: 'Baseline 1.0 conversations table (when absent)',
    sql: BASELINE_CONVERSATIONS,
    plan: async (ctx) => ((await tableExists(ctx.db, 'conversations')) ? ['keep existing conversations table'] : ['create 1.0 conversations table']),
    apply: async (ctx) => {
      const existed = await tableExists(ctx.db, 'conversations');
      await ctx.db.exec(BASELINE_CONVERSATIONS);
      return [existed ? 'keep existing conversations table' : 'create 1.0 conversations table'];
    },
  },
  seedGroup('002_self_review', 'Self-review: health reports and issues', SEED_GROUPS.self_review),
  seedGroup('003_maintenance', 'Maintenance, archival and retention snapshots', SEED_GROUPS.maintenance),
  seedGroup('004_incremental_creation', 'Incremental creation sessions and chunks', SEED_GROUPS.incremental_creation),
  seedGroup('005_plugins', 'Plugin registry and hook executions', SEED_GROUPS.plugins),
  {
    id: '006_conversation',
    title: 'Conversation task state, actions and state snapshots',
    sql: [...CONVERSATION_COLUMNS.map(([n, d]) => `ALTER TABLE conversations ADD COLUMN ${n} ${d}`), LAST_UPDATED_SQL, `DROP INDEX idx_conversations_active`, CONVERSATIONS_ACTIVE_INDEX, ...SEED_GROUPS.conversation.map((t) => SEED_TABLES[t].ddl)].join(';\n'),
    plan: (ctx) => conversationSteps(ctx, true),
    apply: (ctx) => conversationSteps(ctx, false),
  },
  seedGroup('007_knowledge_integrity', 'Boundary events and provenance links', SEED_GROUPS.knowledge_integrity),
  seedGroup('008_crawler', 'Crawler discoveries: databases, APIs, frameworks', SEED_GROUPS.crawler),
  {
    id: '009_backfill',
    title: 'Backfill: built-in plugins, retention snapshots, migration provenance',
    sql: [PLUGIN_INSERT, SNAPSHOT_INSERT, PROVENANCE_INSERT].join(';\n'),
    plan: (ctx) => backfill(ctx, true),
    apply: (ctx) => backfill(ctx, false),
  },
  {
    id: '010_knowledge_relationships',
    title: 'Knowledge relationships: patterns → discovered databases, APIs, frameworks',
    sql: KNOWLEDGE_RELATIONSHIPS_DDL,
    plan: (ctx) => knowledgeRelationships(ctx, true),
    apply: (ctx) => knowledgeRelationships(ctx, false),
  },
  {
    id: '011_retention_rollups',
    title: 'Retention rollups: maintenance runs and hook executions past their windows',
    sql: RETENTION_ROLLUPS_DDL,
    plan: (ctx) => retentionRollups(ctx, true),
    apply: (ctx) => retentionRollups(ctx, false),
  },
];

export function migrationName(m: Migration): string {
  return MIGRATION_NAMESPACE + m.id;
}

import { Database } from '../db/database';
import { CONVERSATION_COLUMNS, CONVERSATIONS_ACTIVE_INDEX, SEED_TABLES } from './seedDdl';
import { ColumnShape, describeIndex, describeTable, IndexShape, TableShape } from './structure';

/**
 * The seed's schema built in an in-memory database, so existing tables can be
 * compared with it structurally. Built lazily, only when a migration meets a
 * table that already exists; closed with the migrator.
 */
export class ReferenceSchema {
  private db: Promise<Database> | undefined;
  private readonly cache = new Map<string, TableShape>();

  private open(): Promise<Database> {
    this.db ??= (async () => {
      const db = await Database.open(':memory:', { create: true });
      await db.exec(Object.values(SEED_TABLES).map((t) => t.ddl).join(';\n'));
      await db.exec('CREATE TABLE conversations (conversation_id TEXT PRIMARY KEY, last_updated TIMESTAMP)');
      for (const [name, def] of CONVERSATION_COLUMNS) await db.exec(`ALTER TABLE conversations ADD COLUMN ${name} ${def}`);
      await db.exec(CONVERSATIONS_ACTIVE_INDEX);
      return db;
    })();
    return this.db;
  }

  async table(name: string): Promise<TableShape> {
    let shape = this.cache.get(name);
    if (!shape) {
      shape = await describeTable(await this.open(), name);
      this.cache.set(name, shape);
    }
    return shape;
  }

  async conversationColumns(): Promise<ColumnShape[]> {
    return (await this.table('conversations')).columns;
  }

  async conversationsActiveIndex(): Promise<IndexShape> {
    return describeIndex(await this.open(), 'idx_conversations_active', 'c', 0);
  }

  async close(): Promise<void> {
    if (this.db) await (await this.db).close();
    this.db = undefined;
  }
}

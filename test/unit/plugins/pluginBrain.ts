import * as fs from 'node:fs';
import * as path from 'node:path';
import { Database } from '../../../src/core/db/database';
import { initBrain } from '../../../src/core/schema/migrator';
import { REPO_ROOT, tempDir } from '../../helpers/fixtures';

export const PLUGIN_FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'plugins');

export interface PluginBrain {
  workspace: string;
  brainRoot: string;
  dbPath: string;
  db: Database;
}

/** A workspace with a migrated brain whose plugins folder holds copies of the named fixture folders (`runnable/good_echo`, …). */
export async function pluginBrain(fixtures: readonly string[] = []): Promise<PluginBrain> {
  const workspace = tempDir();
  const brainRoot = path.join(workspace, 'cortex-brain');
  const dbPath = path.join(brainRoot, 'tier1', 'conversations.db');
  await initBrain({ dbPath });
  for (const f of fixtures) fs.cpSync(path.join(PLUGIN_FIXTURES, f), path.join(brainRoot, 'plugins', path.basename(f)), { recursive: true });
  return { workspace, brainRoot, dbPath, db: await Database.open(dbPath) };
}

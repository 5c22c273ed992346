import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { resumeCreation } from '../../../src/core/creation/engine';
import { planChunks } from '../../../src/core/creation/plan';
import { unfinishedSessions } from '../../../src/core/creation/store';
import { withDatabase } from '../../../src/core/db/database';
import { initBrain } from '../../../src/core/schema/migrator';
import { startHelper } from '../../helpers/child';
import { cleanupTempDirs, integrityOk, query, REPO_ROOT, tempDir } from '../../helpers/fixtures';

const SOURCE = path.join(REPO_ROOT, 'test', 'fixtures', 'creation', 'guide-lists.md');
const MAX_LINES = 12;
const CHUNKS = planChunks(fs.readFileSync(SOURCE, 'utf8'), 'markdown', { maxLines: MAX_LINES });
/** Bytes of DEST once chunk n (1-based) is appended. */
const byteEnd = (n: number) => CHUNKS.slice(0, n).reduce((sum, c) => sum + Buffer.byteLength(c.text), 0);

describe('incremental creation survives SIGKILL at every chunk boundary', function () {
  this.timeout(60000);
  afterEach(cleanupTempDirs);

  it(`the source plans into about ten chunks at ${MAX_LINES} lines`, () => {
    assert.ok(CHUNKS.length >= 8 && CHUNKS.length <= 12, `${CHUNKS.length} chunks`);
  });

  for (const chunk of CHUNKS.map((c) => c.number)) {
    for (const phase of ['appended', 'recorded'] as const) {
      const label = phase === 'appended' ? `after chunk ${chunk} is appended, before the brain records it` : `after the brain records chunk ${chunk}`;
      it(`killed ${label}: resume writes each remaining chunk once and DEST is byte-identical`, async () => {
        const workspace = tempDir();
        const dbPath = path.join(workspace, 'cortex-brain', 'tier1', 'conversations.db');
        await initBrain({ dbPath });
        const dest = path.join(workspace, 'docs', 'README.md');
        const child = startHelper('createChild', [dbPath, workspace, SOURCE, dest, String(MAX_LINES), `${phase}:${chunk}`]);
        await child.waitFor('PAUSED');
        child.child.kill('SIGKILL');
        await child.exited;

        assert.ok(await integrityOk(dbPath), 'integrity after the kill');
        assert.equal(fs.statSync(dest).size, byteEnd(chunk), 'chunk bytes were flushed before the pause');
        const recorded = phase === 'appended' ? chunk - 1 : chunk;
        const statuses = await query<{ status: string }>(dbPath, 'SELECT status FROM creation_chunks ORDER BY chunk_number');
        assert.deepEqual(statuses.map((s) => s.status), CHUNKS.map((c) => (c.number <= recorded ? 'written' : 'pending')));

        const report = await withDatabase(dbPath, {}, async (db) => {
          const [session] = await unfinishedSessions(db);
          return resumeCreation(db, { workspace, sessionId: session.id });
        });
        assert.equal(report.outcome, 'completed');
        assert.equal(report.resumedAfter, recorded);
        assert.deepEqual(report.written, CHUNKS.filter((c) => c.number > recorded).map((c) => c.number), 'every chunk not recorded is written exactly once');
        assert.ok(fs.readFileSync(dest).equals(fs.readFileSync(SOURCE)), 'DEST is byte-identical to the source');
        assert.ok(await integrityOk(dbPath), 'integrity after the resume');
        const rows = await query<{ completed: number; failed: number; written: number }>(
          dbPath,
          `SELECT completed, failed, (SELECT COUNT(*) FROM creation_chunks WHERE status = 'written') AS written FROM creation_sessions`,
        );
        assert.deepEqual(rows, [{ completed: 1, failed: 0, written: CHUNKS.length }]);
      });
    }
  }
});

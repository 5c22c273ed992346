import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { Database } from '../../../src/core/db/database';
import { addProvenance, fileLineage, fileRef, lineageOf } from '../../../src/core/integrity/provenance';
import { initBrain } from '../../../src/core/schema/migrator';
import { cleanupTempDirs, tempDir } from '../../helpers/fixtures';

describe('provenance of files', () => {
  let db: Database;
  let workspace: string;
  beforeEach(async () => {
    workspace = tempDir();
    const dbPath = path.join(workspace, 'cortex-brain', 'tier1', 'conversations.db');
    await initBrain({ dbPath });
    db = await Database.open(dbPath);
  });
  afterEach(async () => {
    await db.close();
    cleanupTempDirs();
  });

  it('fileRef() is workspace-relative with / inside the workspace, absolute outside', () => {
    assert.equal(fileRef(workspace, path.join(workspace, 'docs', 'a.md')), 'docs/a.md');
    assert.equal(fileRef(workspace, 'docs/../docs/a.md'), 'docs/a.md');
    assert.equal(fileRef(workspace, '../elsewhere.md'), path.resolve(workspace, '..', 'elsewhere.md'));
    assert.equal(fileRef(workspace, '..notes.md'), '..notes.md');
  });

  it('fileLineage() finds links stored under any form of the path, as source or target, newest first', async () => {
    const abs = path.join(workspace, 'docs', 'guide.md');
    const ids = [
      await addProvenance(db, { source_type: 'conversation', source_ref: 'conv-1', target_type: 'file', target_ref: 'docs/guide.md', relation: 'generated', confidence: 0.9 }),
      await addProvenance(db, { source_type: 'plugin', source_ref: 'doc_lint_plugin', target_type: 'file', target_ref: abs, relation: 'updated' }),
      await addProvenance(db, { source_type: 'creation_session', source_ref: '7', target_type: 'document', target_ref: 'docs\\guide.md', relation: 'generated' }),
      await addProvenance(db, { source_type: 'file', source_ref: './docs/guide.md', target_type: 'pattern', target_ref: 'p-9', relation: 'referenced' }),
      await addProvenance(db, { source_type: 'file', source_ref: 'docs/other.md', target_type: 'file', target_ref: 'docs/guide.md.bak', relation: 'archived_from' }),
    ];
    for (const asked of ['docs/guide.md', abs, './docs/guide.md']) {
      const rows = await fileLineage(db, workspace, asked);
      assert.deepEqual(rows.map((r) => r.id), ids.slice(0, 4).reverse(), asked);
    }
    assert.deepEqual(await fileLineage(db, workspace, 'docs/none.md'), []);
  });

  it('leaves lineageOf() as it was: exact type and reference', async () => {
    await addProvenance(db, { source_type: 'file', source_ref: 'a.md', target_type: 'file', target_ref: 'b.md', relation: 'generated' });
    assert.equal((await lineageOf(db, 'file', 'b.md')).length, 1);
    assert.equal((await lineageOf(db, 'file', './b.md')).length, 0);
  });
});

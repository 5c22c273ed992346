import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Database } from '../../../src/core/db/database';
import { BoundaryRoots, RULES } from '../../../src/core/integrity/boundary';
import { guard, recentDenials, recordBoundaryEvent } from '../../../src/core/integrity/boundaryEvents';
import { initBrain } from '../../../src/core/schema/migrator';
import { cleanupTempDirs, tempDir } from '../../helpers/fixtures';

describe('boundary events', () => {
  let db: Database;
  let roots: BoundaryRoots;
  beforeEach(async () => {
    const workspace = fs.realpathSync(tempDir());
    const brainRoot = path.join(workspace, 'cortex-brain');
    const dbPath = path.join(brainRoot, 'tier1', 'conversations.db');
    await initBrain({ dbPath });
    fs.writeFileSync(path.join(workspace, 'notes.txt'), 'n');
    db = await Database.open(dbPath);
    roots = { workspace, brainRoot };
  });
  afterEach(async () => {
    await db.close();
    cleanupTempDirs();
  });

  it('guard() records every decision with its rule, plugin and session', async () => {
    const allowed = await guard(db, { path: 'notes.txt', intent: 'read', actor: 'plugin', pluginId: 'p1', capabilities: ['fs:read'], roots, sessionId: 's-1' });
    const denied = await guard(db, { path: '../../etc/shadow', intent: 'read', actor: 'plugin', pluginId: 'p1', capabilities: ['fs:read'], roots });
    assert.equal(allowed.allowed, true);
    assert.equal(denied.allowed, false);
    const rows = await db.all<Record<string, unknown>>('SELECT * FROM boundary_events ORDER BY id');
    assert.equal(rows.length, 2);
    assert.deepEqual(
      rows.map((r) => [r.id, r.event_type, r.path, r.allowed, r.rule_reference, r.plugin_id, r.session_id]),
      [
        [allowed.event_id, 'read', 'notes.txt', 1, RULES.insideRoots, 'p1', 's-1'],
        [denied.event_id, 'read', '../../etc/shadow', 0, RULES.traversal, 'p1', null],
      ],
    );
    assert.equal(rows[1].reason, denied.reason);
  });

  it('keeps a NUL byte visible in the stored path', async () => {
    await guard(db, { path: 'a\0b', intent: 'write', actor: 'agent', roots });
    const row = await db.get<{ path: string; rule_reference: string }>('SELECT path, rule_reference FROM boundary_events');
    assert.deepEqual(row, { path: 'a\\0b', rule_reference: RULES.nulByte });
  });

  it('recentDenials() lists only denials, newest first, up to the limit', async () => {
    for (const p of ['.env', 'notes.txt', '/etc/passwd', 'id_rsa']) await guard(db, { path: p, intent: 'read', actor: 'agent', roots });
    await recordBoundaryEvent(db, { event_type: 'delete', path: 'x', allowed: false, reason: 'test', rule_reference: 'R', plugin_id: 'q' });
    const all = await recentDenials(db);
    assert.deepEqual(all.map((d) => d.path), ['x', 'id_rsa', '/etc/passwd', '.env']);
    assert.ok(all.every((d) => d.allowed === false));
    assert.deepEqual((await recentDenials(db, 2)).map((d) => d.rule_reference), ['R', RULES.secretKey]);
  });
});

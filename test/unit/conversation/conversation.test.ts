import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { ACTION_TYPES, listActions, recordAction } from '../../../src/core/conversation/actions';
import { latestSnapshot, saveStateSnapshot, SNAPSHOTS_KEPT } from '../../../src/core/conversation/snapshots';
import { conversationStatus, D03_TASK_STATUSES, setArchived, setTaskStatus, TaskStatus, taskStatusFromD03, updateConversation } from '../../../src/core/conversation/status';
import { Database, withDatabase } from '../../../src/core/db/database';
import { CortexError } from '../../../src/core/db/errors';
import { initBrain, migrate } from '../../../src/core/schema/migrator';
import { cleanupTempDirs, legacyWorkspace, query, tempDir } from '../../helpers/fixtures';

async function rejectsWith(p: Promise<unknown>, pattern: RegExp, code = 'BAD_INPUT'): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof CortexError, `expected CortexError, got ${String(err)}`);
    assert.equal(err.code, code, err.oneLine);
    assert.match(err.oneLine, pattern);
    return true;
  });
}

/** A migrated 1.0 working-memory brain: conversations wm-1, wm-2, wm-3 with their 1.0 columns. */
async function brain(): Promise<string> {
  const { dbPath } = await legacyWorkspace('working-memory');
  await migrate({ dbPath });
  return dbPath;
}

const useDb = <T>(dbPath: string, fn: (db: Database) => Promise<T>) => withDatabase(dbPath, {}, fn);

describe('conversation audit', function () {
  this.timeout(60000);
  afterEach(cleanupTempDirs);

  describe('actions', () => {
    it('records actions and moves the conversation\'s last_action_at and last_updated to the action time', async () => {
      const dbPath = await brain();
      await useDb(dbPath, async (db) => {
        await db.run(`UPDATE conversations SET last_updated = '2025-01-01 00:00:00' WHERE conversation_id = 'wm-2'`);
        const a = await recordAction(db, { sessionId: 'wm-2', turnNumber: 3, actionType: 'write', description: 'Wrote src/crawler/oracle.py', metadata: { paths: ['src/crawler/oracle.py'], lines: 120 } });
        assert.equal(a.conversationUpdated, true);
        assert.equal(a.success, true);
        assert.deepEqual(a.metadata, { paths: ['src/crawler/oracle.py'], lines: 120 });
        assert.match(a.created_at, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
        const status = (await conversationStatus(db, 'wm-2'))!;
        assert.equal(status.last_action_at, a.created_at);
        assert.equal(status.last_updated, a.created_at);
        const untouched = (await conversationStatus(db, 'wm-1'))!;
        assert.equal(untouched.last_action_at, null);
        assert.equal(untouched.last_updated, '2025-09-02 11:00:00', 'other conversations keep their backfilled last_updated');

        const orphan = await recordAction(db, { sessionId: 'no-such-conversation', turnNumber: 0, actionType: 'retrieval', description: 'Looked up patterns', success: false });
        assert.equal(orphan.conversationUpdated, false, 'an action of a session without a conversations row is still logged');
        assert.equal(orphan.success, false);
        assert.equal(orphan.metadata, null);
      });
      assert.deepEqual(await query(dbPath, 'SELECT session_id, turn_number, action_type, success FROM conversation_actions ORDER BY id'), [
        { session_id: 'wm-2', turn_number: 3, action_type: 'write', success: 1 },
        { session_id: 'no-such-conversation', turn_number: 0, action_type: 'retrieval', success: 0 },
      ]);
    });

    it('lists a session\'s actions in turn order, by page and by turn', async () => {
      const dbPath = await brain();
      await useDb(dbPath, async (db) => {
        const turns = [2, 1, 3, 1, 2];
        for (const [i, turnNumber] of turns.entries()) {
          await recordAction(db, { sessionId: 'wm-1', turnNumber, actionType: ACTION_TYPES[i], description: `action ${i}` });
        }
        await recordAction(db, { sessionId: 'wm-3', turnNumber: 1, actionType: 'generation', description: 'elsewhere' });
        const all = await listActions(db, 'wm-1');
        assert.deepEqual(all.items.map((a) => [a.turn_number, a.description]), [[1, 'action 1'], [1, 'action 3'], [2, 'action 0'], [2, 'action 4'], [3, 'action 2']]);
        const page = await listActions(db, 'wm-1', { offset: 2, limit: 2 });
        assert.deepEqual(page.items.map((a) => a.description), ['action 0', 'action 4']);
        assert.equal(page.hasMore, true);
        assert.deepEqual((await listActions(db, 'wm-1', { turn: 2 })).items.map((a) => a.action_type), ['retrieval', 'self_review']);
      });
    });

    it('refuses bad input with a message naming the problem, and logs nothing', async () => {
      const dbPath = await brain();
      await useDb(dbPath, async (db) => {
        const ok = { sessionId: 'wm-1', turnNumber: 1, actionType: 'write' as const, description: 'x' };
        await rejectsWith(recordAction(db, { ...ok, actionType: 'deploy' as never }), /'deploy' is not an action type; use one of retrieval, generation, write, maintenance, self_review/);
        await rejectsWith(recordAction(db, { ...ok, turnNumber: -1 }), /turn number must be a whole number of at least 0/);
        await rejectsWith(recordAction(db, { ...ok, turnNumber: 1.5 }), /turn number/);
        await rejectsWith(recordAction(db, { ...ok, description: '  ' }), /description must be a non-empty string/);
        await rejectsWith(recordAction(db, { ...ok, sessionId: '' }), /session id must be a non-empty string/);
        await rejectsWith(recordAction(db, { ...ok, metadata: [1, 2] as never }), /metadata must be a JSON object/);
      });
      assert.deepEqual(await query(dbPath, 'SELECT * FROM conversation_actions'), []);
    });
  });

  describe('task status and archived flag', () => {
    it('sets every doc 11 status and the archived flag, touching last_updated', async () => {
      const dbPath = await brain();
      await useDb(dbPath, async (db) => {
        assert.equal((await conversationStatus(db, 'wm-3'))!.task_status, 'open', 'the migration\'s default');
        for (const status of ['in_progress', 'blocked', 'done', 'open'] as TaskStatus[]) {
          await db.run(`UPDATE conversations SET last_updated = '2000-01-01 00:00:00' WHERE conversation_id = 'wm-3'`);
          const s = await setTaskStatus(db, 'wm-3', status);
          assert.equal(s.task_status, status);
          assert.notEqual(s.last_updated, '2000-01-01 00:00:00');
        }
        assert.equal((await setArchived(db, 'wm-3', true)).archived, true);
        const both = await updateConversation(db, 'wm-1', { taskStatus: 'done', archived: true });
        assert.deepEqual([both.task_status, both.archived], ['done', true]);
        assert.equal((await setArchived(db, 'wm-1', false)).archived, false);
      });
      assert.deepEqual(await query(dbPath, `SELECT conversation_id, task_status, archived FROM conversations ORDER BY conversation_id`), [
        { conversation_id: 'wm-1', task_status: 'done', archived: 0 },
        { conversation_id: 'wm-2', task_status: 'open', archived: 0 },
        { conversation_id: 'wm-3', task_status: 'open', archived: 1 },
      ]);
    });

    it('maps D/03 task statuses as spec §8 says', () => {
      assert.deepEqual(
        D03_TASK_STATUSES.map((s) => [s, taskStatusFromD03(s)]),
        [['not_started', 'open'], ['in_progress', 'in_progress'], ['completed', 'done'], ['failed', 'blocked'], ['blocked', 'blocked']],
      );
    });

    it('refuses an unknown status, an unknown conversation and an empty update', async () => {
      const dbPath = await brain();
      await useDb(dbPath, async (db) => {
        await rejectsWith(setTaskStatus(db, 'wm-1', 'completed' as never), /'completed' is not a task status; use one of open, in_progress, blocked, done\. D\/03 statuses .* map with taskStatusFromD03/);
        await rejectsWith(setTaskStatus(db, 'nope', 'done'), /no conversation 'nope'/);
        await rejectsWith(updateConversation(db, 'wm-1', {}), /Nothing to update/);
      });
    });
  });

  describe('state snapshots', () => {
    it(`keeps the newest ${SNAPSHOTS_KEPT} turns per session, replacing a turn saved twice`, async () => {
      const dbPath = await brain();
      await useDb(dbPath, async (db) => {
        const pruned: number[] = [];
        for (let turn = 1; turn <= 7; turn++) {
          const s = await saveStateSnapshot(db, { sessionId: 'wm-1', turnNumber: turn, state: { session_id: 'wm-1', status: 'active', open_tasks: [turn], pending_actions: [] } });
          assert.equal(s.kept, true);
          pruned.push(s.pruned);
        }
        assert.deepEqual(pruned, [0, 0, 0, 0, 0, 1, 1]);
        await saveStateSnapshot(db, { sessionId: 'wm-2', turnNumber: 1, state: { status: 'paused' } });

        const again = await saveStateSnapshot(db, { sessionId: 'wm-1', turnNumber: 5, state: { status: 'revised' } });
        assert.deepEqual([again.kept, again.pruned], [true, 0]);
        const old = await saveStateSnapshot(db, { sessionId: 'wm-1', turnNumber: 1, state: { status: 'late' } });
        assert.deepEqual([old.kept, old.pruned], [false, 1], 'a turn older than the newest five is not kept');

        const latest = (await latestSnapshot(db, 'wm-1'))!;
        assert.equal(latest.turn_number, 7);
        assert.deepEqual(latest.state, { session_id: 'wm-1', status: 'active', open_tasks: [7], pending_actions: [] });
        assert.equal(await latestSnapshot(db, 'nobody'), undefined);
      });
      assert.deepEqual(await query(dbPath, 'SELECT session_id, turn_number, state_json FROM conversation_state_snapshots ORDER BY session_id, turn_number'), [
        { session_id: 'wm-1', turn_number: 3, state_json: '{"session_id":"wm-1","status":"active","open_tasks":[3],"pending_actions":[]}' },
        { session_id: 'wm-1', turn_number: 4, state_json: '{"session_id":"wm-1","status":"active","open_tasks":[4],"pending_actions":[]}' },
        { session_id: 'wm-1', turn_number: 5, state_json: '{"status":"revised"}' },
        { session_id: 'wm-1', turn_number: 6, state_json: '{"session_id":"wm-1","status":"active","open_tasks":[6],"pending_actions":[]}' },
        { session_id: 'wm-1', turn_number: 7, state_json: '{"session_id":"wm-1","status":"active","open_tasks":[7],"pending_actions":[]}' },
        { session_id: 'wm-2', turn_number: 1, state_json: '{"status":"paused"}' },
      ]);
    });

    it('refuses a state that is not a JSON object', async () => {
      const dbPath = await brain();
      await useDb(dbPath, async (db) => {
        for (const state of [null, [1], 'text']) await rejectsWith(saveStateSnapshot(db, { sessionId: 'wm-1', turnNumber: 1, state: state as never }), /state must be a JSON object/);
      });
    });
  });

  it('refuses a brain that is not migrated to 2.0, naming what to run', async () => {
    const { dbPath } = await legacyWorkspace('conversation-manager');
    await useDb(dbPath, async (db) => {
      await rejectsWith(recordAction(db, { sessionId: 'conv-001', turnNumber: 1, actionType: 'write', description: 'x' }), /conversation_actions, conversation_state_snapshots missing\): it is not migrated.*cortex migrate/);
      await rejectsWith(setTaskStatus(db, 'conv-001', 'done'), /cortex migrate/);
      await rejectsWith(saveStateSnapshot(db, { sessionId: 'conv-001', turnNumber: 1, state: {} }), /cortex migrate/);
    });
  });

  it('works on a fresh brain created by init', async () => {
    const dbPath = path.join(tempDir(), 'brain.db');
    await initBrain({ dbPath });
    await useDb(dbPath, async (db) => {
      await db.run(`INSERT INTO conversations (conversation_id, goal) VALUES ('c-1', 'ship 2.0')`);
      assert.equal((await recordAction(db, { sessionId: 'c-1', turnNumber: 1, actionType: 'maintenance', description: 'VACUUM tier1' })).conversationUpdated, true);
      assert.equal((await setTaskStatus(db, 'c-1', taskStatusFromD03('completed'))).task_status, 'done');
    });
  });
});

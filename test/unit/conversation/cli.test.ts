import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { migrate } from '../../../src/core/schema/migrator';
import { cleanupTempDirs, legacyWorkspace, query, REPO_ROOT } from '../../helpers/fixtures';

function cortex(args: string[], cwd: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'dist', 'cli.js'), ...args], { cwd, encoding: 'utf8', env: { ...process.env, CORTEX_BRAIN_PATH: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A workspace whose 1.0 working-memory brain (conversations wm-1..3) is migrated. */
async function workspace(): Promise<{ ws: string; dbPath: string }> {
  const { workspace: ws, dbPath } = await legacyWorkspace('working-memory');
  await migrate({ dbPath });
  return { ws, dbPath };
}

describe('cortex action / snapshot / task', function () {
  this.timeout(60000);
  afterEach(cleanupTempDirs);

  it('action logs a turn\'s action with its metadata and updates the conversation', async () => {
    const { ws, dbPath } = await workspace();
    const r = cortex(['action', '--session', 'wm-2', '--turn', '4', '--type', 'write', '--description', 'Wrote the Oracle crawler', '--metadata', '{"paths":["src/oracle.py"]}', '--json'], ws);
    assert.equal(r.code, 0, r.stderr);
    const action = JSON.parse(r.stdout);
    assert.deepEqual(
      { ...action, id: undefined, created_at: undefined },
      { id: undefined, session_id: 'wm-2', turn_number: 4, action_type: 'write', description: 'Wrote the Oracle crawler', metadata: { paths: ['src/oracle.py'] }, success: true, created_at: undefined, conversationUpdated: true },
    );
    assert.deepEqual(await query(dbPath, `SELECT last_action_at FROM conversations WHERE conversation_id = 'wm-2'`), [{ last_action_at: action.created_at }]);

    const failed = cortex(['action', '--session', 'wm-2', '--turn', '5', '--type', 'self_review', '--description', 'Review', '--failed'], ws);
    assert.equal(failed.code, 0, failed.stderr);
    assert.match(failed.stdout, /recorded action #2 \(self_review, failed\) for session wm-2 turn 5; conversation last_action_at updated/);
  });

  it('snapshot takes the state inline or from @file and keeps the newest five', async () => {
    const { ws, dbPath } = await workspace();
    fs.writeFileSync(path.join(ws, 'state.json'), JSON.stringify({ session_id: 'wm-1', status: 'active', open_tasks: ['t-1'] }));
    for (let turn = 1; turn <= 6; turn++) {
      const state = turn === 6 ? '@state.json' : `{"turn": ${turn}}`;
      const r = cortex(['snapshot', '--session', 'wm-1', '--turn', String(turn), '--state', state, '--json'], ws);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual({ ...JSON.parse(r.stdout), id: undefined }, { id: undefined, sessionId: 'wm-1', turnNumber: turn, kept: true, pruned: turn === 6 ? 1 : 0 });
    }
    assert.deepEqual(await query(dbPath, `SELECT turn_number FROM conversation_state_snapshots ORDER BY turn_number`), [2, 3, 4, 5, 6].map((t) => ({ turn_number: t })));
    assert.deepEqual(await query(dbPath, `SELECT state_json FROM conversation_state_snapshots WHERE turn_number = 6`), [{ state_json: '{"session_id":"wm-1","status":"active","open_tasks":["t-1"]}' }]);
  });

  it('task sets the status (doc 11 or D/03 words) and the archived flag', async () => {
    const { ws, dbPath } = await workspace();
    const r = cortex(['task', '--conversation', 'wm-1', '--status', 'completed', '--archived', 'true', '--json'], ws);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual([JSON.parse(r.stdout).task_status, JSON.parse(r.stdout).archived], ['done', true]);
    const text = cortex(['task', '--conversation', 'wm-2', '--status', 'blocked'], ws);
    assert.match(text.stdout, /^conversation wm-2: task_status blocked, archived no, last updated \d{4}-/);
    assert.deepEqual(await query(dbPath, `SELECT conversation_id, task_status, archived FROM conversations WHERE conversation_id IN ('wm-1', 'wm-2') ORDER BY 1`), [
      { conversation_id: 'wm-1', task_status: 'done', archived: 1 },
      { conversation_id: 'wm-2', task_status: 'blocked', archived: 0 },
    ]);
    const missing = cortex(['task', '--conversation', 'nope', '--status', 'done'], ws);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no conversation 'nope'/);
  });

  it('malformed JSON and other bad usage exit 2 with a clear message, writing nothing', async () => {
    const { ws, dbPath } = await workspace();
    const cases: Array<[string[], RegExp]> = [
      [['action', '--session', 's', '--turn', '1', '--type', 'write', '--description', 'd', '--metadata', '{paths: 1}'], /--metadata is not valid JSON: /],
      [['action', '--session', 's', '--turn', '1', '--type', 'write', '--description', 'd', '--metadata', '[1]'], /--metadata must be a JSON object/],
      [['action', '--session', 's', '--turn', '1', '--type', 'deploy', '--description', 'd'], /--type is one of retrieval, generation, write, maintenance, self_review/],
      [['action', '--session', 's', '--turn', 'two', '--type', 'write', '--description', 'd'], /--turn takes a whole number/],
      [['action', '--session', 's', '--turn', '1', '--type', 'write'], /--description is required/],
      [['snapshot', '--session', 's', '--turn', '1', '--state', '{"open_tasks": [1,}'], /--state is not valid JSON: /],
      [['snapshot', '--session', 's', '--turn', '1', '--state', '@missing.json'], /--state: cannot read .*missing\.json \(ENOENT\)/],
      [['task', '--conversation', 'wm-1'], /task needs --status and\/or --archived/],
      [['task', '--conversation', 'wm-1', '--status', 'finished'], /--status is one of open, in_progress, blocked, done/],
      [['task', '--conversation', 'wm-1', '--archived', 'yes'], /--archived is true or false/],
    ];
    for (const [args, pattern] of cases) {
      const r = cortex(args, ws);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, pattern);
      assert.match(r.stderr, /usage: cortex /);
    }
    assert.deepEqual(await query(dbPath, 'SELECT COUNT(*) AS n FROM conversation_actions UNION ALL SELECT COUNT(*) FROM conversation_state_snapshots'), [{ n: 0 }, { n: 0 }]);
  });
});

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startHelper } from '../../helpers/child';
import { cleanupTempDirs, query, REPO_ROOT, tempDir } from '../../helpers/fixtures';

const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'creation');

/** Runs the built CLI (dist/cli.js) as a user would. */
function cortex(args: string[], cwd: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'dist', 'cli.js'), ...args], { cwd, encoding: 'utf8', env: { ...process.env, CORTEX_BRAIN_PATH: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function workspaceWithBrain(): { ws: string; dbPath: string } {
  const ws = tempDir();
  const init = cortex(['init'], ws);
  assert.equal(init.code, 0, init.stderr);
  return { ws, dbPath: path.join(ws, 'cortex-brain', 'tier1', 'conversations.db') };
}

/** Starts a creation in a child and SIGKILLs it once chunk `chunk` is recorded. */
async function interrupted(dbPath: string, ws: string, fixture: string, dest: string, chunk: number): Promise<void> {
  const child = startHelper('createChild', [dbPath, ws, path.join(FIXTURES, fixture), dest, '6', `recorded:${chunk}`]);
  await child.waitFor('PAUSED');
  child.child.kill('SIGKILL');
  await child.exited;
}

describe('cortex create / resume', function () {
  this.timeout(60000);
  afterEach(cleanupTempDirs);

  it('create writes DEST (paths relative to the current folder) and reports the session', () => {
    const { ws } = workspaceWithBrain();
    fs.copyFileSync(path.join(FIXTURES, 'service.py'), path.join(ws, 'service.py'));
    const r = cortex(['create', '--from', 'service.py', '--to', 'gen/worker.py', '--max-lines', '10', '--json'], ws);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.equal(report.outcome, 'completed');
    assert.equal(report.dest, path.join(ws, 'gen', 'worker.py'));
    assert.equal(report.source, path.join(ws, 'service.py'));
    assert.equal(report.fileType, 'python');
    assert.deepEqual(report.written, Array.from({ length: report.totalChunks }, (_, i) => i + 1));
    assert.equal(report.progressFile, path.join(ws, '.cortex', 'creation-progress', `worker.py.${report.sessionId}.progress.json`));
    assert.ok(fs.readFileSync(path.join(ws, 'gen', 'worker.py')).equals(fs.readFileSync(path.join(ws, 'service.py'))));

    const again = cortex(['create', '--from', 'service.py', '--to', 'gen/worker.py', '--type', 'other'], ws);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /gen[\\/]worker\.py: wrote \d+ chunk\(s\), complete \(other, session #2\)/);
  });

  it('resume finishes the one interrupted session; create refuses its DEST until then', async () => {
    const { ws, dbPath } = workspaceWithBrain();
    const dest = path.join(ws, 'docs', 'guide.md');
    await interrupted(dbPath, ws, 'guide-lists.md', dest, 2);

    const refused = cortex(['create', '--from', path.join(FIXTURES, 'guide-lists.md'), '--to', dest, '--json'], ws);
    assert.equal(refused.code, 1);
    assert.equal(JSON.parse(refused.stdout).error.code, 'BAD_INPUT');
    assert.match(refused.stderr, /unfinished creation session \(#1\).*cortex resume --session 1/);

    const r = cortex(['resume', '--json'], ws);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.equal(report.resumedAfter, 2);
    assert.equal(report.written[0], 3);
    assert.ok(fs.readFileSync(dest).equals(fs.readFileSync(path.join(FIXTURES, 'guide-lists.md'))));
    assert.deepEqual(await query(dbPath, 'SELECT completed, failed FROM creation_sessions'), [{ completed: 1, failed: 0 }]);

    const none = cortex(['resume'], ws);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /no unfinished creation session/);
  });

  it('resume asks for --session when several sessions are unfinished', async () => {
    const { ws, dbPath } = workspaceWithBrain();
    await interrupted(dbPath, ws, 'guide-lists.md', path.join(ws, 'a.md'), 1);
    await interrupted(dbPath, ws, 'release-crlf.md', path.join(ws, 'b.md'), 1);
    const r = cortex(['resume'], ws);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /several creation sessions are unfinished \(#1 .*a\.md, #2 .*b\.md\); pass --session ID/);
    const two = cortex(['resume', '--session', '2'], ws);
    assert.equal(two.code, 0, two.stderr);
    assert.ok(fs.readFileSync(path.join(ws, 'b.md')).equals(fs.readFileSync(path.join(FIXTURES, 'release-crlf.md'))));
  });

  it('returns 2 on bad usage', () => {
    const { ws } = workspaceWithBrain();
    for (const args of [
      ['create', '--from', 'a.md'],
      ['create', '--from', 'a.md', '--to', 'b.md', '--max-lines', '0'],
      ['create', '--from', 'a.md', '--to', 'b.md', '--max-tokens', 'many'],
      ['create', '--from', 'a.md', '--to', 'b.md', '--type', 'yaml'],
      ['resume', '--session', 'latest'],
    ]) {
      const r = cortex(args, ws);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.stderr, /usage: cortex (create|resume)/);
    }
  });
});

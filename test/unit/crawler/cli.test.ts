import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { cleanupTempDirs, REPO_ROOT } from '../../helpers/fixtures';
import { copyFixture } from './helpers';

/** Runs the built CLI (dist/cli.js, `npm run build`) as a user would. */
function cortex(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'dist', 'cli.js'), ...args], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, CORTEX_BRAIN_PATH: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('cortex crawl / cortex query', function () {
  this.timeout(60000);
  afterEach(cleanupTempDirs);

  it('crawls a workspace into its brain and answers queries, as text and as the documented JSON', () => {
    const ws = copyFixture('express-react-postgres');
    assert.equal(cortex(['init', '--workspace', ws]).code, 0);

    const crawl = cortex(['crawl', '--workspace', ws, '--json']);
    assert.equal(crawl.code, 0, crawl.stderr);
    const report = JSON.parse(crawl.stdout);
    assert.deepEqual(report.found, { databases: 2, apis: 0, frameworks: 2 });
    assert.deepEqual([report.new, report.updated, report.unchanged, report.stale, report.truncated], [4, 0, 0, 0, false]);
    assert.deepEqual(Object.keys(report.skipped).sort(), ['binary', 'ignored', 'links', 'malformed', 'oversize', 'unreadable']);
    assert.ok(report.skipped.ignored >= 1, 'the brain folder itself is excluded');
    for (const k of ['workspace', 'filesScanned', 'dirsScanned', 'warnings', 'durationMs']) assert.ok(k in report, k);

    const text = cortex(['crawl', '--workspace', ws]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /2 database\(s\), 0 API\(s\), 2 framework\(s\) — 0 new, 0 updated, 4 unchanged, 0 marked stale/);

    const q = JSON.parse(cortex(['query', 'databases', '--type', 'redis', '--workspace', ws, '--json']).stdout);
    assert.equal(q.kind, 'databases');
    assert.equal(q.type, 'redis');
    assert.deepEqual(
      q.items.map((d: Record<string, unknown>) => [d.database_type, d.host, d.port, d.connection_string, d.stale]),
      [['redis', 'cache', 6379, 'redis://cache:6379/0', false]],
    );
    const fw = cortex(['query', 'frameworks', '--workspace', ws]);
    assert.equal(fw.code, 0, fw.stderr);
    assert.match(fw.stdout, /^#\d+ express 4\.19\.2 {2}api\/package\.json$/m);
    assert.match(cortex(['query', 'apis', '--workspace', ws]).stdout, /no apis discovered/);

    const verify = JSON.parse(cortex(['crawl', '--verify', '--workspace', ws, '--json']).stdout);
    assert.deepEqual([verify.checked, verify.verified, verify.missing, verify.unverifiable], [0, 0, 0, 0]);
  });

  it('bad usage exits 2; a brain that does not exist exits 1 with one line', () => {
    const ws = copyFixture('grpc');
    assert.equal(cortex(['query', '--workspace', ws]).code, 2);
    assert.equal(cortex(['query', 'tables', '--workspace', ws]).code, 2);
    assert.equal(cortex(['query', 'apis', 'extra', '--workspace', ws]).code, 2);
    assert.equal(cortex(['crawl', 'now', '--workspace', ws]).code, 2);
    assert.equal(cortex(['crawl', '--time-budget', 'soon', '--workspace', ws]).code, 2);
    const missing = cortex(['crawl', '--workspace', ws]);
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr.trim().split('\n').length, 1);
    assert.match(missing.stderr, /No CORTEX brain/);
  });
});

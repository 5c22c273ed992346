import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { crawlWorkspace } from '../../../src/core/crawler/crawl';
import { reverifyStale } from '../../../src/core/crawler/reverify';
import { cleanupTempDirs } from '../../helpers/fixtures';
import { closeBrains, dbKeys, discovered, FIXTURES, freshBrain } from './helpers';

const CORPUS = path.join(FIXTURES, 'secrets-corpus');

/** Every planted secret, read back from the corpus files themselves (`s3cr3t-FIXTURE-NN` plus any tail). */
function plantedSecrets(): string[] {
  const out = new Set<string>();
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else for (const m of fs.readFileSync(p, 'utf8').matchAll(/s3cr3t-FIXTURE-\d+[^\s"'@;,}&]*/g)) out.add(m[0]);
    }
  };
  walk(CORPUS);
  return [...out];
}

/** Pieces of secrets that follow a character a careless redaction could stop at ('@', '/', ';', ',', '}', space, '%40', '&'). */
const TAILS = ['p3rc3nt', 'r4wat', 'sl4sh', 's3m1', 'br4ce', 'cl0se', 'c0mm4', 'w1th', 'sp4ces', '4mp;x'];

describe('secrets never reach the brain', function () {
  this.timeout(60000);
  afterEach(async () => {
    await closeBrains();
    cleanupTempDirs();
  });

  it('crawls a corpus of 50+ connection-string forms; no secret byte appears anywhere in the database file', async () => {
    const secrets = plantedSecrets();
    assert.ok(secrets.length >= 55, `corpus has ${secrets.length} secrets`);
    const { db, dbPath } = await freshBrain();
    const report = await crawlWorkspace(db, { workspace: CORPUS });
    // Re-verification rewrites the same rows: it must not bring anything back either.
    await reverifyStale(db, { workspace: CORPUS, now: Date.now() / 1000 + 40 * 86400 });
    const found = await discovered(db);

    // The corpus is really recognised, form by form: the assertions below are not vacuous.
    assert.equal(found.databases.length, 53, dbKeys(found.databases).join('\n'));
    for (const host of ['pg1.corpus', 'maria4.corpus', 'm5a.corpus', 'cluster6.corpus.mongodb.net', 'pg12.corpus', 'pg13.corpus', 'redis14.corpus', 'comp16.corpus', 'pg17.corpus', 'mysql18.corpus', 'mssql22.corpus', 'mssql23.corpus', 'mssql29.corpus', 'ora33.corpus', 'mysql37.corpus', 'pgsvc39', 'mssql40', 'mongo42', 'mssql43.corpus', 'pg45.corpus', 'pg48.corpus', 'mysql49.corpus', 'ora54.corpus', 'redis57.corpus']) {
      assert.ok(found.databases.some((d) => d.host === host), `found ${host}`);
    }
    assert.equal(found.databases.find((d) => d.host === 'pg19.corpus')!.connection_string, 'postgres://app:${PG_PASSWORD}@pg19.corpus/db19', 'references are kept');
    assert.equal(found.apis[0].base_url, 'https://apiuser:***@api50.corpus/v1');
    assert.equal(found.frameworks[0].version, 'git+https://user:***@github.com/facebook/react.git');
    for (const w of report.warnings) assert.doesNotMatch(w, /FIXTURE/);

    await db.close();
    const bytes = Buffer.concat(['', '-journal', '-wal'].filter((s) => fs.existsSync(dbPath + s)).map((s) => fs.readFileSync(dbPath + s)));
    assert.ok(bytes.length > 0);
    for (const s of [...secrets, ...TAILS, 'FIXTURE']) {
      assert.equal(bytes.indexOf(Buffer.from(s, 'utf8')), -1, `"${s}" is in the database file`);
      assert.equal(bytes.indexOf(Buffer.from(s, 'utf16le')), -1, `"${s}" (UTF-16) is in the database file`);
    }
    // And the test can fail: the redacted rows are where they should be.
    assert.ok(bytes.includes(Buffer.from('postgres://app:***@pg1.corpus:5432/db1')));
  });
});

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { withDatabase } from '../../../src/core/db/database';
import { crawlWorkspace } from '../../../src/core/crawler/crawl';
import { initBrain } from '../../../src/core/schema/migrator';
import { cleanupTempDirs, tempDir } from '../../helpers/fixtures';
import { apiKeys, closeBrains, crawl, dbKeys, freshBrain, fwKeys } from './helpers';

function write(root: string, rel: string, content: string | Buffer): void {
  const file = path.join(root, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}

const REACT = '{ "dependencies": { "react": "18.3.1" } }';
const env = (host: string) => `DATABASE_URL=postgres://app@${host}:5432/app\n`;

describe('crawler walk: scope and safety', function () {
  this.timeout(60000);
  afterEach(async () => {
    await closeBrains();
    cleanupTempDirs();
  });

  it('honours .gitignore files at every level, negations included', async () => {
    const ws = tempDir();
    write(ws, '.gitignore', 'generated/\n.env.local\n');
    write(ws, 'generated/package.json', REACT);
    write(ws, '.env.local', env('local-only'));
    write(ws, 'svc/.gitignore', '.env.*\n!.env.example\n');
    write(ws, 'svc/.env.secret', env('secret-host'));
    write(ws, 'svc/.env.example', env('example-host'));
    write(ws, 'svc/deep/.env.other', env('other-host'));
    const { db } = await freshBrain();
    const f = await crawl(db, ws);
    assert.deepEqual(dbKeys(f.databases), ['postgresql example-host:5432/app']);
    assert.deepEqual(f.frameworks, []);
    assert.equal(f.report.skipped.ignored, 4);
  });

  it('skips the default excludes; a caller\'s excludes replace them and take gitignore patterns', async () => {
    const ws = tempDir();
    for (const dir of ['node_modules/react', 'dist', 'build', 'vendor/lib', '.git', 'cortex-brain', 'docs/api']) write(ws, `${dir}/package.json`, REACT);
    write(ws, 'app/package.json', REACT);
    const { db } = await freshBrain();
    let f = await crawl(db, ws);
    assert.deepEqual(fwKeys(f.frameworks), ['react@18.3.1 app/package.json c=- r=-', 'react@18.3.1 docs/api/package.json c=- r=-']);
    assert.equal(f.report.skipped.ignored, 6);
    f = await crawl(db, ws, { excludes: ['node_modules', 'docs/**', '.git/'] });
    assert.deepEqual(
      f.frameworks.filter((x) => !x.stale).map((x) => x.config_location).sort(),
      ['app/package.json', 'build/package.json', 'cortex-brain/package.json', 'dist/package.json', 'vendor/lib/package.json'],
    );
  });

  it('never follows a link out of the workspace, and survives link loops without visiting anything twice', async () => {
    const outside = tempDir();
    write(outside, 'package.json', REACT);
    write(outside, '.env', env('outside-host'));
    const ws = tempDir();
    write(ws, 'real/.env', env('inside-host'));
    write(ws, 'real/sub/openapi.json', '{ "openapi": "3.0.0", "servers": [{ "url": "https://inside.example" }], "paths": {} }');
    fs.symlinkSync(outside, path.join(ws, 'escape'), 'dir'); // out of the workspace
    fs.symlinkSync(path.join(outside, '.env'), path.join(ws, '.env'), 'file'); // a file out of it
    fs.symlinkSync(path.join(ws, 'real'), path.join(ws, 'real', 'sub', 'loop'), 'dir'); // a loop back up
    fs.symlinkSync(path.join(ws, 'real'), path.join(ws, 'alias'), 'dir'); // a second way in
    fs.symlinkSync(path.join(ws, 'nowhere'), path.join(ws, 'dangling'), 'dir');
    fs.symlinkSync('../..', path.join(ws, 'real', 'up'), 'dir'); // relative, to the workspace's parent
    const { db } = await freshBrain();
    const f = await crawl(db, ws);
    assert.deepEqual(dbKeys(f.databases), ['postgresql inside-host:5432/app']);
    assert.deepEqual(apiKeys(f.apis), ['rest https://inside.example auth=none spec=real/sub/openapi.json']);
    assert.deepEqual(f.frameworks, []);
    // escape, .env, loop, alias (real/ is walked first), dangling, up
    assert.equal(f.report.skipped.links, 6);
  });

  it('follows a link that stays inside the workspace to a file', async () => {
    const ws = tempDir();
    write(ws, 'shared/env.txt', env('shared-host'));
    fs.symlinkSync(path.join(ws, 'shared', 'env.txt'), path.join(ws, '.env'), 'file');
    const { db } = await freshBrain();
    const f = await crawl(db, ws);
    assert.deepEqual(dbKeys(f.databases), ['postgresql shared-host:5432/app']);
    assert.equal(f.databases[0].metadata.source_file, '.env');
  });

  it('skips binary and oversize files with a count, but opens large SQLite files', async () => {
    const ws = tempDir();
    write(ws, '.env', Buffer.concat([Buffer.from('DATABASE_URL=postgres://a@binary-host/x\n'), Buffer.alloc(16)]));
    write(ws, 'package.json', `{ "dependencies": { "react": "18.3.1" }, "description": "${'x'.repeat(4096)}" }`);
    write(ws, 'svc/.env', env('small-host'));
    await withDatabase(path.join(ws, 'big.db'), { create: true }, (d) => d.exec(`CREATE TABLE t (x); INSERT INTO t VALUES (zeroblob(20000));`));
    const { db } = await freshBrain();
    const f = await crawl(db, ws, { maxFileBytes: 2048 });
    assert.deepEqual(dbKeys(f.databases), ['postgresql small-host:5432/app', 'sqlite -:-/big.db']);
    assert.deepEqual([f.report.skipped.binary, f.report.skipped.oversize], [1, 1]);
    assert.deepEqual(f.report.warnings.sort(), ['.env: binary content, skipped', 'package.json: larger than 2 KB, skipped']);
  });

  it('skips malformed files with a counted warning that quotes nothing from them, and goes on', async () => {
    const ws = tempDir();
    const secret = 's3cr3t-FIXTURE-malformed';
    write(ws, 'package.json', `{ "dependencies": { "react": "18.3.1", "password": "${secret}" `);
    write(ws, 'docker-compose.yml', `services:\n  db:\n    image: postgres\n    environment: [POSTGRES_PASSWORD=${secret}\n  : :\n`);
    write(ws, 'pom.xml', `<project><parent><version>${secret}</parent></project>`);
    write(ws, 'api.proto', `service Broken { rpc ${secret} }`);
    write(ws, 'schema.graphql', `type Query { ${secret}: `);
    write(ws, 'appsettings.json', `{ "ConnectionStrings": { "A": "Password=${secret}" `);
    write(ws, 'openapi.json', `{ "openapi": "3.0.0", "info": ${secret} }`);
    write(ws, 'pyproject.toml', `[project\ndependencies = ["${secret}"`);
    write(ws, 'config/application.yml', `spring:\n  datasource:\n    url: [${secret}\n`);
    write(ws, 'api/requirements.txt', 'flask==3.0.3\n');
    const { db } = await freshBrain();
    const f = await crawl(db, ws);
    assert.deepEqual(fwKeys(f.frameworks), ['flask@3.0.3 api/requirements.txt c=- r=-']);
    assert.equal(f.report.skipped.malformed, 9);
    assert.equal(f.report.warnings.length, 9);
    for (const w of f.report.warnings) assert.doesNotMatch(w, /FIXTURE/);
  });

  it('does not report the brain it writes to, wherever it is, nor the brain\'s backups', async () => {
    const ws = tempDir();
    const dbPath = path.join(ws, 'data', 'brain.db');
    fs.mkdirSync(path.dirname(dbPath));
    await initBrain({ dbPath });
    await withDatabase(path.join(ws, 'data', 'app.db'), { create: true }, (d) => d.exec('CREATE TABLE t (x)'));
    const backup = path.join(ws, 'data', 'backups', 'pre-migration', 'brain-old.db');
    fs.mkdirSync(path.dirname(backup), { recursive: true });
    await withDatabase(backup, { create: true }, (d) => d.exec('CREATE TABLE t (x)'));
    await withDatabase(dbPath, {}, async (db) => {
      await crawlWorkspace(db, { workspace: ws });
      const rows = await db.all<{ database_name: string }>('SELECT database_name FROM workspace_databases');
      assert.deepEqual(rows, [{ database_name: 'data/app.db' }]);
    });
  });
});

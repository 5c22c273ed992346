import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';
import * as vscode from 'vscode';
import { withDatabase } from '../../../src/core/db/database';
import { databaseSnippet, databaseTypesFor } from '../../../src/core/knowledge/snippets/database';
import { SNIPPET_LANGUAGES } from '../../../src/core/knowledge/snippets/names';
import { api, folder, until } from './util';

const dbPath = () => path.join(folder().uri.fsPath, 'cortex-brain', 'tier1', 'conversations.db');
const SECRET = 's3cr3t-HOSTTEST-pw';

async function invoke(name: string, input: object): Promise<Record<string, unknown>> {
  const result = await vscode.lm.invokeTool(name, { input, toolInvocationToken: undefined });
  const text = result.content.map((p) => (p instanceof vscode.LanguageModelTextPart ? p.value : '')).join('');
  assert.ok(!text.includes(SECRET), `${name} leaked a secret`);
  assert.ok(!text.includes('***'), `${name} includes a (redacted) connection string`);
  return JSON.parse(text) as Record<string, unknown>;
}

async function toolEvents(tool: string): Promise<number> {
  return withDatabase(dbPath(), { readonly: true }, async (db) => (await db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM boundary_events WHERE plugin_id = ? AND event_type = 'read' AND allowed = 1`, [tool]))!.n);
}

describe('agents use the brain (Language Model Tools, snippets)', () => {
  before(async () => {
    const cortex = await api();
    await until('ready', () => cortex.state === 'ready');
    // The migration's baseline review runs in the background; let it land first.
    await until('baseline review', async () => (await withDatabase(dbPath(), { readonly: true }, (db) => db.get<{ n: number }>('SELECT COUNT(*) AS n FROM health_reports')))!.n > 0);
  });

  it('registers the five tools with their schemas', () => {
    const names = vscode.lm.tools.filter((t) => t.name.startsWith('cortex_')).map((t) => t.name).sort();
    assert.deepEqual(names, ['cortex_brain_health', 'cortex_connection_snippet', 'cortex_discovered_apis', 'cortex_discovered_databases', 'cortex_discovered_frameworks']);
    const snippet = vscode.lm.tools.find((t) => t.name === 'cortex_connection_snippet')!;
    assert.deepEqual((snippet.inputSchema as { required: string[] }).required, ['kind', 'id', 'language']);
  });

  it('says plainly when nothing was discovered, and suggests crawling; reports the baseline review', async () => {
    const r = await invoke('cortex_discovered_databases', {});
    assert.equal(r.count, 0);
    assert.match(String(r.note), /Crawl Workspace/);
    const h = await invoke('cortex_brain_health', {});
    assert.ok(h.review, 'the baseline review is reported');
  });

  it('answers from real discoveries with freshness, never with credentials, and records each read', async () => {
    const now = Math.floor(Date.now() / 1000);
    await withDatabase(dbPath(), {}, (db) =>
      db.exec(`INSERT INTO workspace_databases (database_type, connection_string, host, port, database_name, discovered_at, last_verified, table_count, metadata) VALUES
        ('postgresql', 'postgres://shop:***@db:5432/shop', 'db', 5432, 'shop', ${now}, ${now}, 12, '{"source_file":"docker-compose.yml","line":12}'),
        ('mssql', 'Server=sql01;Database=erp;User Id=sa;Password=***', 'sql01', 1433, 'erp', ${now - 90 * 86400}, NULL, 0, '{}');
      INSERT INTO workspace_apis (api_type, base_url, spec_location, endpoints, discovered_at, last_verified, authentication_type) VALUES
        ('rest', 'https://api.acme-shop.example/v1', 'openapi.yaml', '["GET /products","POST /orders"]', ${now}, ${now}, 'bearer');
      INSERT INTO workspace_frameworks (framework_type, version, config_location, discovered_at, last_verified) VALUES ('express', '4.19.2', 'package.json', ${now}, ${now});
      INSERT INTO health_reports (created_at, overall_status, overall_score, database_score, performance_score, rule_compliance_score, test_coverage_score, storage_score, auto_fixable_count, fixed_count) VALUES (datetime('now', '+1 minute'), 'fair', 0.62, 0.7, 0.6, 0.5, 0.6, 0.8, 1, 0);
      INSERT INTO health_issues (report_id, category, severity, title, recommendation, detected_at) VALUES (last_insert_rowid(), 'database', 'high', 'Fragmentation 34%', 'Run VACUUM', CURRENT_TIMESTAMP);`),
    );
    const before = await toolEvents('cortex_discovered_databases');
    const dbs = await invoke('cortex_discovered_databases', {});
    assert.equal(dbs.count, 2);
    const items = dbs.items as Array<Record<string, unknown>>;
    assert.deepEqual(items.map((i) => [i.type, i.host, i.port, i.database, i.stale]), [['mssql', 'sql01', 1433, 'erp', true], ['postgresql', 'db', 5432, 'shop', false]]);
    assert.deepEqual(items[1].found_in, { file: 'docker-compose.yml', line: 12 });
    assert.equal((dbs.freshness as { stale_count: number }).stale_count, 1);
    assert.equal(dbs.read_recorded, true);
    assert.equal(await toolEvents('cortex_discovered_databases'), before + 1);

    const only = await invoke('cortex_discovered_databases', { type: 'postgresql' });
    assert.equal(only.count, 1);
    const apis = await invoke('cortex_discovered_apis', { type: 'rest' });
    assert.deepEqual((apis.items as Array<Record<string, unknown>>)[0].endpoints, ['GET /products', 'POST /orders']);
    assert.equal((apis.items as Array<Record<string, unknown>>)[0].authentication_type, 'bearer');
    const fw = await invoke('cortex_discovered_frameworks', {});
    assert.equal((fw.items as Array<Record<string, unknown>>)[0].version, '4.19.2');
    const health = await invoke('cortex_brain_health', {});
    assert.deepEqual((health.review as { open_issues_by_severity: object }).open_issues_by_severity, { high: 1 });
    assert.equal((health.review as { overall: { status: string } }).overall.status, 'fair');
    assert.equal(await toolEvents('cortex_brain_health'), 2);
  });

  it('returns a connection snippet for a discovery id', async () => {
    const dbs = await invoke('cortex_discovered_databases', { type: 'postgresql' });
    const id = (dbs.items as Array<{ id: number }>)[0].id;
    const s = await invoke('cortex_connection_snippet', { kind: 'database', id, language: 'python' });
    assert.match(String(s.code), /psycopg\.connect\(\n    host="db",\n    port=5432,\n    dbname="shop"/);
    assert.deepEqual(s.env, ['SHOP_DB_USER', 'SHOP_DB_PASSWORD']);
    const missing = await invoke('cortex_connection_snippet', { kind: 'api', id: 999, language: 'java' });
    assert.match(String(missing.error), /No discovered api with id 999/);
  });

  it('inserts the generator\'s snippet for every supported language and database type', async function () {
    this.timeout(180000);
    const types = ['postgresql', 'mysql', 'mariadb', 'mssql', 'oracle', 'mongodb', 'redis', 'sqlite'];
    const now = Math.floor(Date.now() / 1000);
    await withDatabase(dbPath(), {}, (db) =>
      db.exec(types.map((t) => `INSERT OR IGNORE INTO workspace_databases (database_type, connection_string, host, port, database_name, discovered_at, last_verified) VALUES ('${t}', '${t}://u:***@${t}-host/app', '${t}-host', ${1000 + types.indexOf(t)}, '${t === 'sqlite' ? 'data/app.db' : 'app'}', ${now}, ${now});`).join('\n')),
    );
    let inserted = 0;
    for (const language of SNIPPET_LANGUAGES) {
      for (const type of databaseTypesFor(language)) {
        const list = await invoke('cortex_discovered_databases', { type });
        const row = (list.items as Array<{ id: number; host: string; port: number; database: string }>).find((i) => i.host === `${type}-host`)!;
        const doc = await vscode.workspace.openTextDocument({ language, content: '' });
        assert.equal(await vscode.commands.executeCommand('cortex.insertDatabaseConnection', row.id, language, doc.uri), true, `${language}/${type}`);
        const expected = databaseSnippet({ database_type: type, host: row.host, port: row.port, database_name: row.database }, language).code;
        assert.equal(doc.getText(), expected, `${language}/${type}`);
        await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
        inserted++;
      }
    }
    assert.equal(inserted, SNIPPET_LANGUAGES.reduce((n, l) => n + databaseTypesFor(l).length, 0));
  });

  const CASES: Array<[string, string, 'database' | 'api', string]> = [
    ['typescript', 'ts', 'database', 'postgresql'],
    ['javascript', 'js', 'database', 'postgresql'],
    ['python', 'py', 'database', 'mssql'],
    ['csharp', 'cs', 'database', 'mssql'],
    ['java', 'java', 'database', 'postgresql'],
    ['typescript', 'ts', 'api', 'rest'],
    ['python', 'py', 'api', 'rest'],
  ];
  for (const [languageId, ext, kind, type] of CASES) {
    it(`inserts a ${type} ${kind} snippet into a ${languageId} file at the cursor, with provenance`, async () => {
      const list = await invoke(kind === 'database' ? 'cortex_discovered_databases' : 'cortex_discovered_apis', { type });
      const id = (list.items as Array<{ id: number }>)[0].id;
      const file = path.join(folder().uri.fsPath, `generated-${kind}-${type}.${ext}`);
      fs.writeFileSync(file, '');
      const doc = await vscode.workspace.openTextDocument(file);
      assert.equal(doc.languageId === languageId || ext === 'cs' || ext === 'java', true, `language ${doc.languageId}`);
      const ok = await vscode.commands.executeCommand(kind === 'database' ? 'cortex.insertDatabaseConnection' : 'cortex.insertApiClient', id, languageId, doc.uri);
      assert.equal(ok, true);
      const text = doc.getText();
      assert.ok(text.length > 50);
      assert.ok(!text.includes(SECRET) && !text.includes('***'));
      if (languageId === 'typescript' || languageId === 'javascript') {
        const sf = ts.createSourceFile(`x.${ext}`, text, ts.ScriptTarget.ES2022, true, ext === 'js' ? ts.ScriptKind.JS : ts.ScriptKind.TS);
        assert.deepEqual((sf as unknown as { parseDiagnostics: unknown[] }).parseDiagnostics, []);
      }
      if (languageId === 'python') {
        const tmp = path.join(os.tmpdir(), `cortex-snippet-${Date.now()}.py`);
        fs.writeFileSync(tmp, text);
        const r = spawnSync('python3', ['-m', 'py_compile', tmp], { encoding: 'utf8' });
        assert.equal(r.status, 0, r.stderr);
      }
      const links = await withDatabase(dbPath(), { readonly: true }, (db) =>
        db.all(`SELECT source_type, source_ref, relation FROM provenance_links WHERE target_type = 'file' AND target_ref = ?`, [path.basename(file)]),
      );
      assert.deepEqual(links, [{ source_type: kind === 'database' ? 'workspace_database' : 'workspace_api', source_ref: String(id), relation: 'generated' }]);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    });
  }
});

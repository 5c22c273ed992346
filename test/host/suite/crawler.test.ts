import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { withDatabase } from '../../../src/core/db/database';
import { api, descriptions, folder, labels, until } from './util';

const dbPath = () => path.join(folder().uri.fsPath, 'cortex-brain', 'tier1', 'conversations.db');
const SECRETS = ['s3cret-Compose-pw', 'changeme-Example-pw'];

describe('workspace crawler in VS Code', () => {
  before(async () => {
    const cortex = await api();
    await until('ready', () => cortex.state === 'ready');
  });

  it('crawls the sample workspace into the Discoveries view, with no secret in the brain', async () => {
    const { host } = (await api()).internals;
    const report = (await vscode.commands.executeCommand('cortex.crawlWorkspace')) as { found: Record<string, number> };
    assert.ok(report.found.databases >= 1 && report.found.apis >= 1 && report.found.frameworks >= 2, JSON.stringify(report.found));
    const groups = await until('groups', async () => {
      const g = await host.discoveries.getChildren();
      return g.length === 3 ? g : undefined;
    });
    const dbs = await host.discoveries.getChildren(groups[0]);
    assert.ok(descriptions(dbs).some((d) => /^postgresql · (db|localhost):5432\/shop/.test(d)), descriptions(dbs).join('\n'));
    const apis = await host.discoveries.getChildren(groups[1]);
    assert.ok(labels(apis).includes('https://api.acme-shop.example/v1'), labels(apis).join());
    assert.match(descriptions(apis)[labels(apis).indexOf('https://api.acme-shop.example/v1')], /rest · bearer · \d+ endpoints/);
    const fws = labels(await host.discoveries.getChildren(groups[2]));
    assert.ok(fws.includes('express') && fws.includes('react'), fws.join());
    const bytes = fs.readFileSync(dbPath()).toString('latin1');
    for (const s of SECRETS) assert.ok(!bytes.includes(s), `${s} must not be in the brain`);
  });

  it('opens where a discovery was found, copies it redacted, re-verifies and forgets it', async () => {
    const { host } = (await api()).internals;
    const groups = await host.discoveries.getChildren();
    const pg = (await host.discoveries.getChildren(groups[0])).find((n) => descriptions([n])[0].startsWith('postgresql'))!;
    await vscode.commands.executeCommand('cortex.openDiscovery', pg);
    const editor = vscode.window.activeTextEditor!;
    assert.ok(['docker-compose.yml', '.env.example', 'server.js'].includes(path.basename(editor.document.uri.fsPath)), editor.document.uri.fsPath);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    const copied = (await vscode.commands.executeCommand('cortex.copyDiscovery', pg)) as string;
    assert.match(copied, /^postgres(ql)?:\/\//);
    for (const s of SECRETS) assert.ok(!copied.includes(s));
    const re = (await vscode.commands.executeCommand('cortex.reverifyStale', pg)) as { checked: number; verified: number };
    assert.ok(re.checked >= 1 && re.verified >= 1, JSON.stringify(re));
    const before = (await host.discoveries.getChildren(groups[0])).length;
    assert.equal(await vscode.commands.executeCommand('cortex.forgetDiscovery', pg, true), true);
    await until('forgotten', async () => {
      const g = await host.discoveries.getChildren();
      const rows = g.length ? await host.discoveries.getChildren(g[0]) : [];
      return rows.filter((r) => r.treeItem().contextValue?.startsWith('cortex.discovery.')).length === before - 1 || (before === 1 && rows.length <= 1);
    });
  });

  it('re-crawls quietly when a manifest changes', async () => {
    const { host } = (await api()).internals;
    const pkg = path.join(folder().uri.fsPath, 'package.json');
    const json = JSON.parse(fs.readFileSync(pkg, 'utf8'));
    json.dependencies.fastify = '^4.28.0';
    fs.writeFileSync(pkg, JSON.stringify(json, null, 2));
    await until('fastify discovered', async () => {
      const groups = await host.discoveries.getChildren();
      return groups.length === 3 && labels(await host.discoveries.getChildren(groups[2])).includes('fastify');
    }, 30000);
    const rows = await withDatabase(dbPath(), { readonly: true }, (db) => db.all<{ version: string }>(`SELECT version FROM workspace_frameworks WHERE framework_type = 'fastify'`));
    assert.equal(rows.length, 1);
  });
});

import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CrawlReport } from '../../core/crawler/types';
import { DiscoveredApi, DiscoveredDatabase, DiscoveredFramework, forgetDiscovery } from '../../core/knowledge/discoveries';
import { BrainSession } from '../brainSession';
import { CortexHost } from '../cortexHost';
import { Commands } from '../ids';
import { commandGuard, writableSession } from './guard';
import { DiscoveryNode } from '../views/discoveriesView';

/** Manifests and configs whose change means the discoveries may have changed. */
export const CRAWL_TRIGGERS = '**/{package.json,requirements*.txt,pyproject.toml,Pipfile,pom.xml,build.gradle,build.gradle.kts,*.csproj,go.mod,Gemfile,composer.json,Cargo.toml,docker-compose*.yml,docker-compose*.yaml,appsettings*.json,application*.properties,application*.yml,.env,.env.*,tnsnames.ora,schema.prisma,openapi.*,swagger.*,*.graphql,*.proto,*.wsdl}';
const RECRAWL_DEBOUNCE_MS = 3000;

// The crawler and its parsers (YAML, XML, TOML, GraphQL, protobuf) load on first use, not at activation.
const crawler = () => import('../../core/crawler/crawl');
const reverifier = () => import('../../core/crawler/reverify');

function settingNumber(session: BrainSession, key: string, fallback: number): number {
  return vscode.workspace.getConfiguration('cortex', session.folder).get<number>(key, fallback);
}

/** Crawls one folder under a cancellable progress notification and refreshes the view. */
export async function crawlWithProgress(host: CortexHost, session: BrainSession, quiet = false): Promise<CrawlReport> {
  const { crawlWorkspace } = await crawler();
  const report = await vscode.window.withProgress(
    { location: quiet ? vscode.ProgressLocation.Window : vscode.ProgressLocation.Notification, title: `CORTEX: crawling ${session.folder.name}`, cancellable: !quiet },
    (progress, token) => {
      const ac = new AbortController();
      token.onCancellationRequested(() => ac.abort());
      const excludes = vscode.workspace.getConfiguration('cortex', session.folder).get<string[]>('crawler.excludes');
      return session.withWriter((db) =>
        crawlWorkspace(db, {
          workspace: session.folder.uri.fsPath,
          excludes: excludes && excludes.length ? excludes : undefined,
          maxFileBytes: settingNumber(session, 'crawler.maxFileKB', 1024) * 1024,
          timeBudgetMs: settingNumber(session, 'crawler.timeBudgetSeconds', 120) * 1000,
          signal: ac.signal,
          onProgress: (p) => progress.report({ message: `${p.phase}: ${p.filesScanned} files` }),
        }),
      );
    },
  );
  host.log.info(`[crawl] ${session.folder.name}: ${report.found.databases} databases, ${report.found.apis} APIs, ${report.found.frameworks} frameworks; ${report.new} new, ${report.updated} updated, ${report.stale} stale; ${report.filesScanned} files in ${Math.round(report.durationMs)} ms${report.truncated ? ' (time budget reached)' : ''}`);
  for (const w of report.warnings) host.log.warn(`[crawl] ${w}`);
  await session.refresh();
  if (!quiet) {
    void vscode.window.showInformationMessage(
      `CORTEX found ${report.found.databases} database(s), ${report.found.apis} API(s), ${report.found.frameworks} framework(s) in ${report.filesScanned} files${report.truncated ? ' (stopped at the time budget)' : ''}.`,
    );
  }
  return report;
}

function copyText(node: DiscoveryNode): string {
  if (node.kind === 'databases') return (node.row as DiscoveredDatabase).connection_string; // stored redacted
  if (node.kind === 'apis') return (node.row as DiscoveredApi).base_url;
  const f = node.row as DiscoveredFramework;
  return `${f.framework_type}${f.version ? `@${f.version}` : ''}`;
}

export function registerCrawlerCommands(host: CortexHost): vscode.Disposable[] {
  const guard = commandGuard(host);
  const writable = () => writableSession(host, 'crawl it');

  // Re-crawl a folder when one of its manifests changes (debounced, quiet).
  const timers = new Map<string, NodeJS.Timeout>();
  const watcher = vscode.workspace.createFileSystemWatcher(CRAWL_TRIGGERS);
  const onManifest = (uri: vscode.Uri) => {
    if (/[\\/](node_modules|\.git|cortex-brain|dist|build)[\\/]/.test(uri.fsPath)) return;
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    const session = folder && host.session(folder);
    if (!folder || !session?.writable || !vscode.workspace.getConfiguration('cortex', folder).get<boolean>('crawler.watch', true)) return;
    const key = folder.uri.toString();
    clearTimeout(timers.get(key));
    timers.set(key, setTimeout(() => {
      timers.delete(key);
      host.log.info(`[crawl] ${path.basename(uri.fsPath)} changed: re-crawling ${folder.name}`);
      void crawlWithProgress(host, session, true).catch((err: unknown) => host.log.error(`[crawl] ${String((err as Error)?.message ?? err)}`));
    }, RECRAWL_DEBOUNCE_MS));
  };
  watcher.onDidChange(onManifest);
  watcher.onDidCreate(onManifest);
  watcher.onDidDelete(onManifest);

  return [
    watcher,
    { dispose: () => timers.forEach((t) => clearTimeout(t)) },

    vscode.commands.registerCommand(Commands.crawlWorkspace, guard(async () => {
      const session = await writable();
      return session ? crawlWithProgress(host, session) : undefined;
    })),

    vscode.commands.registerCommand(Commands.reverifyStale, guard(async (node?: DiscoveryNode) => {
      const session = node instanceof DiscoveryNode ? node.session : await writable();
      if (!session) return undefined;
      const { reverifyStale } = await reverifier();
      const report = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'CORTEX: re-verifying discoveries' }, () =>
        session.withWriter((db) =>
          reverifyStale(db, {
            workspace: session.folder.uri.fsPath,
            // From a row's action: re-check every entry of its kind now, not just stale ones.
            staleAfterDays: node instanceof DiscoveryNode ? 0 : settingNumber(session, 'crawler.staleAfterDays', 30),
          }),
        ),
      );
      host.log.info(`[reverify] ${session.folder.name}: ${report.checked} checked, ${report.verified} verified, ${report.missing} missing, ${report.unverifiable} unverifiable`);
      await session.refresh();
      void vscode.window.showInformationMessage(`CORTEX re-verified ${report.checked} discovery(ies): ${report.verified} still there, ${report.missing} no longer found${report.unverifiable ? `, ${report.unverifiable} without a source to check` : ''}.`);
      return report;
    })),

    vscode.commands.registerCommand(Commands.openDiscovery, guard(async (node?: DiscoveryNode) => {
      if (!(node instanceof DiscoveryNode)) return;
      const file = typeof node.row.metadata.source_file === 'string' ? node.row.metadata.source_file : (node.row as DiscoveredFramework).config_location ?? (node.row as DiscoveredApi).spec_location;
      if (!file) {
        void vscode.window.showInformationMessage('CORTEX: this discovery has no recorded source file.');
        return;
      }
      const uri = vscode.Uri.file(path.isAbsolute(file) ? file : path.join(node.session.folder.uri.fsPath, file));
      const line = typeof node.row.metadata.line === 'number' ? Math.max(0, node.row.metadata.line - 1) : 0;
      await vscode.window.showTextDocument(uri, { selection: new vscode.Range(line, 0, line, 0), preview: true });
    })),

    vscode.commands.registerCommand(Commands.copyDiscovery, guard(async (node?: DiscoveryNode) => {
      if (!(node instanceof DiscoveryNode)) return undefined;
      const text = copyText(node);
      await vscode.env.clipboard.writeText(text);
      void vscode.window.setStatusBarMessage(`CORTEX: copied ${node.kind === 'databases' ? 'the redacted connection string' : text}`, 3000);
      return text;
    })),

    vscode.commands.registerCommand(Commands.forgetDiscovery, guard(async (node?: DiscoveryNode, confirmed?: boolean) => {
      if (!(node instanceof DiscoveryNode) || !node.session.writable) return false;
      if (confirmed !== true) {
        const ok = await vscode.window.showWarningMessage(`Forget this discovery?`, { modal: true, detail: 'Its row and its links to knowledge patterns are deleted. A later crawl finds it again if it is still there.' }, 'Forget');
        if (ok !== 'Forget') return false;
      }
      const done = await node.session.withWriter((db) => forgetDiscovery(db, node.kind, node.row.id));
      await node.session.refresh();
      return done;
    })),
  ];
}

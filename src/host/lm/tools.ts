import * as vscode from 'vscode';
import { Database } from '../../core/db/database';
import { CortexError } from '../../core/db/errors';
import { recordBoundaryEvent } from '../../core/integrity/boundaryEvents';
import { DiscoveredApi, DiscoveredDatabase, getDiscovery } from '../../core/knowledge/discoveries';
import { apiSnippet } from '../../core/knowledge/snippets/api';
import { databaseSnippet } from '../../core/knowledge/snippets/database';
import { SNIPPET_LANGUAGES, SnippetLanguage } from '../../core/knowledge/snippets/names';
import { brainHealthAnswer, discoveredApisAnswer, discoveredDatabasesAnswer, discoveredFrameworksAnswer } from '../../core/knowledge/toolResults';
import { BrainSession } from '../brainSession';
import { CortexHost } from '../cortexHost';
import { Tools } from '../ids';

interface TypeInput {
  type?: string;
}
interface SnippetInput {
  kind: 'database' | 'api';
  id: number;
  language: SnippetLanguage;
}

/** One discovered database or API by id. */
export function discoveryById(db: Database, kind: 'database' | 'api', id: number): Promise<DiscoveredDatabase | DiscoveredApi | undefined> {
  return kind === 'database' ? getDiscovery(db, 'databases', id) : getDiscovery(db, 'apis', id);
}

export function snippetFor(row: DiscoveredDatabase | DiscoveredApi, kind: 'database' | 'api', language: SnippetLanguage) {
  return kind === 'database' ? databaseSnippet(row as DiscoveredDatabase, language) : apiSnippet(row as DiscoveredApi, language);
}

/**
 * The Language Model Tools: agents in chat and agent mode read the brain's
 * discoveries and health through them. Every read is recorded as a
 * boundary_events row (event type `read`, the tool as actor) — except in an
 * untrusted workspace, where the tools answer from what is stored and write
 * nothing, not even that record.
 */
export function registerTools(host: CortexHost): vscode.Disposable[] {
  const text = (value: unknown) => new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(JSON.stringify(value, null, 2))]);

  async function answer(tool: string, table: string, read: (db: Database, session: BrainSession) => Promise<Record<string, unknown>>): Promise<vscode.LanguageModelToolResult> {
    await host.ready;
    const session = host.list().find((s) => s.readable);
    if (!session) {
      const s = host.session();
      return text({ tool, error: s ? `The CORTEX brain is not readable yet (${s.state}: ${s.detail || 'not migrated'}).` : 'This workspace has no CORTEX brain. Run "CORTEX: Initialize Brain".' });
    }
    const result = await session.withReader((db) => read(db, session));
    let recorded = false;
    if (session.writable) {
      await session
        .withWriter((db) => recordBoundaryEvent(db, { event_type: 'read', path: `${session.location.dbPath}#${table}`, allowed: true, reason: `language model tool ${tool}`, rule_reference: 'TOOL#read', plugin_id: tool }))
        .then(() => (recorded = true))
        .catch((err: unknown) => host.log.warn(`Could not record the ${tool} read: ${String(err)}`));
    }
    return text({ ...result, workspace_folder: session.folder.name, read_recorded: recorded });
  }

  const typed = (tool: string, table: string, fn: (db: Database, type?: string) => Promise<object>): vscode.LanguageModelTool<TypeInput> => ({
    prepareInvocation: (options) => ({ invocationMessage: `Reading CORTEX ${table.replace('workspace_', 'discovered ')}${options.input.type ? ` (${options.input.type})` : ''}` }),
    invoke: (options) => answer(tool, table, async (db) => ({ ...(await fn(db, options.input.type?.toLowerCase())) })),
  });

  return [
    vscode.lm.registerTool(Tools.databases, typed(Tools.databases, 'workspace_databases', (db, type) => discoveredDatabasesAnswer(db, { type }))),
    vscode.lm.registerTool(Tools.apis, typed(Tools.apis, 'workspace_apis', (db, type) => discoveredApisAnswer(db, { type }))),
    vscode.lm.registerTool(Tools.frameworks, typed(Tools.frameworks, 'workspace_frameworks', (db, type) => discoveredFrameworksAnswer(db, { type }))),
    vscode.lm.registerTool<Record<string, never>>(Tools.health, {
      prepareInvocation: () => ({ invocationMessage: 'Reading the CORTEX brain health' }),
      invoke: () => answer(Tools.health, 'health_reports', async (db) => ({ ...(await brainHealthAnswer(db)) })),
    }),
    vscode.lm.registerTool<SnippetInput>(Tools.snippet, {
      prepareInvocation: (options) => ({ invocationMessage: `Writing a ${options.input.language} snippet for CORTEX ${options.input.kind} #${options.input.id}` }),
      invoke: (options) =>
        answer(Tools.snippet, options.input.kind === 'api' ? 'workspace_apis' : 'workspace_databases', async (db) => {
          const { kind, id, language } = options.input;
          if (!SNIPPET_LANGUAGES.includes(language)) return { tool: Tools.snippet, error: `language must be one of ${SNIPPET_LANGUAGES.join(', ')}` };
          const row = await discoveryById(db, kind, id);
          if (!row) return { tool: Tools.snippet, error: `No discovered ${kind} with id ${id}. List them with #${kind === 'api' ? Tools.apis : Tools.databases}.` };
          try {
            return { tool: Tools.snippet, kind, id, ...snippetFor(row, kind, language) };
          } catch (err) {
            return { tool: Tools.snippet, error: err instanceof CortexError ? err.oneLine : String(err) };
          }
        }),
    }),
  ];
}

/** Every id the manifest (package.json) and the code share, in one place. */
export const EXTENSION_ID = 'cortex-community.cortex-vscode';

export const Commands = {
  migrateNow: 'cortex.migrateNow',
  showStatus: 'cortex.showStatus',
  restoreBackup: 'cortex.restoreBackup',
  refresh: 'cortex.refresh',
  showLog: 'cortex.showLog',
  initBrain: 'cortex.initBrain',
  loadMore: 'cortex.loadMore',
  insertDatabaseConnection: 'cortex.insertDatabaseConnection',
  insertApiClient: 'cortex.insertApiClient',
  enablePlugin: 'cortex.enablePlugin',
  disablePlugin: 'cortex.disablePlugin',
  runHook: 'cortex.runHook',
  showExecution: 'cortex.showExecution',
  showProvenance: 'cortex.showProvenance',
  showDashboard: 'cortex.showDashboard',
  crawlWorkspace: 'cortex.crawlWorkspace',
  reverifyStale: 'cortex.reverifyStale',
  openDiscovery: 'cortex.openDiscovery',
  copyDiscovery: 'cortex.copyDiscovery',
  forgetDiscovery: 'cortex.forgetDiscovery',
  createIncrementally: 'cortex.createIncrementally',
  resumeCreation: 'cortex.resumeCreation',
  openChunk: 'cortex.openChunk',
  discardCreation: 'cortex.discardCreation',
  runSelfReview: 'cortex.runSelfReview',
  runMaintenance: 'cortex.runMaintenance',
  applyRetention: 'cortex.applyRetention',
} as const;
export type CommandId = (typeof Commands)[keyof typeof Commands];

/** Language Model Tool names (package.json contributes.languageModelTools). */
export const Tools = {
  databases: 'cortex_discovered_databases',
  apis: 'cortex_discovered_apis',
  frameworks: 'cortex_discovered_frameworks',
  health: 'cortex_brain_health',
  snippet: 'cortex_connection_snippet',
} as const;

export const Views = {
  container: 'cortex',
  plugins: 'cortex.plugins',
  creationSessions: 'cortex.creationSessions',
  discoveries: 'cortex.discoveries',
  denials: 'cortex.denials',
} as const;

export const ContextKeys = {
  state: 'cortex.state',
  multiRoot: 'cortex.multiRoot',
} as const;

/** Values of the `cortex.state` context key, aggregated over all workspace folders. */
export type HostState = 'noBrain' | 'migrating' | 'ready' | 'readOnly' | 'error';

export const Settings = {
  section: 'cortex',
  databasePath: 'databasePath',
  busyTimeoutMs: 'busyTimeoutMs',
  backupsKept: 'backupsKept',
  autoMigrate: 'autoMigrate',
} as const;

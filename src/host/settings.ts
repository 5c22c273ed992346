import * as vscode from 'vscode';
import { DEFAULT_BUSY_TIMEOUT_MS } from '../core/db/database';
import { DEFAULT_BACKUPS_KEPT } from '../core/schema/backups';
import { Settings } from './ids';

export interface CortexSettings {
  databasePath?: string;
  busyTimeoutMs: number;
  backupsKept: number;
  autoMigrate: boolean;
}

/** Settings for one workspace folder (databasePath is resource-scoped). */
export function readSettings(folder?: vscode.WorkspaceFolder): CortexSettings {
  const c = vscode.workspace.getConfiguration(Settings.section, folder);
  const databasePath = c.get<string>(Settings.databasePath)?.trim();
  return {
    databasePath: databasePath ? databasePath : undefined,
    busyTimeoutMs: Math.max(0, c.get<number>(Settings.busyTimeoutMs) ?? DEFAULT_BUSY_TIMEOUT_MS),
    backupsKept: Math.max(1, c.get<number>(Settings.backupsKept) ?? DEFAULT_BACKUPS_KEPT),
    autoMigrate: c.get<boolean>(Settings.autoMigrate) ?? true,
  };
}

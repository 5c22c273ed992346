import * as vscode from 'vscode';
import { CortexError } from '../../core/db/errors';
import { BrainSession } from '../brainSession';
import { CortexHost } from '../cortexHost';

/**
 * Wraps a command handler: an engine error becomes a notification (not
 * awaited: it outlives the command) and the command resolves to undefined;
 * a cancellation is reported as such. The extension never sees the throw.
 */
export function commandGuard(host: CortexHost) {
  return <A extends unknown[]>(fn: (...args: A) => Promise<unknown>) =>
    async (...args: A): Promise<unknown> => {
      try {
        return await fn(...args);
      } catch (err) {
        if (err instanceof CortexError && err.code === 'CANCELLED') void vscode.window.showInformationMessage('CORTEX: cancelled; nothing more was changed.');
        else void host.showError(err);
        return undefined;
      }
    };
}

/**
 * The folder whose brain a writing command acts on: refused in Restricted Mode
 * (saying why), asked for when several folders have a writable brain.
 */
export async function writableSession(host: CortexHost, why: string): Promise<BrainSession | undefined> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage(`CORTEX: trust this folder to ${why} (Restricted Mode writes nothing to the brain).`);
    return undefined;
  }
  const session = await host.pickSession((s) => s.writable);
  if (!session) void vscode.window.showWarningMessage('CORTEX: no migrated, writable brain in this workspace.');
  return session;
}

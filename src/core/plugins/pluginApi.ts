import * as fs from 'node:fs';
import * as path from 'node:path';
import { Database } from '../db/database';
import { BoundaryIntent, BoundaryRoots } from '../integrity/boundary';
import { guard } from '../integrity/boundaryEvents';
import { physicalPath } from '../integrity/boundaryPaths';
import { addProvenance, fileRef } from '../integrity/provenance';

/** Larger files are refused: they would be read into the extension host's own memory, outside the worker's heap limit. */
export const MAX_API_FILE_BYTES = 8 * 1024 * 1024;
/** O_NOFOLLOW (POSIX; 0 on Windows): a link swapped in after the guard resolved the path is not followed. */
const NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;

export interface PluginApiScope {
  db: Database;
  pluginId: string;
  capabilities: readonly string[];
  roots: BoundaryRoots;
  sessionId?: string;
  /** Once aborted (the plugin timed out), no further call is carried out. */
  signal: AbortSignal;
}

export interface DirEntry {
  name: string;
  type: 'file' | 'directory' | 'link' | 'other';
}

/**
 * The main-thread side of the worker API. Every call is decided by the
 * boundary guard as actor 'plugin' with the plugin's capabilities and
 * recorded in boundary_events; only an allowed call touches the disk, at
 * the path the guard resolved. Writes get a provenance link plugin → file.
 */
export function pluginFileApi(scope: PluginApiScope): (op: string, args: unknown[]) => Promise<unknown> {
  const check = async (intent: BoundaryIntent, target: unknown): Promise<string> => {
    if (scope.signal.aborted) throw new Error('the plugin run has ended');
    const decision = await guard(scope.db, {
      path: String(target),
      intent,
      actor: 'plugin',
      pluginId: scope.pluginId,
      capabilities: scope.capabilities,
      roots: scope.roots,
      sessionId: scope.sessionId,
    });
    if (!decision.allowed || decision.resolvedPath === undefined) throw new Error(`denied (${decision.rule_reference}): ${decision.reason}`);
    return decision.resolvedPath;
  };

  const readFile = async (target: unknown): Promise<string> => {
    const file = await check('read', target);
    const handle = await fs.promises.open(file, fs.constants.O_RDONLY | NOFOLLOW);
    try {
      const { size } = await handle.stat();
      if (size > MAX_API_FILE_BYTES) throw new Error(`${String(target)} is larger than ${MAX_API_FILE_BYTES} bytes`);
      return await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  };

  const writeFile = async (target: unknown, text: unknown): Promise<null> => {
    const content = String(text);
    if (Buffer.byteLength(content) > MAX_API_FILE_BYTES) throw new Error(`refusing to write more than ${MAX_API_FILE_BYTES} bytes`);
    const file = await check('write', target);
    const existed = fs.existsSync(file);
    await fs.promises.mkdir(path.dirname(file), { recursive: true });
    const handle = await fs.promises.open(file, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_TRUNC | NOFOLLOW);
    try {
      await handle.writeFile(content, 'utf8');
    } finally {
      await handle.close();
    }
    await addProvenance(scope.db, {
      source_type: 'plugin',
      source_ref: scope.pluginId,
      target_type: 'file',
      // The guard resolved links, so compare with the workspace as it really is on disk.
      target_ref: fileRef(physicalPath(path.resolve(scope.roots.workspace)), file),
      relation: existed ? 'updated' : 'generated',
    });
    return null;
  };

  const listDir = async (target: unknown): Promise<DirEntry[]> => {
    const dir = await check('scan', target);
    const entries = await fs.promises.readdir(dir, { withFileTypes: true });
    return entries.map((e) => ({ name: e.name, type: e.isFile() ? 'file' : e.isDirectory() ? 'directory' : e.isSymbolicLink() ? 'link' : 'other' }));
  };

  return async (op, args) => {
    switch (op) {
      case 'readFile':
        return readFile(args[0]);
      case 'writeFile':
        return writeFile(args[0], args[1]);
      case 'listDir':
        return listDir(args[0]);
      default:
        throw new Error(`unknown API call ${op}`);
    }
  };
}

// A fresh copy of the sample workspace (samples/acme-shop) with a newly generated 1.0 brain.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Copies the sample to `dir` (default: a new temp folder) and builds its brain; returns the folder. */
export function sampleWorkspace(dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cortex-sample-'))) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  fs.cpSync(path.join(REPO_ROOT, 'samples', 'acme-shop'), dir, { recursive: true, filter: (src) => !src.includes(`${path.sep}cortex-brain`) });
  execFileSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'make-sample-brain.mjs'), '--out', path.join(dir, 'cortex-brain', 'tier1', 'conversations.db')], { stdio: 'inherit' });
  return dir;
}

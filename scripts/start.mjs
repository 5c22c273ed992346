#!/usr/bin/env node
// `npm start`: the main job on the bundled sample workspace. Builds a fresh copy of the
// sample (with its generated 1.0 brain) under test-output/, migrates it and prints its status.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const work = path.join(root, 'test-output', 'sample-workspace');
fs.rmSync(work, { recursive: true, force: true });
fs.mkdirSync(path.dirname(work), { recursive: true });
fs.cpSync(path.join(root, 'samples', 'acme-shop'), work, { recursive: true, filter: (src) => !src.includes(`${path.sep}cortex-brain`) });
const node = (args) => execFileSync(process.execPath, args, { stdio: 'inherit', cwd: root });
node([path.join(root, 'scripts', 'make-sample-brain.mjs'), '--out', path.join(work, 'cortex-brain', 'tier1', 'conversations.db')]);
const cli = path.join(root, 'dist', 'cli.js');
node([cli, 'migrate', '--workspace', work]);
node([cli, 'status', '--workspace', work]);

#!/usr/bin/env node
// Builds the sample workspace's CORTEX 1.0 brain (samples/acme-shop/cortex-brain/tier1/conversations.db)
// from the real 1.0 Tier 1 shape plus generated history, so no binary is committed.
// usage: node scripts/make-sample-brain.mjs [--force] [--out FILE]
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const sqlite3 = require('@vscode/sqlite3');
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const outIndex = args.indexOf('--out');
const out = outIndex >= 0 ? path.resolve(args[outIndex + 1]) : path.join(root, 'samples/acme-shop/cortex-brain/tier1/conversations.db');

export function exec(db, sql) {
  return new Promise((resolve, reject) => db.exec(sql, (err) => (err ? reject(err) : resolve())));
}

if (fs.existsSync(out) && !args.includes('--force')) {
  console.log(`sample brain exists: ${out} (use --force to rebuild)`);
  process.exit(0);
}
fs.mkdirSync(path.dirname(out), { recursive: true });
for (const suffix of ['', '-journal', '-wal', '-shm']) fs.rmSync(out + suffix, { force: true });

const db = new sqlite3.Database(out);
await exec(db, fs.readFileSync(path.join(root, 'samples/legacy-shapes/conversation-manager.sql'), 'utf8'));
const goals = ['Add product search', 'Fix checkout rounding', 'Speed up /orders', 'Write API docs', 'Migrate to React 18', 'Refactor pg pool', 'Add order e-mails', 'Review security headers'];
const agents = ['copilot', 'planner', 'tester'];
const now = Date.UTC(2026, 10, 20, 12, 0, 0);
const iso = (ms) => new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
const rows = [];
const messages = [];
// 17 conversations besides the 3 of the shape: 20 in all, the 1.0 FIFO cap; some older than the 30-day policy.
for (let i = 0; i < 17; i++) {
  const start = now - (i * 5 + 1) * 86400000;
  const id = `conv-${String(100 + i)}`;
  const n = 2 + (i % 4);
  rows.push(`('${id}', '${agents[i % agents.length]}', '${iso(start)}', ${i % 3 === 0 ? 'NULL' : `'${iso(start + 3600000)}'`}, '${goals[i % goals.length]}', ${i % 3 === 0 ? 'NULL' : "'done'"}, '${i % 3 === 0 ? 'active' : 'completed'}', ${n}, NULL)`);
  for (let m = 0; m < n; m++) messages.push(`('${id}', '${m % 2 ? 'assistant' : 'user'}', 'Message ${m + 1} about ${goals[i % goals.length].toLowerCase()}', '${iso(start + m * 600000)}')`);
}
await exec(db, `BEGIN; INSERT INTO conversations VALUES ${rows.join(',\n')};
INSERT INTO messages (conversation_id, role, content, timestamp) VALUES ${messages.join(',\n')}; COMMIT;`);
await new Promise((resolve, reject) => db.close((err) => (err ? reject(err) : resolve())));
console.log(`sample 1.0 brain written: ${out}`);

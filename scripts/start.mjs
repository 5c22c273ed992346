#!/usr/bin/env node
// `npm start`: the main job. Installs the extension into a local code-server (the real VS Code
// workbench, bound to 127.0.0.1) and opens a fresh copy of the sample workspace, whose 1.0 brain
// the extension migrates on open. Prints the URL and serves until Ctrl+C.
//   --once   headless check instead: open the workbench in Chromium, wait for the migration,
//            save test-output/start.png, print `cortex status` and exit.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { installHost } from './host/install-host.mjs';
import { createSession, installExtension, openWorkbench, sleep, startCodeServer, stopSession } from './host/code-server.mjs';
import { REPO_ROOT, sampleWorkspace } from './sample-workspace.mjs';

const once = process.argv.includes('--once');
const workspace = sampleWorkspace(path.join(REPO_ROOT, 'test-output', 'sample-workspace'));
const cli = (...args) => execFileSync(process.execPath, [path.join(REPO_ROOT, 'dist', 'cli.js'), ...args, '--workspace', workspace], { encoding: 'utf8' });
console.log(`\nThe sample's 1.0 brain, before the extension opens it:\n${cli('status')}`);

await installHost();
const session = createSession({ trusted: true, keep: false });
installExtension(session, REPO_ROOT);
await startCodeServer(session);
const url = `http://127.0.0.1:${session.port}/?folder=${encodeURIComponent(workspace)}`;

if (once) {
  const page = await openWorkbench(session, workspace);
  await page.waitForSelector('.monaco-workbench', { timeout: 60000 });
  await page.locator('.activitybar [aria-label^="CORTEX"]').first().click();
  await page.locator('.sidebar .monaco-list-row', { hasText: 'Self-Review' }).first().waitFor({ timeout: 60000 });
  await page.screenshot({ path: path.join(REPO_ROOT, 'test-output', 'start.png') });
  console.log(`After the extension opened it (screenshot test-output/start.png):\n${cli('status')}`);
  await stopSession(session);
  process.exit(0);
}

console.log(`CORTEX for VS Code is running in code-server:\n\n  ${url}\n\nOpen it in a browser on this machine (or forward the port). Ctrl+C stops it.`);
for (;;) await sleep(60_000);

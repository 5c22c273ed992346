#!/usr/bin/env node
// Stand-in for the VS Code executable, for @vscode/test-electron's runTests on machines that
// cannot download VS Code:
//   runTests({ vscodeExecutablePath: 'scripts/host/harness.mjs', extensionDevelopmentPath,
//              extensionTestsPath, launchArgs: [workspaceFolder] })
// It runs the suite in code-server's real extension host: installs the extension(s) under test
// and test/host/runner-extension into a throwaway extensions dir, starts code-server plus a
// headless Chromium on the workspace, lets the runner extension run the suite, prints the
// suite's output, and exits 0 only when every test passed.
//
// Arguments: --extensionDevelopmentPath[=| ]P (repeatable), --extensionTestsPath[=| ]P, first
// non-flag argument = workspace folder; every other VS Code flag is ignored (runTests always adds
// --disable-workspace-trust, so trust is chosen by the environment instead).
// Environment:
//   CORTEX_HOST_UNTRUSTED=1       open the folder untrusted (Restricted Mode, no trust dialog)
//   CORTEX_HOST_TIMEOUT=300       overall timeout in seconds
//   CORTEX_HOST_INSTALL_MODE=copy install the extension under test as a copy (default: symlink)
//   CORTEX_HOST_KEEP=1            keep the temp folder (profile, logs) for debugging
// Everything in the environment (e.g. runTests' extensionTestsEnv) reaches the extension host.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { installHost } from './install-host.mjs';
import {
  REPO_ROOT, createSession, hostLogs, installExtension, openWorkbench, sleep, startCodeServer, stopSession,
} from './code-server.mjs';

const RUNNER_EXTENSION = path.join(REPO_ROOT, 'test', 'host', 'runner-extension');
// VS Code flags that may take their value as the next argument (space form).
const VALUE_FLAGS = new Set(['extensionDevelopmentPath', 'extensionTestsPath', 'user-data-dir', 'extensions-dir',
  'locale', 'log', 'profile', 'sync', 'crash-reporter-directory', 'folder-uri', 'file-uri', 'remote',
  'extensionEnvironment', 'inspect-extensions', 'inspect-brk-extensions']);

export function parseArgs(argv) {
  const out = { devPaths: [], testsPath: undefined, workspace: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) { out.workspace ??= a; continue; }
    const eq = a.indexOf('=');
    const name = a.slice(2, eq < 0 ? undefined : eq);
    let value = eq < 0 ? undefined : a.slice(eq + 1);
    if (value === undefined && VALUE_FLAGS.has(name) && i + 1 < argv.length && !argv[i + 1].startsWith('--')) value = argv[++i];
    if (name === 'extensionDevelopmentPath' && value) out.devPaths.push(path.resolve(value));
    if (name === 'extensionTestsPath' && value) out.testsPath = path.resolve(value);
  }
  return out;
}

const log = (msg) => console.log(`[harness] ${msg}`);

async function main() {
  const t0 = Date.now();
  const secs = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
  const args = parseArgs(process.argv.slice(2));
  if (!args.testsPath) throw new Error('missing --extensionTestsPath');
  if (args.devPaths.length === 0) throw new Error('missing --extensionDevelopmentPath');
  const untrusted = process.env.CORTEX_HOST_UNTRUSTED === '1';
  const timeoutS = Number(process.env.CORTEX_HOST_TIMEOUT || 300);
  const mode = process.env.CORTEX_HOST_INSTALL_MODE || 'symlink';
  const keep = process.env.CORTEX_HOST_KEEP === '1';

  await installHost(); // instant once installed
  const s = createSession({ trusted: !untrusted, keep });
  let status = 1;
  let timedOut = false;
  // The overall timeout wins over everything else, including a hung browser or host: it stops
  // the session and exits, whatever the main flow is awaiting.
  const timer = setTimeout(async () => {
    timedOut = true;
    console.error(`[harness] TIMEOUT: no test results after ${timeoutS} s (CORTEX_HOST_TIMEOUT)`);
    console.error(hostLogs(s));
    await Promise.race([stopSession(s), sleep(10000)]);
    process.exit(1);
  }, timeoutS * 1000);
  try {
    const ids = args.devPaths.map((p) => installExtension(s, p, { mode }).id);
    installExtension(s, RUNNER_EXTENSION, { mode: 'copy' });
    const resultsFile = path.join(s.root, 'results.json');
    await startCodeServer(s, {
      env: {
        CORTEX_HOST_TESTS_PATH: args.testsPath,
        CORTEX_HOST_RESULTS_FILE: resultsFile,
        CORTEX_HOST_EXTENSION_ID: ids[0],
      },
    });
    log(`code-server on 127.0.0.1:${s.port} (${untrusted ? 'untrusted' : 'trusted'}, ${ids.join(', ')} via ${mode}) after ${secs()}`);
    const workspace = args.workspace ? path.resolve(args.workspace) : undefined;
    const page = await openWorkbench(s, workspace);
    await page.waitForSelector('.monaco-workbench', { timeout: 60000 });
    log(`workbench up after ${secs()}; waiting for the runner extension${workspace ? ` (folder ${workspace})` : ''}`);

    // Print the suite's output live from <results>.log, then the rest from the results file.
    let printed = 0;
    const flush = (text) => { if (text.length > printed) { process.stdout.write(text.slice(printed)); printed = text.length; } };
    while (!fs.existsSync(resultsFile)) {
      if (s.proc.exitCode !== null || s.proc.signalCode) throw new Error(`code-server exited (${s.proc.exitCode ?? s.proc.signalCode})`);
      try { flush(fs.readFileSync(resultsFile + '.log', 'utf8')); } catch { /* no output yet */ }
      await sleep(250);
      if (timedOut) return new Promise(() => {});
    }
    const result = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
    flush(result.output);
    if (result.passed) {
      log(`suite passed (${secs()})`);
      status = 0;
    } else {
      console.error(`[harness] suite FAILED (${result.failed} failure(s), ${secs()}):\n${result.error}`);
      console.error(hostLogs(s, 20));
    }
  } catch (err) {
    if (timedOut || s.stopping) return new Promise(() => {}); // timeout/signal handler reports and exits
    console.error(`[harness] ERROR: ${err.message}`);
    console.error(hostLogs(s));
  } finally {
    clearTimeout(timer);
    await stopSession(s);
    if (keep) log(`kept ${s.root}`);
  }
  return status;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then((code) => process.exit(code), (err) => {
    console.error(`[harness] ERROR: ${err.message}`);
    process.exit(1);
  });
}

#!/usr/bin/env node
// Runs the integration suites (test/host/suite, compiled to out/) inside a real VS Code
// extension host through @vscode/test-electron. Offline machines cannot download desktop
// VS Code, so by default the "executable" is scripts/host/harness.mjs, which runs the same
// suite in code-server's extension host; CORTEX_TEST_HOST=desktop uses desktop VS Code.
// Five runs: a trusted workspace, an untrusted one (Restricted Mode), a multi-root one,
// one for the agent-facing tools and one for the crawler,
// each on fresh copies of the sample workspace with freshly generated 1.0 brains.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { REPO_ROOT as root, sampleWorkspace } from './sample-workspace.mjs';

const desktop = process.env.CORTEX_TEST_HOST === 'desktop';

/** Two sample folders (each with its own 1.0 brain) plus an empty one, as a .code-workspace. */
function multiRootWorkspace() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cortex-multi-'));
  const folders = ['shop-a', 'shop-b'].map((name) => sampleWorkspace(path.join(dir, name)));
  fs.mkdirSync(path.join(dir, 'no-brain'));
  const file = path.join(dir, 'cortex.code-workspace');
  fs.writeFileSync(file, JSON.stringify({ folders: [...folders, path.join(dir, 'no-brain')].map((p) => ({ path: p })) }));
  return file;
}

async function run(suite) {
  const workspace = suite === 'multiroot' ? multiRootWorkspace() : sampleWorkspace();
  const untrusted = suite === 'untrusted';
  if (untrusted && desktop) {
    console.log('[test-host] untrusted suite skipped on desktop VS Code: runTests always passes --disable-workspace-trust');
    return 0;
  }
  console.log(`[test-host] ${suite} suite on ${desktop ? 'desktop VS Code' : 'code-server'} (${workspace})`);
  try {
    return await runTests({
      ...(desktop ? {} : { vscodeExecutablePath: path.join(root, 'scripts', 'host', 'harness.mjs') }),
      extensionDevelopmentPath: root,
      extensionTestsPath: path.join(root, 'out', 'test', 'host', 'suite', 'index.js'),
      launchArgs: [workspace],
      extensionTestsEnv: { CORTEX_HOST_SUITE: suite, ...(untrusted ? { CORTEX_HOST_UNTRUSTED: '1' } : {}) },
    });
  } catch (err) {
    console.error(`[test-host] ${suite} suite failed: ${err.message}`);
    return 1;
  } finally {
    fs.rmSync(suite === 'multiroot' ? path.dirname(workspace) : workspace, { recursive: true, force: true });
  }
}

let failed = 0;
// CORTEX_HOST_SUITES=trusted,agents runs a subset.
const suites = (process.env.CORTEX_HOST_SUITES ?? 'trusted,untrusted,multiroot,agents,crawler').split(',');
for (const suite of suites) failed += (await run(suite)) === 0 ? 0 : 1;
process.exit(failed ? 1 : 0);

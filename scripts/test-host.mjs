#!/usr/bin/env node
// Runs the integration suites (test/host/suite, compiled to out/) inside a real VS Code
// extension host through @vscode/test-electron. Offline machines cannot download desktop
// VS Code, so by default the "executable" is scripts/host/harness.mjs, which runs the same
// suite in code-server's extension host; CORTEX_TEST_HOST=desktop uses desktop VS Code.
// Two runs: a trusted workspace and an untrusted one (Restricted Mode), each on a fresh copy
// of the sample workspace with a freshly generated 1.0 brain.
import fs from 'node:fs';
import path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { REPO_ROOT as root, sampleWorkspace } from './sample-workspace.mjs';

const desktop = process.env.CORTEX_TEST_HOST === 'desktop';

async function run(suite) {
  const workspace = sampleWorkspace();
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
    fs.rmSync(workspace, { recursive: true, force: true });
  }
}

let failed = 0;
for (const suite of ['trusted', 'untrusted']) failed += (await run(suite)) === 0 ? 0 : 1;
process.exit(failed ? 1 : 0);

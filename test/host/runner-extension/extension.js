// Test runner extension for the code-server host (see scripts/host/harness.mjs).
// code-server has no --extensionTestsPath, so this extension plays that part: the harness
// starts code-server with these environment variables, which the extension host inherits:
//   CORTEX_HOST_TESTS_PATH    the suite module (exports run(): Promise<void>, like a
//                             @vscode/test-electron suite index)
//   CORTEX_HOST_RESULTS_FILE  where to write {passed, failed, output, error}; the output is
//                             also appended to <results>.log as it comes (read on timeout)
//   CORTEX_HOST_EXTENSION_ID  the extension under test (default cortex-community.cortex-vscode)
// It is enabled in Restricted Mode too ("untrustedWorkspaces": supported) so untrusted
// runs work.
'use strict';
const fs = require('fs');
const util = require('util');

const ENV = process.env;
const WAIT_FOR_EXTENSION_MS = 30000;

async function activate() {
  const testsPath = ENV.CORTEX_HOST_TESTS_PATH;
  const resultsFile = ENV.CORTEX_HOST_RESULTS_FILE;
  if (!testsPath || !resultsFile) return; // installed by hand: do nothing
  // Run after activate() returns, so the host does not count the suite as activation time.
  setTimeout(() => runSuite(testsPath, resultsFile).catch((err) => writeResult(resultsFile, {
    passed: false, failed: 1, output: '', error: `runner extension failed: ${err && err.stack}`,
  })), 0);
}

async function runSuite(testsPath, resultsFile) {
  const vscode = require('vscode');
  const extensionId = ENV.CORTEX_HOST_EXTENSION_ID || 'cortex-community.cortex-vscode';
  const logFile = resultsFile + '.log';
  let output = '';
  const capture = (text) => { output += text; try { fs.appendFileSync(logFile, text); } catch { /* ignore */ } };

  // Capture what the suite prints. The extension host makes console.* and process.std*.write
  // accessor properties whose setters ignore assignment (so redefine the console properties),
  // and its std*.write cannot be redefined but forwards each complete line to console.log /
  // console.error, so patching console also captures process.stdout.write (mocha's reporters).
  // Done before the suite (and mocha, which keeps a reference to console.log) is required.
  const restorers = [];
  for (const m of ['log', 'info', 'warn', 'error', 'debug']) {
    const desc = Object.getOwnPropertyDescriptor(console, m);
    const orig = console[m];
    try {
      Object.defineProperty(console, m, {
        configurable: true, enumerable: true, writable: true,
        value: (...args) => { capture(util.format(...args) + '\n'); orig.apply(console, args); },
      });
      restorers.push(() => Object.defineProperty(console, m, desc));
    } catch (err) {
      capture(`[runner] cannot capture console.${m}: ${err.message}\n`);
    }
  }
  const restore = () => { while (restorers.length) restorers.pop()(); };

  const result = { passed: false, failed: 0, output: '', error: undefined };
  try {
    const start = Date.now();
    while (!vscode.extensions.getExtension(extensionId)) {
      if (Date.now() - start > WAIT_FOR_EXTENSION_MS) {
        const ids = vscode.extensions.all.filter((e) => !e.id.startsWith('vscode.')).map((e) => e.id);
        throw new Error(`extension under test ${extensionId} not found after ${WAIT_FOR_EXTENSION_MS} ms (found: ${ids.join(', ') || 'none'})`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    const suite = require(testsPath);
    if (typeof suite.run !== 'function') throw new Error(`${testsPath} does not export run()`);
    await suite.run();
    result.passed = true;
  } catch (err) {
    result.error = err && err.stack ? err.stack : String(err);
    // Standard suite indexes reject with "N tests failed."; keep the count when it is there.
    const m = /(\d+) tests? failed/.exec(String(err && err.message));
    result.failed = m ? Number(m[1]) : 1;
  } finally {
    restore();
  }
  result.output = output;
  writeResult(resultsFile, result);
}

// Write to a temp name and rename, so the harness never reads a half-written file.
function writeResult(resultsFile, result) {
  fs.writeFileSync(resultsFile + '.tmp', JSON.stringify(result, null, 2));
  fs.renameSync(resultsFile + '.tmp', resultsFile);
}

function deactivate() {}

module.exports = { activate, deactivate };

// Baseline extension of bench/activation.bench.mjs (not shipped, never packaged).
//
// It declares CORTEX's activation events (the three workspaceContains events, plus
// onView:cortex.plugins, which VS Code fires when the CORTEX view container is restored open), so
// it is activated in the same batch as CORTEX, at the same point of the extension host's
// start-up and under the same load — whichever event comes first.
//
// It records with performance.now() (ms since this extension host process started):
//   moduleLoaded                  when this file's top level ran
//   activateStart / activateEnd   around its (empty) activate()
// and appends one JSON line to the file named by CORTEX_BENCH_OUT (nothing without it; the
// extension host inherits code-server's environment). context.logUri tells which extension host
// (<logs>/exthostN/) the line comes from.
//
// Once CORTEX has activated, it appends a second line with the extension host's own performance
// marks (globalThis.MonacoPerformanceMarks; Date.now() based, 1 ms resolution), among them for
// every extension:
//   code/extHost/willLoadExtensionCode/<id>   just before require() of the extension's main file
//   code/extHost/didLoadExtensionCode/<id>    just after it
//   code/extHost/willActivateExtension/<id>   just before activate() is called
//   code/extHost/didActivateExtension/<id>    after activate()'s result resolved
// so that the code loading of both extensions is measured the same way, by the host.
//
// Probe (benchmark only): when this extension is loaded before CORTEX — in the same activation
// batch the host loads cortex-bench.empty first — it wraps Node's Module._load once, for the
// require() of CORTEX's main file, and times that require() and CORTEX's activate() call with
// performance.now() and process.cpuUsage() (wall and CPU time of this thread), the same clock as
// its own numbers. The hook removes itself after that one require(); CORTEX's exports are passed
// on unchanged except that activate() is wrapped. `probe` in the second line says what it saw.
'use strict';
const fs = require('node:fs');
// Like every real extension (and CORTEX's bundle), import the API: the host builds the `vscode`
// namespace for an extension on its first require('vscode'), which is part of its code loading.
// eslint-disable-next-line no-unused-vars
const vscode = require('vscode');

const moduleLoaded = performance.now();
const OUT = process.env.CORTEX_BENCH_OUT;
const CORTEX = 'cortex-community.cortex-vscode';
const CORTEX_MAIN = /[\\/]cortex-community\.cortex-vscode-[^\\/]+[\\/]dist[\\/]extension\.js$/;
const WAIT_MS = 180000;

const cpuMs = (since) => {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
};

const probe = { hooked: false };
(function hookCortexLoad() {
  const Module = require('node:module');
  const original = Module._load;
  if (typeof original !== 'function') return;
  const hook = function (request, parent, isMain) {
    if (typeof request !== 'string' || !CORTEX_MAIN.test(request)) return original.apply(this, arguments);
    if (Module._load === hook) Module._load = original; // one-shot
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const exported = original.apply(this, arguments);
    probe.load = { start: t0, wallMs: performance.now() - t0, cpuMs: cpuMs(c0) };
    if (!exported || typeof exported.activate !== 'function') return exported;
    const copy = {};
    for (const key of Object.keys(exported)) copy[key] = exported[key];
    const activate = exported.activate;
    copy.activate = function () {
      const a0 = process.cpuUsage();
      const s0 = performance.now();
      try {
        return activate.apply(this, arguments);
      } finally {
        probe.activate = { start: s0, wallMs: performance.now() - s0, cpuMs: cpuMs(a0) };
      }
    };
    return copy;
  };
  Module._load = hook;
  probe.hooked = true;
})();

function write(record) {
  if (!OUT) return;
  fs.appendFileSync(OUT, JSON.stringify({ pid: process.pid, wallClock: Date.now(), ...record }) + '\n');
}

function hostMarks() {
  const perf = globalThis.MonacoPerformanceMarks;
  if (!perf || typeof perf.getMarks !== 'function') return undefined;
  return perf.getMarks().filter((m) => m.name.startsWith('code/extHost/'));
}

function activate(context) {
  const c0 = process.cpuUsage();
  const activateStart = performance.now();
  // Nothing to do: that is the point.
  const activateEnd = performance.now();
  const activateCpuMs = cpuMs(c0);
  const logDir = context.logUri.fsPath;
  // Written after activate() returned, so that no file write is inside a measured interval.
  setImmediate(() => {
    write({ kind: 'empty', logDir, moduleLoaded, activateStart, activateEnd, activateCpuMs, timeOrigin: performance.timeOrigin });
    const t0 = Date.now();
    const poll = setInterval(() => {
      const marks = hostMarks();
      const done = !!marks?.some((m) => m.name === `code/extHost/didActivateExtension/${CORTEX}`);
      if (done || Date.now() - t0 > WAIT_MS) {
        clearInterval(poll);
        write({ kind: 'hostMarks', logDir, complete: done, marks: marks ?? null, probe });
      }
    }, 100);
  });
}

function deactivate() {}

module.exports = { activate, deactivate };

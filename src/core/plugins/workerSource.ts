/**
 * The program a third-party plugin's worker runs, kept as plain JavaScript
 * text and started with `new Worker(WORKER_SOURCE, { eval: true })`: neither
 * tsc nor esbuild rewrites a string, so the same code runs from out/ (tests)
 * and from the dist/extension.js and dist/cli.js bundles, with no extra file
 * to ship or locate.
 *
 * It evaluates the plugin's CommonJS source in a fresh vm context whose
 * globals are only `module`, `exports`, `console` (forwarded to the host's
 * log), timers and a `require` that refuses everything, then calls
 * `module.exports.hooks[hook](context, cortex)`. `cortex.readFile`,
 * `writeFile` and `listDir` are messages to the main thread, which checks
 * each one with the boundary guard. This keeps honest plugins on the API;
 * it does not contain a hostile one (see sandbox.ts).
 *
 * Messages to the main thread: { type: 'call', id, op, args },
 * { type: 'log', level, text }, { type: 'done', ok, json | error }.
 * From it: { id, ok, value | error }.
 */
export const WORKER_SOURCE = String.raw`
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const vm = require('node:vm');

const pending = new Map();
let nextId = 0;
parentPort.on('message', (m) => {
  const call = pending.get(m.id);
  if (!call) return;
  pending.delete(m.id);
  if (m.ok) call.resolve(m.value);
  else call.reject(new Error(m.error));
});
function request(op, args) {
  return new Promise((resolve, reject) => {
    const id = ++nextId;
    pending.set(id, { resolve, reject });
    parentPort.postMessage({ type: 'call', id, op, args });
  });
}
const cortex = Object.freeze({
  readFile: (p) => request('readFile', [String(p)]),
  writeFile: (p, text) => request('writeFile', [String(p), String(text)]),
  listDir: (p) => request('listDir', [String(p)]),
});
const say = (level) => (...parts) => parentPort.postMessage({ type: 'log', level, text: parts.map(String).join(' ') });
const sandbox = {
  module: { exports: {} },
  console: Object.freeze({ log: say('info'), info: say('info'), warn: say('warn'), error: say('error') }),
  require: (name) => {
    throw new Error('require(' + JSON.stringify(name) + ') is not available to CORTEX plugins; use the cortex API passed to each hook');
  },
  setTimeout, clearTimeout, setInterval, clearInterval,
};
sandbox.exports = sandbox.module.exports;
const errorText = (e) => (e && typeof e.message === 'string' ? e.message : String(e));

(async () => {
  vm.runInNewContext(workerData.source, sandbox, { filename: workerData.filename });
  const hooks = sandbox.module.exports && sandbox.module.exports.hooks;
  const handler = hooks && hooks[workerData.hook];
  if (typeof handler !== 'function') throw new Error('the plugin exports no hooks.' + workerData.hook + ' function');
  const result = await handler(workerData.context, cortex);
  return JSON.stringify(result === undefined ? null : result);
})().then(
  (json) => parentPort.postMessage({ type: 'done', ok: true, json }),
  (err) => parentPort.postMessage({ type: 'done', ok: false, error: errorText(err) }),
);
`;

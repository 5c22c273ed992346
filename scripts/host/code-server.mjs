// Library: run code-server (the real VS Code workbench + extension host) and a headless
// Debian Chromium on it, with throwaway profile folders, and clean everything up again.
// The host binaries come from install-host.mjs (.vscode-test/).
//
//   const s = await createSession({ trusted: false });
//   installExtension(s, '/path/to/extension-folder');      // symlink or copy into s.extensionsDir
//   await startCodeServer(s, { env: { MY_VAR: '1' } });
//   const page = await openWorkbench(s, '/abs/workspace'); // playwright Page
//   await stopSession(s);                                   // also runs on exit/signals
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { CHROMIUM, CODE_SERVER_ENTRY, NODE24_BIN, REPO_ROOT, isInstalled } from './install-host.mjs';

export { REPO_ROOT };
const live = new Set(); // sessions not yet stopped, for the exit handlers

// ---------------------------------------------------------------------------------------------
// Session folders and user settings
// ---------------------------------------------------------------------------------------------

/** Fresh temp folders (user data, extensions, browser profile, logs) for one run. */
export function createSession({ trusted = true, settings = {}, keep = false } = {}) {
  if (!isInstalled()) throw new Error('test host missing: run "node scripts/host/install-host.mjs" first');
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cortex-host-'));
  const s = {
    root, trusted, keep, // keep: leave the temp folder (profile, logs) for debugging
    userDataDir: path.join(root, 'user-data'),
    extensionsDir: path.join(root, 'extensions'),
    browserDir: path.join(root, 'browser'),
    xdgDir: path.join(root, 'xdg'), // XDG_*_HOME: keeps the host's and browser's files out of $HOME
    tmpDir: path.join(root, 'tmp'), // TMPDIR: VS Code leaves vscode-ipc-*/vscode-git-* sockets there
    logFile: path.join(root, 'code-server.log'),
    browserLogFile: path.join(root, 'browser-console.log'),
    port: 0, proc: undefined, pgid: undefined, watchdog: undefined, context: undefined,
  };
  for (const d of [s.userDataDir, s.extensionsDir, s.browserDir, s.xdgDir, s.tmpDir]) fs.mkdirSync(d, { recursive: true });
  const user = {
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'chat.disableAIFeatures': true,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    // Untrusted runs: trust stays on (code-server enables it unless --disable-workspace-trust),
    // and 'never' opens the folder in Restricted Mode without the modal "Do you trust…" dialog.
    'security.workspace.trust.enabled': true,
    'security.workspace.trust.startupPrompt': 'never',
    'security.workspace.trust.banner': 'always',
    ...settings,
  };
  fs.mkdirSync(path.join(s.userDataDir, 'User'), { recursive: true });
  fs.writeFileSync(path.join(s.userDataDir, 'User', 'settings.json'), JSON.stringify(user, null, 2));
  live.add(s);
  return s;
}

// ---------------------------------------------------------------------------------------------
// Extensions
// ---------------------------------------------------------------------------------------------

/**
 * Put an extension folder into the session's extensions dir as <publisher>.<name>-<version>.
 * mode 'symlink' (default): link to srcDir, so the host loads the working tree as is.
 * mode 'copy': copy package.json, the `main` file's folder (e.g. dist/), media/, and each
 * production dependency (non-recursive: @vscode/sqlite3's own deps node-addon-api and tar are
 * build-time only), minus native build intermediates.
 * Returns the extension id and the installed path.
 */
export function installExtension(s, srcDir, { mode = 'symlink' } = {}) {
  srcDir = path.resolve(srcDir);
  const pkg = JSON.parse(fs.readFileSync(path.join(srcDir, 'package.json'), 'utf8'));
  const id = `${pkg.publisher}.${pkg.name}`;
  if (pkg.main) {
    const main = path.resolve(srcDir, pkg.main);
    if (![main, main + '.js'].some((f) => fs.existsSync(f))) {
      throw new Error(`${id}: main "${pkg.main}" not found in ${srcDir} (build the extension first)`);
    }
  }
  const dest = path.join(s.extensionsDir, `${id}-${pkg.version}`);
  fs.rmSync(dest, { recursive: true, force: true });
  if (mode === 'symlink') {
    fs.symlinkSync(srcDir, dest, 'dir');
  } else {
    fs.mkdirSync(dest, { recursive: true });
    const top = new Set(['package.json', 'media', 'README.md', 'LICENSE', 'package.nls.json']);
    if (pkg.main) top.add(path.normalize(pkg.main).split(path.sep)[0]);
    for (const f of top) {
      if (fs.existsSync(path.join(srcDir, f))) fs.cpSync(path.join(srcDir, f), path.join(dest, f), { recursive: true });
    }
    for (const dep of Object.keys(pkg.dependencies ?? {})) {
      const from = path.join(srcDir, 'node_modules', dep);
      if (!fs.existsSync(from)) throw new Error(`${id}: dependency ${dep} is not installed in ${srcDir}/node_modules`);
      const native = fs.existsSync(path.join(from, 'binding.gyp'));
      fs.cpSync(from, path.join(dest, 'node_modules', dep), {
        recursive: true,
        filter: (p) => {
          const rel = path.relative(from, p).split(path.sep);
          if (!native) return true;
          // Native module: keep only what `require` needs (lib/, build/Release/*.node, package.json).
          return !(['deps', 'src', 'test'].includes(rel[0]) ||
            (rel[0] === 'build' && rel.length > 2 && !rel.at(-1).endsWith('.node')));
        },
      });
    }
  }
  return { id, path: dest };
}

// ---------------------------------------------------------------------------------------------
// code-server
// ---------------------------------------------------------------------------------------------

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer().once('error', reject);
    srv.listen(0, '127.0.0.1', () => { const { port } = srv.address(); srv.close(() => resolve(port)); });
  });
}

/**
 * Start code-server in its own process group on a free 127.0.0.1 port and wait for /healthz.
 * `env` is added to code-server's environment; the extension host inherits it.
 */
export async function startCodeServer(s, { env = {}, timeoutMs = 60_000 } = {}) {
  s.port = await freePort();
  const config = path.join(s.root, 'config.yaml'); // explicit, or code-server writes ~/.config/code-server
  fs.writeFileSync(config, `bind-addr: 127.0.0.1:${s.port}\nauth: none\ncert: false\n`);
  const args = [
    CODE_SERVER_ENTRY, '--config', config, '--bind-addr', `127.0.0.1:${s.port}`, '--auth', 'none',
    '--user-data-dir', s.userDataDir, '--extensions-dir', s.extensionsDir,
    '--disable-telemetry', '--disable-update-check', '--disable-getting-started-override', '--ignore-last-opened',
    ...(s.trusted ? ['--disable-workspace-trust'] : []),
  ];
  const out = fs.openSync(s.logFile, 'a');
  s.proc = spawn(NODE24_BIN, args, {
    detached: true, // own process group: stopSession kills exactly this group
    stdio: ['ignore', out, out],
    // EXTENSIONS_GALLERY={} turns the marketplace off: no lookups of open-vsx.org (offline).
    // The extension host inherits all of this (so its os.tmpdir() is the session's tmp/).
    env: {
      ...process.env, ...xdg(s), TMPDIR: s.tmpDir, XDG_RUNTIME_DIR: s.tmpDir,
      EXTENSIONS_GALLERY: '{}', ...env,
    },
  });
  fs.closeSync(out);
  s.pgid = s.proc.pid;
  s.watchdog = startWatchdog(s);
  let exited = null;
  s.proc.once('exit', (code, sig) => { exited = code ?? sig; });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited !== null) throw new Error(`code-server exited early (${exited}); log:\n${logTail(s.logFile)}`);
    try {
      const r = await fetch(`http://127.0.0.1:${s.port}/healthz`);
      if (r.ok) return s;
    } catch { /* not listening yet */ }
    await sleep(200);
  }
  throw new Error(`code-server did not answer /healthz within ${timeoutMs} ms; log:\n${logTail(s.logFile)}`);
}

// If this process dies without running its exit handlers (SIGKILL), a tiny detached watchdog
// kills the code-server group (and removes the temp folder unless kept), so nothing is left
// running. It ends with the group or with us. (Chromium exits by itself: its pipe to us closes.)
function startWatchdog(s) {
  const code = `const [p,g,root]=process.argv.slice(1);const alive=(x)=>{try{process.kill(x,0);return true}catch{return false}};
const t=setInterval(()=>{if(!alive(-g))process.exit(0);if(alive(+p))return;clearInterval(t);try{process.kill(-g,'SIGKILL')}catch{}
setTimeout(()=>{if(root)require('fs').rmSync(root,{recursive:true,force:true,maxRetries:3});process.exit(0)},1000)},1000);`;
  const w = spawn(process.execPath, ['-e', code, String(process.pid), String(s.pgid), s.keep ? '' : s.root],
    { detached: true, stdio: 'ignore' });
  w.unref();
  return w;
}

// ---------------------------------------------------------------------------------------------
// Browser
// ---------------------------------------------------------------------------------------------

/** Headless Debian Chromium on http://127.0.0.1:PORT/?folder=<workspace>; returns the Page. */
export async function openWorkbench(s, workspace, { viewport = { width: 1400, height: 900 } } = {}) {
  const { chromium } = await import('playwright-core');
  s.context = await chromium.launchPersistentContext(s.browserDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false, // our handlers stop everything
    env: { ...process.env, ...xdg(s) }, // Chromium's crashpad and dconf write there, not in ~/.config, ~/.cache
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  const page = s.context.pages()[0] ?? await s.context.newPage();
  const clog = (line) => fs.appendFileSync(s.browserLogFile, line + '\n');
  page.on('console', (m) => clog(`[${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => clog(`[pageerror] ${e.message}`));
  // A .code-workspace file opens as a (multi-root) workspace; anything else as a folder; none: empty window.
  const kind = workspace?.endsWith('.code-workspace') ? 'workspace' : 'folder';
  const query = workspace ? `?${kind}=${encodeURIComponent(path.resolve(workspace))}` : '';
  await page.goto(`http://127.0.0.1:${s.port}/${query}`);
  return page;
}

// ---------------------------------------------------------------------------------------------
// Stop / clean up
// ---------------------------------------------------------------------------------------------

function killGroup(s) {
  if (!s.pgid) return;
  try { process.kill(-s.pgid, 'SIGKILL'); } catch { /* already gone */ }
  try { s.watchdog?.kill('SIGKILL'); } catch { /* gone */ }
  s.pgid = undefined;
}

/** Close the browser, kill code-server's process group, remove the temp folders. Idempotent. */
export function stopSession(s, { keep = s.keep } = {}) {
  s.stopping ??= (async () => {
    if (s.context) await Promise.race([s.context.close().catch(() => {}), sleep(5000)]);
    if (s.pgid) {
      try { process.kill(-s.pgid, 'SIGTERM'); } catch { /* gone */ }
      const t = Date.now();
      while (Date.now() - t < 3000 && alive(-s.pgid)) await sleep(100);
      killGroup(s);
    }
    if (!keep) fs.rmSync(s.root, { recursive: true, force: true, maxRetries: 3 });
    live.delete(s); // only now: if we exit mid-way, the exit handler still cleans this session
  })();
  return s.stopping;
}

function stopAllSync() { // 'exit' handlers cannot await: kill and remove synchronously
  for (const s of live) {
    killGroup(s);
    // Playwright's own exit handler kills the browser; the profile may still be in use briefly.
    if (!s.keep) spawnSync('rm', ['-rf', s.root]);
  }
  live.clear();
}

process.once('exit', stopAllSync);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(sig, async () => {
    console.error(`[host] ${sig}: stopping code-server and the browser`);
    await Promise.race([Promise.all([...live].map((s) => stopSession(s))), sleep(8000)]);
    process.exit(sig === 'SIGINT' ? 130 : 143);
  });
}

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

// XDG dirs of the session: code-server's coder-logs and config, VS Code's device id cache, and
// Chromium's "Crash Reports" and dconf would otherwise land in $HOME.
const xdg = (s) => ({ XDG_DATA_HOME: s.xdgDir, XDG_CONFIG_HOME: s.xdgDir, XDG_CACHE_HOME: s.xdgDir });

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
function alive(pid) { try { process.kill(pid, 0); return true; } catch { return false; } }

export function logTail(file, lines = 40) {
  try { return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n'); } catch { return '(no log)'; }
}

/** Tail of code-server's stdout log plus the extension host logs VS Code writes in user-data/logs. */
export function hostLogs(s, lines = 40) {
  let text = `--- code-server log (${s.logFile}) ---\n${logTail(s.logFile, lines)}\n`;
  const walk = (d) => fs.existsSync(d) ? fs.readdirSync(d, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]) : [];
  for (const f of walk(path.join(s.userDataDir, 'logs')).filter((f) => /exthost|remoteagent/i.test(f))) {
    text += `--- ${path.relative(s.root, f)} ---\n${logTail(f, lines)}\n`;
  }
  if (fs.existsSync(s.browserLogFile)) text += `--- browser console ---\n${logTail(s.browserLogFile, lines)}\n`;
  return text;
}

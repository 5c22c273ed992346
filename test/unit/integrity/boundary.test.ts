import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BoundaryActor, BoundaryIntent, BoundaryRoots, decide, RULES, secretRule } from '../../../src/core/integrity/boundary';
import { cleanupTempDirs, tempDir } from '../../helpers/fixtures';

/**
 * The boundary corpus: each request is decided against a real tree with real
 * links. Layout (T = a temp folder):
 *   T/ws                 workspace; T/ws/cortex-brain the brain; T/outside beside them
 *   ws/link-out → T/outside        ws/link-file → T/outside/secret.txt
 *   ws/dangling → T/outside/new.txt (does not exist)
 *   ws/loop-a ↔ ws/loop-b           ws/jump → T/outside/deep/inner
 *   ws/innocent.txt → ws/.env       ws/to-tier0 → brain/tier0      ws/src-link → ws/src
 */
interface Case {
  path: string | ((t: string) => string);
  intent: BoundaryIntent;
  actor: BoundaryActor;
  capabilities?: string[];
  allowed: boolean;
  rule: string;
  note: string;
}

const READ_AGENT = { intent: 'read', actor: 'agent' } as const;
const ALLOW = RULES.insideRoots;

const CASES: Case[] = [
  { path: 'notes.txt', ...READ_AGENT, allowed: true, rule: ALLOW, note: 'plain workspace file' },
  { path: 'src//./app.ts', ...READ_AGENT, allowed: true, rule: ALLOW, note: 'redundant separators and dots' },
  { path: 'src/../notes.txt', ...READ_AGENT, allowed: true, rule: ALLOW, note: '.. that stays in its root' },
  { path: (t) => `${t}/ws/cortex-brain/../notes.txt`, ...READ_AGENT, allowed: true, rule: ALLOW, note: 'absolute, .. from the brain into the workspace around it' },
  { path: '../../etc/passwd', ...READ_AGENT, allowed: false, rule: RULES.traversal, note: 'classic traversal' },
  { path: 'src/../../outside/secret.txt', ...READ_AGENT, allowed: false, rule: RULES.traversal, note: 'traversal to a sibling folder' },
  { path: 'a/../../ws/notes.txt', ...READ_AGENT, allowed: false, rule: RULES.traversal, note: 'leaves the root and comes back' },
  { path: (t) => `${t}/ws/cortex-brain/../../outside/secret.txt`, ...READ_AGENT, allowed: false, rule: RULES.traversal, note: 'absolute path with ..' },
  { path: '..\\..\\etc\\passwd', ...READ_AGENT, allowed: false, rule: RULES.traversal, note: 'backslash traversal' },
  { path: 'config\\..\\..\\..\\etc\\passwd', ...READ_AGENT, allowed: false, rule: RULES.traversal, note: 'mixed traversal' },
  { path: '/etc/passwd', ...READ_AGENT, allowed: false, rule: RULES.outsideRoots, note: 'absolute path outside' },
  { path: '//server/share/file.txt', ...READ_AGENT, allowed: false, rule: RULES.outsideRoots, note: 'UNC-style path' },
  { path: (t) => `${t}/outside/secret.txt`, ...READ_AGENT, allowed: false, rule: RULES.outsideRoots, note: 'absolute sibling' },
  { path: 'link-out/secret.txt', ...READ_AGENT, allowed: false, rule: RULES.linkEscape, note: 'folder link leading out' },
  { path: 'link-file', ...READ_AGENT, allowed: false, rule: RULES.linkEscape, note: 'file link leading out' },
  { path: 'dangling', intent: 'write', actor: 'engine', allowed: false, rule: RULES.linkEscape, note: 'dangling link: writing would create a file outside' },
  { path: 'loop-a/x', ...READ_AGENT, allowed: false, rule: RULES.linkEscape, note: 'link loop' },
  { path: 'jump/../secret.txt', ...READ_AGENT, allowed: false, rule: RULES.linkEscape, note: '.. after a link climbs from the link target, not lexically' },
  { path: 'src-link/app.ts', ...READ_AGENT, allowed: true, rule: ALLOW, note: 'link that stays inside' },
  { path: 'innocent.txt', ...READ_AGENT, allowed: false, rule: RULES.secretEnv, note: 'innocent name linking to .env' },
  { path: 'cortex-brain/tier0/rules.yaml', intent: 'write', actor: 'agent', allowed: false, rule: RULES.tier0, note: 'Tier 0 write by agent' },
  { path: 'cortex-brain/tier0/rules.yaml', intent: 'delete', actor: 'engine', allowed: false, rule: RULES.tier0, note: 'Tier 0 delete by engine' },
  { path: 'cortex-brain/tier0/rules.yaml', intent: 'write', actor: 'core', allowed: true, rule: ALLOW, note: 'Tier 0 write by core' },
  { path: 'cortex-brain/tier0/rules.yaml', ...READ_AGENT, allowed: true, rule: ALLOW, note: 'Tier 0 read' },
  { path: 'cortex-brain/TIER0/new.yaml', intent: 'write', actor: 'engine', allowed: false, rule: RULES.tier0, note: 'case trick on tier0' },
  { path: 'cortex-brain/tier0./x.yaml', intent: 'write', actor: 'engine', allowed: false, rule: RULES.tier0, note: 'Windows trailing dot on tier0' },
  { path: 'cortex-brain\\tier0\\rules.yaml', intent: 'write', actor: 'agent', allowed: false, rule: RULES.tier0, note: 'backslashes into tier0' },
  { path: 'to-tier0/rules.yaml', intent: 'write', actor: 'engine', allowed: false, rule: RULES.tier0, note: 'link into tier0' },
  { path: 'cortex-brain/Governance/RULES.md', intent: 'write', actor: 'plugin', capabilities: ['fs:write'], allowed: false, rule: RULES.tier0, note: 'governance rules, case trick' },
  { path: 'cortex.config.template.json', intent: 'write', actor: 'engine', allowed: false, rule: RULES.tier0, note: 'config template' },
  { path: '.env', ...READ_AGENT, allowed: false, rule: RULES.secretEnv, note: '.env read by agent' },
  { path: '.env', intent: 'read', actor: 'plugin', capabilities: ['fs:read'], allowed: false, rule: RULES.secretEnv, note: '.env read by plugin' },
  { path: '.env', intent: 'read', actor: 'engine', allowed: true, rule: ALLOW, note: '.env read by engine (crawler)' },
  { path: '.ENV', ...READ_AGENT, allowed: false, rule: RULES.secretEnv, note: 'case trick on .env' },
  { path: '.env.production', ...READ_AGENT, allowed: false, rule: RULES.secretEnv, note: '.env.*' },
  { path: '.env.example', ...READ_AGENT, allowed: true, rule: ALLOW, note: '.env.example is documentation' },
  { path: '.env.', ...READ_AGENT, allowed: false, rule: RULES.secretEnv, note: 'trailing dot' },
  { path: '.env::$DATA', ...READ_AGENT, allowed: false, rule: RULES.secretEnv, note: 'NTFS stream suffix' },
  { path: '\uff0e\uff45\uff4e\uff56', ...READ_AGENT, allowed: false, rule: RULES.secretEnv, note: 'fullwidth .env' },
  { path: '.env\u200b', ...READ_AGENT, allowed: false, rule: RULES.secretEnv, note: 'zero-width space after .env' },
  { path: 'keys/server.PEM', ...READ_AGENT, allowed: false, rule: RULES.secretKey, note: 'PEM, upper case' },
  { path: 'home/id_rsa.pub', ...READ_AGENT, allowed: false, rule: RULES.secretKey, note: 'id_rsa*' },
  { path: 'certs/client.p12', ...READ_AGENT, allowed: false, rule: RULES.secretKey, note: 'PKCS#12' },
  { path: 'credentials-prod.json', ...READ_AGENT, allowed: false, rule: RULES.secretCredentials, note: 'credentials*.json' },
  { path: '.npmrc', intent: 'scan', actor: 'plugin', capabilities: ['fs:read'], allowed: false, rule: RULES.secretCredentials, note: '.npmrc' },
  { path: 'a/\u2025/\u2025/etc/passwd', ...READ_AGENT, allowed: false, rule: RULES.traversal, note: 'two-dot leader folds to ..' },
  { path: '\uff0e\uff0e/\uff0e\uff0e/etc/passwd', ...READ_AGENT, allowed: false, rule: RULES.traversal, note: 'fullwidth dots' },
  { path: 'src\u2215..\u2215..\u2215etc', ...READ_AGENT, allowed: false, rule: RULES.traversal, note: 'division slash' },
  { path: '.../x', ...READ_AGENT, allowed: false, rule: RULES.traversal, note: 'three dots' },
  { path: '.. /etc/passwd', ...READ_AGENT, allowed: false, rule: RULES.traversal, note: 'dot-dot-space' },
  { path: '%2e%2e/%2e%2e/etc/passwd', ...READ_AGENT, allowed: true, rule: ALLOW, note: 'percent-encoding is a literal name here: nothing decodes it' },
  { path: 'notes.txt\0.png', ...READ_AGENT, allowed: false, rule: RULES.nulByte, note: 'NUL byte' },
  { path: '', ...READ_AGENT, allowed: false, rule: RULES.invalidRequest, note: 'empty path' },
  { path: 'notes.txt', intent: 'read', actor: 'plugin', allowed: false, rule: RULES.capabilityRead, note: 'plugin without fs:read' },
  { path: 'src', intent: 'scan', actor: 'plugin', capabilities: ['fs:write'], allowed: false, rule: RULES.capabilityRead, note: 'scan needs fs:read' },
  { path: 'out.txt', intent: 'write', actor: 'plugin', capabilities: ['fs:read'], allowed: false, rule: RULES.capabilityWrite, note: 'plugin without fs:write' },
  { path: 'out.txt', intent: 'write', actor: 'plugin', capabilities: ['fs:write'], allowed: true, rule: ALLOW, note: 'plugin with fs:write' },
  { path: 'cortex-brain/crawler-temp/tmp.txt', intent: 'delete', actor: 'agent', allowed: true, rule: RULES.tempDelete, note: 'delete in temp' },
  { path: 'cortex-brain/crawler-temp/tmp.txt', intent: 'delete', actor: 'plugin', capabilities: ['fs:write'], allowed: true, rule: RULES.tempDelete, note: 'plugin delete in temp' },
  { path: 'cortex-brain/crawler-temp', intent: 'delete', actor: 'agent', allowed: false, rule: RULES.deleteOutsideTemp, note: 'the temp root itself' },
  { path: 'notes.txt', intent: 'delete', actor: 'agent', allowed: false, rule: RULES.deleteOutsideTemp, note: 'agent delete outside temp' },
  { path: 'notes.txt', intent: 'delete', actor: 'engine', allowed: true, rule: ALLOW, note: 'engine delete (archival)' },
  { path: 'cortex-brain/plugins/x/index.js', intent: 'plugin', actor: 'core', allowed: true, rule: ALLOW, note: 'plugin code in the plugins folder' },
  { path: 'src/app.ts', intent: 'plugin', actor: 'core', allowed: false, rule: RULES.pluginCode, note: 'plugin code elsewhere' },
  { path: 'notes.txt', intent: 'rename' as BoundaryIntent, actor: 'agent', allowed: false, rule: RULES.invalidRequest, note: 'unknown intent' },
];

describe('boundary guard: decide()', () => {
  let t: string;
  let roots: BoundaryRoots;
  before(() => {
    t = fs.realpathSync(tempDir('cortex-boundary-'));
    const ws = path.join(t, 'ws');
    const brain = path.join(ws, 'cortex-brain');
    const files: Record<string, string> = {
      'ws/notes.txt': 'notes',
      'ws/.env': 'SECRET=1',
      'ws/.env.example': 'SECRET=',
      'ws/src/app.ts': 'export {};',
      'ws/cortex.config.template.json': '{}',
      'ws/cortex-brain/tier0/rules.yaml': 'rules: []',
      'ws/cortex-brain/governance/rules.md': '# rules',
      'ws/cortex-brain/crawler-temp/tmp.txt': 'tmp',
      'outside/secret.txt': 'outside secret',
      'outside/deep/secret.txt': 'deep secret',
      'outside/deep/inner/x.txt': 'x',
      ['ws/caf\u00e9.txt']: 'nfc',
    };
    for (const [rel, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(t, rel)), { recursive: true });
      fs.writeFileSync(path.join(t, rel), text);
    }
    const links: Record<string, string> = {
      'link-out': path.join(t, 'outside'),
      'link-file': path.join(t, 'outside', 'secret.txt'),
      dangling: path.join(t, 'outside', 'new.txt'),
      'loop-a': 'loop-b',
      'loop-b': 'loop-a',
      jump: path.join(t, 'outside', 'deep', 'inner'),
      'innocent.txt': '.env',
      'to-tier0': path.join(brain, 'tier0'),
      'src-link': 'src',
    };
    for (const [name, target] of Object.entries(links)) fs.symlinkSync(target, path.join(ws, name));
    roots = { workspace: ws, brainRoot: brain };
  });
  after(cleanupTempDirs);

  for (const c of CASES) {
    const shown = typeof c.path === 'string' ? JSON.stringify(c.path) : '(absolute)';
    it(`${c.allowed ? 'allows' : 'denies'} ${c.actor} ${c.intent} ${shown}: ${c.note}`, () => {
      const target = typeof c.path === 'string' ? c.path : c.path(t);
      const d = decide({ path: target, intent: c.intent, actor: c.actor, capabilities: c.capabilities, pluginId: 'p', roots });
      assert.equal(d.rule_reference, c.rule, `${d.reason}`);
      assert.equal(d.allowed, c.allowed, d.reason);
      assert.ok(d.reason.length > 0);
    });
  }

  it('gives the path a caller must open: links followed, NFC', () => {
    assert.equal(decide({ path: 'src-link/app.ts', ...READ_AGENT, roots }).resolvedPath, path.join(t, 'ws', 'src', 'app.ts'));
    const nfd = decide({ path: 'cafe\u0301.txt', ...READ_AGENT, roots });
    assert.equal(nfd.allowed, true, nfd.reason);
    assert.equal(nfd.resolvedPath, path.join(t, 'ws', 'caf\u00e9.txt'));
    assert.equal(fs.readFileSync(nfd.resolvedPath as string, 'utf8'), 'nfc');
  });

  it('allows extra roots and a configured temp root', () => {
    const outside = path.join(t, 'outside', 'secret.txt');
    assert.equal(decide({ path: outside, ...READ_AGENT, roots }).allowed, false);
    assert.equal(decide({ path: outside, ...READ_AGENT, roots: { ...roots, extra: [path.join(t, 'outside')] } }).allowed, true);
    const d = decide({ path: outside, intent: 'delete', actor: 'agent', roots: { ...roots, tempRoot: path.join(t, 'outside') } });
    assert.equal(d.rule_reference, RULES.tempDelete, d.reason);
  });

  it('denies the link escape even when the link sits in the brain and the target does not exist yet', () => {
    fs.symlinkSync(path.join(t, 'outside', 'later'), path.join(t, 'ws', 'cortex-brain', 'crawler-temp', 'later'));
    const d = decide({ path: 'cortex-brain/crawler-temp/later/file.txt', intent: 'write', actor: 'engine', roots });
    assert.equal(d.rule_reference, RULES.linkEscape, d.reason);
    assert.equal(d.resolvedPath, path.join(t, 'outside', 'later', 'file.txt'));
  });

  (process.platform === 'win32' ? it.skip : it)('treats a Windows drive path as outside every root on POSIX', () => {
    assert.equal(decide({ path: 'C:\\Windows\\System32\\config\\SAM', ...READ_AGENT, roots }).rule_reference, RULES.outsideRoots);
  });

  it('names secret files by rule', () => {
    const table: Array<[string, string | undefined]> = [
      ['.env', RULES.secretEnv], ['.env.local', RULES.secretEnv], ['.env.example', undefined], ['env.txt', undefined],
      ['tls.key', RULES.secretKey], ['id_ed25519', RULES.secretKey], ['store.pfx', RULES.secretKey], ['keyboard.ts', undefined],
      ['credentials.json', RULES.secretCredentials], ['.pypirc', RULES.secretCredentials], ['package.json', undefined],
    ];
    for (const [name, rule] of table) assert.equal(secretRule(name), rule, name);
  });
});

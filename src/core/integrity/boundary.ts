import * as path from 'node:path';
import {
  actsAsParent,
  isInside,
  keysBelow,
  LinkLoopError,
  nameKey,
  normalizeRequestPath,
  physicalPath,
  UnresolvableError,
} from './boundaryPaths';

/**
 * The boundary guard's one decision (design facts §9): may this actor touch
 * this path with this intent? Pure apart from reading the file system to
 * resolve symbolic links. Callers record the decision (boundaryEvents.ts)
 * and, when allowed, open `resolvedPath`, never the path they were given.
 */

export type BoundaryIntent = 'read' | 'write' | 'scan' | 'delete' | 'plugin';
export type BoundaryActor = 'core' | 'engine' | 'plugin' | 'agent';
export const BOUNDARY_INTENTS: readonly BoundaryIntent[] = ['read', 'write', 'scan', 'delete', 'plugin'];
export const BOUNDARY_ACTORS: readonly BoundaryActor[] = ['core', 'engine', 'plugin', 'agent'];

export interface BoundaryRoots {
  workspace: string;
  brainRoot: string;
  /** Further PathResolver roots (docs, scripts, backups, cold storage) when they live elsewhere. */
  extra?: readonly string[];
  /** Where deletes are always fine; default `<brainRoot>/crawler-temp`. */
  tempRoot?: string;
}

export interface BoundaryRequest {
  /** Absolute, or relative to the workspace. */
  path: string;
  intent: BoundaryIntent;
  actor: BoundaryActor;
  pluginId?: string;
  /** The plugin's declared capabilities (only consulted for actor 'plugin'). */
  capabilities?: readonly string[];
  roots: BoundaryRoots;
}

export interface BoundaryDecision {
  allowed: boolean;
  reason: string;
  rule_reference: string;
  /** Where the path really leads (links followed); the only path a caller may open. */
  resolvedPath?: string;
}

/** Rule references written to boundary_events.rule_reference. */
export const RULES = {
  invalidRequest: 'BOUNDARY#invalid-request',
  nulByte: 'BOUNDARY#nul-byte',
  traversal: 'BOUNDARY#traversal',
  outsideRoots: 'BOUNDARY#outside-roots',
  linkEscape: 'BOUNDARY#link-escape',
  unresolvable: 'BOUNDARY#unresolvable',
  pluginCode: 'BOUNDARY#plugin-code',
  tier0: 'RULE#22 tier0-immutable',
  secretEnv: 'SECRETS#env',
  secretKey: 'SECRETS#key-material',
  secretCredentials: 'SECRETS#credentials',
  capabilityRead: 'CAPABILITY#fs:read',
  capabilityWrite: 'CAPABILITY#fs:write',
  deleteOutsideTemp: 'BOUNDARY#delete-outside-temp',
  tempDelete: 'BOUNDARY#temp-delete',
  insideRoots: 'BOUNDARY#inside-roots',
} as const;

const deny = (rule_reference: string, reason: string, resolvedPath?: string): BoundaryDecision => ({ allowed: false, reason, rule_reference, resolvedPath });
const allow = (rule_reference: string, reason: string, resolvedPath: string): BoundaryDecision => ({ allowed: true, reason, rule_reference, resolvedPath });

/** Which secret rule a file name falls under, if any (names compared by fold key, so `.ENV` and `．env` count). */
export function secretRule(fileName: string): string | undefined {
  const name = nameKey(fileName);
  if (name === '.env' || (name.startsWith('.env.') && name !== '.env.example')) return RULES.secretEnv;
  if (/\.(pem|key|p12|pfx)$/.test(name) || /^id_(rsa|dsa|ecdsa|ed25519)/.test(name)) return RULES.secretKey;
  if (/^credentials.*\.json$/.test(name) || name === '.npmrc' || name === '.pypirc') return RULES.secretCredentials;
  return undefined;
}

/** Tier 0 (Rule #22): `<brainRoot>/tier0/**`, `governance/rules.md` and `cortex.config.template.json` at the brain or workspace root. */
function isTier0(target: string, brainRoots: readonly string[], workspaceRoots: readonly string[]): boolean {
  if (brainRoots.some((b) => keysBelow(target, b)?.[0] === 'tier0')) return true;
  return [...brainRoots, ...workspaceRoots].some((root) => {
    const rel = keysBelow(target, root)?.join('/');
    return rel === 'governance/rules.md' || rel === 'cortex.config.template.json';
  });
}

/** Every root as written (absolute, NFC) and as it really is on disk (links followed). */
interface ResolvedRoots {
  lexical: string[];
  real: string[];
  brain: string[];
  workspace: string[];
  /** The temp root as it really is (deletes are compared with resolved paths). */
  temp: string;
}

function resolveRoots(roots: BoundaryRoots): ResolvedRoots {
  const both = (root: string) => {
    const abs = path.resolve(root.normalize('NFC'));
    return [abs, physicalPath(abs)];
  };
  const temp = both(roots.tempRoot ?? path.join(roots.brainRoot, 'crawler-temp'));
  const all = [roots.workspace, roots.brainRoot, ...(roots.extra ?? [])].map(both).concat([temp]);
  return { lexical: all.map(([lexical]) => lexical), real: all.map(([, real]) => real), workspace: all[0], brain: all[1], temp: temp[1] };
}

/** A path that cannot be resolved (a link loop, an unreadable folder) is denied, never guessed. */
function resolutionFailure(err: unknown): BoundaryDecision {
  if (err instanceof LinkLoopError) return deny(RULES.linkEscape, err.message);
  if (err instanceof UnresolvableError) return deny(RULES.unresolvable, err.message);
  throw err;
}

/** A `..` may move within a root but never climb above the root the path started in. */
function climbsOutOfItsRoot(segments: string[], workspace: string, roots: string[]): boolean {
  const first = segments.indexOf('..');
  if (first < 0) return false;
  // Where the path stands after its first n segments ('' + '/' is the file-system root).
  const upTo = (n: number) => path.resolve(workspace, n === 0 ? '.' : `${segments.slice(0, n).join('/')}/`);
  const start = upTo(first);
  // The outermost root holding the starting point is the most a `..` may climb to.
  const base = roots.filter((r) => isInside(start, r)).sort((a, b) => a.length - b.length)[0];
  if (base === undefined) return true;
  return segments.some((s, i) => i >= first && s === '..' && !isInside(upTo(i + 1), base));
}

function requiredCapability(intent: BoundaryIntent): 'fs:read' | 'fs:write' | undefined {
  if (intent === 'read' || intent === 'scan') return 'fs:read';
  if (intent === 'write' || intent === 'delete') return 'fs:write';
  return undefined;
}

export function decide(request: BoundaryRequest): BoundaryDecision {
  const { intent, actor } = request;
  if (!BOUNDARY_INTENTS.includes(intent)) return deny(RULES.invalidRequest, `unknown intent ${String(intent)}`);
  if (!BOUNDARY_ACTORS.includes(actor)) return deny(RULES.invalidRequest, `unknown actor ${String(actor)}`);
  const normalized = normalizeRequestPath(request.path);
  if (!normalized.ok) {
    const rule = normalized.problem === 'nul' ? RULES.nulByte : normalized.problem === 'invalid' ? RULES.invalidRequest : RULES.outsideRoots;
    return deny(rule, normalized.reason);
  }
  const { text, segments } = normalized;
  let roots: ResolvedRoots;
  try {
    roots = resolveRoots(request.roots);
  } catch (err) {
    return resolutionFailure(err);
  }
  const workspace = roots.workspace[0];

  const lookalike = segments.find((s) => s !== '..' && actsAsParent(s));
  if (lookalike !== undefined) return deny(RULES.traversal, `the segment "${lookalike}" can act as ".." (look-alike characters or trailing dots/spaces)`);
  if (climbsOutOfItsRoot(segments, workspace, roots.lexical)) return deny(RULES.traversal, `${request.path} uses ".." to climb out of its root`);

  const lexical = path.resolve(workspace, text);
  let resolved: string;
  try {
    resolved = physicalPath(path.isAbsolute(text) ? text : `${workspace}${path.sep}${text}`);
  } catch (err) {
    return resolutionFailure(err);
  }
  if (!roots.real.some((r) => isInside(resolved, r))) {
    return roots.lexical.some((r) => isInside(lexical, r))
      ? deny(RULES.linkEscape, `${request.path} leads through a symbolic link to ${resolved}, outside the workspace and brain`, resolved)
      : deny(RULES.outsideRoots, `${resolved} is outside the workspace and brain roots`, resolved);
  }

  // Protected-name rules look at both where the path says it goes and where it really goes.
  const views = [lexical, resolved];
  const inPluginsFolder = (v: string) => roots.brain.some((b) => isInside(v, path.join(b, 'plugins')) && v !== path.join(b, 'plugins'));
  if (intent === 'plugin' && !views.every(inPluginsFolder)) {
    return deny(RULES.pluginCode, `plugin code must live in the brain's plugins folder, not at ${resolved}`, resolved);
  }
  if ((intent === 'write' || intent === 'delete') && actor !== 'core' && views.some((v) => isTier0(v, roots.brain, roots.workspace))) {
    return deny(RULES.tier0, `Tier 0 is immutable: only CORTEX core may ${intent} ${resolved}`, resolved);
  }
  if (actor === 'plugin' || actor === 'agent') {
    const secret = views.map((v) => secretRule(path.basename(v))).find((r) => r !== undefined);
    if (secret) return deny(secret, `${path.basename(resolved)} may hold secrets; a ${actor} may not ${intent} it`, resolved);
  }
  const capability = actor === 'plugin' ? requiredCapability(intent) : undefined;
  if (capability && !(request.capabilities ?? []).includes(capability)) {
    return deny(
      capability === 'fs:read' ? RULES.capabilityRead : RULES.capabilityWrite,
      `plugin ${request.pluginId ?? '(unknown)'} did not declare the ${capability} capability needed to ${intent}`,
      resolved,
    );
  }
  if (intent === 'delete') {
    if (isInside(resolved, roots.temp) && resolved !== roots.temp) return allow(RULES.tempDelete, 'delete inside the temp root', resolved);
    if (actor === 'plugin' || actor === 'agent') return deny(RULES.deleteOutsideTemp, `a ${actor} may only delete inside the temp root`, resolved);
  }
  return allow(RULES.insideRoots, 'inside the workspace and brain roots', resolved);
}

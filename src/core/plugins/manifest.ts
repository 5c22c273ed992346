import * as fs from 'node:fs';
import * as path from 'node:path';
import { isInside, normalizeRequestPath, physicalPath } from '../integrity/boundaryPaths';
import { PluginMetadata, PLUGIN_PRIORITY } from './builtin';
import { KNOWN_HOOKS, PLUGIN_CAPABILITIES, PLUGIN_CATEGORIES, PLUGIN_ID_PATTERN, parsePriority, VERSION_PATTERN } from './vocabulary';

/** `<brainRoot>/plugins/<folder>/plugin.json` describes one third-party plugin. */
export const PLUGINS_DIR = 'plugins';
export const MANIFEST_FILE = 'plugin.json';

export interface PluginManifest extends PluginMetadata {
  /** The entry as written in the manifest (relative to the plugin folder). */
  entry: string;
  /** Absolute path of the entry file, links followed. */
  entryPath: string;
  /** Absolute plugin folder. */
  folder: string;
  capabilities: string[];
  config_schema?: Record<string, unknown>;
}

export interface PluginProblem {
  severity: 'error' | 'warning';
  /** Where it was found: `plugins/<folder>/plugin.json` (relative to the brain) or `cortex.config.json`. */
  source: string;
  plugin_id?: string;
  message: string;
}

const KNOWN_FIELDS = new Set([
  'plugin_id', 'name', 'version', 'category', 'priority', 'description', 'author', 'dependencies', 'hooks', 'entry', 'capabilities', 'config_schema',
]);
const PRIORITY_NAMES = Object.keys(PLUGIN_PRIORITY).join(', ');

/** How a manifest is named in problems: its path relative to the brain. */
export const manifestSource = (folder: string): string => `${PLUGINS_DIR}/${path.basename(folder)}/${MANIFEST_FILE}`;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks the entry: a .js/.cjs file that exists inside the plugin folder, also after following links. */
function entryProblems(entry: string, folder: string): { entryPath?: string; problems: string[] } {
  const normalized = normalizeRequestPath(entry);
  if (!normalized.ok) return { problems: [`entry ${JSON.stringify(entry)}: ${normalized.reason}`] };
  if (path.isAbsolute(normalized.text)) return { problems: [`entry must be relative to the plugin folder, not ${entry}`] };
  if (!/\.c?js$/i.test(normalized.text)) return { problems: [`entry must be a JavaScript file (.js or .cjs), not ${entry}`] };
  const lexical = path.resolve(folder, normalized.text);
  if (!isInside(lexical, folder) || lexical === folder) return { problems: [`entry ${entry} points outside the plugin folder`] };
  if (!fs.existsSync(lexical) || !fs.statSync(lexical).isFile()) return { problems: [`entry file ${entry} does not exist`] };
  let entryPath: string;
  try {
    entryPath = physicalPath(lexical);
    if (isInside(entryPath, physicalPath(folder))) return { entryPath, problems: [] };
  } catch (err) {
    return { problems: [`entry ${entry} cannot be resolved: ${(err as Error).message}`] };
  }
  return { problems: [`entry ${entry} is a link that leads outside the plugin folder (${entryPath})`] };
}

function stringList(value: unknown, field: string, problems: string[], check: (item: string) => string | undefined): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    problems.push(`${field} must be an array`);
    return [];
  }
  const items: string[] = [];
  for (const item of value) {
    if (typeof item !== 'string') problems.push(`${field} holds a non-text item ${JSON.stringify(item)}`);
    else {
      const problem = check(item);
      if (problem) problems.push(problem);
      else items.push(item);
    }
  }
  return items;
}

/**
 * Validates one parsed plugin.json against §7/§9 and returns every problem
 * (never throws). A manifest with any error is not usable; warnings are
 * informational (unknown fields, for forward compatibility).
 */
export function validateManifest(raw: unknown, folder: string, source: string): { manifest?: PluginManifest; problems: PluginProblem[] } {
  if (!isObject(raw)) return { problems: [{ severity: 'error', source, message: 'plugin.json must hold a JSON object' }] };
  const errors: string[] = [];
  const warnings: string[] = [];
  const pluginId = raw.plugin_id;
  if (typeof pluginId !== 'string' || !PLUGIN_ID_PATTERN.test(pluginId)) {
    errors.push(`plugin_id ${JSON.stringify(pluginId)} must match ^[a-z0-9_]+$ and be at most 50 characters`);
  }
  const text = (field: string, required: boolean): string | undefined => {
    const v = raw[field];
    if (v === undefined && !required) return undefined;
    if (typeof v === 'string' && v.trim() !== '') return v;
    errors.push(`${field} must be non-empty text`);
    return undefined;
  };
  const name = text('name', true);
  const version = text('version', true);
  if (version !== undefined && !VERSION_PATTERN.test(version)) errors.push(`version ${JSON.stringify(version)} must be MAJOR.MINOR.PATCH, e.g. 1.0.0`);
  const category = text('category', true);
  if (category !== undefined && !PLUGIN_CATEGORIES.includes(category)) errors.push(`category ${JSON.stringify(category)} is not one of ${PLUGIN_CATEGORIES.join(', ')}`);
  const priority = raw.priority === undefined ? PLUGIN_PRIORITY.NORMAL : parsePriority(raw.priority);
  if (priority === undefined) errors.push(`priority ${JSON.stringify(raw.priority)} must be a whole number ≥ 0 or one of ${PRIORITY_NAMES}`);
  const description = text('description', false);
  const author = text('author', false);
  const dependencies = stringList(raw.dependencies, 'dependencies', errors, (d) =>
    !PLUGIN_ID_PATTERN.test(d) ? `dependency ${JSON.stringify(d)} is not a valid plugin_id` : d === pluginId ? 'a plugin cannot depend on itself' : undefined,
  );
  const hooks = stringList(raw.hooks, 'hooks', errors, (h) => (KNOWN_HOOKS.includes(h) ? undefined : `hook ${JSON.stringify(h)} is not a known hook`));
  if (raw.hooks === undefined || (Array.isArray(raw.hooks) && raw.hooks.length === 0)) errors.push('hooks must name at least one hook');
  const capabilities = stringList(raw.capabilities, 'capabilities', errors, (c) =>
    PLUGIN_CAPABILITIES.includes(c) ? undefined : `capability ${JSON.stringify(c)} is not one of ${PLUGIN_CAPABILITIES.join(', ')}`,
  );
  if (raw.config_schema !== undefined && !isObject(raw.config_schema)) errors.push('config_schema must be a JSON Schema object');
  let entryPath: string | undefined;
  if (typeof raw.entry !== 'string' || raw.entry.trim() === '') errors.push('entry must name the plugin\'s JavaScript file');
  else {
    const checked = entryProblems(raw.entry, folder);
    errors.push(...checked.problems);
    entryPath = checked.entryPath;
  }
  for (const field of Object.keys(raw)) if (!KNOWN_FIELDS.has(field)) warnings.push(`unknown field ${field} ignored`);

  const id = typeof pluginId === 'string' ? pluginId : undefined;
  const problems: PluginProblem[] = [
    ...errors.map((message): PluginProblem => ({ severity: 'error', source, plugin_id: id, message })),
    ...warnings.map((message): PluginProblem => ({ severity: 'warning', source, plugin_id: id, message })),
  ];
  if (errors.length > 0) return { problems };
  return {
    problems,
    manifest: {
      plugin_id: pluginId as string,
      name: name as string,
      version: version as string,
      category: category as string,
      priority: priority as number,
      description: description ?? '',
      author: author ?? '',
      dependencies,
      hooks,
      entry: raw.entry as string,
      entryPath: entryPath as string,
      folder,
      capabilities,
      config_schema: raw.config_schema as Record<string, unknown> | undefined,
    },
  };
}

/**
 * Reads every `<brainRoot>/plugins/<folder>/plugin.json`. Bad manifests are
 * reported and left out; so are links for the plugins folder or a plugin
 * folder (plugin code must really live in the brain) and plugin_ids claimed
 * twice or by a built-in.
 */
export function loadManifests(brainRoot: string, reservedIds: readonly string[] = []): { manifests: PluginManifest[]; problems: PluginProblem[] } {
  const dir = path.join(brainRoot, PLUGINS_DIR);
  const problems: PluginProblem[] = [];
  let entries: fs.Dirent[];
  try {
    if (fs.lstatSync(dir).isSymbolicLink()) {
      return { manifests: [], problems: [{ severity: 'error', source: PLUGINS_DIR, message: 'the plugins folder is a symbolic link; plugin code must live in the brain itself' }] };
    }
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { manifests: [], problems };
    return { manifests: [], problems: [{ severity: 'error', source: PLUGINS_DIR, message: `cannot read the plugins folder: ${(err as Error).message}` }] };
  }
  const found: PluginManifest[] = [];
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (entry.name.startsWith('.')) continue;
    const folder = path.join(dir, entry.name);
    const source = manifestSource(folder);
    if (entry.isSymbolicLink()) {
      problems.push({ severity: 'error', source, message: `plugin folder ${entry.name} is a symbolic link; plugin code must live in the brain's plugins folder` });
      continue;
    }
    if (!entry.isDirectory()) continue;
    const file = path.join(folder, MANIFEST_FILE);
    let raw: unknown;
    try {
      raw = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (err) {
      const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
      problems.push({ severity: missing ? 'warning' : 'error', source, message: missing ? `no ${MANIFEST_FILE} in ${entry.name}; folder ignored` : `${MANIFEST_FILE} is not valid JSON: ${(err as Error).message}` });
      continue;
    }
    const checked = validateManifest(raw, folder, source);
    problems.push(...checked.problems);
    if (checked.manifest) found.push(checked.manifest);
  }
  const manifests: PluginManifest[] = [];
  for (const m of found) {
    const source = manifestSource(m.folder);
    const twins = found.filter((o) => o.plugin_id === m.plugin_id);
    if (reservedIds.includes(m.plugin_id)) problems.push({ severity: 'error', source, plugin_id: m.plugin_id, message: `plugin_id ${m.plugin_id} belongs to a built-in plugin` });
    else if (twins.length > 1) problems.push({ severity: 'error', source, plugin_id: m.plugin_id, message: `plugin_id ${m.plugin_id} is declared in ${twins.map((t) => path.basename(t.folder)).join(' and ')}` });
    else manifests.push(m);
  }
  return { manifests, problems };
}

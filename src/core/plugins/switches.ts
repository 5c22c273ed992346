import * as fs from 'node:fs';
import * as path from 'node:path';
import { CONFIG_FILE } from '../brain/locate';
import { PluginProblem } from './manifest';

/** Which plugins cortex.config.json turns on or off; ids in neither list keep their stored state. */
export interface PluginSwitches {
  enabled: Set<string>;
  disabled: Set<string>;
  problems: PluginProblem[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const ids = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/**
 * Reads the `plugins` key of cortex.config.json in the shapes the design
 * docs use (§12): v2 `{ enabled: [], disabled: [] }`, v1's flat list (all
 * enabled) and D/02's `{ <id>: { enabled } }`. A plugin in both lists stays
 * disabled (the safer reading). A missing file or key means no switches.
 */
export function readPluginSwitches(workspace: string): PluginSwitches {
  const switches: PluginSwitches = { enabled: new Set(), disabled: new Set(), problems: [] };
  let config: unknown;
  try {
    config = JSON.parse(fs.readFileSync(path.join(workspace, CONFIG_FILE), 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      switches.problems.push({ severity: 'warning', source: CONFIG_FILE, message: `cannot read plugin switches: ${(err as Error).message}` });
    }
    return switches;
  }
  const plugins = isObject(config) ? config.plugins : undefined;
  if (Array.isArray(plugins)) ids(plugins).forEach((id) => switches.enabled.add(id));
  else if (isObject(plugins)) {
    ids(plugins.enabled).forEach((id) => switches.enabled.add(id));
    ids(plugins.disabled).forEach((id) => switches.disabled.add(id));
    for (const [id, value] of Object.entries(plugins)) {
      if (isObject(value) && typeof value.enabled === 'boolean') (value.enabled ? switches.enabled : switches.disabled).add(id);
    }
  }
  for (const id of switches.disabled) {
    if (switches.enabled.delete(id)) {
      switches.problems.push({ severity: 'warning', source: CONFIG_FILE, plugin_id: id, message: `${id} is both enabled and disabled; it stays disabled` });
    }
  }
  return switches;
}

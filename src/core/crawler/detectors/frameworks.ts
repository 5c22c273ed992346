import { FRAMEWORK_RULES, ruleMatches } from '../rules/frameworks';
import { dirnameRel } from '../text';
import type { FrameworkFinding } from '../types';
import type { DetectContext, DetectFile } from './context';
import { MANIFEST_ECOSYSTEM, readDependencies } from './manifests';

/**
 * One finding per framework rule a manifest's dependencies match. The version
 * is the exact one when the manifest pins it, else the one the nearest
 * lockfile resolves, else the declared range as written.
 */
export async function detectFrameworks(file: DetectFile, text: string, ctx: DetectContext): Promise<FrameworkFinding[]> {
  const ecosystem = MANIFEST_ECOSYSTEM[file.kind];
  if (!ecosystem) return [];
  const deps = readDependencies(file.kind, text);
  const out: FrameworkFinding[] = [];
  for (const rule of FRAMEWORK_RULES) {
    const matches = deps.filter((d) => ruleMatches(rule, d.ecosystem, d.name));
    if (!matches.length) continue;
    const d = matches.find((m) => m.exact) ?? matches.find((m) => m.spec) ?? matches[0];
    let version = d.exact;
    let versionSource: string | null = version ? 'manifest' : null;
    if (!version) {
      const locked = await ctx.lockedVersion(ecosystem, d.name, dirnameRel(file.rel));
      if (locked) {
        version = locked.version;
        versionSource = locked.lockfile;
      }
    }
    if (!version && d.spec) {
      version = d.spec;
      versionSource = 'declared';
    }
    out.push({
      kind: 'frameworks',
      framework_type: rule.tech,
      version,
      config_location: file.rel,
      components_count: null,
      routes_count: null,
      source: { file: file.rel, line: d.line },
      extra: { name: rule.name, ecosystem, package: d.name, declared: d.spec, version_source: versionSource },
    });
  }
  return out;
}

import * as fs from 'node:fs';
import * as path from 'node:path';
import { Database } from '../../db/database';
import { columnNames, tableExists } from '../../schema/structure';
import { categoryScore } from '../scoring';
import { CategoryResult, CheckContext, issue, Issue } from '../types';

/** Design facts §9. */
const CORE_NAMESPACE = 'CORTEX-core';
/** Application markers (1.0 knowledge_validator: word-bounded, case-insensitive) in a generic pattern's title or content. */
const APPLICATION_MARKERS = /\bKSESSIONS\b|\bNOOR\b|\bInvoice\b|\bReceipt\b|\bHost\b.*\bPanel\b|\bRegistration\b|\bLogin\b|\bDashboard\b|\bAPI\b.*\bEndpoint\b/i;
/** Tier-0 YAML whose name marks application data. */
const APPLICATION_FILE = /ksessions|noor|invoice|receipt|login/i;
/** Tier 0 is immutable (Rule #22): only CORTEX core may write these. */
const TIER0_PATHS = /(^|[\\/])(tier0[\\/]|governance[\\/]rules\.md$|cortex\.config\.template\.json$)/;
const TRAVERSAL = /(^|[\\/])\.\.([\\/]|$)/;

/** A violated rule, with up to five examples of what violates it. */
interface Violation {
  rule: string;
  critical: boolean;
  count: number;
  examples: string[];
  what: string;
  impact: string;
  recommendation: string;
}

/** LIKE ignores ASCII case: a cheap superset of the markers, scanned in SQLite; the regex then confirms each candidate. */
const MARKER_LIKES = ['%ksessions%', '%noor%', '%invoice%', '%receipt%', '%host%panel%', '%registration%', '%login%', '%dashboard%', '%api%endpoint%'];

/**
 * The §9 scope rules over Tier 2 patterns. One scan in SQLite counts the
 * patterns and finds the candidates (namespaces read with json_each); only
 * those are read into JavaScript.
 */
async function patternViolations(db: Database): Promise<{ checked: number; violations: Violation[] }> {
  const cols = new Set(await columnNames(db, 'patterns'));
  const text = ['title', 'content', 'description'].filter((c) => cols.has(c));
  const core = `(CASE WHEN json_valid(namespaces) THEN EXISTS (SELECT 1 FROM json_each(namespaces) WHERE value = '${CORE_NAMESPACE}') ELSE instr(namespaces, '${CORE_NAMESPACE}') > 0 END)`;
  const marked = text.length ? `(CASE WHEN scope = 'generic' THEN ${text.flatMap((c) => MARKER_LIKES.map(() => `${c} LIKE ?`)).join(' OR ')} ELSE 0 END)` : '0';
  const likes = text.flatMap(() => MARKER_LIKES);
  const flagged = `((core AND scope IS NOT 'generic') OR (scope = 'generic' AND (NOT core OR marked)))`;
  const rows = `SELECT ${cols.has('pattern_id') ? 'pattern_id' : 'rowid'} AS pid, scope, ${core} AS core, ${marked} AS marked${text.length ? `, ${text.join(', ')}` : ''} FROM patterns`;
  const total = await db.get<{ n: number; flagged: number | null }>(`SELECT COUNT(*) AS n, SUM(${flagged}) AS flagged FROM (${rows})`, likes);
  const v = {
    coreNonGeneric: { rule: 'core_namespace_non_generic', critical: true, count: 0, examples: [] as string[], what: `patterns in the ${CORE_NAMESPACE} namespace whose scope is neither generic nor application`, impact: 'Unreviewed knowledge is served as core CORTEX knowledge.', recommendation: `Set their scope to generic, or remove ${CORE_NAMESPACE} from their namespaces.` },
    appInCore: { rule: 'application_in_core_namespace', critical: true, count: 0, examples: [] as string[], what: `application patterns that carry the ${CORE_NAMESPACE} namespace`, impact: 'Project-specific knowledge is served as core CORTEX knowledge.', recommendation: `Remove ${CORE_NAMESPACE} from their namespaces and add the project's.` },
    genericOutsideCore: { rule: 'generic_without_core_namespace', critical: true, count: 0, examples: [] as string[], what: `generic patterns missing the ${CORE_NAMESPACE} namespace`, impact: 'Core knowledge is not found where core lookups search.', recommendation: `Add ${CORE_NAMESPACE} to their namespaces, or make them application patterns of their project.` },
    appContent: { rule: 'application_content_in_generic', critical: false, count: 0, examples: [] as string[], what: 'generic patterns whose text names application things (Invoice, Login, Dashboard, …)', impact: 'Project-specific knowledge may be shared as generic.', recommendation: 'Review them; move project-specific ones to application scope.' },
  };
  const add = (x: Violation, id: string) => {
    x.count++;
    if (x.examples.length < 5) x.examples.push(id);
  };
  if (total?.flagged) {
    for (const r of await db.all<Record<string, unknown> & { pid: unknown; scope: unknown; core: number; marked: number }>(`SELECT * FROM (${rows}) WHERE ${flagged}`, likes)) {
      const id = String(r.pid);
      if (r.core && r.scope === 'application') add(v.appInCore, id);
      else if (r.core && r.scope !== 'generic') add(v.coreNonGeneric, id);
      if (r.scope === 'generic') {
        if (!r.core) add(v.genericOutsideCore, id);
        if (r.marked && text.some((c) => typeof r[c] === 'string' && APPLICATION_MARKERS.test(r[c] as string))) add(v.appContent, id);
      }
    }
  }
  return { checked: total?.n ?? 0, violations: Object.values(v).filter((x) => x.count > 0) };
}

function tier0Files(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, depth: number) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory() && depth < 4) walk(p, depth + 1);
      else if (e.isFile()) out.push(p);
    }
  };
  walk(dir, 0);
  return out;
}

/** Boundary decisions recorded in the brain that broke Tier 0 immutability or path containment (one scan in SQLite, candidates confirmed here). */
async function boundaryViolations(db: Database): Promise<{ checked: number; violations: Violation[] }> {
  if (!(await tableExists(db, 'boundary_events'))) return { checked: 0, violations: [] };
  const tier0: Violation = { rule: 'tier0_write_allowed', critical: true, count: 0, examples: [], what: 'writes or deletes of Tier-0 files (tier0/, governance/rules.md, cortex.config.template.json) that the guard allowed a plugin', impact: 'Tier 0 is immutable (Rule #22); a plugin changed core rules.', recommendation: 'Check the files against their originals and the plugin that wrote them; tighten its capabilities.' };
  const traversal: Violation = { rule: 'path_traversal_allowed', critical: true, count: 0, examples: [], what: 'allowed accesses to paths that climb out of their root (..)', impact: 'An agent or plugin reached files outside the workspace roots.', recommendation: 'Review these events and the rule that allowed them.' };
  const candidate = `((event_type IN ('write', 'delete') AND plugin_id IS NOT NULL AND (path LIKE '%tier0%' OR path LIKE '%rules.md' OR path LIKE '%cortex.config.template.json')) OR path LIKE '%..%')`;
  const total = await db.get<{ n: number; candidates: number | null }>(`SELECT COUNT(*) AS n, SUM(${candidate}) AS candidates FROM boundary_events WHERE allowed = 1`);
  if (total?.candidates) {
    const rows = await db.all<{ id: number; event_type: string; path: string; plugin_id: string | null }>(`SELECT id, event_type, path, plugin_id FROM boundary_events WHERE allowed = 1 AND ${candidate} ORDER BY id`);
    for (const r of rows) {
      if ((r.event_type === 'write' || r.event_type === 'delete') && r.plugin_id && TIER0_PATHS.test(r.path)) {
        tier0.count++;
        if (tier0.examples.length < 5) tier0.examples.push(`#${r.id} ${r.plugin_id} ${r.event_type} ${r.path}`);
      }
      if (TRAVERSAL.test(r.path)) {
        traversal.count++;
        if (traversal.examples.length < 5) traversal.examples.push(`#${r.id} ${r.event_type} ${r.path}`);
      }
    }
  }
  return { checked: total?.n ?? 0, violations: [tier0, traversal].filter((x) => x.count > 0) };
}

/**
 * Rule compliance: the CORTEX rules this workspace actually has. Measured only
 * when there is something they apply to — Tier 2 patterns with scopes in the
 * brain, or Tier-0 files in the workspace (`cortex-brain/tier0/`,
 * `governance/rules.md`); then the §9 scope rules, the Tier-0 file rule and
 * the boundary rules (over the brain's recorded boundary events) are applied.
 * Each violated rule costs 0.10 when critical, 0.05 otherwise.
 */
export async function checkRuleCompliance(ctx: CheckContext): Promise<CategoryResult> {
  const { db } = ctx;
  const patternCols = new Set((await tableExists(db, 'patterns')) ? await columnNames(db, 'patterns') : []);
  const hasPatterns = patternCols.has('scope') && patternCols.has('namespaces');
  const tier0Dir = path.join(ctx.brainRoot, 'tier0');
  const hasTier0 = fs.existsSync(tier0Dir) && fs.statSync(tier0Dir).isDirectory();
  const rulesFile = path.join(ctx.workspace, 'governance', 'rules.md');
  const hasRules = fs.existsSync(rulesFile);
  const metrics: Record<string, unknown> = { patternsChecked: 0, tier0FilesChecked: 0, boundaryEventsChecked: 0, rulesFile: hasRules ? rulesFile : null };
  if (!hasPatterns && !hasTier0 && !hasRules) {
    return { score: 1, measured: false, reason: 'no Tier 2 patterns with scopes in the brain and no Tier-0 files (cortex-brain/tier0/, governance/rules.md) in the workspace', issues: [], metrics };
  }

  const violations: Violation[] = [];
  if (hasPatterns) {
    const p = await patternViolations(db);
    metrics.patternsChecked = p.checked;
    violations.push(...p.violations);
  }
  if (hasTier0) {
    let files: string[] = [];
    try {
      files = tier0Files(tier0Dir);
    } catch (err) {
      ctx.warnings.push(`Could not read ${tier0Dir}: ${(err as Error).message}`);
    }
    metrics.tier0FilesChecked = files.length;
    const app = files.filter((f) => /\.ya?ml$/i.test(f) && APPLICATION_FILE.test(path.basename(f)));
    if (app.length) {
      violations.push({ rule: 'application_file_in_tier0', critical: true, count: app.length, examples: app.slice(0, 5).map((f) => path.relative(ctx.brainRoot, f)), what: 'Tier-0 YAML files named for application data (ksessions, noor, invoice, receipt, login)', impact: 'Project data sits in the immutable core every workspace inherits.', recommendation: 'Move them to Tier 2 as application knowledge of their project.' });
    }
  }
  const b = await boundaryViolations(db);
  metrics.boundaryEventsChecked = b.checked;
  violations.push(...b.violations);

  const issues: Issue[] = violations.map((x) =>
    issue('rule_compliance', x.critical ? 'critical' : 'high', x.critical ? 0.1 : 0.05, {
      title: `Rule violated: ${x.rule}`,
      description: `${x.count} ${x.what}: ${x.examples.join(', ')}${x.count > x.examples.length ? ', …' : ''}.`,
      impact: x.impact,
      recommendation: x.recommendation,
    }),
  );
  metrics.rulesViolated = violations.map((x) => x.rule);
  return { score: categoryScore(issues), measured: true, issues, metrics };
}

import { parseDotenv } from '../text';
import type { DatabaseFinding } from '../types';
import type { DetectContext, DetectFile } from './context';
import { fromComponentVars, fromParsed, parseValue } from './dbCommon';

/** `.env*` files: connection strings in any variable, and host/port/name variable groups. */
export function detectEnvFile(file: DetectFile, text: string, ctx: DetectContext): DatabaseFinding[] {
  const out: DatabaseFinding[] = [];
  const vars = new Map<string, { value: string; line: number }>();
  for (const e of parseDotenv(text)) {
    vars.set(e.key, { value: e.value, line: e.line });
    const parsed = parseValue(e.value, e.key);
    if (parsed) out.push(fromParsed(parsed, { file: file.rel, line: e.line }, 'env', ctx, { env_key: e.key }));
  }
  out.push(...fromComponentVars(vars, file.rel, 'env'));
  return out;
}

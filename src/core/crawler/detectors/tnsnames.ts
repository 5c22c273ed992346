import { descriptorValues } from '../connection/parse';
import { redactCredentials } from '../connection/redact';
import { lineAt } from '../text';
import type { DatabaseFinding } from '../types';
import type { DetectContext, DetectFile } from './context';
import { fromParts } from './dbCommon';

interface TnsEntry {
  aliases: string[];
  descriptor: string;
  offset: number;
}

/** `ALIAS[, ALIAS2] = (DESCRIPTION = …)` entries with balanced parentheses; `#` comments and IFILE lines are skipped. */
function parseTnsnames(text: string): TnsEntry[] {
  const clean = text.replace(/#[^\n]*/g, (c) => ' '.repeat(c.length));
  const out: TnsEntry[] = [];
  let pos = 0;
  for (;;) {
    const open = clean.indexOf('(', pos);
    if (open < 0) break;
    let depth = 0;
    let end = open;
    for (; end < clean.length; end++) {
      if (clean[end] === '(') depth++;
      else if (clean[end] === ')' && --depth === 0) break;
    }
    const head = clean.slice(pos, open);
    const eq = head.lastIndexOf('=');
    const aliases = eq < 0 ? [] : head.slice(0, eq).split(',').map((s) => s.trim()).filter((s) => /^[A-Za-z][\w.$-]*$/.test(s));
    if (aliases.length) out.push({ aliases, descriptor: clean.slice(open, end + 1).replace(/\s+/g, ''), offset: pos + head.search(/\S/) });
    pos = end + 1;
  }
  return out;
}

/** tnsnames.ora: one Oracle database per entry; its aliases are remembered so JDBC/ODP.NET strings naming them resolve. */
export function detectTnsnames(file: DetectFile, text: string, ctx: DetectContext): DatabaseFinding[] {
  return parseTnsnames(text).flatMap((e) => {
    const v = descriptorValues(e.descriptor);
    const address = { host: v.get('HOST') ?? null, port: Number(v.get('PORT')) || null, service: v.get('SERVICE_NAME') ?? v.get('SID') ?? null };
    if (!address.host && !address.service) return [];
    for (const a of e.aliases) ctx.tns.set(a.toUpperCase(), address);
    const f = fromParts({ type: 'oracle', host: address.host, port: address.port, database: address.service }, { file: file.rel, line: lineAt(text, e.offset) }, 'tnsnames', {
      tns_aliases: e.aliases,
      ...(v.has('SID') && !v.has('SERVICE_NAME') ? { sid: true } : {}),
    });
    f.connection_string = redactCredentials(`${e.aliases.join(',')}=${e.descriptor}`);
    f.synthesized = false;
    return [f];
  });
}

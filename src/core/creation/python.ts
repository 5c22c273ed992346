import { isBlank, Line } from './lines';
import { Segment, segment } from './segments';

const DEF = /^(?:async[ \t]+def|def|class)\b/;
const DECORATOR = /^@/;
const MAIN_GUARD = /^if\s+(?:__name__\s*==\s*(['"])__main__\1|(['"])__main__\2\s*==\s*__name__)\s*:/;
const IMPORT = /^(?:import|from)\s/;
const STRING_STATEMENT = /^[rRbBuUfF]{0,2}(?:'|")/;
/** Clauses that continue the compound statement above them. */
const CLAUSE = /^(?:elif|else|except|finally)\b/;

type BlockKind = 'docstring' | 'import' | 'def' | 'main' | 'statement';

/**
 * For each line, whether it begins a logical line: not inside a triple-quoted
 * string, brackets or a backslash continuation. Enough of Python's tokenizer
 * to find top-level statements; a line inside a docstring never counts.
 */
export function logicalLineStarts(lines: readonly Line[]): boolean[] {
  const starts: boolean[] = [];
  let depth = 0;
  let triple: string | undefined;
  let single: string | undefined;
  let continued = false;
  for (const { body: s } of lines) {
    starts.push(!triple && !single && depth === 0 && !continued);
    continued = false;
    let i = 0;
    while (i < s.length) {
      const c = s[i];
      if (triple || single) {
        if (c === '\\') i += 2;
        else if (triple && s.startsWith(triple, i)) {
          triple = undefined;
          i += 3;
        } else {
          if (c === single) single = undefined;
          i++;
        }
        continue;
      }
      if (c === '#') break;
      if (c === '"' || c === "'") {
        if (s.startsWith(c.repeat(3), i)) {
          triple = c.repeat(3);
          i += 3;
        } else {
          single = c;
          i++;
        }
        continue;
      }
      if (c === '(' || c === '[' || c === '{') depth++;
      else if (c === ')' || c === ']' || c === '}') depth = Math.max(0, depth - 1);
      else if (c === '\\' && i === s.length - 1) continued = true;
      i++;
    }
    // a one-line string ends with its line unless a backslash carries it on
    if (single) {
      if (s.endsWith('\\')) continued = true;
      else single = undefined;
    }
  }
  return starts;
}

/**
 * Splits Python into a header (leading comments, the module docstring and
 * imports), one section per top-level def/class (with its decorators and the
 * comments right above it), sections of other top-level statements, and a
 * footer for a final `if __name__ == "__main__":` block.
 */
export function pythonSegments(lines: readonly Line[]): Segment[] {
  const n = lines.length;
  if (n === 0) return [];
  const starts = logicalLineStarts(lines);
  const isComment = (k: number) => /^#/.test(lines[k].body);

  const blocks: Array<{ start: number; kind: BlockKind }> = [];
  let previousWasDecorator = false;
  let sawCode = false;
  for (let k = 0; k < n; k++) {
    const b = lines[k].body;
    if (!starts[k] || isBlank(lines[k]) || /^[ \t]/.test(b) || isComment(k)) continue;
    const continuesBlock = CLAUSE.test(b) || (previousWasDecorator && (DEF.test(b) || DECORATOR.test(b)));
    previousWasDecorator = DECORATOR.test(b);
    const kind: BlockKind =
      !sawCode && STRING_STATEMENT.test(b) ? 'docstring'
      : IMPORT.test(b) ? 'import'
      : DEF.test(b) || DECORATOR.test(b) ? 'def'
      : MAIN_GUARD.test(b) ? 'main'
      : 'statement';
    sawCode = true;
    if (continuesBlock) continue;
    let start = k;
    while (start > 0 && starts[start - 1] && isComment(start - 1)) start--;
    blocks.push({ start, kind });
  }
  if (blocks.length === 0) return [segment('section', 0, n - 1)];
  blocks[0].start = 0;

  const blockStarts = new Set(blocks.map((b) => b.start));
  const breakBefore = (k: number) => blockStarts.has(k) || (starts[k] && !isBlank(lines[k]) && k > 0 && isBlank(lines[k - 1]));
  const segments: Segment[] = [];
  const endOf = (index: number) => (index + 1 < blocks.length ? blocks[index + 1].start - 1 : n - 1);
  let i = 0;
  while (i < blocks.length) {
    const { kind } = blocks[i];
    // the docstring and imports form one header, a run of plain statements one section; every def/class stands alone
    const header = i === 0 && (kind === 'docstring' || kind === 'import');
    const joins = (k: BlockKind) => (header ? k === 'docstring' || k === 'import' : kind === 'statement' && k === 'statement');
    let j = i;
    while (j + 1 < blocks.length && joins(blocks[j + 1].kind)) j++;
    const type = header ? 'header' : kind === 'main' && j === blocks.length - 1 ? 'footer' : 'section';
    segments.push(segment(type, blocks[i].start, endOf(j), breakBefore));
    i = j + 1;
  }
  return segments;
}

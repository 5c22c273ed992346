import { charCount, Line } from './lines';
import { ChunkLimits, Segment, segment, Unit } from './segments';

interface JsonShape {
  openLine: number;
  closeLine: number;
  /** Lines where a top-level key or array element begins. */
  elementLines: number[];
  /** Lines where an element one level deeper begins (break points inside a large element). */
  nestedLines: Set<number>;
}

/** Where the top-level container opens and closes and where its elements begin. The text is known to parse. */
function scan(lines: readonly Line[]): JsonShape | undefined {
  let depth = 0;
  let inString = false;
  let escaped = false;
  let expectElementAt = 0; // the depth whose next value begins an element (0: none)
  let openLine: number | undefined;
  let closeLine: number | undefined;
  const elementLines: number[] = [];
  const nestedLines = new Set<number>();
  lines.forEach((line, k) => {
    for (const c of line.text) {
      if (inString) {
        if (escaped) escaped = false;
        else if (c === '\\') escaped = true;
        else if (c === '"') inString = false;
        continue;
      }
      if (c === ' ' || c === '\t' || c === '\r' || c === '\n' || c === '\uFEFF') continue;
      if (expectElementAt && c !== '}' && c !== ']') {
        if (expectElementAt === 1) {
          if (elementLines[elementLines.length - 1] !== k) elementLines.push(k);
        } else nestedLines.add(k);
      }
      expectElementAt = 0;
      if (c === '"') inString = true;
      else if (c === '{' || c === '[') {
        depth++;
        if (depth === 1) openLine = k;
        if (depth <= 2) expectElementAt = depth;
      } else if (c === '}' || c === ']') {
        depth--;
        if (depth === 0) closeLine = k;
      } else if (c === ',' && depth <= 2) expectElementAt = depth;
    }
  });
  if (openLine === undefined || closeLine === undefined) return undefined;
  return { openLine, closeLine, elementLines, nestedLines };
}

/**
 * Splits a multi-line JSON object or array at its top-level keys / elements:
 * header = up to the opening bracket, footer = the closing bracket line, and
 * the elements packed into sections. Undefined for JSON that does not parse,
 * a scalar, or a one-line document (the caller splits those by lines).
 */
export function jsonSegments(content: string, lines: readonly Line[], limits: ChunkLimits): Segment[] | undefined {
  try {
    JSON.parse(content.replace(/^\uFEFF/, ''));
  } catch {
    return undefined;
  }
  const shape = scan(lines);
  if (!shape || shape.openLine === shape.closeLine) return undefined;
  const n = lines.length;
  const { openLine, closeLine, elementLines, nestedLines } = shape;
  const segments: Segment[] = [];

  const firstElement = elementLines[0] ?? closeLine;
  const headerEnd = firstElement > openLine ? firstElement - 1 : -1;
  if (headerEnd >= 0) segments.push(segment('header', 0, headerEnd));

  const closingOwnLine = /^[ \t]*[}\]]/.test(lines[closeLine].body) && closeLine > (elementLines[elementLines.length - 1] ?? openLine);
  const footerStart = closingOwnLine ? closeLine : n;

  const starts = elementLines.filter((k) => k > headerEnd);
  if (starts.length === 0 || starts[0] !== headerEnd + 1) starts.unshift(headerEnd + 1);
  const units: Unit[] = [];
  starts.forEach((start, i) => {
    const end = (i + 1 < starts.length ? starts[i + 1] : footerStart) - 1;
    if (end < start) return;
    let chars = 0;
    for (let k = start; k <= end; k++) chars += charCount(lines[k].text);
    if (end - start + 1 <= limits.maxLines && Math.floor(chars / 4) <= limits.maxTokens) units.push({ start, end, breakBefore: true });
    else for (let k = start; k <= end; k++) units.push({ start: k, end: k, breakBefore: k === start || nestedLines.has(k) });
  });
  if (units.length > 0) segments.push({ type: 'section', units });
  if (footerStart < n) segments.push(segment('footer', footerStart, n - 1));
  return segments;
}

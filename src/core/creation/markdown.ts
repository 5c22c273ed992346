import { isBlank, Line } from './lines';
import { Segment, segment, Unit, wholeSegment } from './segments';

const ATX_HEADING = /^ {0,3}#{1,6}(?:[ \t]|$)/;
const ATX_H1 = /^ {0,3}#(?:[ \t]|$)/;
const SETEXT_UNDERLINE = /^ {0,3}(?:=+|-+)[ \t]*$/;
const SETEXT_H1_UNDERLINE = /^ {0,3}=+[ \t]*$/;
const THEMATIC_BREAK = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const LIST_ITEM = /^([ \t]*)([-*+]|\d{1,9}[.)])(?:[ \t]+|$)/;
const TABLE_DELIMITER = /^[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$/;
/** `[label]: url` reference definitions and `[^1]: text` footnotes. */
const REFERENCE_DEF = /^ {0,3}\[[^\]]+\]:[ \t]*\S/;
const FENCE = /^([ \t]*)(`{3,}|~{3,})(.*)$/;
const FENCE_CLOSE = /^[ \t]*(`{3,}|~{3,})[ \t]*$/;

interface Fence {
  char: string;
  length: number;
}

function indentWidth(body: string): number {
  let w = 0;
  for (const c of body) {
    if (c === ' ') w++;
    else if (c === '\t') w += 4 - (w % 4);
    else break;
  }
  return w;
}

/** The fence a line opens, if any; `maxIndent` 3 at top level, unlimited inside list items. */
function fenceOpen(body: string, maxIndent: number): Fence | undefined {
  const m = FENCE.exec(body);
  if (!m || indentWidth(m[1]) > maxIndent) return undefined;
  if (m[2][0] === '`' && m[3].includes('`')) return undefined; // an inline code span, not a fence
  return { char: m[2][0], length: m[2].length };
}

/** The line closing the fence opened at `open`, or the last line when it never closes. */
function fenceEnd(lines: readonly Line[], open: number, fence: Fence): { end: number; closed: boolean } {
  for (let k = open + 1; k < lines.length; k++) {
    const m = FENCE_CLOSE.exec(lines[k].body);
    if (m && m[1][0] === fence.char && m[1].length >= fence.length) return { end: k, closed: true };
  }
  return { end: lines.length - 1, closed: false };
}

/** Whether some fence in these lines never closes (the spec's "Unbalanced code fences"). */
export function hasUnclosedFence(lines: readonly Line[]): boolean {
  for (let k = 0; k < lines.length; k++) {
    const fence = fenceOpen(lines[k].body, Infinity);
    if (!fence) continue;
    const { end, closed } = fenceEnd(lines, k, fence);
    if (!closed) return true;
    k = end;
  }
  return false;
}

/** Index of the line closing a `---` front matter block at the top, or -1. */
function frontMatterEnd(lines: readonly Line[]): number {
  if (lines.length === 0 || lines[0].body.trimEnd() !== '---') return -1;
  for (let k = 1; k < lines.length; k++) {
    const b = lines[k].body.trimEnd();
    if (b === '---' || b === '...') return k;
  }
  return -1;
}

/** Whether the file's first line after any front matter is a heading (spec §6: "File should start with a header"). */
export function startsWithHeading(lines: readonly Line[]): boolean {
  let k = frontMatterEnd(lines) + 1;
  while (k < lines.length && isBlank(lines[k])) k++;
  if (k >= lines.length) return false;
  return ATX_HEADING.test(lines[k].body) || (k + 1 < lines.length && SETEXT_UNDERLINE.test(lines[k + 1].body) && !THEMATIC_BREAK.test(lines[k].body));
}

/**
 * Splits markdown into header (front matter and/or a leading `# ` title with
 * its intro), sections (a heading or prose up to the next block), code blocks
 * (fenced, never split), lists (items with their nested fences), tables (GFM)
 * and a footer (trailing reference definitions / footnotes, or what follows a
 * final horizontal rule). Blank lines stay with the block before them.
 */
export function markdownSegments(lines: readonly Line[]): Segment[] {
  const n = lines.length;
  const blank = (k: number) => k < 0 || k >= n || isBlank(lines[k]);
  const body = (k: number) => lines[k].body;

  const thematicBreakAt = (k: number) =>
    // `---` right under a paragraph line is a setext underline, not a rule
    THEMATIC_BREAK.test(body(k)) && !(SETEXT_UNDERLINE.test(body(k)) && !blank(k - 1));
  const headingAt = (k: number) =>
    ATX_HEADING.test(body(k)) || (blank(k - 1) && !blank(k) && k + 1 < n && SETEXT_UNDERLINE.test(body(k + 1)) && !listItemAt(k) && !thematicBreakAt(k));
  const listItemAt = (k: number) => LIST_ITEM.test(body(k)) && indentWidth(body(k)) <= 3 && !THEMATIC_BREAK.test(body(k));
  /** A list may start after a blank line or a heading; inside a paragraph only a bullet or `1.` starts one (CommonMark). */
  const listStartAt = (k: number) => {
    if (!listItemAt(k)) return false;
    if (blank(k - 1) || ATX_HEADING.test(body(k - 1))) return true;
    const marker = LIST_ITEM.exec(body(k))![2];
    return /^[-*+]$/.test(marker) || /^0*1[.)]$/.test(marker);
  };
  const tableStartAt = (k: number) => k + 1 < n && body(k).includes('|') && body(k + 1).includes('|') && TABLE_DELIMITER.test(body(k + 1));
  const startsBlock = (k: number) => headingAt(k) || fenceOpen(body(k), 3) !== undefined || listStartAt(k) || tableStartAt(k);
  const trailingBlanks = (end: number) => {
    let e = end;
    while (e + 1 < n && blank(e + 1)) e++;
    return e;
  };
  const paragraphStart = (k: number) => !blank(k) && blank(k - 1);

  const fmEnd = frontMatterEnd(lines);
  const footer = footerStart(lines, fmEnd + 1, thematicBreakAt);

  /** Last line of a section whose first line precedes `from`: up to the next block, or through a rule (spec: it closes the chunk). */
  const sectionEnd = (from: number): number => {
    let k = from;
    for (; k < n && k < footer; k++) {
      if (thematicBreakAt(k)) return trailingBlanks(k);
      if (startsBlock(k)) return k - 1;
    }
    return k - 1;
  };

  const segments: Segment[] = [];
  let i = 0;
  let first = 0;
  while (first < n && blank(first)) first++;
  const titleAt = fmEnd >= 0 ? trailingBlanks(fmEnd) + 1 : first;
  const atxTitle = titleAt < n && titleAt < footer && ATX_H1.test(body(titleAt));
  const setextTitle = !atxTitle && titleAt + 1 < n && titleAt + 1 < footer && !blank(titleAt) && SETEXT_H1_UNDERLINE.test(body(titleAt + 1));
  if (fmEnd >= 0 || atxTitle || setextTitle) {
    const after = atxTitle ? titleAt + 1 : setextTitle ? titleAt + 2 : fmEnd + 1;
    const end = sectionEnd(after);
    segments.push(segment('header', 0, end, paragraphStart));
    i = end + 1;
  }

  while (i < n) {
    if (i >= footer) {
      segments.push(segment('footer', i, n - 1, paragraphStart));
      break;
    }
    const fence = fenceOpen(body(i), 3);
    if (fence) {
      const end = trailingBlanks(fenceEnd(lines, i, fence).end);
      segments.push(wholeSegment('code_block', i, end));
      i = end + 1;
    } else if (!headingAt(i) && listItemAt(i)) {
      const list = listAt(i);
      segments.push({ type: 'list', units: list.units });
      i = list.end + 1;
    } else if (tableStartAt(i)) {
      let end = i + 1;
      while (end + 1 < n && end + 1 < footer && !blank(end + 1) && body(end + 1).includes('|') && !headingAt(end + 1) && !fenceOpen(body(end + 1), 3)) end++;
      end = trailingBlanks(end);
      // the header row never leaves its delimiter row
      const units: Unit[] = [{ start: i, end: i + 1, breakBefore: true }];
      for (let k = i + 2; k <= end; k++) units.push({ start: k, end: k, breakBefore: !blank(k) });
      segments.push({ type: 'table', units });
      i = end + 1;
    } else {
      const end = Math.max(i, sectionEnd(i + 1));
      segments.push(segment('section', i, end, paragraphStart));
      i = end + 1;
    }
  }
  return segments;

  /** A list from its first item: items, indented continuations, lazy lines, blank lines between, and fences inside items. */
  function listAt(start: number): { end: number; units: Unit[] } {
    const units: Unit[] = [];
    let k = start;
    for (; k < n && k < footer; k++) {
      if (blank(k)) {
        units.push({ start: k, end: k, breakBefore: false });
        continue;
      }
      const indent = indentWidth(body(k));
      const fence = fenceOpen(body(k), Infinity);
      if (k > start) {
        // after a blank line only items and indented lines continue the list; right after a list line, lazy paragraph text does too
        const lazy = !blank(k - 1) && !startsBlock(k) && !thematicBreakAt(k);
        const inside = fence ? indent >= 2 : listItemAt(k) || indent >= 2 || lazy;
        if (!inside || thematicBreakAt(k)) break;
      }
      // a fence may open on the item's own line (`- ```sh`)
      const item = LIST_ITEM.exec(body(k));
      const itemFence = !fence && item ? fenceOpen(body(k).slice(item[0].length), Infinity) : undefined;
      if (fence || itemFence) {
        const end = fenceEnd(lines, k, (fence ?? itemFence)!).end;
        units.push({ start: k, end, breakBefore: k > start && itemFence !== undefined });
        k = end;
        continue;
      }
      units.push({ start: k, end: k, breakBefore: k > start && listItemAt(k) });
    }
    // blank lines before the next block stay with the list
    return { end: k - 1, units };
  }
}

/**
 * Where the footer starts (n when there is none): the trailing run of
 * reference definitions / footnotes, or the part from the last horizontal
 * rule when no heading, fence or table follows it. Never the whole file.
 */
function footerStart(lines: readonly Line[], from: number, thematicBreakAt: (k: number) => boolean): number {
  const n = lines.length;
  const inFence = new Array<boolean>(n).fill(false);
  for (let k = 0; k < n; k++) {
    const fence = fenceOpen(lines[k].body, Infinity);
    if (!fence) continue;
    const { end } = fenceEnd(lines, k, fence);
    for (let j = k; j <= end; j++) inFence[j] = true;
    k = end;
  }
  let firstContent = 0;
  while (firstContent < n && isBlank(lines[firstContent])) firstContent++;

  let definitions = n;
  for (let k = n - 1; k >= from && !inFence[k]; k--) {
    const b = lines[k].body;
    if (REFERENCE_DEF.test(b)) definitions = k;
    else if (!isBlank(lines[k]) && !/^(?: {2,}|\t)/.test(b)) break; // indented lines continue a footnote
  }

  let rule = n;
  for (let k = n - 1; k >= from; k--) {
    const b = lines[k].body;
    if (inFence[k] || ATX_HEADING.test(b) || (TABLE_DELIMITER.test(b) && b.includes('|'))) break;
    if (thematicBreakAt(k)) {
      rule = k;
      break;
    }
    if (SETEXT_UNDERLINE.test(b) && k > 0 && !isBlank(lines[k - 1])) break; // a setext heading
  }
  const start = Math.min(definitions, rule);
  return start > firstContent ? start : n;
}

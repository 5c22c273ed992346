import { charCount, Line } from './lines';

export type ChunkType = 'header' | 'section' | 'code_block' | 'list' | 'table' | 'footer';
export const CHUNK_TYPES: readonly ChunkType[] = ['header', 'section', 'code_block', 'list', 'table', 'footer'];

export interface ChunkLimits {
  maxLines: number;
  maxTokens: number;
}
export const DEFAULT_LIMITS: ChunkLimits = { maxLines: 200, maxTokens: 4000 };

/**
 * Lines that must stay in one chunk (a fenced block, a table's header row with
 * its delimiter, a JSON element that fits). 0-based, inclusive.
 */
export interface Unit {
  start: number;
  end: number;
  /** Whether a chunk may well begin here (a paragraph, a list item, a JSON key). */
  breakBefore: boolean;
}

/** A run of lines of one chunk type, as the file-type planners find them; packed into chunks within the limits. */
export interface Segment {
  type: ChunkType;
  units: Unit[];
}

/** One unit per line of [start, end], breakable where `breakBefore(i)` says. */
export function lineUnits(start: number, end: number, breakBefore: (i: number) => boolean): Unit[] {
  const units: Unit[] = [];
  for (let i = start; i <= end; i++) units.push({ start: i, end: i, breakBefore: breakBefore(i) });
  return units;
}

export function segment(type: ChunkType, start: number, end: number, breakBefore: (i: number) => boolean = () => false): Segment {
  return { type, units: lineUnits(start, end, breakBefore) };
}

/** A segment that is never split (a fenced code block). */
export function wholeSegment(type: ChunkType, start: number, end: number): Segment {
  return { type, units: [{ start, end, breakBefore: true }] };
}

/**
 * Packs a segment's units greedily into [start, end] line ranges that stay
 * within the limits. When the next unit would overflow, the chunk closes at its
 * latest good break (else right before the unit). A unit larger than the limits
 * becomes a chunk of its own: a fence or a single line is never cut.
 */
export function pack(units: readonly Unit[], lines: readonly Line[], limits: ChunkLimits): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  const current: Array<{ unit: Unit; lines: number; chars: number }> = [];
  let lineTotal = 0;
  let charTotal = 0;
  const flush = (count: number) => {
    const taken = current.splice(0, count);
    for (const t of taken) {
      lineTotal -= t.lines;
      charTotal -= t.chars;
    }
    ranges.push([taken[0].unit.start, taken[taken.length - 1].unit.end]);
  };
  for (const unit of units) {
    let chars = 0;
    for (let i = unit.start; i <= unit.end; i++) chars += charCount(lines[i].text);
    const next = { unit, lines: unit.end - unit.start + 1, chars };
    const overflows = () => lineTotal + next.lines > limits.maxLines || Math.floor((charTotal + next.chars) / 4) > limits.maxTokens;
    while (current.length > 0 && overflows()) {
      let cut = current.length;
      if (!unit.breakBefore) {
        for (let k = current.length - 1; k > 0; k--) {
          if (current[k].unit.breakBefore) {
            cut = k;
            break;
          }
        }
      }
      flush(cut);
    }
    current.push(next);
    lineTotal += next.lines;
    charTotal += next.chars;
  }
  if (current.length > 0) flush(current.length);
  return ranges;
}

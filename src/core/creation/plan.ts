import * as path from 'node:path';
import { CortexError } from '../db/errors';
import { jsonSegments } from './json';
import { estimateTokens, isBlank, splitLines } from './lines';
import { markdownSegments } from './markdown';
import { pythonSegments } from './python';
import { ChunkLimits, ChunkType, DEFAULT_LIMITS, pack, Segment, segment } from './segments';

export type FileType = 'markdown' | 'python' | 'json' | 'other';
export const FILE_TYPES: readonly FileType[] = ['markdown', 'python', 'json', 'other'];

export interface PlannedChunk {
  /** 1-based. */
  number: number;
  type: ChunkType;
  /** 1-based, inclusive. */
  lineStart: number;
  lineEnd: number;
  /** floor(characters / 4), as the spec estimates. */
  estimatedTokens: number;
  /** The chunk's exact text; the texts of all chunks joined are the content. */
  text: string;
}

const EXTENSIONS: Record<string, FileType> = { '.md': 'markdown', '.markdown': 'markdown', '.mdx': 'markdown', '.py': 'python', '.pyw': 'python', '.json': 'json' };

export function fileTypeFor(filePath: string): FileType {
  return EXTENSIONS[path.extname(filePath).toLowerCase()] ?? 'other';
}

export function resolveLimits(limits: Partial<ChunkLimits> = {}): ChunkLimits {
  const resolved = { ...DEFAULT_LIMITS, ...limits };
  for (const [name, value] of Object.entries(resolved)) {
    if (!Number.isInteger(value) || value < 1) throw new CortexError('BAD_INPUT', `The chunk limit ${name} must be a whole number of at least 1 (got ${value}).`);
  }
  return resolved;
}

/**
 * Splits content into chunks of the six spec types, each within the limits
 * unless it cannot be split (a fenced code block, a single line). Pure: no I/O.
 */
export function planChunks(content: string, fileType: FileType, limits: Partial<ChunkLimits> = {}): PlannedChunk[] {
  const resolved = resolveLimits(limits);
  const lines = splitLines(content);
  if (lines.length === 0) return [];
  const paragraphStart = (k: number) => k > 0 && !isBlank(lines[k]) && isBlank(lines[k - 1]);
  let segments: Segment[];
  switch (fileType) {
    case 'markdown':
      segments = markdownSegments(lines);
      break;
    case 'python':
      segments = pythonSegments(lines);
      break;
    case 'json':
      segments = jsonSegments(content, lines, resolved) ?? [segment('section', 0, lines.length - 1, paragraphStart)];
      break;
    default:
      segments = [segment('section', 0, lines.length - 1, paragraphStart)];
  }

  const chunks: PlannedChunk[] = [];
  let next = 0;
  for (const seg of segments) {
    for (const [index, [start, end]] of pack(seg.units, lines, resolved).entries()) {
      // every planner must tile the file exactly; a gap or overlap would corrupt the written file
      if (start !== next || end < start) throw new Error(`chunk planner bug: ${fileType} chunk at line ${start + 1} does not follow line ${next}`);
      const text = lines.slice(start, end + 1).map((l) => l.text).join('');
      // the header is the leading block only; what overflows it is ordinary text
      const type = seg.type === 'header' && index > 0 ? 'section' : seg.type;
      chunks.push({ number: chunks.length + 1, type, lineStart: start + 1, lineEnd: end + 1, estimatedTokens: estimateTokens(text), text });
      next = end + 1;
    }
  }
  if (next !== lines.length) throw new Error(`chunk planner bug: ${fileType} plan stops at line ${next} of ${lines.length}`);
  return chunks;
}

import { execFile } from 'node:child_process';
import { splitLines } from './lines';
import { hasUnclosedFence, startsWithHeading } from './markdown';
import { FileType, PlannedChunk } from './plan';
import { ChunkLimits } from './segments';

export const PYTHON_UNAVAILABLE = 'python not available, syntax not checked';

/**
 * Per-chunk warnings (spec §6), index-aligned with `chunks`: for markdown an
 * unclosed fence in the chunk and, on chunk 1, a file that does not start with
 * a heading; for every type, a chunk over the limits because it cannot be split.
 */
export function chunkWarnings(content: string, fileType: FileType, chunks: readonly PlannedChunk[], limits: ChunkLimits): string[][] {
  const startsWell = fileType !== 'markdown' || startsWithHeading(splitLines(content));
  return chunks.map((chunk) => {
    const warnings: string[] = [];
    const lineCount = chunk.lineEnd - chunk.lineStart + 1;
    if (lineCount > limits.maxLines || chunk.estimatedTokens > limits.maxTokens) {
      const what = chunk.type === 'code_block' ? 'a fenced code block' : lineCount === 1 ? 'a single line' : 'a block that cannot be split';
      warnings.push(`Chunk is ${lineCount} lines / ~${chunk.estimatedTokens} tokens, over the limits (${limits.maxLines} lines / ${limits.maxTokens} tokens): ${what} is never split`);
    }
    if (fileType === 'markdown') {
      if (hasUnclosedFence(splitLines(chunk.text))) warnings.push('Unbalanced code fences');
      if (chunk.number === 1 && !startsWell) warnings.push('File should start with a header');
    }
    return warnings;
  });
}

// compile() rather than py_compile: it checks the same syntax without writing __pycache__ next to the file
const PYTHON_CHECK = [
  'import sys',
  'try:',
  "    compile(open(sys.argv[1], 'rb').read(), sys.argv[1], 'exec', dont_inherit=True)",
  'except (SyntaxError, ValueError) as e:',
  "    print(f\"line {getattr(e, 'lineno', '?')}: {getattr(e, 'msg', e)}\")",
  '    sys.exit(1)',
].join('\n');

/**
 * Whole-file checks that a partial file would always fail, so they run once the
 * file is complete: JSON must parse; Python must compile (when python3 exists).
 */
export async function fileWarnings(filePath: string, fileType: FileType, content: string, pythonCommand = 'python3'): Promise<string[]> {
  if (fileType === 'json') {
    try {
      JSON.parse(content.replace(/^\uFEFF/, ''));
      return [];
    } catch (err) {
      return [`Invalid JSON: ${(err as Error).message}`];
    }
  }
  if (fileType !== 'python') return [];
  return new Promise((resolve) => {
    execFile(pythonCommand, ['-c', PYTHON_CHECK, filePath], { timeout: 60000, encoding: 'utf8' }, (err, stdout) => {
      if (!err) resolve([]);
      else if ((err as NodeJS.ErrnoException).code === 'ENOENT') resolve([PYTHON_UNAVAILABLE]);
      else if (typeof err.code === 'number' && err.code === 1 && stdout.trim()) resolve([`Python syntax error: ${stdout.trim()}`]);
      else resolve([`Python syntax not checked: ${err.message.split('\n')[0]}`]);
    });
  });
}

/** One line of a file: its exact text (end-of-line included) and its text for classification. */
export interface Line {
  /** The line exactly as in the file, with its `\n` or `\r\n` (none on an unterminated last line). */
  text: string;
  /** Without the line ending, and without a byte-order mark on the first line. */
  body: string;
}

/**
 * Splits on `\n` only, keeping every character: joining the `text`s gives the
 * content back exactly (CRLF, a missing final newline and a BOM included).
 * An empty file has no lines.
 */
export function splitLines(content: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  while (start < content.length) {
    const nl = content.indexOf('\n', start);
    const end = nl < 0 ? content.length : nl + 1;
    const text = content.slice(start, end);
    let body = text.endsWith('\r\n') ? text.slice(0, -2) : text.endsWith('\n') ? text.slice(0, -1) : text;
    if (start === 0 && body.startsWith('\uFEFF')) body = body.slice(1);
    lines.push({ text, body });
    start = end;
  }
  return lines;
}

/** Characters as a reader counts them (code points, so non-ASCII text is not over-counted). */
export function charCount(text: string): number {
  let surrogatePairs = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) surrogatePairs++;
  }
  return text.length - surrogatePairs;
}

/** The spec's token estimate: floor(characters / 4). */
export function estimateTokens(text: string): number {
  return Math.floor(charCount(text) / 4);
}

export function isBlank(line: Line): boolean {
  return line.body.trim() === '';
}

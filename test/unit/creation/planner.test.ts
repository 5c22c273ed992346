import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { splitLines } from '../../../src/core/creation/lines';
import { hasUnclosedFence } from '../../../src/core/creation/markdown';
import { fileTypeFor, planChunks, PlannedChunk } from '../../../src/core/creation/plan';
import { CHUNK_TYPES, ChunkLimits, DEFAULT_LIMITS } from '../../../src/core/creation/segments';
import { chunkWarnings, fileWarnings, PYTHON_UNAVAILABLE } from '../../../src/core/creation/validate';
import { CortexError } from '../../../src/core/db/errors';
import { cleanupTempDirs, REPO_ROOT, tempDir } from '../../helpers/fixtures';

const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'creation');
const CORPUS = fs.readdirSync(FIXTURES).filter((f) => !f.startsWith('.'));
const read = (name: string) => fs.readFileSync(path.join(FIXTURES, name), 'utf8');
const plan = (name: string, limits: Partial<ChunkLimits> = {}) => planChunks(read(name), fileTypeFor(name), limits);
const LIMITS: ChunkLimits[] = [DEFAULT_LIMITS, { maxLines: 8, maxTokens: 60 }, { maxLines: 3, maxTokens: 30 }, { maxLines: 1, maxTokens: 1 }];

/** The chunk holding 1-based line `line`. */
function chunkAt(chunks: PlannedChunk[], line: number): PlannedChunk {
  const c = chunks.find((x) => x.lineStart <= line && line <= x.lineEnd);
  assert.ok(c, `no chunk holds line ${line}`);
  return c;
}
/** 1-based number of the first line of `content` equal to `text` (after trimming its end). */
function lineOf(content: string, text: string, from = 1): number {
  const i = splitLines(content).findIndex((l, k) => k + 1 >= from && l.body.trimEnd() === text);
  assert.ok(i >= 0, `line ${JSON.stringify(text)} not in the fixture`);
  return i + 1;
}
const codePoints = (s: string) => [...s].length;

describe('chunk planner', () => {
  afterEach(cleanupTempDirs);

  it('the corpus covers every file type and every chunk type', () => {
    const types = new Set(CORPUS.map(fileTypeFor));
    assert.deepEqual([...types].sort(), ['json', 'markdown', 'other', 'python']);
    const seen = new Set(CORPUS.flatMap((f) => plan(f).map((c) => c.type)));
    assert.deepEqual([...seen].sort(), [...CHUNK_TYPES].sort());
  });

  for (const file of CORPUS) {
    for (const limits of LIMITS) {
      it(`${file} at ${limits.maxLines} lines / ${limits.maxTokens} tokens: chunks tile the file exactly`, () => {
        const content = read(file);
        const chunks = plan(file, limits);
        assert.equal(chunks.map((c) => c.text).join(''), content, 'joined chunk texts reproduce the bytes');
        const lineCount = splitLines(content).length;
        let next = 1;
        chunks.forEach((c, i) => {
          assert.equal(c.number, i + 1);
          assert.ok(CHUNK_TYPES.includes(c.type));
          assert.equal(c.lineStart, next, `chunk ${c.number} starts where the previous ended`);
          assert.ok(c.lineEnd >= c.lineStart);
          assert.equal(splitLines(c.text).length, c.lineEnd - c.lineStart + 1);
          assert.equal(c.estimatedTokens, Math.floor(codePoints(c.text) / 4));
          next = c.lineEnd + 1;
        });
        assert.equal(next, lineCount + 1, 'the last chunk ends on the last line');
      });
    }
  }

  it('keeps every chunk within the limits unless it is a fence, a list holding a fence, or one line', () => {
    const limits = { maxLines: 3, maxTokens: 30 };
    for (const file of CORPUS) {
      for (const c of plan(file, limits)) {
        const lines = c.lineEnd - c.lineStart + 1;
        if (lines <= limits.maxLines && c.estimatedTokens <= limits.maxTokens) continue;
        const holdsFence = /^\s*(```|~~~)/m.test(c.text);
        assert.ok(lines === 1 || c.type === 'code_block' || (c.type === 'list' && holdsFence), `${file} chunk ${c.number} (${c.type}, ${lines} lines, ${c.estimatedTokens} tokens) should have been split`);
      }
    }
  });

  it('never splits a fenced code block, at any limit', () => {
    for (const file of CORPUS.filter((f) => fileTypeFor(f) === 'markdown')) {
      assert.equal(hasUnclosedFence(splitLines(read(file))), false, `${file} is balanced`);
      for (const limits of LIMITS) {
        for (const c of plan(file, limits)) assert.equal(hasUnclosedFence(splitLines(c.text)), false, `${file} chunk ${c.number} cuts a fence`);
      }
    }
  });

  it('markdown: front matter + title header, lists with their fences, tables, code blocks, footer', () => {
    const file = 'readme-frontmatter.md';
    const content = read(file);
    const chunks = plan(file);
    assert.equal(chunks[0].type, 'header');
    assert.ok(chunks[0].text.startsWith('---\ntitle:'), 'front matter opens the header');
    assert.ok(chunks[0].lineEnd >= lineOf(content, '# acme-shop'), 'the title and its intro are in the header');
    assert.equal(chunkAt(chunks, lineOf(content, '## Contents')).type, 'section');
    // the fences inside the numbered steps stay in the list chunk, with the items around them
    const steps = chunkAt(chunks, lineOf(content, '1. Clone the repository and install the dependencies:'));
    assert.equal(steps.type, 'list');
    for (const inner of ['   ```sh', '   # wait for the health check, then:', '4. Open <http://localhost:5173>.']) assert.equal(chunkAt(chunks, lineOf(content, inner)), steps);
    const table = chunkAt(chunks, lineOf(content, '| Variable | Default | Meaning |'));
    assert.equal(table.type, 'table');
    assert.equal(chunkAt(chunks, lineOf(content, '| `LOG_LEVEL` | `info` | `debug`, `info`, `warn` or `error` |')), table);
    const json = chunkAt(chunks, lineOf(content, '```json'));
    assert.equal(json.type, 'code_block');
    assert.ok(json.text.startsWith('```json\n{') && json.text.trimEnd().endsWith('```'), 'the code block is exactly the fence');
    assert.equal(chunkAt(chunks, lineOf(content, '~~~sh')).type, 'code_block');
    assert.equal(chunkAt(chunks, lineOf(content, '* `checkoutV2` — the new one-page checkout.')).type, 'list');
    assert.equal(chunkAt(chunks, lineOf(content, 'Release notes')).type, 'section', 'a setext heading starts a section');
    const footer = chunks[chunks.length - 1];
    assert.equal(footer.type, 'footer');
    assert.equal(footer.lineStart, lineOf(content, '---', 10), 'the footer starts at the final rule');
    assert.match(footer.text, /\[semver\]: https:\/\/semver\.org\/\n\[\^ci\]:/);
  });

  it('markdown: a fence inside a list item keeps heading-like and rule-like lines inside the list', () => {
    const file = 'guide-lists.md';
    const content = read(file);
    for (const limits of LIMITS.slice(0, 2)) {
      const chunks = plan(file, limits);
      assert.equal(chunks[0].type, 'header', 'a setext title is the header');
      for (const inner of ['  # this deletes every local order!', '  # ---', '     # the API is down', '     rm -rf node_modules/.vite']) {
        assert.equal(chunkAt(chunks, lineOf(content, inner)).type, 'list', `${inner} at ${limits.maxLines} lines`);
      }
      // a fence at column 0 ends the list: it is code, and its `- ` line is no list item
      const plain = chunkAt(chunks, lineOf(content, 'Plain fence after a list, not inside it.'));
      assert.equal(plain.type, 'code_block');
      assert.equal(chunkAt(chunks, lineOf(content, '- not a list item: this is code')), plain);
      assert.equal(chunkAt(chunks, lineOf(content, '3. Restarting Docker Desktop fixes most network errors.')).type, 'list');
      assert.equal(chunkAt(chunks, lineOf(content, '    continued with an indented line')).type, 'list');
      assert.equal(chunkAt(chunks, lineOf(content, '***')).type, 'footer');
    }
  });

  it('markdown with CRLF line endings keeps them in every chunk', () => {
    const content = read('release-crlf.md');
    assert.ok(content.includes('\r\n') && !/[^\r]\n/.test(content), 'the fixture really is CRLF');
    const chunks = plan('release-crlf.md', { maxLines: 4, maxTokens: 4000 });
    for (const c of chunks) assert.ok(c.text.endsWith('\r\n') && !/[^\r]\n/.test(c.text), `chunk ${c.number} keeps CRLF`);
    const types = new Map(chunks.map((c) => [c.text.split('\r\n')[0], c.type]));
    assert.equal(types.get('# Release checklist'), 'header');
    assert.equal(types.get('- [ ] `npm ci && npm test`'), 'list');
    assert.equal(types.get('| Step | Command |'), 'table');
    assert.equal(types.get('```yaml'), 'code_block');
    assert.equal(types.get('[ci]: .github/workflows/release.yml'), 'footer');
  });

  it('non-ASCII markdown: BOM kept in chunk 1, tokens counted in characters, no final newline kept', () => {
    const content = read('katalog-non-ascii.md');
    const chunks = plan('katalog-non-ascii.md');
    assert.ok(chunks[0].text.startsWith('\uFEFF# Produktkatalog'));
    assert.equal(chunks[0].type, 'header', 'the BOM does not hide the title');
    const prices = chunkAt(chunks, lineOf(content, '| 手ぬぐい | ¥1.800 | ¥ |'));
    assert.equal(prices.type, 'table');
    const notes = chunkAt(chunks, lineOf(content, 'Mathematik: ∑ xᵢ² ≤ ∞ — und ein Zeichen außerhalb der BMP: 𝄞 𝕏.'));
    assert.ok(notes.estimatedTokens < Math.floor(notes.text.length / 4), 'astral characters count once, not as two UTF-16 units');
    const last = chunks[chunks.length - 1];
    assert.equal(last.type, 'footer');
    assert.ok(!last.text.endsWith('\n') && content.endsWith('MwSt.'));
  });

  it('python: header = docstring and imports; one section per def/class; footer = the main guard', () => {
    const file = 'service.py';
    const content = read(file);
    const chunks = plan(file);
    assert.equal(chunks[0].type, 'header');
    assert.ok(chunks[0].text.startsWith('#!/usr/bin/env python3') && chunks[0].text.includes('def this_is_not_code():'), 'a def inside the docstring is text');
    assert.ok(chunks[0].text.trimEnd().endsWith(')'), 'the header ends with the parenthesised import');
    const starts = chunks.slice(1).map((c) => `${c.type} ${c.text.split('\n')[0]}`);
    assert.deepEqual(starts, [
      'section try:',
      'section # Configuration read once at start.',
      'section def render(order: dict) -> str:',
      'section @log_calls',
      'section def pending_orders(conn, limit: int) -> Iterable[dict]:',
      'section class Worker:',
      'section def main(argv: Optional[list[str]] = None) -> int:',
      'footer if __name__ == "__main__":',
    ]);
    assert.equal(chunkAt(chunks, lineOf(content, 'class NotAClass:')), chunkAt(chunks, lineOf(content, 'TEMPLATE = """\\')), 'text inside a string is no class');
    assert.equal(chunkAt(chunks, lineOf(content, 'else:')), chunkAt(chunks, lineOf(content, 'try:')), 'else: continues the try');
    assert.equal(chunkAt(chunks, lineOf(content, '       backoff=2.0)')), chunkAt(chunks, lineOf(content, 'async def send(order: dict, settings: Settings) -> bool:')));
  });

  it('json: header and footer brackets, sections split only where a top-level key or element begins', () => {
    for (const file of ['package.json', 'products.json']) {
      const content = read(file);
      const lines = splitLines(content);
      const whole = plan(file);
      assert.deepEqual(whole.map((c) => c.type), ['header', 'section', 'footer'], `${file} fits one section by default`);
      assert.equal(whole[0].text.trim(), content.trimStart()[0]);
      const small = plan(file, { maxLines: 8, maxTokens: 1000 });
      assert.ok(small.length > 3);
      for (const c of small.slice(1, -1)) {
        // a chunk starts at a top-level entry (two-space indent) or, inside an entry too big to fit, at a nested one
        const indent = /^ */.exec(lines[c.lineStart - 1].body)![0].length;
        assert.ok(indent === 2 || indent === 4, `${file} chunk ${c.number} starts at ${JSON.stringify(lines[c.lineStart - 1].body)}`);
      }
    }
    const products = plan('products.json', { maxLines: 8, maxTokens: 1000 });
    assert.ok(products.slice(1, -1).every((c) => /^ {2}\{/.test(c.text)), 'each product is whole: none is larger than the limit');
  });

  it('json that does not parse, or fits on one line, is split by lines', () => {
    const broken = '{\n  "a": 1,\n  "b": [1, 2,],\n}\n';
    assert.deepEqual(planChunks(broken, 'json').map((c) => c.type), ['section']);
    const oneLine = '{"a": 1, "b": 2}\n';
    assert.deepEqual(planChunks(oneLine, 'json').map((c) => [c.type, c.lineStart, c.lineEnd]), [['section', 1, 1]]);
  });

  it('other text: sections of whole paragraphs where they fit', () => {
    const content = read('notes.txt');
    const chunks = plan('notes.txt', { maxLines: 8, maxTokens: 4000 });
    assert.ok(chunks.length > 1 && chunks.every((c) => c.type === 'section'));
    const lines = splitLines(content);
    for (const c of chunks.slice(1)) assert.equal(lines[c.lineStart - 2].body, '', `chunk ${c.number} begins after a blank line`);
  });

  it('an empty file has no chunks', () => {
    assert.equal(read('empty.txt'), '');
    for (const type of ['markdown', 'python', 'json', 'other'] as const) assert.deepEqual(planChunks('', type), []);
  });

  it('a line longer than the token limit is a chunk of its own, flagged', () => {
    const content = read('long-line.md');
    const chunks = plan('long-line.md');
    const long = chunkAt(chunks, splitLines(content).findIndex((l) => l.body.startsWith('![logo](data:image/png;base64,')) + 1);
    assert.equal(long.lineStart, long.lineEnd);
    assert.ok(long.estimatedTokens > DEFAULT_LIMITS.maxTokens);
    const warnings = chunkWarnings(content, 'markdown', chunks, DEFAULT_LIMITS);
    assert.match(warnings[long.number - 1].join(), /over the limits .*a single line is never split/);
    assert.deepEqual(warnings.filter((w, i) => i !== long.number - 1 && w.length > 0), []);
  });

  it('refuses limits that are not whole numbers of at least 1', () => {
    for (const limits of [{ maxLines: 0 }, { maxTokens: 2.5 }, { maxLines: -3 }]) {
      assert.throws(() => planChunks('a\n', 'other', limits), (e: unknown) => e instanceof CortexError && e.code === 'BAD_INPUT');
    }
  });

  it('markdown warnings: a file not starting with a heading (chunk 1) and an unclosed fence', () => {
    const content = 'Intro text first.\n\n## Usage\n\n```sh\nnpm start\n';
    const chunks = planChunks(content, 'markdown');
    const warnings = chunkWarnings(content, 'markdown', chunks, DEFAULT_LIMITS);
    assert.deepEqual(warnings[0], ['File should start with a header']);
    const fence = chunks.findIndex((c) => c.type === 'code_block');
    assert.deepEqual(warnings[fence], ['Unbalanced code fences']);
    assert.deepEqual(warnings.filter((_, i) => i !== 0 && i !== fence).flat(), []);
    for (const file of ['readme-frontmatter.md', 'guide-lists.md', 'release-crlf.md', 'katalog-non-ascii.md']) {
      const text = read(file);
      assert.deepEqual(chunkWarnings(text, 'markdown', plan(file), DEFAULT_LIMITS).flat(), [], `${file} is clean`);
    }
  });

  it('whole-file checks: JSON must parse, Python must compile (or says it was not checked)', async () => {
    const dir = tempDir();
    assert.deepEqual(await fileWarnings(path.join(dir, 'x.json'), 'json', read('package.json')), []);
    assert.match((await fileWarnings(path.join(dir, 'x.json'), 'json', '{"a": 1,}')).join(), /^Invalid JSON: /);
    const good = path.join(dir, 'good.py');
    fs.writeFileSync(good, read('service.py'));
    const bad = path.join(dir, 'bad.py');
    fs.writeFileSync(bad, 'def broken(:\n    pass\n');
    assert.deepEqual(await fileWarnings(bad, 'python', '', path.join(dir, 'no-such-python')), [PYTHON_UNAVAILABLE]);
    const python = await fileWarnings(good, 'python', '');
    if (python.join() === PYTHON_UNAVAILABLE) return; // this machine has no python3 to check with
    assert.deepEqual(python, []);
    assert.match((await fileWarnings(bad, 'python', '')).join(), /^Python syntax error: line 1: /);
    assert.equal(fs.existsSync(path.join(dir, '__pycache__')), false, 'the check leaves no bytecode behind');
  });
});

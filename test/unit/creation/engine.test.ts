import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createFile, resumeCreation } from '../../../src/core/creation/engine';
import { planChunks } from '../../../src/core/creation/plan';
import { ProgressFile, sessionFiles } from '../../../src/core/creation/progress';
import { listCreationChunks, listCreationSessions } from '../../../src/core/creation/queries';
import { unfinishedSessions } from '../../../src/core/creation/store';
import { PYTHON_UNAVAILABLE } from '../../../src/core/creation/validate';
import { Database, withDatabase } from '../../../src/core/db/database';
import { CortexError } from '../../../src/core/db/errors';
import { initBrain } from '../../../src/core/schema/migrator';
import { cleanupTempDirs, integrityOk, legacyWorkspace, query, REPO_ROOT, tempDir } from '../../helpers/fixtures';

const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'creation');

async function rejectsWith(p: Promise<unknown>, code: string, pattern: RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof CortexError, `expected CortexError, got ${String(err)}`);
    assert.equal(err.code, code, err.oneLine);
    assert.match(err.oneLine, pattern);
    return true;
  });
}

/** A migrated brain in a fresh workspace, with a copy of a fixture as the source. */
async function setup(fixture = 'readme-frontmatter.md'): Promise<{ workspace: string; dbPath: string; src: string; dest: string }> {
  const workspace = tempDir();
  const dbPath = path.join(workspace, 'cortex-brain', 'tier1', 'conversations.db');
  await initBrain({ dbPath });
  const src = path.join(workspace, 'src', fixture);
  fs.mkdirSync(path.dirname(src));
  fs.copyFileSync(path.join(FIXTURES, fixture), src);
  return { workspace, dbPath, src, dest: path.join(workspace, 'out', 'nested', fixture) };
}

const open = (dbPath: string) => Database.open(dbPath);
const readProgress = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as ProgressFile;

describe('incremental creation', function () {
  this.timeout(60000);
  afterEach(cleanupTempDirs);

  it('writes DEST chunk by chunk, records every chunk, the progress file and provenance', async () => {
    const { workspace, dbPath, src, dest } = await setup();
    const expected = planChunks(fs.readFileSync(src, 'utf8'), 'markdown', { maxLines: 10 });
    const seen: string[] = [];
    const db = await open(dbPath);
    try {
      const report = await createFile(db, {
        workspace,
        source: { path: src },
        dest,
        limits: { maxLines: 10 },
        onChunk: async (p) => {
          // after `appended` the bytes are on disk but the brain does not say so yet; after `recorded` it does
          const status = (await db.get<{ status: string }>('SELECT status FROM creation_chunks WHERE session_id = ? AND chunk_number = ?', [p.sessionId, p.chunk]))!.status;
          seen.push(`${p.chunk}:${p.phase}:${status}:${fs.statSync(dest).size}`);
        },
      });
      assert.equal(report.outcome, 'completed');
      assert.equal(report.totalChunks, expected.length);
      assert.deepEqual(report.written, expected.map((c) => c.number));
      assert.equal(report.resumedAfter, 0);
      assert.deepEqual(report.warnings, []);
      assert.ok(fs.readFileSync(dest).equals(fs.readFileSync(src)), 'DEST is byte-identical to the source');

      let bytes = 0;
      assert.deepEqual(
        seen,
        expected.flatMap((c) => {
          bytes += Buffer.byteLength(c.text);
          return [`${c.number}:appended:pending:${bytes}`, `${c.number}:recorded:written:${bytes}`];
        }),
      );

      const sessions = (await listCreationSessions(db))!.items;
      assert.equal(sessions.length, 1);
      assert.deepEqual(
        { ...sessions[0], started_at: undefined, last_update: undefined },
        { id: report.sessionId, file_path: dest, file_type: 'markdown', total_chunks: expected.length, completed: true, failed: false, written: expected.length, failedChunks: 0, started_at: undefined, last_update: undefined },
      );
      const chunks = (await listCreationChunks(db, report.sessionId)).items;
      assert.deepEqual(
        chunks.map((c) => [c.chunk_number, c.chunk_type, c.line_start, c.line_end, c.estimated_tokens, c.status]),
        expected.map((c) => [c.number, c.type, c.lineStart, c.lineEnd, c.estimatedTokens, 'written']),
      );

      const progress = readProgress(report.progressFile);
      assert.equal(report.progressFile, path.join(workspace, '.cortex', 'creation-progress', `readme-frontmatter.md.${report.sessionId}.progress.json`));
      assert.equal(progress.complete, true);
      assert.equal(progress.file_path, dest);
      assert.equal(progress.source_path, src);
      assert.deepEqual(progress.completed_chunks, report.written);
      assert.deepEqual(progress.failed_chunks, []);
      assert.equal(progress.chunk_byte_ends[progress.chunk_byte_ends.length - 1], fs.statSync(src).size);
      assert.equal(fs.existsSync(sessionFiles(workspace, dest, report.sessionId).lock), false, 'the lock is released');

      assert.deepEqual(await db.all('SELECT source_type, source_ref, target_type, target_ref, relation FROM provenance_links WHERE target_ref = ? ORDER BY id', [dest]), [
        { source_type: 'creation_session', source_ref: String(report.sessionId), target_type: 'file', target_ref: dest, relation: 'generated' },
        { source_type: 'file', source_ref: src, target_type: 'file', target_ref: dest, relation: 'referenced' },
      ]);
    } finally {
      await db.close();
    }
    assert.ok(await integrityOk(dbPath));
  });

  it('refuses a second create for a DEST with an unfinished session; --replace and completion replace it', async () => {
    const { workspace, dbPath, src, dest } = await setup();
    await withDatabase(dbPath, {}, async (db) => {
      const interrupted = await createFile(db, { workspace, source: { path: src }, dest, limits: { maxLines: 10 }, onChunk: (p) => {
        if (p.chunk === 2 && p.phase === 'recorded') throw new Error('interrupted');
      } }).catch((e: Error) => e);
      assert.equal((interrupted as Error).message, 'interrupted');
      const [open] = await unfinishedSessions(db);
      assert.equal(open.file_path, dest);
      await rejectsWith(createFile(db, { workspace, source: { path: src }, dest }), 'BAD_INPUT', new RegExp(`unfinished creation session \\(#${open.id}\\).*cortex resume --session ${open.id}.*--replace`));

      const replaced = await createFile(db, { workspace, source: { path: src }, dest, replace: true });
      assert.equal(replaced.outcome, 'completed');
      assert.equal(replaced.replacedSession, open.id);
      assert.equal(fs.existsSync(sessionFiles(workspace, dest, open.id).progress), false, 'the old progress file is gone');
      assert.deepEqual(await db.all('SELECT COUNT(*) AS n FROM creation_chunks WHERE session_id = ?', [open.id]), [{ n: 0 }], 'its chunks went with it');

      const again = await createFile(db, { workspace, source: { path: src }, dest });
      assert.equal(again.replacedSession, replaced.sessionId, 'a completed session for DEST is replaced without asking');
      assert.deepEqual(await db.all('SELECT id FROM creation_sessions'), [{ id: again.sessionId }]);
    });
    assert.ok(fs.readFileSync(dest).equals(fs.readFileSync(src)));
  });

  it('a chunk that cannot be written fails the session; resume retries it and finishes byte-identical', async () => {
    const { workspace, dbPath, src, dest } = await setup('service.py');
    await withDatabase(dbPath, {}, async (db) => {
      const report = await createFile(db, { workspace, source: { path: src }, dest, limits: { maxLines: 12 }, onChunk: (p) => {
        // DEST turns into a folder after chunk 2: appending chunk 3 fails
        if (p.chunk === 2 && p.phase === 'recorded') {
          fs.renameSync(dest, `${dest}.aside`);
          fs.mkdirSync(dest);
        }
      } });
      assert.equal(report.outcome, 'failed');
      assert.equal(report.failedChunk?.number, 3);
      assert.match(report.failedChunk!.error, /EISDIR/);
      assert.deepEqual(report.written, [1, 2]);
      const session = (await listCreationSessions(db))!.items[0];
      assert.equal(session.failed, true);
      assert.equal(session.completed, false);
      assert.deepEqual((await listCreationChunks(db, report.sessionId)).items.slice(0, 4).map((c) => c.status), ['written', 'written', 'failed', 'pending']);
      const progress = readProgress(report.progressFile);
      assert.deepEqual(progress.failed_chunks, [3]);
      assert.equal(progress.last_error?.chunk, 3);

      fs.rmdirSync(dest);
      fs.renameSync(`${dest}.aside`, dest);
      const resumed = await resumeCreation(db, { workspace, sessionId: report.sessionId });
      assert.equal(resumed.outcome, 'completed');
      assert.equal(resumed.resumedAfter, 2);
      assert.deepEqual(resumed.written, Array.from({ length: resumed.totalChunks - 2 }, (_, i) => i + 3));
      const after = (await listCreationSessions(db))!.items[0];
      assert.equal(after.failed, false);
      assert.equal(after.completed, true);
      assert.deepEqual(readProgress(report.progressFile).failed_chunks, []);
    });
    assert.ok(fs.readFileSync(dest).equals(fs.readFileSync(src)));
  });

  it('resume truncates a partial append and refuses a changed source, a changed DEST, a finished session', async () => {
    const { workspace, dbPath, src, dest } = await setup('guide-lists.md');
    await withDatabase(dbPath, {}, async (db) => {
      await createFile(db, { workspace, source: { path: src }, dest, limits: { maxLines: 6 }, onChunk: (p) => {
        if (p.chunk === 3 && p.phase === 'recorded') throw new Error('stop');
      } }).catch(() => undefined);
      const [session] = await unfinishedSessions(db);
      const original = fs.readFileSync(src);
      const keep = fs.statSync(dest).size;

      fs.appendFileSync(dest, 'half of chunk 4, torn by a crash');
      fs.appendFileSync(src, 'edited\n');
      await rejectsWith(resumeCreation(db, { workspace, sessionId: session.id }), 'BAD_INPUT', /source .* changed since creation session/);
      fs.writeFileSync(src, original);

      const content = fs.readFileSync(dest);
      fs.writeFileSync(dest, Buffer.concat([Buffer.from('X'), content.subarray(1)]));
      await rejectsWith(resumeCreation(db, { workspace, sessionId: session.id }), 'BAD_INPUT', /was changed after chunk 3 .*--replace/);
      fs.writeFileSync(dest, content);
      assert.ok(fs.statSync(dest).size > keep);

      const report = await resumeCreation(db, { workspace, sessionId: session.id });
      assert.equal(report.resumedAfter, 3);
      assert.equal(report.written[0], 4);
      await rejectsWith(resumeCreation(db, { workspace, sessionId: session.id }), 'BAD_INPUT', /already complete/);
      await rejectsWith(resumeCreation(db, { workspace, sessionId: 999 }), 'BAD_INPUT', /no creation session #999/);
    });
    assert.ok(fs.readFileSync(dest).equals(fs.readFileSync(src)));
  });

  it('content without a source file is kept for resume until the file is complete', async () => {
    const { workspace, dbPath, dest } = await setup();
    const content = fs.readFileSync(path.join(FIXTURES, 'katalog-non-ascii.md'), 'utf8');
    await withDatabase(dbPath, {}, async (db) => {
      const failed = await createFile(db, { workspace, source: { content }, dest, limits: { maxLines: 4 }, onChunk: (p) => {
        if (p.chunk === 2 && p.phase === 'appended') throw new Error('stop');
      } }).catch((e: Error) => e);
      assert.equal((failed as Error).message, 'stop');
      const [session] = await unfinishedSessions(db);
      const files = sessionFiles(workspace, dest, session.id);
      assert.equal(fs.readFileSync(files.stash, 'utf8'), content);
      assert.equal(readProgress(files.progress).source_stashed, true);

      const report = await resumeCreation(db, { workspace, sessionId: session.id });
      assert.equal(report.source, null);
      assert.equal(report.resumedAfter, 1, 'chunk 2 was on disk but not recorded, so it is written again');
      assert.equal(fs.existsSync(files.stash), false, 'the kept copy is removed once DEST is complete');
      assert.deepEqual(await db.all('SELECT source_type, relation FROM provenance_links WHERE target_ref = ?', [dest]), [{ source_type: 'creation_session', relation: 'generated' }]);
    });
    assert.equal(fs.readFileSync(dest, 'utf8'), content);
  });

  it('puts whole-file Python and JSON problems on the last chunk of the complete file', async () => {
    const { workspace, dbPath } = await setup();
    const cases: Array<[string, string, string | undefined, RegExp]> = [
      ['broken.py', 'import os\n\n\ndef f(:\n    return os.sep\n', undefined, /^Python syntax error: line 4: /],
      ['any.py', 'print("hi")\n', path.join(workspace, 'no-such-python'), new RegExp(`^${PYTHON_UNAVAILABLE}$`)],
      ['broken.json', '{\n  "a": 1,\n  "b": 2,\n}\n', undefined, /^Invalid JSON: /],
    ];
    await withDatabase(dbPath, {}, async (db) => {
      for (const [name, content, pythonCommand, pattern] of cases) {
        const dest = path.join(workspace, 'gen', name);
        const report = await createFile(db, { workspace, source: { content }, dest, pythonCommand });
        if (pythonCommand === undefined && report.fileWarnings.join() === PYTHON_UNAVAILABLE) continue; // no python3 here
        assert.equal(report.fileWarnings.length, 1, name);
        assert.match(report.fileWarnings[0], pattern);
        const last = (await listCreationChunks(db, report.sessionId)).items.at(-1)!;
        assert.equal(last.chunk_number, report.totalChunks);
        assert.deepEqual(last.validation_warnings, report.fileWarnings);
        assert.deepEqual(report.warnings, [{ chunk: report.totalChunks, warnings: report.fileWarnings }]);
      }
    });
  });

  it('stores per-chunk markdown warnings when the session starts', async () => {
    const { workspace, dbPath } = await setup();
    await withDatabase(dbPath, {}, async (db) => {
      const dest = path.join(workspace, 'notes.md');
      const report = await createFile(db, { workspace, source: { content: 'No heading here.\n\n```js\nopen fence\n' }, dest });
      assert.deepEqual(report.warnings, [
        { chunk: 1, warnings: ['File should start with a header'] },
        { chunk: 2, warnings: ['Unbalanced code fences'] },
      ]);
    });
  });

  it('an empty source gives an empty DEST and a complete session without chunks', async () => {
    const { workspace, dbPath } = await setup('empty.txt');
    const dest = path.join(workspace, 'empty-copy.txt');
    fs.writeFileSync(dest, 'stale content');
    await withDatabase(dbPath, {}, async (db) => {
      const report = await createFile(db, { workspace, source: { path: path.join(workspace, 'src', 'empty.txt') }, dest });
      assert.equal(report.outcome, 'completed');
      assert.equal(report.totalChunks, 0);
      assert.equal((await listCreationSessions(db))!.items[0].completed, true);
    });
    assert.equal(fs.readFileSync(dest, 'utf8'), '');
  });

  it('refuses bad input with clear messages and writes nothing', async () => {
    const { workspace, dbPath, src } = await setup();
    const bin = path.join(workspace, 'logo.bin');
    fs.writeFileSync(bin, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0xff, 0xfe, 0x00]));
    await withDatabase(dbPath, {}, async (db) => {
      await rejectsWith(createFile(db, { workspace, source: { path: src }, dest: src }), 'BAD_INPUT', /same file.*truncate the source/);
      await rejectsWith(createFile(db, { workspace, source: { path: path.join(workspace, 'missing.md') }, dest: path.join(workspace, 'x.md') }), 'BAD_INPUT', /does not exist/);
      await rejectsWith(createFile(db, { workspace, source: { path: bin }, dest: path.join(workspace, 'x.bin') }), 'BAD_INPUT', /not UTF-8 text/);
      await rejectsWith(createFile(db, { workspace, source: { path: src }, dest: path.join(workspace, 'x.md'), limits: { maxLines: 0 } }), 'BAD_INPUT', /maxLines must be a whole number/);
      assert.deepEqual(await db.all('SELECT * FROM creation_sessions'), []);
    });
    assert.equal(fs.existsSync(path.join(workspace, 'x.md')), false);
  });

  it('one writer per session: while a live process holds the lock, resume and --replace refuse', async () => {
    const { workspace, dbPath, src, dest } = await setup();
    await withDatabase(dbPath, {}, async (db) => {
      await createFile(db, { workspace, source: { path: src }, dest, limits: { maxLines: 10 }, onChunk: () => {
        throw new Error('stop');
      } }).catch(() => undefined);
      const [session] = await unfinishedSessions(db);
      const { lock } = sessionFiles(workspace, dest, session.id);
      fs.writeFileSync(lock, String(process.pid)); // a running process holds it
      await rejectsWith(resumeCreation(db, { workspace, sessionId: session.id }), 'LOCKED', new RegExp(`being written by another process \\(pid ${process.pid}\\)`));
      await rejectsWith(createFile(db, { workspace, source: { path: src }, dest, replace: true }), 'LOCKED', /being written/);
      fs.rmSync(lock);
      assert.equal((await resumeCreation(db, { workspace, sessionId: session.id })).outcome, 'completed');
    });
  });

  it('refuses a brain that is not migrated to 2.0', async () => {
    const { workspace, dbPath } = await legacyWorkspace('conversation-manager');
    await withDatabase(dbPath, {}, async (db) => {
      await rejectsWith(createFile(db, { workspace, source: { content: 'x\n' }, dest: path.join(workspace, 'x.txt') }), 'BAD_INPUT', /not migrated.*cortex migrate/);
    });
    assert.deepEqual(await query(dbPath, `SELECT name FROM sqlite_master WHERE name LIKE 'creation%'`), []);
  });
});

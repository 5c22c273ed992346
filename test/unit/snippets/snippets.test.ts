import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { CortexError } from '../../../src/core/db/errors';
import { apiSnippet } from '../../../src/core/knowledge/snippets/api';
import { databaseSnippet, databaseTypesFor } from '../../../src/core/knowledge/snippets/database';
import { SNIPPET_LANGUAGES, SnippetLanguage } from '../../../src/core/knowledge/snippets/names';
import { cleanupTempDirs, tempDir } from '../../helpers/fixtures';

/** Syntax errors TypeScript reports for a snippet (as .ts or .js). */
function tsErrors(code: string, js: boolean): string[] {
  const file = ts.createSourceFile(js ? 'snippet.js' : 'snippet.ts', code, ts.ScriptTarget.ES2022, true, js ? ts.ScriptKind.JS : ts.ScriptKind.TS);
  return ((file as unknown as { parseDiagnostics: ts.Diagnostic[] }).parseDiagnostics ?? []).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

function pyCompile(code: string): { ok: boolean; out: string } {
  const file = path.join(tempDir(), 'snippet.py');
  fs.writeFileSync(file, code);
  const r = spawnSync('python3', ['-m', 'py_compile', file], { encoding: 'utf8' });
  return { ok: r.status === 0, out: r.stderr };
}

const HAS_JAVAC = spawnSync('javac', ['-version']).status === 0;
function javaCompile(code: string, className: string): { ok: boolean; out: string } {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, `${className}.java`), code);
  const r = spawnSync('javac', ['-d', dir, path.join(dir, `${className}.java`)], { encoding: 'utf8' });
  return { ok: r.status === 0, out: r.stderr };
}

function check(language: SnippetLanguage, code: string, className: string): void {
  if (language === 'typescript' || language === 'javascript') assert.deepEqual(tsErrors(code, language === 'javascript'), [], code);
  if (language === 'python') {
    const r = pyCompile(code);
    assert.ok(r.ok, `${r.out}\n${code}`);
  }
  if (language === 'java' && HAS_JAVAC) {
    const r = javaCompile(code, className);
    assert.ok(r.ok, `${r.out}\n${code}`);
  }
}

const HOSTILE = 'db"; process.exit(1); //\n\u2028\'\\';

describe('code from discoveries', function () {
  this.timeout(60000);
  afterEach(cleanupTempDirs);

  for (const language of SNIPPET_LANGUAGES) {
    for (const type of databaseTypesFor(language)) {
      it(`${language} connects to a ${type} database with host/port/db filled and credentials from the environment`, () => {
        const s = databaseSnippet({ database_type: type, host: 'db.internal', port: 6000, database_name: 'shop' }, language);
        check(language, s.code, 'Database');
        if (type !== 'sqlite') {
          assert.ok(s.code.includes('db.internal'), 'host filled');
          assert.ok(s.code.includes('6000'), 'port filled');
        }
        if (type !== 'redis') assert.ok(s.code.includes('shop'), 'database filled'); // redis databases are numbered
        for (const env of s.env) assert.ok(s.code.includes(env), `reads ${env}`);
        if (!['sqlite', 'redis'].includes(type)) assert.deepEqual(s.env, ['SHOP_DB_USER', 'SHOP_DB_PASSWORD']);
        assert.ok(!/password\s*[:=]\s*["'][^"']+["']/i.test(s.code), 'no literal password');
      });
    }
  }

  it('keeps hostile discovery values inside string literals', () => {
    for (const language of ['typescript', 'javascript', 'python', 'java'] as const) {
      const s = databaseSnippet({ database_type: 'postgresql', host: HOSTILE, port: 5432, database_name: HOSTILE }, language);
      check(language, s.code, 'Database');
      assert.ok(!s.code.includes('process.exit(1); //\n'), 'the value did not break out of its literal');
    }
  });

  it('refuses a database type a language has no driver for, naming the supported ones', () => {
    assert.throws(
      () => databaseSnippet({ database_type: 'redis', host: 'h', port: 1, database_name: null }, 'java'),
      (err: CortexError) => /No java snippet for redis databases/.test(err.message) && /postgresql/.test(err.hint ?? ''),
    );
  });

  const AUTHS = ['bearer', 'basic', 'apikey', 'oauth2', null];
  for (const language of SNIPPET_LANGUAGES) {
    for (const type of ['rest', 'graphql']) {
      it(`${language} ${type} client has the base URL and each auth scheme wired`, () => {
        for (const auth of AUTHS) {
          const s = apiSnippet({ api_type: type, base_url: 'https://api.acme-shop.example/v1', authentication_type: auth, spec_location: 'openapi.yaml', metadata: { api_key_header: 'X-Shop-Key' } }, language);
          check(language, s.code, 'ApiClient');
          assert.ok(s.code.includes('https://api.acme-shop.example/v1'));
          if (auth === null) assert.deepEqual(s.env, []);
          else {
            assert.ok(s.env.length > 0);
            for (const env of s.env) assert.ok(s.code.includes(env), `${auth}: reads ${env}`);
          }
          if (auth === 'apikey') assert.ok(s.code.includes('X-Shop-Key'), 'the API-key header from the spec');
          if (auth === 'bearer' || auth === 'oauth2') assert.match(s.code, /Bearer/);
          if (auth === 'basic') assert.match(s.code, /Basic|session\.auth/);
        }
      });
    }
  }

  it('loads the discovered contract for gRPC and SOAP clients', () => {
    const grpc = apiSnippet({ api_type: 'grpc', base_url: 'grpc://orders:50051', authentication_type: null, spec_location: 'proto/orders.proto' }, 'typescript');
    check('typescript', grpc.code, 'x');
    assert.match(grpc.code, /loadSync\("proto\/orders\.proto"\)/);
    const soap = apiSnippet({ api_type: 'soap', base_url: 'https://erp.example/Service', authentication_type: null, spec_location: 'erp.wsdl' }, 'python');
    check('python', soap.code, 'x');
    assert.throws(() => apiSnippet({ api_type: 'grpc', base_url: 'x', authentication_type: null, spec_location: null }, 'java'), /No java client for grpc/);
  });
});

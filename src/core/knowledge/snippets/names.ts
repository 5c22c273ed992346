/**
 * Helpers shared by the snippet generators: safe literals and the names of
 * the environment variables that carry credentials (never the values).
 */

/** A string literal valid in TypeScript, JavaScript, Java, C# and Python (JSON escaping). */
export function lit(value: string): string {
  // JSON.stringify escapes quotes, backslashes and control characters; U+2028/9
  // are escaped too so a hostile value cannot end a line inside the literal.
  return JSON.stringify(value).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** An environment-variable prefix from a discovery's name: "shop-db" → "SHOP_DB". */
export function envPrefix(...parts: Array<string | null | undefined>): string {
  const base = parts.find((p) => p && /[A-Za-z0-9]/.test(p)) ?? 'APP';
  const p = base
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toUpperCase();
  return /^[0-9]/.test(p) ? `X_${p}` : p || 'APP';
}

/** A code identifier (camelCase) for a client variable: "api.acme-shop.example" → "acmeShopApi". */
export function ident(name: string, suffix: string): string {
  const words = name
    .replace(/^https?:\/\//, '')
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w && !/^(www|api|com|org|net|io|example|v\d+|localhost)$/i.test(w))
    .slice(0, 2);
  const head = words.length ? words.map((w, i) => (i === 0 ? w.toLowerCase() : w[0].toUpperCase() + w.slice(1).toLowerCase())).join('') : 'service';
  const safe = /^[0-9]/.test(head) ? `s${head}` : head;
  return safe + suffix;
}

export type SnippetLanguage = 'typescript' | 'javascript' | 'python' | 'csharp' | 'java';

export const SNIPPET_LANGUAGES: readonly SnippetLanguage[] = ['typescript', 'javascript', 'python', 'csharp', 'java'];

/** Maps a VS Code language id to a generator language. */
export function snippetLanguage(languageId: string): SnippetLanguage | undefined {
  switch (languageId) {
    case 'typescript':
    case 'typescriptreact':
      return 'typescript';
    case 'javascript':
    case 'javascriptreact':
      return 'javascript';
    case 'python':
      return 'python';
    case 'csharp':
      return 'csharp';
    case 'java':
      return 'java';
    default:
      return undefined;
  }
}

export interface Snippet {
  language: SnippetLanguage;
  /** The code to insert. */
  code: string;
  /** Packages the code needs (npm, PyPI, NuGet or Maven coordinates). */
  packages: string[];
  /** Environment variables the code reads credentials from. */
  env: string[];
}

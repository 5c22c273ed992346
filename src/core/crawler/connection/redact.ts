/**
 * Credential redaction. Every string the crawler stores that came out of a
 * file passes through `redactCredentials`, so one function decides what a
 * secret looks like, for every connection-string form at once:
 *   URL user-info           scheme://user:SECRET@host        (also jdbc:…, last '@' wins)
 *   key=value pairs         Password=SECRET; Pwd={SE;CRET}; password='a b'; ?password=SECRET&…; …,password=SECRET,…
 *   Oracle user/password    scott/SECRET@host:1521/svc, jdbc:oracle:thin:scott/SECRET@…
 * A credential given by reference (`${PGPASSWORD}`, `%PWD%`, `env("X")`, `{{ .Values.x }}` …)
 * is not a secret and is kept, so the stored string still says where it comes from
 * (`$NAME` only in upper case: `$ecret` is a password).
 */

export const REDACTED = '***';

const REFERENCE =
  /^(?:\$\{[A-Za-z_][\w.]*\}|\$[A-Z_][A-Z0-9_]*|%[A-Za-z_]\w*%|env\(\s*["']?[A-Za-z_]\w*["']?\s*\)|\{\{\s*[\w.]+\s*\}\}|#\{[\w.]+\}|\$\([A-Za-z_]\w*\)|\$\{\{\s*[\w.]+\s*\}\}|<%=\s*ENV\[["'][A-Za-z_]\w*["']\]\s*%>)$/;

/** True for a value that names where a secret comes from rather than being one. */
export function isReference(value: string): boolean {
  return REFERENCE.test(value.trim());
}

function hide(value: string): string {
  return value === '' || isReference(value) ? value : REDACTED;
}

const SECRET_KEYS =
  '(?:user\\s*)?password|pwd|passwd|pass|secret|client[_-]?secret|(?:auth|access|sas|refresh)?[_-]?token|api[_-]?key|apikey|access[_-]?key|secret[_-]?key|account[_-]?key|shared[_-]?access[_-]?key|sslpassword|sslkey';

function keyValuePattern(separators: string): RegExp {
  // Braced ODBC values may contain '}}' escapes; quoted values may double their quote.
  return new RegExp(
    `(^|[;?&\\s,{(])(${SECRET_KEYS})(\\s*=\\s*)(\\{(?:[^}]|\\}\\})*\\}|"(?:[^"]|"")*"|'(?:[^'\\\\]|''|\\\\.)*'|[^${separators}]*)`,
    'gi',
  );
}
// In a ';'-separated string (ADO.NET, ODBC, JDBC properties) a value runs to the next ';' and
// may contain ',', '&' or spaces; elsewhere (URL queries, libpq, StackExchange.Redis) those end it.
const KV_SEMICOLON = keyValuePattern(';');
const KV_OTHER = keyValuePattern(';&,\\s');

const ORACLE_USER_PASSWORD = /(^|[\s:"'=(])([A-Za-z_][\w$#]*)\/([^\s@/]+)@/g;

/** Database URLs name their user in clear (`postgres://shop@db/shop`); it is not a secret. */
const DATABASE_SCHEME = /(postgres|pgsql|postgis|timescale|mysql|maria|mssql|sqlserver|oracle|mongo|redis|sqlite)[\w+.-]*:\/\/$/i;

function redactUrlUserInfo(text: string): string {
  let out = '';
  let pos = 0;
  const scheme = /[A-Za-z][\w+.-]*:\/\//g;
  for (let m = scheme.exec(text); m; m = scheme.exec(text)) {
    const start = m.index + m[0].length;
    let end = start;
    while (end < text.length && !/\s/.test(text[end])) end++;
    const token = text.slice(start, end);
    const at = token.lastIndexOf('@');
    if (at > 0) {
      const userInfo = token.slice(0, at);
      const colon = userInfo.indexOf(':');
      if (colon >= 0) {
        out += text.slice(pos, start) + userInfo.slice(0, colon + 1) + hide(userInfo.slice(colon + 1)) + '@';
        pos = start + at + 1;
      } else if (!DATABASE_SCHEME.test(m[0])) {
        // https://<token>@host, git+https://<token>@github.com/…: a lone user-info outside database URLs is a token.
        out += text.slice(pos, start) + hide(userInfo) + '@';
        pos = start + at + 1;
      }
    }
    scheme.lastIndex = Math.max(end, scheme.lastIndex);
  }
  return out + text.slice(pos);
}

/** The text with every credential it contains replaced by `***` (references kept). */
export function redactCredentials(text: string): string {
  let out = redactUrlUserInfo(text);
  out = out.replace(out.includes(';') ? KV_SEMICOLON : KV_OTHER, (_m, pre: string, key: string, eq: string, value: string) => {
    const bare = value.replace(/^(["'{])([\s\S]*)(["'}])$/, '$2');
    return `${pre}${key}${eq}${hide(bare) === bare ? value : REDACTED}`;
  });
  out = out.replace(ORACLE_USER_PASSWORD, (_m, pre: string, user: string, pw: string) => `${pre}${user}/${hide(pw)}@`);
  return out;
}

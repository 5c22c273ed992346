import { CortexError } from '../../db/errors';
import { envPrefix, lit, Snippet, SnippetLanguage } from './names';

/** What a database snippet needs from a discovery; never its connection string or credentials. */
export interface DatabaseTarget {
  database_type: string;
  host: string | null;
  port: number | null;
  database_name: string | null;
}

const DEFAULT_PORTS: Record<string, number> = { postgresql: 5432, mysql: 3306, mariadb: 3306, mssql: 1433, oracle: 1521, mongodb: 27017, redis: 6379 };

interface Parts {
  host: string;
  port: number;
  db: string;
  user: string;
  password: string;
  prefix: string;
}

function parts(t: DatabaseTarget): Parts {
  const prefix = `${envPrefix(t.database_name, t.host, t.database_type)}_DB`;
  return {
    host: t.host ?? 'localhost',
    port: t.port ?? DEFAULT_PORTS[t.database_type] ?? 0,
    db: t.database_name ?? '',
    user: `${prefix}_USER`,
    password: `${prefix}_PASSWORD`,
    prefix,
  };
}

type Generator = (p: Parts) => { code: string; packages: string[]; env: string[] };

// Each generator fills host/port/database from the discovery and reads credentials
// from environment variables it names; a literal secret is never written.
const TS: Record<string, Generator> = {
  postgresql: (p) => ({
    packages: ['pg', '@types/pg'],
    env: [p.user, p.password],
    code: `import { Pool } from 'pg';

// Credentials come from the environment: ${p.user}, ${p.password}.
export const pool = new Pool({
  host: ${lit(p.host)},
  port: ${p.port},
  database: ${lit(p.db)},
  user: process.env.${p.user},
  password: process.env.${p.password},
});
`,
  }),
  mysql: (p) => ({
    packages: ['mysql2'],
    env: [p.user, p.password],
    code: `import mysql from 'mysql2/promise';

// Credentials come from the environment: ${p.user}, ${p.password}.
export const pool = mysql.createPool({
  host: ${lit(p.host)},
  port: ${p.port},
  database: ${lit(p.db)},
  user: process.env.${p.user},
  password: process.env.${p.password},
});
`,
  }),
  mssql: (p) => ({
    packages: ['mssql'],
    env: [p.user, p.password],
    code: `import sql from 'mssql';

// Credentials come from the environment: ${p.user}, ${p.password}.
export function connect(): Promise<sql.ConnectionPool> {
  return new sql.ConnectionPool({
    server: ${lit(p.host)},
    port: ${p.port},
    database: ${lit(p.db)},
    user: process.env.${p.user},
    password: process.env.${p.password},
    options: { encrypt: true },
  }).connect();
}
`,
  }),
  oracle: (p) => ({
    packages: ['oracledb'],
    env: [p.user, p.password],
    code: `import oracledb from 'oracledb';

// Credentials come from the environment: ${p.user}, ${p.password}.
export function connect(): Promise<oracledb.Connection> {
  return oracledb.getConnection({
    user: process.env.${p.user},
    password: process.env.${p.password},
    connectString: ${lit(`${p.host}:${p.port}/${p.db}`)},
  });
}
`,
  }),
  mongodb: (p) => ({
    packages: ['mongodb'],
    env: [p.user, p.password],
    code: `import { MongoClient } from 'mongodb';

// Credentials come from the environment: ${p.user}, ${p.password}.
const user = encodeURIComponent(process.env.${p.user} ?? '');
const password = encodeURIComponent(process.env.${p.password} ?? '');
export const client = new MongoClient(\`mongodb://\${user}:\${password}@\${${lit(`${p.host}:${p.port}`)}}/\`);
export const db = client.db(${lit(p.db)});
`,
  }),
  redis: (p) => ({
    packages: ['redis'],
    env: [p.password],
    code: `import { createClient } from 'redis';

// The password comes from the environment: ${p.password}.
export const client = createClient({
  socket: { host: ${lit(p.host)}, port: ${p.port} },
  password: process.env.${p.password},
});
`,
  }),
  sqlite: (p) => ({
    packages: ['better-sqlite3', '@types/better-sqlite3'],
    env: [],
    code: `import Database from 'better-sqlite3';

export const db = new Database(${lit(p.db || p.host)});
`,
  }),
};
TS.mariadb = TS.mysql;

/** The JavaScript flavour: the TypeScript code as CommonJS without type annotations. */
function toJavaScript(code: string): string {
  return code
    .replace(/^import (\w+) from '([^']+)';$/gm, "const $1 = require('$2');")
    .replace(/^import \{ ([^}]+) \} from '([^']+)';$/gm, "const { $1 } = require('$2');")
    .replace(/^export const /gm, 'const ')
    .replace(/^export function (\w+)\(\): [^{]+\{/gm, 'function $1() {')
    .replace(/\n*$/, '\n');
}

function jsExports(code: string): string {
  const names = [...code.matchAll(/^export (?:const|function) (\w+)/gm)].map((m) => m[1]);
  return `${toJavaScript(code)}\nmodule.exports = { ${names.join(', ')} };\n`;
}

const PY: Record<string, Generator> = {
  postgresql: (p) => ({
    packages: ['psycopg[binary]'],
    env: [p.user, p.password],
    code: `import os

import psycopg

# Credentials come from the environment: ${p.user}, ${p.password}.
conn = psycopg.connect(
    host=${lit(p.host)},
    port=${p.port},
    dbname=${lit(p.db)},
    user=os.environ[${lit(p.user)}],
    password=os.environ[${lit(p.password)}],
)
`,
  }),
  mysql: (p) => ({
    packages: ['PyMySQL'],
    env: [p.user, p.password],
    code: `import os

import pymysql

# Credentials come from the environment: ${p.user}, ${p.password}.
conn = pymysql.connect(
    host=${lit(p.host)},
    port=${p.port},
    database=${lit(p.db)},
    user=os.environ[${lit(p.user)}],
    password=os.environ[${lit(p.password)}],
)
`,
  }),
  mssql: (p) => ({
    packages: ['pyodbc'],
    env: [p.user, p.password],
    code: `import os

import pyodbc

# Credentials come from the environment: ${p.user}, ${p.password}.
conn = pyodbc.connect(
    driver="{ODBC Driver 18 for SQL Server}",
    server=${lit(`${p.host},${p.port}`)},
    database=${lit(p.db)},
    uid=os.environ[${lit(p.user)}],
    pwd=os.environ[${lit(p.password)}],
    encrypt="yes",
)
`,
  }),
  oracle: (p) => ({
    packages: ['oracledb'],
    env: [p.user, p.password],
    code: `import os

import oracledb

# Credentials come from the environment: ${p.user}, ${p.password}.
conn = oracledb.connect(
    user=os.environ[${lit(p.user)}],
    password=os.environ[${lit(p.password)}],
    dsn=${lit(`${p.host}:${p.port}/${p.db}`)},
)
`,
  }),
  mongodb: (p) => ({
    packages: ['pymongo'],
    env: [p.user, p.password],
    code: `import os

from pymongo import MongoClient

# Credentials come from the environment: ${p.user}, ${p.password}.
client = MongoClient(
    host=${lit(p.host)},
    port=${p.port},
    username=os.environ[${lit(p.user)}],
    password=os.environ[${lit(p.password)}],
)
db = client[${lit(p.db)}]
`,
  }),
  redis: (p) => ({
    packages: ['redis'],
    env: [p.password],
    code: `import os

import redis

# The password comes from the environment: ${p.password}.
client = redis.Redis(host=${lit(p.host)}, port=${p.port}, password=os.environ.get(${lit(p.password)}))
`,
  }),
  sqlite: (p) => ({
    packages: [],
    env: [],
    code: `import sqlite3

conn = sqlite3.connect(${lit(p.db || p.host)})
`,
  }),
};
PY.mariadb = PY.mysql;

/** JDBC URL per type, for Java and (as a template) for the C# providers. */
function jdbcUrl(type: string, p: Parts): string | undefined {
  switch (type) {
    case 'postgresql':
      return `jdbc:postgresql://${p.host}:${p.port}/${p.db}`;
    case 'mysql':
      return `jdbc:mysql://${p.host}:${p.port}/${p.db}`;
    case 'mariadb':
      return `jdbc:mariadb://${p.host}:${p.port}/${p.db}`;
    case 'mssql':
      return `jdbc:sqlserver://${p.host}:${p.port};databaseName=${p.db};encrypt=true`;
    case 'oracle':
      return `jdbc:oracle:thin:@//${p.host}:${p.port}/${p.db}`;
    case 'sqlite':
      return `jdbc:sqlite:${p.db || p.host}`;
    default:
      return undefined;
  }
}

const JDBC_DRIVER: Record<string, string> = {
  postgresql: 'org.postgresql:postgresql',
  mysql: 'com.mysql:mysql-connector-j',
  mariadb: 'org.mariadb.jdbc:mariadb-java-client',
  mssql: 'com.microsoft.sqlserver:mssql-jdbc',
  oracle: 'com.oracle.database.jdbc:ojdbc11',
  sqlite: 'org.xerial:sqlite-jdbc',
};

function java(type: string, p: Parts): { code: string; packages: string[]; env: string[] } | undefined {
  const url = jdbcUrl(type, p);
  if (!url) return undefined;
  const creds = type === 'sqlite' ? '' : `, System.getenv(${lit(p.user)}), System.getenv(${lit(p.password)})`;
  return {
    packages: [JDBC_DRIVER[type]],
    env: type === 'sqlite' ? [] : [p.user, p.password],
    code: `import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

public final class Database {
    private Database() {}

    /** Opens a connection${type === 'sqlite' ? '' : `; credentials come from ${p.user} and ${p.password}`}. */
    public static Connection connect() throws SQLException {
        return DriverManager.getConnection(${lit(url)}${creds});
    }
}
`,
  };
}

/** [namespace, NuGet package, connection class, user key, connection string without credentials] */
const CSHARP_PROVIDER: Record<string, [string, string, string, string, (p: Parts) => string]> = {
  mssql: ['Microsoft.Data.SqlClient', 'Microsoft.Data.SqlClient', 'SqlConnection', 'User ID', (p) => `Server=${p.host},${p.port};Database=${p.db};Encrypt=True`],
  postgresql: ['Npgsql', 'Npgsql', 'NpgsqlConnection', 'Username', (p) => `Host=${p.host};Port=${p.port};Database=${p.db}`],
  mysql: ['MySqlConnector', 'MySqlConnector', 'MySqlConnection', 'User ID', (p) => `Server=${p.host};Port=${p.port};Database=${p.db}`],
  mariadb: ['MySqlConnector', 'MySqlConnector', 'MySqlConnection', 'User ID', (p) => `Server=${p.host};Port=${p.port};Database=${p.db}`],
  oracle: ['Oracle.ManagedDataAccess.Client', 'Oracle.ManagedDataAccess.Core', 'OracleConnection', 'User Id', (p) => `Data Source=${p.host}:${p.port}/${p.db}`],
  sqlite: ['Microsoft.Data.Sqlite', 'Microsoft.Data.Sqlite', 'SqliteConnection', '', (p) => `Data Source=${p.db || p.host}`],
};

function csharp(type: string, p: Parts): { code: string; packages: string[]; env: string[] } | undefined {
  const provider = CSHARP_PROVIDER[type];
  if (!provider) return undefined;
  const [ns, nuget, cls, userKey, base] = provider;
  const needsCreds = userKey !== '';
  return {
    packages: [nuget],
    env: needsCreds ? [p.user, p.password] : [],
    code: `using System;
using System.Data.Common;
using ${ns};

public static class Database
{
    // ${needsCreds ? `Credentials come from the environment: ${p.user}, ${p.password}.` : 'A local SQLite file.'}
    public static ${cls} Connect()
    {
        // The builder quotes values, so a password with ';' or '=' stays one value.
        var builder = new DbConnectionStringBuilder { ConnectionString = ${lit(base(p))} };${needsCreds ? `
        builder[${lit(userKey)}] = Environment.GetEnvironmentVariable(${lit(p.user)});
        builder["Password"] = Environment.GetEnvironmentVariable(${lit(p.password)});` : ''}
        var connection = new ${cls}(builder.ConnectionString);
        connection.Open();
        return connection;
    }
}
`,
  };
}

/** Database types each language has a generator for. */
export function databaseTypesFor(language: SnippetLanguage): string[] {
  const table: Record<SnippetLanguage, string[]> = {
    typescript: Object.keys(TS),
    javascript: Object.keys(TS),
    python: Object.keys(PY),
    java: Object.keys(JDBC_DRIVER),
    csharp: Object.keys(CSHARP_PROVIDER),
  };
  return table[language].sort();
}

/** A starting snippet for connecting to a discovered database in `language`. */
export function databaseSnippet(target: DatabaseTarget, language: SnippetLanguage): Snippet {
  const type = target.database_type.toLowerCase();
  const p = parts(target);
  let out: { code: string; packages: string[]; env: string[] } | undefined;
  if (language === 'typescript') out = TS[type]?.(p);
  else if (language === 'javascript') {
    const ts = TS[type]?.(p);
    out = ts && { ...ts, code: jsExports(ts.code), packages: ts.packages.filter((x) => !x.startsWith('@types/')) };
  } else if (language === 'python') out = PY[type]?.(p);
  else if (language === 'java') out = java(type, p);
  else out = csharp(type, p);
  if (!out) {
    throw new CortexError('BAD_INPUT', `No ${language} snippet for ${type} databases.`, `Supported in ${language}: ${databaseTypesFor(language).join(', ')}.`);
  }
  return { language, ...out };
}

import type { DbType } from '../types';

/**
 * One rule per database technology: every name under which it shows up in a
 * workspace. Detectors only consult this table, so supporting another
 * spelling (a new Docker image, ORM provider or ODBC driver) is a data change.
 */
export interface DatabaseRule {
  type: DbType;
  /** The server's well-known port, filled in when a URL omits it (recorded as `port_source: "default"`). */
  defaultPort: number | null;
  /** URL schemes (`scheme://`), without `+driver` suffixes, which are stripped first. */
  schemes: string[];
  /** JDBC sub-protocols (`jdbc:<name>:`). */
  jdbc: string[];
  /** Docker images, matched against the image name without registry tag. */
  images: RegExp[];
  /** Environment variables a compose service of this image reads: database name, user, password. */
  composeEnv?: { database?: string[]; user?: string[]; password?: string[]; defaultUser?: string };
  /** Prefixes of component env vars (`PGHOST`, `MYSQL_HOST` …). */
  envPrefixes: string[];
  /** Words that, in a config key or provider name, say which database a connection string is for. */
  hints: RegExp;
  /** Django ENGINE suffixes, Prisma providers, Rails adapters, ODBC driver names. */
  djangoEngines: string[];
  prismaProviders: string[];
  railsAdapters: string[];
  odbcDrivers: RegExp;
}

export const DATABASE_RULES: readonly DatabaseRule[] = [
  {
    type: 'postgresql',
    defaultPort: 5432,
    schemes: ['postgres', 'postgresql', 'pgsql', 'postgis', 'timescaledb'],
    jdbc: ['postgresql', 'pgsql'],
    images: [/(^|\/)postgres(ql)?$/, /(^|\/)postgis$/, /^timescale\/timescaledb/, /(^|\/)pgvector$/],
    composeEnv: { database: ['POSTGRES_DB', 'POSTGRESQL_DATABASE'], user: ['POSTGRES_USER', 'POSTGRESQL_USERNAME'], password: ['POSTGRES_PASSWORD', 'POSTGRESQL_PASSWORD'], defaultUser: 'postgres' },
    envPrefixes: ['PG', 'POSTGRES_', 'POSTGRESQL_'],
    hints: /postgres|npgsql|pgsql|\bpg\b|psql/i,
    djangoEngines: ['postgresql', 'postgresql_psycopg2', 'postgis'],
    prismaProviders: ['postgresql', 'postgres'],
    railsAdapters: ['postgresql', 'postgis'],
    odbcDrivers: /postgres/i,
  },
  {
    type: 'mysql',
    defaultPort: 3306,
    schemes: ['mysql', 'mysql2', 'mysqlx'],
    jdbc: ['mysql'],
    images: [/(^|\/)mysql$/, /^mysql\/mysql-server$/, /(^|\/)percona$/],
    composeEnv: { database: ['MYSQL_DATABASE'], user: ['MYSQL_USER'], password: ['MYSQL_PASSWORD', 'MYSQL_ROOT_PASSWORD'], defaultUser: 'root' },
    envPrefixes: ['MYSQL_'],
    hints: /mysql/i,
    djangoEngines: ['mysql'],
    prismaProviders: ['mysql'],
    railsAdapters: ['mysql2', 'mysql', 'trilogy'],
    odbcDrivers: /mysql/i,
  },
  {
    type: 'mariadb',
    defaultPort: 3306,
    schemes: ['mariadb'],
    jdbc: ['mariadb'],
    images: [/(^|\/)mariadb$/],
    composeEnv: { database: ['MARIADB_DATABASE', 'MYSQL_DATABASE'], user: ['MARIADB_USER', 'MYSQL_USER'], password: ['MARIADB_PASSWORD', 'MARIADB_ROOT_PASSWORD', 'MYSQL_PASSWORD', 'MYSQL_ROOT_PASSWORD'], defaultUser: 'root' },
    envPrefixes: ['MARIADB_'],
    hints: /maria/i,
    djangoEngines: [],
    prismaProviders: [],
    railsAdapters: [],
    odbcDrivers: /maria/i,
  },
  {
    type: 'mssql',
    defaultPort: 1433,
    schemes: ['mssql', 'sqlserver'],
    jdbc: ['sqlserver', 'jtds:sqlserver'],
    images: [/^mcr\.microsoft\.com\/mssql\/server$/, /^mcr\.microsoft\.com\/azure-sql-edge$/, /(^|\/)mssql(-server)?(-linux)?$/],
    composeEnv: { password: ['MSSQL_SA_PASSWORD', 'SA_PASSWORD'], defaultUser: 'sa' },
    envPrefixes: ['MSSQL_', 'SQLSERVER_', 'SQL_SERVER_'],
    hints: /mssql|sql ?server|sqlclient|sqlsrv|azure ?sql/i,
    djangoEngines: ['mssql', 'sql_server.pyodbc'],
    prismaProviders: ['sqlserver'],
    railsAdapters: ['sqlserver'],
    odbcDrivers: /sql server|sqlncli|msodbcsql/i,
  },
  {
    type: 'oracle',
    defaultPort: 1521,
    schemes: ['oracle'],
    jdbc: ['oracle'],
    images: [/^container-registry\.oracle\.com\/database\//, /^gvenzl\/oracle-(xe|free)$/, /(^|\/)oracle-(xe|database|free)(-\w+)?$/],
    composeEnv: { database: ['ORACLE_DATABASE', 'ORACLE_PDB'], user: ['APP_USER'], password: ['ORACLE_PASSWORD', 'ORACLE_PWD', 'APP_USER_PASSWORD'], defaultUser: 'system' },
    envPrefixes: ['ORACLE_'],
    hints: /oracle|\btns\b|odp\.net/i,
    djangoEngines: ['oracle'],
    prismaProviders: [],
    railsAdapters: ['oracle_enhanced'],
    odbcDrivers: /oracle/i,
  },
  {
    type: 'mongodb',
    defaultPort: 27017,
    schemes: ['mongodb', 'mongo'],
    jdbc: ['mongodb'],
    images: [/(^|\/)mongo(db)?$/, /^mongodb\/mongodb-(community|enterprise)-server$/],
    composeEnv: { database: ['MONGO_INITDB_DATABASE', 'MONGODB_DATABASE'], user: ['MONGO_INITDB_ROOT_USERNAME', 'MONGODB_ROOT_USER', 'MONGODB_USERNAME'], password: ['MONGO_INITDB_ROOT_PASSWORD', 'MONGODB_ROOT_PASSWORD', 'MONGODB_PASSWORD'] },
    envPrefixes: ['MONGO_', 'MONGODB_'],
    hints: /mongo/i,
    djangoEngines: ['djongo'],
    prismaProviders: ['mongodb'],
    railsAdapters: [],
    odbcDrivers: /mongo/i,
  },
  {
    type: 'redis',
    defaultPort: 6379,
    schemes: ['redis', 'rediss'],
    jdbc: ['redis'],
    images: [/(^|\/)redis$/, /^redis\/redis-stack(-server)?$/, /(^|\/)valkey$/],
    composeEnv: { password: ['REDIS_PASSWORD'] },
    envPrefixes: ['REDIS_'],
    hints: /redis|valkey/i,
    djangoEngines: [],
    prismaProviders: [],
    railsAdapters: [],
    odbcDrivers: /redis/i,
  },
  {
    type: 'sqlite',
    defaultPort: null,
    schemes: ['sqlite', 'sqlite3'],
    jdbc: ['sqlite'],
    images: [],
    envPrefixes: ['SQLITE_'],
    hints: /sqlite/i,
    djangoEngines: ['sqlite3', 'spatialite'],
    prismaProviders: ['sqlite'],
    railsAdapters: ['sqlite3', 'sqlite'],
    odbcDrivers: /sqlite/i,
  },
];

export const RULE_BY_TYPE: Record<DbType, DatabaseRule> = Object.fromEntries(DATABASE_RULES.map((r) => [r.type, r])) as Record<DbType, DatabaseRule>;

export function ruleByScheme(scheme: string): DatabaseRule | undefined {
  const s = scheme.toLowerCase().split('+')[0];
  return DATABASE_RULES.find((r) => r.schemes.includes(s));
}

export function ruleByJdbc(subprotocol: string): DatabaseRule | undefined {
  const s = subprotocol.toLowerCase();
  return DATABASE_RULES.find((r) => r.jdbc.includes(s));
}

export function ruleByImage(image: string): DatabaseRule | undefined {
  // "docker.io/library/postgres:16-alpine@sha256:…" → "postgres"
  const name = image.toLowerCase().split('@')[0].replace(/:[^/:]*$/, '').replace(/^(docker\.io\/)?(library\/)?/, '');
  return DATABASE_RULES.find((r) => r.images.some((re) => re.test(name)));
}

/** The database a free-text hint (config key, provider name, driver) names, when exactly one matches. */
export function ruleByHint(text: string): DatabaseRule | undefined {
  const hits = DATABASE_RULES.filter((r) => r.hints.test(text));
  // "MySql" also matches nothing else; "mariadb" must win over mysql-compatible spellings.
  if (hits.length === 1) return hits[0];
  return hits.find((r) => r.type === 'mariadb');
}

/** Port-based guess for component env vars that name no type (`DB_HOST`/`DB_PORT`). */
export function ruleByPort(port: number): DatabaseRule | undefined {
  const hits = DATABASE_RULES.filter((r) => r.defaultPort === port);
  return hits.length === 1 ? hits[0] : hits.find((r) => r.type === 'mysql');
}

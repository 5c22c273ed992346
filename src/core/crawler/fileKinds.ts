/**
 * Which files the crawler reads at all, decided by file name alone (the
 * walker never opens anything else). Each kind has one detector.
 */
export type FileKind =
  // manifests
  | 'npm'
  | 'requirements'
  | 'pyproject'
  | 'pipfile'
  | 'maven'
  | 'gradle'
  | 'msbuild'
  | 'gomod'
  | 'gemfile'
  | 'composer'
  | 'cargo'
  // lockfiles: read only when a manifest next to or below them names a framework
  | 'lockfile'
  // database configuration
  | 'dotenv'
  | 'appsettings'
  | 'spring'
  | 'compose'
  | 'tnsnames'
  | 'prisma'
  | 'python-config'
  | 'rails-database'
  | 'dotnet-config'
  | 'sqlite'
  // API specifications
  | 'openapi'
  | 'graphql'
  | 'proto'
  | 'wsdl'
  // route tables counted for Django
  | 'django-urls';

const EXACT: Record<string, FileKind> = {
  'package.json': 'npm',
  'pyproject.toml': 'pyproject',
  pipfile: 'pipfile',
  'pom.xml': 'maven',
  'build.gradle': 'gradle',
  'build.gradle.kts': 'gradle',
  'go.mod': 'gomod',
  gemfile: 'gemfile',
  'composer.json': 'composer',
  'cargo.toml': 'cargo',
  'package-lock.json': 'lockfile',
  'yarn.lock': 'lockfile',
  'pnpm-lock.yaml': 'lockfile',
  'poetry.lock': 'lockfile',
  'uv.lock': 'lockfile',
  'pipfile.lock': 'lockfile',
  'composer.lock': 'lockfile',
  'gemfile.lock': 'lockfile',
  'cargo.lock': 'lockfile',
  'tnsnames.ora': 'tnsnames',
  'settings.py': 'python-config',
  'config.py': 'python-config',
  'database.py': 'python-config',
  'db.py': 'python-config',
  'alembic.ini': 'python-config',
  'database.yml': 'rails-database',
  'web.config': 'dotnet-config',
  'app.config': 'dotnet-config',
  'urls.py': 'django-urls',
};

const BY_EXTENSION: Record<string, FileKind> = {
  csproj: 'msbuild',
  fsproj: 'msbuild',
  vbproj: 'msbuild',
  prisma: 'prisma',
  db: 'sqlite',
  sqlite: 'sqlite',
  sqlite3: 'sqlite',
  db3: 'sqlite',
  s3db: 'sqlite',
  sl3: 'sqlite',
  graphql: 'graphql',
  graphqls: 'graphql',
  gql: 'graphql',
  proto: 'proto',
  wsdl: 'wsdl',
};

const SPEC_EXT = /\.(json|ya?ml)$/;
const OPENAPI_NAME = /openapi|swagger|^(api|spec|api-spec|api-docs)\.|[-_.]api\.(json|ya?ml)$/;

/**
 * The kind of a file from its name (and, for Django's `settings/` packages,
 * its folder's name); undefined for the vast majority of files, which are
 * never opened.
 */
export function classify(name: string, dirName: string): FileKind | undefined {
  const lower = name.toLowerCase();
  const exact = EXACT[lower];
  if (exact) return exact;
  const dot = lower.lastIndexOf('.');
  if (dot > 0) {
    const byExt = BY_EXTENSION[lower.slice(dot + 1)];
    if (byExt) return byExt;
  }
  if (lower.startsWith('.env')) return 'dotenv';
  if (lower.startsWith('requirements') && lower.endsWith('.txt')) return 'requirements';
  if (lower.startsWith('appsettings') && lower.endsWith('.json')) return 'appsettings';
  if (/^(application|bootstrap)([-.][\w-]+)?\.(properties|ya?ml)$/.test(lower)) return 'spring';
  if (/^(docker-)?compose([-.][\w-]+)?\.ya?ml$/.test(lower)) return 'compose';
  if (SPEC_EXT.test(lower) && OPENAPI_NAME.test(lower)) return 'openapi';
  if (lower.endsWith('.py') && dirName === 'settings') return 'python-config';
  return undefined;
}

/** Source files counted (never read) for components and file-system routes; see countRules. */
export function isCountable(lowerName: string, dirMayRoute: boolean): boolean {
  if (lowerName.endsWith('.vue') || lowerName.endsWith('.svelte') || lowerName.endsWith('.component.ts')) return true;
  return dirMayRoute && /\.(jsx?|tsx?|mjs)$/.test(lowerName);
}

/** Directories below which file-system routers keep routes (Next.js pages/ and app/, SvelteKit routes/). */
export function mayRoute(relDir: string): boolean {
  return /(^|\/)(pages|app|routes)(\/|$)/.test(relDir);
}

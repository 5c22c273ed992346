import type { FileKind } from '../fileKinds';
import { detectAppSettings, detectDotnetConfig, detectSpringConfig } from './appConfigs';
import { detectGraphql, detectOpenApi, detectProto, detectWsdl } from './apis';
import { detectCompose } from './compose';
import type { TextDetector } from './context';
import { detectEnvFile } from './envFiles';
import { detectFrameworks } from './frameworks';
import { detectPrisma, detectPythonConfig, detectRailsDatabase } from './orms';
import { detectTnsnames } from './tnsnames';

/** The detector for each kind of file that is read as text (SQLite files, lockfiles and urls.py are handled by the crawl itself). */
export const TEXT_DETECTORS: Partial<Record<FileKind, TextDetector>> = {
  npm: detectFrameworks,
  requirements: detectFrameworks,
  pyproject: detectFrameworks,
  pipfile: detectFrameworks,
  maven: detectFrameworks,
  gradle: detectFrameworks,
  msbuild: detectFrameworks,
  gomod: detectFrameworks,
  gemfile: detectFrameworks,
  composer: detectFrameworks,
  cargo: detectFrameworks,
  dotenv: detectEnvFile,
  appsettings: detectAppSettings,
  spring: detectSpringConfig,
  compose: detectCompose,
  tnsnames: detectTnsnames,
  prisma: detectPrisma,
  'python-config': detectPythonConfig,
  'rails-database': detectRailsDatabase,
  'dotnet-config': detectDotnetConfig,
  openapi: detectOpenApi,
  graphql: detectGraphql,
  proto: detectProto,
  wsdl: detectWsdl,
};

/** Django URL patterns declared in a urls.py (`path(…)`, `re_path(…)`, `url(…)`), not counting `include(…)` prefixes. */
export function countUrlPatterns(text: string): number {
  let n = 0;
  const re = /(?<![\w.])(?:re_path|path|url)\(/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const lineEnd = text.indexOf('\n', m.index);
    if (!/\binclude\(/.test(text.slice(m.index, lineEnd < 0 ? undefined : lineEnd))) n++;
  }
  return n;
}

/**
 * One rule per framework, in the shape of specfy/stack-analyser's rules: the
 * `framework_type` it is stored as and the dependencies that reveal it, per
 * package ecosystem. Adding a framework is adding an entry here. The first
 * matching dependency of a manifest gives the version.
 *
 * `components` / `routes` name a counting rule (counts.ts) for frameworks
 * where a file really is one component or one route; elsewhere the counts are
 * left NULL rather than guessed.
 */
export type Ecosystem = 'npm' | 'python' | 'maven' | 'nuget' | 'golang' | 'ruby' | 'php' | 'rust';
export type CountRule = 'vue-files' | 'svelte-files' | 'angular-components' | 'next-routes' | 'nuxt-pages' | 'sveltekit-routes' | 'django-urls';

export interface FrameworkRule {
  tech: string;
  name: string;
  dependencies: Array<{ type: Ecosystem; name: string | RegExp }>;
  components?: CountRule;
  routes?: CountRule;
}

export const FRAMEWORK_RULES: readonly FrameworkRule[] = [
  // JavaScript / TypeScript (package.json)
  { tech: 'react', name: 'React', dependencies: [{ type: 'npm', name: 'react' }] },
  { tech: 'angular', name: 'Angular', dependencies: [{ type: 'npm', name: '@angular/core' }], components: 'angular-components' },
  { tech: 'vue', name: 'Vue.js', dependencies: [{ type: 'npm', name: 'vue' }], components: 'vue-files' },
  { tech: 'next', name: 'Next.js', dependencies: [{ type: 'npm', name: 'next' }], routes: 'next-routes' },
  { tech: 'nuxt', name: 'Nuxt', dependencies: [{ type: 'npm', name: 'nuxt' }, { type: 'npm', name: 'nuxt3' }], routes: 'nuxt-pages' },
  { tech: 'svelte', name: 'Svelte', dependencies: [{ type: 'npm', name: 'svelte' }], components: 'svelte-files' },
  { tech: 'sveltekit', name: 'SvelteKit', dependencies: [{ type: 'npm', name: '@sveltejs/kit' }], routes: 'sveltekit-routes' },
  { tech: 'remix', name: 'Remix', dependencies: [{ type: 'npm', name: '@remix-run/react' }, { type: 'npm', name: '@remix-run/node' }] },
  { tech: 'gatsby', name: 'Gatsby', dependencies: [{ type: 'npm', name: 'gatsby' }] },
  { tech: 'express', name: 'Express', dependencies: [{ type: 'npm', name: 'express' }] },
  { tech: 'nestjs', name: 'NestJS', dependencies: [{ type: 'npm', name: '@nestjs/core' }] },
  { tech: 'fastify', name: 'Fastify', dependencies: [{ type: 'npm', name: 'fastify' }] },
  { tech: 'koa', name: 'Koa', dependencies: [{ type: 'npm', name: 'koa' }] },
  { tech: 'hapi', name: 'hapi', dependencies: [{ type: 'npm', name: '@hapi/hapi' }] },
  { tech: 'electron', name: 'Electron', dependencies: [{ type: 'npm', name: 'electron' }] },
  // Python (requirements*.txt, pyproject.toml, Pipfile); names are PEP 503-normalised
  { tech: 'django', name: 'Django', dependencies: [{ type: 'python', name: 'django' }], routes: 'django-urls' },
  { tech: 'flask', name: 'Flask', dependencies: [{ type: 'python', name: 'flask' }] },
  { tech: 'fastapi', name: 'FastAPI', dependencies: [{ type: 'python', name: 'fastapi' }] },
  { tech: 'tornado', name: 'Tornado', dependencies: [{ type: 'python', name: 'tornado' }] },
  { tech: 'pyramid', name: 'Pyramid', dependencies: [{ type: 'python', name: 'pyramid' }] },
  // Java (pom.xml, build.gradle[.kts]): groupId:artifactId, or a Gradle plugin id
  {
    tech: 'spring-boot',
    name: 'Spring Boot',
    dependencies: [{ type: 'maven', name: /^org\.springframework\.boot(:spring-boot(-starter[\w-]*|-dependencies|-maven-plugin|-gradle-plugin)?)?$/ }],
  },
  { tech: 'quarkus', name: 'Quarkus', dependencies: [{ type: 'maven', name: /^io\.quarkus(\.platform)?(:quarkus-[\w-]+)?$/ }] },
  { tech: 'micronaut', name: 'Micronaut', dependencies: [{ type: 'maven', name: /^io\.micronaut(\.platform)?(:micronaut-[\w-]+)?$/ }] },
  // .NET (*.csproj): the Web SDK or FrameworkReference, and NuGet packages
  {
    tech: 'aspnet-core',
    name: 'ASP.NET Core',
    dependencies: [
      { type: 'nuget', name: 'Microsoft.NET.Sdk.Web' },
      { type: 'nuget', name: 'Microsoft.AspNetCore.App' },
      { type: 'nuget', name: /^Microsoft\.AspNetCore(\.[\w.]+)?$/ },
    ],
  },
  { tech: 'ef-core', name: 'Entity Framework Core', dependencies: [{ type: 'nuget', name: /^Microsoft\.EntityFrameworkCore(\.[\w.]+)?$/ }] },
  // Go (go.mod)
  { tech: 'gin', name: 'Gin', dependencies: [{ type: 'golang', name: 'github.com/gin-gonic/gin' }] },
  { tech: 'echo', name: 'Echo', dependencies: [{ type: 'golang', name: /^github\.com\/labstack\/echo(\/v\d+)?$/ }] },
  { tech: 'fiber', name: 'Fiber', dependencies: [{ type: 'golang', name: /^github\.com\/gofiber\/fiber(\/v\d+)?$/ }] },
  { tech: 'chi', name: 'chi', dependencies: [{ type: 'golang', name: /^github\.com\/go-chi\/chi(\/v\d+)?$/ }] },
  // Ruby (Gemfile)
  { tech: 'rails', name: 'Ruby on Rails', dependencies: [{ type: 'ruby', name: 'rails' }] },
  { tech: 'sinatra', name: 'Sinatra', dependencies: [{ type: 'ruby', name: 'sinatra' }] },
  // PHP (composer.json)
  { tech: 'laravel', name: 'Laravel', dependencies: [{ type: 'php', name: 'laravel/framework' }] },
  { tech: 'symfony', name: 'Symfony', dependencies: [{ type: 'php', name: 'symfony/framework-bundle' }, { type: 'php', name: 'symfony/symfony' }] },
  { tech: 'slim', name: 'Slim', dependencies: [{ type: 'php', name: 'slim/slim' }] },
  // Rust (Cargo.toml)
  { tech: 'actix', name: 'Actix Web', dependencies: [{ type: 'rust', name: 'actix-web' }] },
  { tech: 'axum', name: 'axum', dependencies: [{ type: 'rust', name: 'axum' }] },
  { tech: 'rocket', name: 'Rocket', dependencies: [{ type: 'rust', name: 'rocket' }] },
];

export function ruleMatches(rule: FrameworkRule, ecosystem: Ecosystem, name: string): boolean {
  return rule.dependencies.some((d) => d.type === ecosystem && (typeof d.name === 'string' ? d.name === name : d.name.test(name)));
}

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { withDatabase } from '../../../src/core/db/database';
import { cleanupTempDirs, tempDir } from '../../helpers/fixtures';
import { apiKeys, closeBrains, crawl, dbKeys, FIXTURES, freshBrain, fwKeys } from './helpers';

/** Every fixture workspace crawled into a fresh brain: exactly the expected rows, with the right fields, and nothing else. */
describe('crawler detectors on fixture workspaces', function () {
  this.timeout(60000);
  afterEach(async () => {
    await closeBrains();
    cleanupTempDirs();
  });

  it('Express + React + Postgres compose stack: services merge with the URLs that point at them', async () => {
    const { db } = await freshBrain();
    const f = await crawl(db, path.join(FIXTURES, 'express-react-postgres'));
    assert.deepEqual(dbKeys(f.databases), ['postgresql db:5432/shop', 'redis cache:6379/-']);
    const pg = f.databases.find((d) => d.database_type === 'postgresql')!;
    // The app's URL is the witness (its password stays a reference); the compose service is a second source.
    assert.equal(pg.connection_string, 'postgres://shop:${POSTGRES_PASSWORD}@db:5432/shop');
    assert.deepEqual(pg.metadata.sources, [
      { file: 'docker-compose.yml', line: 5 },
      { file: 'docker-compose.yml', line: 12 },
    ]);
    assert.equal(pg.table_count, null);
    assert.equal(pg.schemas, null);
    assert.equal(f.databases.find((d) => d.database_type === 'redis')!.metadata.db_index, '0');
    // Versions resolved from the workspace lockfile (hoisted and nested entries), not the declared ranges.
    assert.deepEqual(fwKeys(f.frameworks), ['express@4.19.2 api/package.json c=- r=-', 'react@18.3.1 web/package.json c=- r=-']);
    assert.deepEqual(
      f.frameworks.map((x) => [x.metadata.declared, x.metadata.version_source, x.metadata.line]),
      [
        ['^4.19.2', 'package-lock.json', 5],
        ['^18.2.0', 'package-lock.json', 5],
      ],
    );
    assert.deepEqual(f.apis, []);
    assert.deepEqual(f.report.found, { databases: 2, apis: 0, frameworks: 2 });
    assert.equal(f.report.new, 4);
  });

  it('Django + MySQL: settings dicts (env defaults, references), BASE_DIR sqlite, urls.py routes', async () => {
    const { db } = await freshBrain();
    const f = await crawl(db, path.join(FIXTURES, 'django-mysql'));
    assert.deepEqual(dbKeys(f.databases), ['mysql mysql.internal:3306/analytics', 'mysql mysql.internal:3306/shop', 'sqlite -:-/db.sqlite3']);
    const byName = new Map(f.databases.map((d) => [d.database_name, d]));
    assert.equal(byName.get('shop')!.connection_string, 'mysql://shop_app:***@mysql.internal:3306/shop');
    assert.equal(byName.get('analytics')!.connection_string, 'mysql://reporter:${ANALYTICS_DB_PASSWORD}@mysql.internal:3306/analytics');
    assert.deepEqual(byName.get('shop')!.metadata.env_keys, ['DB_HOST']);
    assert.equal(byName.get('db.sqlite3')!.metadata.source_file, 'shop/settings/base.py');
    // 3 path()s in shop/urls.py (the include() prefix is not a route) + 2 in orders/urls.py.
    assert.deepEqual(fwKeys(f.frameworks), ['django@4.2.7 requirements.txt c=- r=5']);
    assert.deepEqual(f.apis, []);
  });

  it('Spring + Oracle: a JDBC TNS alias resolves through tnsnames.ora; profiles and ${VAR:default} are read', async () => {
    const { db } = await freshBrain();
    const f = await crawl(db, path.join(FIXTURES, 'spring-oracle'));
    assert.deepEqual(dbKeys(f.databases), [
      'oracle ci-oracle:1521/CIPDB',
      'oracle legacy-ora.internal:1526/LEG',
      'oracle oradb.internal:1521/ORCLPDB1',
      'oracle reporting.internal:1522/REPORTS',
    ]);
    const aliased = f.databases.find((d) => d.database_name === 'ORCLPDB1')!;
    assert.equal(aliased.connection_string, 'jdbc:oracle:thin:@ORCLPDB_ALIAS');
    assert.deepEqual(aliased.metadata.origins, ['tnsnames', 'spring']);
    assert.equal(f.databases.find((d) => d.database_name === 'REPORTS')!.metadata.line, 16);
    assert.equal(f.databases.find((d) => d.database_name === 'CIPDB')!.connection_string, '${TEST_DB_URL:jdbc:oracle:thin:ci_user/***@ci-oracle:1521/CIPDB}');
    assert.deepEqual(f.databases.find((d) => d.database_name === 'LEG')!.metadata.tns_aliases, ['LEGACY', 'LEGACY.WORLD']);
    assert.deepEqual(fwKeys(f.frameworks), ['spring-boot@3.2.1 pom.xml c=- r=-']);
  });

  it('ASP.NET + SQL Server: appsettings (with comments), Web.config entities, ODP.NET descriptors, StackExchange.Redis', async () => {
    const { db } = await freshBrain();
    const f = await crawl(db, path.join(FIXTURES, 'aspnet-sqlserver'));
    assert.deepEqual(dbKeys(f.databases), [
      'mssql (localdb):-/ShopDev',
      'mssql legacy-sql.internal:-/ShopLegacy',
      'mssql sql.internal:1433/Shop',
      'oracle ora-reports.internal:1521/REPORTS',
      'redis cache.internal:6380/-',
    ]);
    const shop = f.databases.find((d) => d.database_name === 'Shop')!;
    assert.equal(shop.connection_string, 'Server=tcp:sql.internal,1433;Initial Catalog=Shop;Persist Security Info=False;User ID=shop_api;Password=***;Encrypt=True;TrustServerCertificate=False;');
    assert.equal(shop.metadata.key, 'ConnectionStrings:ShopDb');
    assert.equal(f.databases.find((d) => d.database_name === 'ShopLegacy')!.metadata.instance, 'SHOP');
    assert.deepEqual(fwKeys(f.frameworks), ['aspnet-core@8.0 Shop.Api/Shop.Api.csproj c=- r=-', 'ef-core@8.0.1 Shop.Api/Shop.Api.csproj c=- r=-']);
  });

  it('OpenAPI 3 YAML and Swagger 2 JSON: base URL, endpoints, auth from security schemes; look-alikes ignored', async () => {
    const { db } = await freshBrain();
    const f = await crawl(db, path.join(FIXTURES, 'openapi-rest'));
    assert.deepEqual(apiKeys(f.apis), [
      'rest / auth=none spec=legacy/api-spec.yml',
      'rest https://catalog.acme.example/api auth=basic spec=legacy/swagger.json',
      'rest https://eu.api.acme.example/orders/v2 auth=oauth2 spec=api/openapi.yaml',
    ]);
    const orders = f.apis.find((a) => a.spec_location === 'api/openapi.yaml')!;
    assert.deepEqual(orders.endpoints, ['GET /orders', 'POST /orders', 'GET /orders/{id}', 'DELETE /orders/{id}']);
    assert.deepEqual(orders.metadata.servers, ['https://eu.api.acme.example/orders/v2', 'http://localhost:8080/orders/v2']);
    assert.equal(orders.metadata.api_version, '2.3.0');
    assert.deepEqual(f.apis.find((a) => a.spec_location === 'legacy/swagger.json')!.endpoints, ['GET /products', 'GET /products/{sku}', 'PUT /products/{sku}']);
    assert.equal(f.report.skipped.malformed, 0);
  });

  it('GraphQL: a schema split over files is one API; files of client operations are not APIs', async () => {
    const { db } = await freshBrain();
    const f = await crawl(db, path.join(FIXTURES, 'graphql'));
    assert.deepEqual(apiKeys(f.apis), ['graphql /graphql auth=- spec=schema/schema.graphql']);
    assert.deepEqual(f.apis[0].endpoints, ['query products', 'query product', 'mutation addToCart', 'query cart']);
    assert.deepEqual(f.apis[0].metadata.spec_locations, ['schema/schema.graphql', 'schema/cart.graphqls']);
    assert.equal(f.apis[0].metadata.base_url_source, 'convention');
  });

  it('gRPC: one API per service, named by its path prefix; message-only protos are not APIs', async () => {
    const { db } = await freshBrain();
    const f = await crawl(db, path.join(FIXTURES, 'grpc'));
    assert.deepEqual(apiKeys(f.apis), ['grpc /shop.v1.OrderService auth=- spec=proto/shop/v1/orders.proto']);
    assert.deepEqual(f.apis[0].endpoints, [
      'rpc PlaceOrder(PlaceOrderRequest) returns (Order)',
      'rpc GetOrder(GetOrderRequest) returns (Order)',
      'rpc WatchOrders(WatchOrdersRequest) returns (stream Order)',
    ]);
    assert.equal(f.apis[0].metadata.line, 9);
  });

  it('WSDL: SOAP operations and the service address', async () => {
    const { db } = await freshBrain();
    const f = await crawl(db, path.join(FIXTURES, 'soap'));
    assert.deepEqual(apiKeys(f.apis), ['soap https://quotes.example.com/soap/stockquote auth=- spec=wsdl/StockQuote.wsdl']);
    assert.deepEqual(f.apis[0].endpoints, ['operation GetLastTradePrice', 'operation GetHistory']);
  });

  it('JS frameworks: versions from yarn/npm/pnpm lockfiles, components and file-system routes counted per project', async () => {
    const { db } = await freshBrain();
    const f = await crawl(db, path.join(FIXTURES, 'node-frontends'));
    assert.deepEqual(fwKeys(f.frameworks), [
      'angular@17.3.4 angular-app/package.json c=3 r=-',
      'electron@30.0.1 desktop/package.json c=- r=-',
      'fastify@4.26.2 services/fastify-api/package.json c=- r=-',
      'koa@2.15.3 services/koa-api/package.json c=- r=-',
      'nestjs@10.3.7 services/nest-api/package.json c=- r=-',
      'next@14.2.3 next-app/package.json c=- r=7',
      'nuxt@^3.11.2 nuxt-app/package.json c=- r=3',
      'react@18.3.1 next-app/package.json c=- r=-',
      'svelte@4.2.15 svelte-app/package.json c=4 r=-',
      'sveltekit@2.5.7 svelte-app/package.json c=- r=3',
      'vue@3.4.21 vue-app/package.json c=4 r=-',
    ]);
    const nuxt = f.frameworks.find((x) => x.framework_type === 'nuxt')!;
    assert.equal(nuxt.metadata.version_source, 'declared');
    assert.equal(f.frameworks.find((x) => x.framework_type === 'vue')!.metadata.version_source, 'vue-app/yarn.lock');
    assert.equal(f.frameworks.find((x) => x.framework_type === 'next')!.metadata.routes_counted, 'pages/ and app/ route files');
    assert.deepEqual(f.databases, []);
  });

  it('Go, Ruby, PHP, Rust, Python, Gradle and Prisma projects, with their database configuration', async () => {
    const { db } = await freshBrain();
    const f = await crawl(db, path.join(FIXTURES, 'polyglot'));
    assert.deepEqual(fwKeys(f.frameworks), [
      'axum@0.7.5 rust-api/Cargo.toml c=- r=-',
      'echo@4.11.4 go-echo/go.mod c=- r=-',
      'fastapi@0.110.2 fastapi-svc/pyproject.toml c=- r=-',
      'fastify@4.26.2 prisma-svc/package.json c=- r=-',
      'flask@3.0.3 flask-svc/Pipfile c=- r=-',
      'gin@1.9.1 go-gin/go.mod c=- r=-',
      'laravel@11.4.0 laravel-app/composer.json c=- r=-',
      'quarkus@3.9.3 quarkus-svc/build.gradle.kts c=- r=-',
      'rails@7.1.3.2 rails-shop/Gemfile c=- r=-',
    ]);
    assert.deepEqual(dbKeys(f.databases), [
      'mongodb cluster0.ab1cd.mongodb.net:-/catalog',
      'mongodb mongo1.internal:27017/events',
      'mysql 127.0.0.1:3306/laravel',
      'postgresql localhost:5432/shop_development',
      'postgresql pg-prisma.internal:5432/users',
      'postgresql pg-quarkus.internal:5433/stock',
      'postgresql pg.internal:5432/inventory',
      'postgresql pg.internal:5432/shop_production',
      'redis 127.0.0.1:6379/-',
      'redis cache.internal:6380/-',
      'sqlite -:-/rails-shop/db/test.sqlite3',
    ]);
    // Prisma's env("DATABASE_URL") resolved through the .env above the schema: one database, two witnesses.
    const prisma = f.databases.find((d) => d.database_name === 'users')!;
    assert.deepEqual(
      (prisma.metadata.sources as Array<{ file: string }>).map((s) => s.file),
      ['prisma-svc/.env', 'prisma-svc/prisma/schema.prisma'],
    );
    assert.deepEqual(f.databases.find((d) => d.database_name === 'events')!.metadata.hosts, ['mongo1.internal:27017', 'mongo2.internal:27018']);
    assert.equal(f.databases.find((d) => d.database_name === 'laravel')!.connection_string, 'mysql://root:***@127.0.0.1:3306/laravel');
    assert.equal(f.databases.find((d) => d.database_name === 'shop_production')!.metadata.environment, 'production');
  });

  it('an unresolved Prisma env("X") is kept as a typed database without a location', async () => {
    const ws = tempDir();
    fs.mkdirSync(path.join(ws, 'prisma'));
    fs.writeFileSync(path.join(ws, 'prisma', 'schema.prisma'), 'datasource db {\n  provider = "mysql"\n  url = env("DB_URL")\n}\n');
    const { db } = await freshBrain();
    const f = await crawl(db, ws);
    assert.deepEqual(dbKeys(f.databases), ['mysql -:-/-']);
    assert.equal(f.databases[0].connection_string, 'env("DB_URL")');
  });

  it('SQLite files are opened read-only to count tables; other .db files are not databases', async () => {
    const ws = tempDir();
    const file = path.join(ws, 'data', 'app.sqlite3');
    fs.mkdirSync(path.dirname(file));
    await withDatabase(file, { create: true }, (d) => d.exec('CREATE TABLE a (x); CREATE TABLE b (y); CREATE INDEX ib ON b (y);'));
    const before = fs.readFileSync(file);
    fs.writeFileSync(path.join(ws, 'Thumbs.db'), Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
    const { db } = await freshBrain();
    const f = await crawl(db, ws);
    assert.deepEqual(dbKeys(f.databases), ['sqlite -:-/data/app.sqlite3']);
    assert.equal(f.databases[0].table_count, 2);
    assert.deepEqual(f.databases[0].schemas, ['main']);
    assert.equal(f.databases[0].connection_string, 'data/app.sqlite3');
    assert.ok(before.equals(fs.readFileSync(file)), 'the SQLite file was not modified');
  });
});

import * as assert from 'node:assert/strict';
import { parseConnectionString } from '../../../src/core/crawler/connection/parse';
import { isReference, redactCredentials } from '../../../src/core/crawler/connection/redact';
import type { DbType } from '../../../src/core/crawler/types';

/** [input, hint, type, host, port, database, stored (redacted) form]. Every secret contains SECRET. */
const FORMS: Array<[string, DbType | undefined, DbType, string | null, number | null, string | null, string]> = [
  ['postgres://app:SECRET1@db:5432/shop', undefined, 'postgresql', 'db', 5432, 'shop', 'postgres://app:***@db:5432/shop'],
  ['postgresql+psycopg2://app:SECRET2@db/shop', undefined, 'postgresql', 'db', 5432, 'shop', 'postgresql+psycopg2://app:***@db/shop'],
  ['postgres://app:SEC@RET3@db/shop', undefined, 'postgresql', 'db', 5432, 'shop', 'postgres://app:***@db/shop'],
  ['postgres://db/shop?user=app&password=SECRET4&sslmode=require', undefined, 'postgresql', 'db', 5432, 'shop', 'postgres://db/shop?user=app&password=***&sslmode=require'],
  ['mysql://root:SECRET5@mysql:3306/app', undefined, 'mysql', 'mysql', 3306, 'app', 'mysql://root:***@mysql:3306/app'],
  ['mysql://u:SE/CRET6@h/app', undefined, 'mysql', 'h', 3306, 'app', 'mysql://u:***@h/app'],
  ['mariadb://u:SECRET7@maria/app', undefined, 'mariadb', 'maria', 3306, 'app', 'mariadb://u:***@maria/app'],
  ['mongodb://u:SECRET8@m1:27017,m2:27018/app?replicaSet=rs0', undefined, 'mongodb', 'm1', 27017, 'app', 'mongodb://u:***@m1:27017,m2:27018/app?replicaSet=rs0'],
  ['mongodb+srv://u:SECRET9@cluster0.x.mongodb.net/app', undefined, 'mongodb', 'cluster0.x.mongodb.net', null, 'app', 'mongodb+srv://u:***@cluster0.x.mongodb.net/app'],
  ['redis://:SECRET10@cache:6379/2', undefined, 'redis', 'cache', 6379, null, 'redis://:***@cache:6379/2'],
  ['rediss://default:SECRET11@cache:6380', undefined, 'redis', 'cache', 6380, null, 'rediss://default:***@cache:6380'],
  ['cache:6380,password=SECRET12,ssl=True', 'redis', 'redis', 'cache', 6380, null, 'cache:6380,password=***,ssl=True'],
  ['sqlserver://sa:SECRET13@sql:1433?database=shop', undefined, 'mssql', 'sql', 1433, 'shop', 'sqlserver://sa:***@sql:1433?database=shop'],
  ['mssql+pyodbc://sa:SECRET14@sql/shop?driver=ODBC+Driver+18', undefined, 'mssql', 'sql', 1433, 'shop', 'mssql+pyodbc://sa:***@sql/shop?driver=ODBC+Driver+18'],
  ['Server=tcp:sql,1433;Database=shop;User Id=sa;Password=SECRET15;', undefined, 'mssql', 'sql', 1433, 'shop', 'Server=tcp:sql,1433;Database=shop;User Id=sa;Password=***;'],
  ['Data Source=sql\\SHOP;Initial Catalog=shop;User ID=sa;Pwd=SECRET16', undefined, 'mssql', 'sql', null, 'shop', 'Data Source=sql\\SHOP;Initial Catalog=shop;User ID=sa;Pwd=***'],
  ['Server=sql;Database=shop;Password="SEC;RET17";Encrypt=True', undefined, 'mssql', 'sql', 1433, 'shop', 'Server=sql;Database=shop;Password=***;Encrypt=True'],
  ['Server=sql;Database=shop;Password=SECRET18,more;', undefined, 'mssql', 'sql', 1433, 'shop', 'Server=sql;Database=shop;Password=***;'],
  ['Driver={ODBC Driver 18 for SQL Server};Server=sql;Database=shop;Uid=sa;Pwd={SEC;RET}}19};', undefined, 'mssql', 'sql', 1433, 'shop', 'Driver={ODBC Driver 18 for SQL Server};Server=sql;Database=shop;Uid=sa;Pwd=***;'],
  ['Driver={PostgreSQL Unicode};Server=pg;Port=5433;Database=shop;Uid=u;Pwd=SECRET20;', undefined, 'postgresql', 'pg', 5433, 'shop', 'Driver={PostgreSQL Unicode};Server=pg;Port=5433;Database=shop;Uid=u;Pwd=***;'],
  ['Host=pg;Port=5432;Database=shop;Username=u;Password=SECRET21', undefined, 'postgresql', 'pg', 5432, 'shop', 'Host=pg;Port=5432;Database=shop;Username=u;Password=***'],
  ['Server=my;Port=3306;Database=shop;Uid=u;Pwd=SECRET22;', undefined, 'mysql', 'my', 3306, 'shop', 'Server=my;Port=3306;Database=shop;Uid=u;Pwd=***;'],
  ['host=pg port=5432 dbname=shop user=u password=SECRET23', undefined, 'postgresql', 'pg', 5432, 'shop', 'host=pg port=5432 dbname=shop user=u password=***'],
  ["host=pg dbname=shop password='SEC RET24' sslmode=require", undefined, 'postgresql', 'pg', 5432, 'shop', 'host=pg dbname=shop password=*** sslmode=require'],
  ['jdbc:postgresql://pg:5432/shop?user=u&password=SECRET25', undefined, 'postgresql', 'pg', 5432, 'shop', 'jdbc:postgresql://pg:5432/shop?user=u&password=***'],
  ['jdbc:mysql://u:SECRET26@my:3306/shop', undefined, 'mysql', 'my', 3306, 'shop', 'jdbc:mysql://u:***@my:3306/shop'],
  ['jdbc:mysql:loadbalance://my1,my2/shop', undefined, 'mysql', 'my1', 3306, 'shop', 'jdbc:mysql:loadbalance://my1,my2/shop'],
  ['jdbc:sqlserver://sql:1433;databaseName=shop;user=sa;password=SECRET27', undefined, 'mssql', 'sql', 1433, 'shop', 'jdbc:sqlserver://sql:1433;databaseName=shop;user=sa;password=***'],
  ['jdbc:jtds:sqlserver://sql:1433/shop;user=sa;password=SECRET28', undefined, 'mssql', 'sql', 1433, 'shop', 'jdbc:jtds:sqlserver://sql:1433/shop;user=sa;password=***'],
  ['jdbc:oracle:thin:scott/SECRET29@ora:1521/ORCLPDB1', undefined, 'oracle', 'ora', 1521, 'ORCLPDB1', 'jdbc:oracle:thin:scott/***@ora:1521/ORCLPDB1'],
  ['jdbc:oracle:thin:@ora:1521:ORCL', undefined, 'oracle', 'ora', 1521, 'ORCL', 'jdbc:oracle:thin:@ora:1521:ORCL'],
  ['jdbc:oracle:thin:@(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=ora)(PORT=1522))(CONNECT_DATA=(SERVICE_NAME=svc)))', undefined, 'oracle', 'ora', 1522, 'svc', 'jdbc:oracle:thin:@(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=ora)(PORT=1522))(CONNECT_DATA=(SERVICE_NAME=svc)))'],
  ['scott/SECRET30@ora:1521/svc', undefined, 'oracle', 'ora', 1521, 'svc', 'scott/***@ora:1521/svc'],
  ['Data Source=ora:1521/svc;User Id=u;Password=SECRET31;', 'oracle', 'oracle', 'ora', 1521, 'svc', 'Data Source=ora:1521/svc;User Id=u;Password=***;'],
  ['Provider=OraOLEDB.Oracle;Data Source=ora:1521/svc;User Id=u;Password=SECRET32;', undefined, 'oracle', 'ora', 1521, 'svc', 'Provider=OraOLEDB.Oracle;Data Source=ora:1521/svc;User Id=u;Password=***;'],
  ['oracle+cx_oracle://u:SECRET33@ora:1521/?service_name=svc', undefined, 'oracle', 'ora', 1521, 'svc', 'oracle+cx_oracle://u:***@ora:1521/?service_name=svc'],
  ['r2dbc:postgresql://u:SECRET34@pg/shop', undefined, 'postgresql', 'pg', 5432, 'shop', 'r2dbc:postgresql://u:***@pg/shop'],
  ['postgres://u:${PGPASSWORD}@pg/shop', undefined, 'postgresql', 'pg', 5432, 'shop', 'postgres://u:${PGPASSWORD}@pg/shop'],
  ['Server=sql;Database=shop;User Id=sa;Password=%SA_PASSWORD%;', undefined, 'mssql', 'sql', 1433, 'shop', 'Server=sql;Database=shop;User Id=sa;Password=%SA_PASSWORD%;'],
  ['sqlite:///data/app.db', undefined, 'sqlite', null, null, 'data/app.db', 'sqlite:///data/app.db'],
  ['Data Source=app.db', undefined, 'sqlite', null, null, 'app.db', 'Data Source=app.db'],
];

describe('connection strings', () => {
  it(`parses ${FORMS.length} forms into type, host, port and database, stored redacted`, () => {
    for (const [input, hint, type, host, port, database, stored] of FORMS) {
      const p = parseConnectionString(input, hint);
      assert.ok(p, `not recognised: ${input}`);
      assert.deepEqual([p.type, p.host, p.port, p.database, p.connection_string], [type, host, port, database, stored], input);
      assert.doesNotMatch(p.connection_string, /SEC.?RET/, input);
    }
  });

  it('fills a missing port with the server default and says so, except for SRV records and named instances', () => {
    assert.deepEqual(parseConnectionString('postgres://db/shop')?.extra, { port_source: 'default' });
    assert.equal(parseConnectionString('mongodb+srv://c.example.net/app')?.extra.srv, true);
    assert.equal(parseConnectionString('Server=(localdb)\\MSSQLLocalDB;Database=dev;Trusted_Connection=True')?.port, null);
  });

  it('keeps a bare TNS alias for later resolution, and reports what it cannot place as undefined', () => {
    assert.deepEqual(parseConnectionString('jdbc:oracle:thin:@ORCL_ALIAS')?.extra, { tns_alias: 'ORCL_ALIAS' });
    for (const text of ['https://example.com/api', 'hello=world', 'cache:6379', 'jdbc:h2:mem:test', 'sqlite:///:memory:', 'amqp://u:p@mq/vhost']) {
      assert.equal(parseConnectionString(text), undefined, text);
    }
  });

  it('redacts credentials inside any text, and only credentials', () => {
    const cases: Array<[string, string]> = [
      ['see ${DB_URL:jdbc:postgresql://u:SECRET@h/db} here', 'see ${DB_URL:jdbc:postgresql://u:***@h/db} here'],
      ['git+https://SECRETTOKEN@github.com/acme/x.git', 'git+https://***@github.com/acme/x.git'],
      ['https://api.example.com/v1?api_key=SECRET&x=1', 'https://api.example.com/v1?api_key=***&x=1'],
      ['AccountEndpoint=https://x.documents.azure.com:443/;AccountKey=SECRET==;', 'AccountEndpoint=https://x.documents.azure.com:443/;AccountKey=***;'],
      ['postgres://shop@db:5432/shop', 'postgres://shop@db:5432/shop'],
      ['Server=sql;Integrated Security=true;Database=x', 'Server=sql;Integrated Security=true;Database=x'],
      ['Password=;Server=x', 'Password=;Server=x'],
    ];
    for (const [input, want] of cases) assert.equal(redactCredentials(input), want, input);
  });

  it('never lets part of a password into host, port, database or metadata, whatever characters it holds', () => {
    const tricky = ['mongodb://u:PW1,PW2?PW3@h1,h2/db', 'postgres://u:PW1/PW2?PW3#PW4@db/x?sslmode=require', 'mysql://u:PW1@PW2:3306@h/db', 'h:6379,password=PW1,ssl=True,PW2'];
    for (const input of tricky) {
      const p = parseConnectionString(input, input.startsWith('h:') ? 'redis' : undefined);
      assert.ok(p, input);
      assert.doesNotMatch(JSON.stringify({ ...p, connection_string: undefined }), /PW\d/, input);
      assert.doesNotMatch(p.connection_string, /PW1/, input);
    }
  });

  it('tells references from secrets', () => {
    for (const ref of ['${PGPASSWORD}', '$PGPASSWORD', '%DB_PWD%', 'env("DB_PASSWORD")', '{{ .Values.db.password }}', '#{DbPassword}', '$(DB_PASSWORD)', "<%= ENV['DB_PASSWORD'] %>"]) {
      assert.ok(isReference(ref), ref);
    }
    for (const secret of ['hunter2', '${DB_PASSWORD:-hunter2}', '$ecret', 'pa$$word']) assert.ok(!isReference(secret), secret);
  });
});

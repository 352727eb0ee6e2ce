/**
 * The migration plan (pure): naming, grouping, dedupe, collisions, template validation.
 * Findings come from the real detector over text built at run time (no credential literal here).
 */
import { describe, expect, it } from 'vitest';
import { tmpdir } from 'node:os';
import { generateKeyPairSync } from 'node:crypto';
import { createDetector } from '../../src/detect/detector.js';
import { loadRuleSpecs } from '../../src/rules/load.js';
import { loadConfig } from '../../src/config/config.js';
import type { Finding } from '../../src/findings/finding.js';
import { buildPlan, secretString, splitKey, validateTemplate, type Plan, type PlanValues } from '../../src/migrate/plan.js';
import { adoptPriorNames, valueDigest } from '../../src/migrate/apply.js';
import { ALNUM, awsKeyId, awsSecretKey, password, randomString, stripeKey } from '../support/fake-secrets.js';

const rules = loadRuleSpecs(loadConfig(tmpdir()));
const detector = createDetector(rules);

function detect(files: Record<string, string>): Finding[] {
  return Object.entries(files).flatMap(([path, text]) => detector.detect({ text, provenance: { kind: 'file', path } }));
}

function planFor(files: Record<string, string>, opts: { template?: string; shuffle?: boolean } = {}): { plan: Plan; values: PlanValues; findings: Finding[] } {
  let findings = detect(files);
  if (opts.shuffle) findings = [...findings].reverse();
  const r = buildPlan({ findings, files: new Map(Object.entries(files)), app: 'etl', env: 'prod', nameTemplate: opts.template });
  return { ...r, findings };
}

const json = (plan: Plan, values: PlanValues, name: string) => {
  const s = plan.secrets.find((x) => x.name === name);
  expect(s, `secret ${name} in ${plan.secrets.map((x) => x.name).join(', ')}`).toBeDefined();
  return JSON.parse(secretString(s!, values)) as Record<string, unknown>;
};

/** A password-like value with letters and digits (seeded, so runs are reproducible). */
const pw = (seed: number) => randomString(ALNUM, 16, seed * 7919 + 17) + String(seed % 10) + 'q';

describe('grouping', () => {
  it('a .env block with a common prefix becomes one secret with its plain settings', () => {
    const p = pw(1);
    const env = ['DB_HOST=db.internal.acme.io', 'DB_PORT=5432', 'DB_USER=etl', `DB_PASSWORD=${p}`, 'DB_NAME=warehouse', '', 'LOG_LEVEL=debug', ''].join('\n');
    const { plan, values } = planFor({ '.env': env });
    expect(plan.secrets.map((s) => s.name)).toEqual(['prod/etl/db']);
    expect(json(plan, values, 'prod/etl/db')).toEqual({ host: 'db.internal.acme.io', port: 5432, username: 'etl', password: p, dbname: 'warehouse' });
    const s = plan.secrets[0]!;
    expect(s.kind).toBe('config-block');
    expect(s.fields.filter((f) => f.secret).map((f) => f.key)).toEqual(['password']);
  });

  it('a connection URI becomes {engine, host, port, username, password, dbname}, the password URL-decoded', () => {
    const p = pw(2);
    const text = `DATABASE_URL=postgresql+psycopg2://etl_rw:${p}%40x@pg.acme.io:6432/orders?sslmode=require\n`;
    const { plan, values } = planFor({ 'app/.env.prod': text });
    expect(json(plan, values, 'prod/etl/database')).toEqual({ engine: 'postgres', host: 'pg.acme.io', port: 6432, username: 'etl_rw', password: `${p}@x`, dbname: 'orders' });
    expect(plan.secrets[0]!.kind).toBe('database');
  });

  it('a URI with no key gets engine-dbname, and a default port', () => {
    const p = pw(3);
    const { plan, values } = planFor({ 'etl.py': `engine = create_engine("mysql+pymysql://shop:${p}@mysql.acme.io/shop")\n` });
    expect(json(plan, values, 'prod/etl/mysql-shop')).toMatchObject({ engine: 'mysql', port: 3306, password: p });
  });

  it('an AWS key id and secret key in one file become one secret', () => {
    const id = awsKeyId(11);
    const key = awsSecretKey(12);
    const { plan, values } = planFor({ 'config.env': `AWS_ACCESS_KEY_ID=${id}\nAWS_SECRET_ACCESS_KEY=${key}\nAWS_REGION=us-east-1\n` });
    expect(plan.secrets.map((s) => s.name)).toEqual(['prod/etl/aws']);
    expect(json(plan, values, 'prod/etl/aws')).toEqual({ aws_access_key_id: id, aws_secret_access_key: key });
  });

  it("Hadoop's core-site.xml fs.s3a.access.key / fs.s3a.secret.key become one AWS key pair secret", () => {
    const id = awsKeyId(15);
    const key = awsSecretKey(16);
    const prop = (n: string, v: string) => `  <property>\n    <name>${n}</name>\n    <value>${v}</value>\n  </property>\n`;
    const text = `<configuration>\n${prop('fs.s3a.access.key', id)}${prop('fs.s3a.secret.key', key)}</configuration>\n`;
    const { plan, values } = planFor({ 'etc/hadoop/core-site.xml': text });
    expect(plan.secrets.map((s) => s.name)).toEqual(['prod/etl/aws']);
    expect(json(plan, values, 'prod/etl/aws')).toEqual({ aws_access_key_id: id, aws_secret_access_key: key });
    expect(splitKey('fs.s3a.secret.key').field).toBe('secret_key');
  });

  it('an S3 URL whose user and password are the key pair (s3://ID:SECRET@bucket) becomes one secret, not named from the key id', () => {
    const id = awsKeyId(13);
    const key = awsSecretKey(14);
    const text = `{\n  "aliases": {\n    "origin": "s3://${id}:${key}@acme-credentials/company/?region=us-east-2"\n  }\n}\n`;
    const { plan, values } = planFor({ 'credentials/access.json': text });
    expect(plan.secrets.map((s) => s.name)).toEqual(['prod/etl/aws']);
    expect(json(plan, values, 'prod/etl/aws')).toEqual({ aws_access_key_id: id, aws_secret_access_key: key });
  });

  it("a SQL password with a quote in it ('it''s') is stored as SQL reads it, one value with the same password elsewhere", () => {
    const p = `${pw(15)}#'&%x`;
    const { plan, values } = planFor({
      'scripts/create-roles.sql': `\nCREATE USER etl WITH PASSWORD '${p.replace(/'/g, "''")}';\n`,
      'etl/settings.py': `DB_PASSWORD = ${JSON.stringify(p)}\n`,
    });
    expect(plan.secrets).toHaveLength(1);
    expect(plan.secrets[0]!.fields.find((f) => f.secret)!.locations.map((o) => o.file).sort()).toEqual(['etl/settings.py', 'scripts/create-roles.sql']);
    expect(Object.values(json(plan, values, plan.secrets[0]!.name))).toContain(p);
  });

  it("a token in a Python package's __init__.py is named after the package, not 'init'", () => {
    const { plan } = planFor({ 'credentials/__init__.py': `import json\nAPI_TOKEN = "${password(16)}x7"\n` });
    expect(plan.secrets.map((s) => s.name)).toEqual(['prod/etl/credentials']);
  });

  // Issue 13, defect 10: Terraform's `secret_key` is found by the generic rule, not the AWS one.
  it('an AWS key pair in a Terraform provider block, a .tfvars or an INI [AWS] KEY=/SECRET= becomes one secret', () => {
    const [id1, key1, id2, key2, id3, key3] = [awsKeyId(21), awsSecretKey(22), awsKeyId(23), awsSecretKey(24), awsKeyId(25), awsSecretKey(26)];
    const { plan, values } = planFor({
      'infra/main.tf': `provider "aws" {\n  region     = "us-east-1"\n  access_key = "${id1}"\n  secret_key = "${key1}"\n}\n`,
      'infra/prod.tfvars': `aws_access_key = "${id2}"\naws_secret_key = "${key2}"\n`,
      // An ETL's aws_auth.cfg read with configparser: config.get('AWS', 'KEY'), config.get('AWS', 'SECRET').
      'aws_auth.cfg': `[AWS]\nKEY=${id3}\nSECRET=${key3}\n`,
    });
    expect(plan.secrets).toHaveLength(3);
    const pairs = plan.secrets.map((s) => JSON.parse(secretString(s, values)));
    expect(pairs).toEqual(expect.arrayContaining([
      { aws_access_key_id: id1, aws_secret_access_key: key1 },
      { aws_access_key_id: id2, aws_secret_access_key: key2 },
      { aws_access_key_id: id3, aws_secret_access_key: key3 },
    ]));
  });

  it('a YAML mapping and a connect(...) call are grouped by their parent key / call', () => {
    const a = pw(4);
    const b = pw(5);
    const { plan, values } = planFor({
      'config/settings.yaml': `database:\n  host: pg.acme.io\n  port: 5432\n  user: etl\n  password: ${a}\n  name: orders\nlogging:\n  level: info\n`,
      'load.py': `conn = psycopg2.connect(host="db.acme.io", user="etl", password="${b}", dbname="wh")\n`,
    });
    expect(json(plan, values, 'prod/etl/database')).toEqual({ host: 'pg.acme.io', port: 5432, username: 'etl', password: a, dbname: 'orders' });
    expect(json(plan, values, 'prod/etl/postgres')).toEqual({ engine: 'postgres', host: 'db.acme.io', username: 'etl', password: b, dbname: 'wh' });
  });

  it('a connect(...) call of no known driver is named after its host, not "db"', () => {
    const a = pw(6);
    const b = pw(7);
    const { plan, values } = planFor({
      'sftp_pull.py': `client.connect("sftp.vendor.example.com", port=22, username="acme", password="${a}")\n`,
      'ldap.py': `conn = Connection(server="ldap.corp.example.com", user="svc", password="${b}")\n`,
    });
    expect(json(plan, values, 'prod/etl/sftp')).toEqual({ port: 22, username: 'acme', password: a });
    expect(json(plan, values, 'prod/etl/ldap')).toEqual({ host: 'ldap.corp.example.com', username: 'svc', password: b });
  });

  it('a block under an environment key is named after the key above it (dbt: profile, not target)', () => {
    const a = pw(8);
    const { plan, values } = planFor({
      'profiles.yml': `analytics:\n  target: prod\n  outputs:\n    prod:\n      type: snowflake\n      user: DBT\n      password: "${a}"\n      role: TRANSFORMER\n`,
    });
    expect(plan.secrets.map((x) => x.name)).toEqual(['prod/etl/analytics']);
    expect(json(plan, values, 'prod/etl/analytics')).toMatchObject({ type: 'snowflake', username: 'DBT', password: a });
  });

  it("a Python dict's entries are grouped like a YAML block (Django DATABASES)", () => {
    const a = pw(9);
    const b = pw(10);
    const { plan, values } = planFor({
      'mysite/settings.py': `DATABASES = {\n    'default': {\n        'ENGINE': 'django.db.backends.postgresql',\n        'NAME': 'shop',\n        'USER': 'shop',\n        'PASSWORD': '${a}',\n        'HOST': 'db.internal',\n        'PORT': '5432',\n    },\n    "warehouse": {\n        "USER": "etl",\n        "PASSWORD": "${b}",\n        "HOST": "wh.internal",\n    },\n}\n`,
    });
    expect(json(plan, values, 'prod/etl/databases')).toEqual({ engine: 'django.db.backends.postgresql', dbname: 'shop', username: 'shop', password: a, host: 'db.internal', port: 5432 });
    expect(json(plan, values, 'prod/etl/warehouse')).toEqual({ username: 'etl', password: b, host: 'wh.internal' });
  });

  it("a .env's value with no prefix (Flask's SECRET_KEY) is named after its folder, else the app, not 'env'; an environment look-up's default after the variable", () => {
    const [a, b, c] = [pw(61), pw(62), pw(63)];
    const { plan, values } = planFor({
      '.env': `FLASK_APP=microblog.py\nSECRET_KEY=${a}\n`,
      'services/billing/.env': `SECRET_KEY=${b}\n`,
      'config.py': `import os\n\n\nclass Config:\n    SECRET_KEY = os.environ.get('SECRET_KEY') or '${c}'\n`,
    });
    expect(json(plan, values, 'prod/etl/app')).toEqual({ secret_key: a });
    expect(json(plan, values, 'prod/etl/billing')).toEqual({ secret_key: b });
    expect(json(plan, values, 'prod/etl/config')).toEqual({ secret_key: c });
  });

  it('a lone value is named from its variable', () => {
    const s = stripeKey(21);
    const { plan, values } = planFor({ 'billing.py': `STRIPE_SECRET_KEY = "${s}"\n` });
    expect(json(plan, values, 'prod/etl/stripe')).toEqual({ secret_key: s });
 
    // `pw`, as scripts abbreviate it (`pw = '…'`, `DB_PW`), is the password.
    const p = pw(64);
    const [q, r] = [pw(65), pw(66)];
    const short = planFor({
      'stocks/load.py': `host = 'db.internal'\n\npw = '${p}'\n`,
      // A script that imports one database driver: the password is that database's.
      'stocks/set_to_sql.py': `import pandas as pd\nimport psycopg2\n\nhost = 'db.internal'\npw = '${q}'\nconn = psycopg2.connect("host='{}' password='{}'".format(host, pw))\n`,
      'stocks/both.py': `import psycopg2\nimport pymysql\n\npassword = '${r}'\n`,
    });
    expect(json(short.plan, short.values, 'prod/etl/load')).toEqual({ password: p });
    expect(json(short.plan, short.values, 'prod/etl/postgres')).toEqual({ password: q });
    expect(json(short.plan, short.values, 'prod/etl/both')).toEqual({ password: r });
  });

  it('a literal with an escaped quote is found whole and stored as the program reads it; a Terraform default is named after its variable', () => {
    const [a, b, c, d, t] = [pw(70), pw(71), pw(72), pw(73), pw(74)];
    const { plan, values, findings } = planFor({
      'etl/db.py': `password = "${a.slice(0, 4)}\\"${b}"\n`,
      'web/oauth.js': `const apiSecret = '${c}\\'${d}';\n`,
      'infra/vars.tf': `variable "db_password" {\n  type      = string\n  sensitive = true\n  default   = "${t}"\n}\n`,
    });
    expect(findings.map((f) => `${f.file}:${f.rule}:${f.key}`).sort()).toEqual([
      'etl/db.py:generic-password-assignment:password',
      'infra/vars.tf:terraform-variable-secret-default:db_password',
      'web/oauth.js:generic-password-assignment:apiSecret',
    ]);
    const stored = plan.secrets.map((s) => JSON.parse(secretString(s, values)) as Record<string, unknown>);
    expect(stored).toContainEqual({ password: `${a.slice(0, 4)}"${b}` });
    expect(stored).toContainEqual({ api_secret: `${c}'${d}` });
    expect(stored).toContainEqual({ password: t });
    expect(plan.secrets.map((s) => s.name)).not.toContain('prod/etl/terraform');
  });
});

describe('dedupe and collisions', () => {
  it('the same value in several places is stored once and referenced from all', () => {
    const p = pw(31);
    const { plan, values } = planFor({
      '.env': `DB_HOST=db.acme.io\nDB_PASSWORD=${p}\n`,
      'scripts/run.sh': `export DB_PASSWORD='${p}'\n`,
      'notebooks/x.py': `password = "${p}"\n`,
    });
    expect(plan.secrets).toHaveLength(1);
    const f = plan.secrets[0]!.fields.find((x) => x.secret)!;
    expect(f.locations.map((l) => l.file).sort()).toEqual(['.env', 'notebooks/x.py', 'scripts/run.sh']);
    expect(json(plan, values, plan.secrets[0]!.name)).toMatchObject({ password: p });
  });

  it('different values that want one name get deterministic, distinct names', () => {
    const files = {
      'a/billing.py': `STRIPE_KEY = "${stripeKey(41)}"\n`,
      'b/payments.py': `STRIPE_KEY = "${stripeKey(42)}"\n`,
      'c/payments.py': `STRIPE_KEY = "${stripeKey(43)}"\n`,
    };
    const one = planFor(files).plan.secrets.map((s) => `${s.name}<-${s.fields[0]!.locations[0]!.file}`);
    const two = planFor(files, { shuffle: true }).plan.secrets.map((s) => `${s.name}<-${s.fields[0]!.locations[0]!.file}`);
    expect(one).toEqual(two);
    expect(one).toEqual(['prod/etl/stripe<-a/billing.py', 'prod/etl/stripe-payments<-b/payments.py', 'prod/etl/stripe-payments-2<-c/payments.py']);
  });

  it('two values of one file that want one name are told apart by their keys, not by a number', () => {
    const files = {
      'app/config.py': `import os\nclass Config:\n    SECRET_KEY = os.environ.get("SECRET_KEY") or "${pw(61)}"\n    API_TOKEN = os.getenv("API_TOKEN", "${pw(62)}")\n`,
      'b/billing.py': `STRIPE_KEY = "${stripeKey(47)}"\nSTRIPE_WEBHOOK_KEY = "${stripeKey(48)}"\n`,
    };
    const one = planFor(files).plan.secrets.map((s) => `${s.name}<-${s.fields.find((f) => f.secret)!.key}`);
    expect(one).toEqual(planFor(files, { shuffle: true }).plan.secrets.map((s) => `${s.name}<-${s.fields.find((f) => f.secret)!.key}`));
    expect(one.filter((n) => /-\d+</.test(n))).toEqual([]);
    expect(one).toContain('prod/etl/config-api-token<-api_token');
    expect(one.some((n) => n.startsWith('prod/etl/stripe-webhook'))).toBe(true);
  });

  it('a name is never left ending in a hyphen and six characters (AWS: confused with the ARN suffix): the last hyphen becomes _', () => {
    const files = {
      'a/billing.py': `STRIPE_KEY = "${stripeKey(44)}"\n`,
      'b/config.py': `STRIPE_KEY = "${stripeKey(45)}"\n`,
      'c/config.py': `STRIPE_KEY = "${stripeKey(46)}"\n`,
    };
    const { plan } = planFor(files);
    expect(plan.secrets.map((s) => `${s.name}<-${s.fields[0]!.locations[0]!.file}`)).toEqual(['prod/etl/stripe<-a/billing.py', 'prod/etl/stripe_config<-b/config.py', 'prod/etl/stripe-config-2<-c/config.py']);
    expect(plan.warnings).toEqual([]);
  });

  it('a value inside a URI is not copied into a block as a plain setting', () => {
    const p = pw(51);
    const { plan } = planFor({ '.env': `DB_HOST=db.acme.io\nDB_URL=postgres://etl:${p}@db.acme.io/wh\nDB_PASSWORD=${pw(52)}\n` });
    const block = plan.secrets.find((s) => s.kind === 'config-block')!;
    expect(block.fields.map((f) => f.key)).not.toContain('url');
  });
});

describe('names and templates', () => {
  it('validates the template', () => {
    expect(() => validateTemplate('{env}/{app}')).toThrow(/must contain \{resource\}/);
    expect(() => validateTemplate('{env}/{team}/{resource}')).toThrow(/unknown placeholder \{team\}/);
    expect(() => validateTemplate('{env}/{app}/{resource}!')).toThrow(/characters Secrets Manager does not allow/);
    expect(() => validateTemplate('{env}//{resource}')).toThrow(/empty path segment/);
    expect(() => validateTemplate('team-x/{env}/{app}/{resource}')).not.toThrow();
  });

  it('refuses an app or env that would make invalid names', () => {
    expect(() => buildPlan({ findings: [], files: new Map(), app: 'my app', env: 'prod' })).toThrow(/--app/);
    expect(() => buildPlan({ findings: [], files: new Map(), app: 'etl', env: 'prod/eu' })).toThrow(/--env/);
  });

  it('uses the template and keeps names within 512 valid characters', () => {
    const { plan } = planFor({ '.env': `VERY_LONG_SERVICE_NAME_FOR_TEST_TOKEN=${pw(61)}\n` }, { template: `${'x'.repeat(470)}/{env}.{app}.{resource}` });
    const name = plan.secrets[0]!.name;
    expect(name.startsWith(`${'x'.repeat(470)}/prod.etl.very`)).toBe(true);
    expect(name.length).toBeLessThanOrEqual(512);
    expect(name).toMatch(/^[A-Za-z0-9/_+=.@-]+$/);
  });

  it('strips the environment from resource names', () => {
    const { plan } = planFor({ '.env': `PROD_DB_HOST=db\nPROD_DB_PASSWORD=${pw(62)}\n` });
    expect(plan.secrets[0]!.name).toBe('prod/etl/db');
  });

  it('splits keys into prefix and field', () => {
    expect(splitKey('AWS_SECRET_ACCESS_KEY')).toEqual({ prefix: ['aws'], field: 'secret_access_key' });
    expect(splitKey('dbPassword')).toEqual({ prefix: ['db'], field: 'password' });
    expect(splitKey('DB_NAME')).toEqual({ prefix: ['db'], field: 'name' });
    expect(splitKey('api_key')).toEqual({ prefix: [], field: 'api_key' });
  });
});

describe('no plaintext in the plan object', () => {
  it('JSON of the plan never carries a value', () => {
    const vals = [pw(71), awsKeyId(72), awsSecretKey(73), stripeKey(74), password(75)];
    const { plan } = planFor({
      '.env': `DB_HOST=h\nDB_PASSWORD=${vals[0]}\nAWS_ACCESS_KEY_ID=${vals[1]}\nAWS_SECRET_ACCESS_KEY=${vals[2]}\n`,
      'pay.py': `STRIPE_KEY = "${vals[3]}"\napi_token = "${vals[4]}"\n`,
    });
    const text = JSON.stringify(plan);
    for (const v of vals) expect(text).not.toContain(v);
  });
});

describe('the rules say how their values group (rules/*.yaml `migrate:`)', () => {
  it('a rule the plan knows nothing about by its id groups as its migrate: block says', () => {
    const p = pw(81);
    const text = `BROKER=postgresql://etl_rw:${p}@pg.acme.io:6432/orders\n`;
    // The same finding, as a team's own rule (an id the built-in rules do not have) would report it.
    const findings = detect({ 'app/.env': text });
    expect(findings.map((f) => f.rule)).toEqual(['postgres-uri-password']);
    for (const f of findings) f.rule = 'team-broker-dsn';
    const files = new Map([['app/.env', text]]);
    const bare = buildPlan({ findings, files, app: 'etl', env: 'prod', rules: [] });
    expect(bare.plan.secrets.map((s) => s.kind)).toEqual(['single']);
    const team = [{ ...rules[0]!, id: 'team-broker-dsn', migrate: { grouping: 'database-uri' as const, field: 'password' } }];
    const { plan, values } = buildPlan({ findings, files, app: 'etl', env: 'prod', rules: team });
    expect(plan.secrets[0]!.kind).toBe('database');
    expect(json(plan, values, plan.secrets[0]!.name)).toEqual({ engine: 'postgres', host: 'pg.acme.io', port: 6432, username: 'etl_rw', password: p, dbname: 'orders' });
  });
});

describe('a built plan is not changed afterwards', () => {
  it('adopting the names an unfinished run stored under gives a new plan and values; the built ones stay as they were', () => {
    const s = stripeKey(91);
    const { plan, values } = planFor({ 'billing.py': `STRIPE_KEY = "${s}"\n` });
    const before = structuredClone({ plan, values });
    const key = Buffer.alloc(32, 7);
    const stored = new Map([['prod/etl/payments', { api_key: valueDigest(key, s) }]]);
    const adopted = adoptPriorNames(plan, values, stored, key);
    expect(adopted.renamed).toEqual([{ from: 'prod/etl/stripe', to: 'prod/etl/payments' }]);
    expect(adopted.plan.secrets.map((x) => x.name)).toEqual(['prod/etl/payments']);
    expect(JSON.parse(secretString(adopted.plan.secrets[0]!, adopted.values))).toEqual({ api_key: s });
    expect({ plan, values }).toEqual(before);
  });
});

describe('the value stored is the value the program reads (issue 13, defect 4)', () => {
  const head = () => randomString(ALNUM, 10, 4242);
  it('a generic rule that stops at & or # inside a literal stores the whole literal, decoded', () => {
    const v = `django-insecure-${head()}^%@!$#&*(-_=+)x`;
    const { plan, values } = planFor({ 'mysite/settings.py': `SECRET_KEY = '${v}'\nAPI_TOKEN = "${head()}\\t#&x"\n` });
    const stored = plan.secrets.flatMap((s) => s.fields.filter((f) => f.secret).map((f) => values.get(`${s.name}\u0000${f.key}`)!.value));
    expect(stored).toContain(v);
    expect(stored).toContain(`${head()}\t#&x`);
    const src = plan.secrets.flatMap((s) => s.fields).find((f) => f.secret && values.get(`${plan.secrets.find((s) => s.fields.includes(f))!.name}\u0000${f.key}`)!.value === v)!.source;
    // The span the rewriter replaces is the literal's whole content.
    expect(src).toMatchObject({ kind: 'span', line: 1, column: 15, endColumn: 14 + v.length });
  });

  it('a specific rule assigned to a key (PGPASSWORD) that stops at a backtick or ; inside the literal stores the whole literal', () => {
    const v = `${head()}\`}H/é;S/~)m\`/Z9`;
    const { plan, values } = planFor({ 'sh/backup.sh': `export PGPASSWORD='${v}'\n` });
    expect(plan.secrets.flatMap((s) => s.fields.map((f) => f.rule))).toEqual(['database-client-password-env']);
    const s = plan.secrets[0]!;
    expect(values.get(`${s.name}\u0000${s.fields[0]!.key}`)!.value).toBe(v);
    expect(s.fields[0]!.source).toMatchObject({ kind: 'span', line: 1, column: 20, endColumn: 19 + v.length });
  });

  it('escapes are decoded per syntax: JSON, YAML double quotes, .env double quotes (\\n, which all .env readers decode)', () => {
    const h = head();
    const { plan, values } = planFor({
      'conf/app.json': `{"password": "${h}\\u00e9\\\\&x"}\n`,
      'conf/app.yaml': `password: "${h}\\x41#&\\"y"\n`,
      '.env': `DB_PASSWORD="${h}\\n#z"\n`,
      // python-dotenv reads \\ and \" as \ and ", Node's readers keep the backslash or stop at the quote.
      'svc/.env': `DB_PASSWORD="${h}\\\\#\\"z"\n`,
    });
    const stored = new Set(plan.secrets.flatMap((s) => s.fields.filter((f) => f.secret).map((f) => values.get(`${s.name}\u0000${f.key}`)!.value)));
    expect(stored).toEqual(new Set([`${h}é\\&x`, `${h}A#&"y`, `${h}\n#z`]));
    expect(plan.skipped.find((x) => x.location.file === 'svc/.env')?.reason).toMatch(/python-dotenv and Node/);
  });

  it('an interpolation inside the value is never stored in part: it is left for a human', () => {
    const { plan } = planFor({ 'backup.sh': 'export PGPASSWORD="' + head() + '#$SUFFIX"\n' });
    expect(plan.secrets).toEqual([]);
    expect(plan.skipped.map((s) => s.reason)).toEqual([expect.stringMatching(/shell expansion .* by hand/)]);
  });

  it('a URI password is stored percent-decoded once, not also as part of a decoded view', () => {
    const p = `${head()}%40${head()}`;
    const { plan, values } = planFor({ 'etl/dsn.py': `DATABASE_URL = "postgresql://etl:${p}@db.internal.example:5432/warehouse"\n` });
    expect(plan.secrets.map((s) => s.kind)).toEqual(['database']);
    expect(json(plan, values, plan.secrets[0]!.name).password).toBe(decodeURIComponent(p));
  });
});

describe('literals over several lines (a PEM key)', () => {
  const pem = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const stored = (files: Record<string, string>) => {
    const { plan, values } = planFor(files);
    const s = plan.secrets.find((x) => x.fields.some((f) => f.secret && f.locations.some((l) => l.file in files)));
    expect(s, `planned: ${plan.secrets.map((x) => x.name).join(', ')}; skipped: ${plan.skipped.map((k) => k.reason).join('; ')}`).toBeDefined();
    const f = s!.fields.find((x) => x.secret)!;
    return { value: values.get(`${s!.name}\u0000${f.key}`)?.value ?? JSON.parse(secretString(s!, values))[f.key], loc: f.locations[0]! };
  };
  const cases: Array<[string, Record<string, string>, string]> = [
    ['Python triple-quoted, final newline inside', { 'sign.py': `KEY = """${pem}"""\n` }, pem],
    ['Python triple-quoted, CRLF file, leading newline', { 'sign.py': `KEY = '''\r\n${pem.replace(/\n/g, '\r\n')}'''\r\n` }, '\n' + pem],
    ['JS template literal', { 'sign.js': `const key = \`${pem}\`;\nmodule.exports = key;\n` }, pem],
    ['.env double-quoted over lines', { '.env': `SIGNING_KEY="${pem}"\n` }, pem],
    ['YAML block scalar, strip chomping', { 'vars.yml': `signing_key: |-\n${pem.replace(/^(?=.)/gm, '  ')}other: 1\n` }, pem.replace(/\n$/, '')],
  ];
  for (const [name, files, want] of cases) {
    it(`${name}: stored as the program reads it, the whole literal referred to`, () => {
      const { value, loc } = stored(files);
      expect(value === want, `stored ${value.length} characters, the program reads ${want.length}`).toBe(true);
      expect(loc.endLine).toBeGreaterThan(loc.line);
    });
  }
});

/**
 * A legacy repository of small programs, each started the way it is deployed (from `/`, with `python -m`
 * from another folder, by cron, by a shell script that sources its settings), that earlier fixtures
 * (legacy-repo.ts, entry-points-repo.ts, pydata-shapes-repo.ts) do not have:
 * - a Flask-style app factory with config classes (a `Final` attribute; an annotated `SECRET_KEY: str = "…"` is not found by the scanner today), `python -m svc`;
 * - an Airflow-style DAG: a connection object in code, a default argument, a dataclass field default;
 * - a cron job run from `/` that puts its own folder on sys.path, a SQLAlchemy-style URL in a keyword;
 * - a settings file exec()'d into a plain dict (`exec(open("settings.py").read(), cfg)`);
 * - Node: an ES config module imported from `/`; a CommonJS program that require()s an ES config module
 *   (Node 20.19+); an ES module with its own `getSecret`, a static class field and a default parameter;
 * - shell: `export PGPASSWORD=…` in a file another script sources; a `.env` that a deploy script sources
 *   (`set -a; . ./.env`) and an env file a Makefile includes — both read the file's text themselves;
 * - a single-module tool (setuptools `py-modules`) installed with pip and imported from `/`.
 * Each program prints a SHA-256 of the values it read, so its output must not change with the migration.
 * The values are built at run time (fake-secrets.ts): no literal credential lives in this repository.
 */
import { ALNUM, githubToken, randomString, stripeKey } from './fake-secrets.js';

export interface DeployedValues {
  flaskKey: string;
  pgPassword: string;
  redisPassword: string;
  stripeKey: string;
  airflowPassword: string;
  slackWebhook: string;
  sendgridKey: string;
  mysqlPassword: string;
  execToken: string;
  esmToken: string;
  requiredEsmKey: string;
  staticToken: string;
  paramToken: string;
  ownHelperKey: string;
  pgpassword: string;
  dotenvPassword: string;
  dotenvToken: string;
  makePassword: string;
  toolToken: string;
}

const slackBot = (seed: number) => 'xo' + 'xb-' + randomString('0123456789', 12, seed) + '-' + randomString('0123456789', 12, seed + 1) + '-' + randomString(ALNUM, 24, seed + 2);

export function deployedValues(seed: number): DeployedValues {
  const s = (n: number) => seed * 100 + n;
  return {
    flaskKey: randomString(ALNUM, 40, s(1)),
    pgPassword: randomString(ALNUM, 20, s(2)),
    redisPassword: randomString(ALNUM, 24, s(3)),
    stripeKey: stripeKey(s(4)),
    airflowPassword: randomString(ALNUM, 18, s(5)),
    slackWebhook: 'https://hooks.slack.com/services/T' + randomString('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', 8, s(6)) + '/B' + randomString('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', 8, s(7)) + '/' + randomString(ALNUM, 24, s(8)),
    sendgridKey: 'S' + 'G.' + randomString(ALNUM, 22, s(9)) + '.' + randomString(ALNUM, 43, s(10)),
    mysqlPassword: randomString(ALNUM, 16, s(11)),
    execToken: githubToken(s(12)),
    esmToken: slackBot(s(13)),
    requiredEsmKey: stripeKey(s(16)),
    staticToken: githubToken(s(17)),
    paramToken: slackBot(s(18)),
    ownHelperKey: stripeKey(s(21)),
    pgpassword: randomString(ALNUM, 20, s(22)),
    dotenvPassword: randomString(ALNUM, 20, s(23)),
    dotenvToken: githubToken(s(24)),
    makePassword: randomString(ALNUM, 20, s(25)),
    toolToken: githubToken(s(26)),
  };
}

const pkg = (name: string, extra: Record<string, unknown> = {}) => JSON.stringify({ name, version: '1.0.0', private: true, ...extra }, null, 2) + '\n';
const NODE_HASH = "console.log(createHash('sha256').update(";

export function deployedFiles(v: DeployedValues): Record<string, string> {
  return {
    // 1. Flask-style app factory; config classes.
    'svc/__init__.py': `"""Orders service."""\nfrom __future__ import annotations\n\nfrom .config import ProductionConfig\n\n\ndef create_app(cfg=ProductionConfig):\n    return {k: getattr(cfg, k) for k in dir(cfg) if k.isupper()}\n`,
    'svc/config.py': `"""Configuration classes."""\nfrom __future__ import annotations\n\nfrom typing import Final\n\n\nclass Config:\n    SECRET_KEY = "${v.flaskKey}"\n    SQLALCHEMY_DATABASE_URI = "postgresql://orders:${v.pgPassword}@db.internal:5432/orders"\n\n\nclass ProductionConfig(Config):\n    CELERY_BROKER_URL = "redis://:${v.redisPassword}@redis.internal:6379/0"\n    STRIPE_KEY: Final = "${v.stripeKey}"\n    DEBUG = False\n`,
    'svc/__main__.py': 'import hashlib, json\nfrom svc import create_app\n\nprint(hashlib.sha256(json.dumps(create_app(), sort_keys=True).encode()).hexdigest())\n',
    // 2. Airflow-style DAG.
    'dags/etl_dag.py': `#!/usr/bin/env python3\n# -*- coding: utf-8 -*-\n"""Nightly ETL DAG."""\nfrom __future__ import annotations\nfrom dataclasses import dataclass\nimport hashlib\n\n\n@dataclass\nclass Connection:\n    conn_id: str\n    host: str\n    login: str\n    password: str\n    port: int = 5432\n\n\nWAREHOUSE = Connection(conn_id="warehouse", host="wh.internal", login="etl", password="${v.airflowPassword}")\n\n\ndef notify(url="${v.slackWebhook}"):\n    return url\n\n\n@dataclass\nclass Mailer:\n    api_key: str = "${v.sendgridKey}"\n\n\nif __name__ == "__main__":\n    h = hashlib.sha256()\n    for part in (WAREHOUSE.password, notify(), Mailer().api_key):\n        h.update(part.encode())\n    print(h.hexdigest())\n`,
    // 3. Cron job from `/`.
    'jobs/nightly.py': `import hashlib\nimport os\nimport sys\n\nsys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))\n\nfrom helpers import connect\n\nDB = connect(url="mysql+pymysql://report:${v.mysqlPassword}@mysql.internal/reports")\nprint(hashlib.sha256(DB.encode()).hexdigest())\n`,
    'jobs/helpers.py': 'def connect(url):\n    return url\n',
    // 4. Settings exec()'d into a dict.
    'legacy/settings.py': `GITHUB_TOKEN = "${v.execToken}"\n`,
    'legacy/run.py': 'import hashlib, os\ncfg = {}\nexec(open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "settings.py")).read(), cfg)\nprint(hashlib.sha256(cfg["GITHUB_TOKEN"].encode()).hexdigest())\n',
    // 5. Node ESM config module.
    'node-esm/package.json': pkg('esm-svc', { type: 'module' }),
    'node-esm/config.js': `export default {\n  slack: { token: '${v.esmToken}' },\n};\n`,
    'node-esm/index.js': `import { createHash } from 'node:crypto';\nimport config from './config.js';\n\n${NODE_HASH}config.slack.token).digest('hex'));\n`,
    // 6. CommonJS require() of an ES config module (which imports another).
    'mix/package.json': pkg('mix-svc'),
    'mix/keys.mjs': `export const stripeKey = "${v.requiredEsmKey}";\n`,
    'mix/config.mjs': 'export { stripeKey } from "./keys.mjs";\n',
    'mix/index.js': `const { createHash } = require("crypto");\nconst { stripeKey } = require("./config.mjs");\n\n${NODE_HASH.replace(/'/g, '"')}stripeKey).digest("hex"));\n`,
    // 7. ESM with its own getSecret, a static class field and a default parameter.
    'web/package.json': pkg('web', { type: 'module' }),
    'web/vault.js': 'export function getSecret(v) { return v; }\n',
    'web/server.js': `import { createHash } from 'node:crypto';\nimport { getSecret } from './vault.js';\n\nclass Client {\n  static token = '${v.staticToken}';\n}\n\nfunction notify(token = '${v.paramToken}') {\n  return token;\n}\n\nconst own = getSecret('${v.ownHelperKey}');\n${NODE_HASH}Client.token + notify() + own).digest('hex'));\n`,
    // 8. A sourced shell file.
    'ops/env.sh': `# sourced by backup.sh\nexport PGHOST=db.internal\nexport PGUSER=backup\nexport PGPASSWORD='${v.pgpassword}'\n`,
    'ops/backup.sh': '#!/bin/sh\nset -e\n. "$(dirname "$0")/env.sh"\nprintf \'%s\' "$PGPASSWORD" | sha256sum | cut -d\' \' -f1\n',
    // 10. A single-module tool installed with pip (setuptools `py-modules`), run from `/`.
    'tools/pyproject.toml': '[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n\n[project]\nname = "report"\nversion = "1.0.0"\ndependencies = []\n\n[project.scripts]\nreport = "report:main"\n\n[tool.setuptools]\npy-modules = ["report"]\n',
    'tools/report.py': `import hashlib\n\nGITHUB_TOKEN = "${v.toolToken}"\n\n\ndef main():\n    print(hashlib.sha256(GITHUB_TOKEN.encode()).hexdigest())\n`,
    // 9. A .env a deploy script sources; an env file a Makefile includes.
    '.env': `DB_PASSWORD=${v.dotenvPassword}\nGITHUB_TOKEN=${v.dotenvToken}\n`,
    'scripts/deploy.sh': '#!/bin/sh\nset -e\ncd "$(dirname "$0")/.."\nset -a\n. ./.env\nset +a\nprintf \'%s\' "$DB_PASSWORD$GITHUB_TOKEN" | sha256sum | cut -d\' \' -f1\n',
    'build/release.env': `RELEASE_DB_PASSWORD=${v.makePassword}\n`,
    'build/Makefile': 'include release.env\nexport\n\nshow:\n\t@printf \'%s\' "$$RELEASE_DB_PASSWORD" | sha256sum | cut -d\' \' -f1\n',
  };
}

export interface DeployedProgram {
  name: string;
  /** argv[0] is python | node | sh | make; `ROOT` in an argument is the repository's absolute path. */
  argv: string[];
  /** Working folder: `/`, or repository-relative. */
  cwd: string;
  /** Extra environment (`ROOT` replaced as in argv). */
  env?: Record<string, string>;
  /** `pip`: the folder is installed first (`pip install --target`, from a copy), and that target is on PYTHONPATH. */
  install?: { pip: string };
  /** Commands that must be on PATH (else the program is left out, with a warning). */
  needs?: string[];
  /** The values it reads (each must be stored, or listed as manual). */
  values: Array<keyof DeployedValues>;
}

export function deployedPrograms(): DeployedProgram[] {
  return [
    { name: 'Flask app factory: python -m svc from /', argv: ['python', '-m', 'svc'], cwd: '/', env: { PYTHONPATH: 'ROOT' }, values: ['flaskKey', 'pgPassword', 'redisPassword', 'stripeKey'] },
    { name: 'Airflow-style DAG by path from /', argv: ['python', 'ROOT/dags/etl_dag.py'], cwd: '/', values: ['airflowPassword', 'slackWebhook', 'sendgridKey'] },
    { name: 'cron job from /', argv: ['python', 'ROOT/jobs/nightly.py'], cwd: '/', values: ['mysqlPassword'] },
    { name: 'settings exec()d into a dict', argv: ['python', 'ROOT/legacy/run.py'], cwd: '/', values: ['execToken'] },
    { name: 'Node ESM config module, from /', argv: ['node', 'ROOT/node-esm/index.js'], cwd: '/', values: ['esmToken'] },
    { name: 'Node CJS require() of an ES config module', argv: ['node', 'index.js'], cwd: 'mix', values: ['requiredEsmKey'] },
    { name: 'ESM: own getSecret, static field, default parameter', argv: ['node', 'server.js'], cwd: 'web', values: ['staticToken', 'paramToken', 'ownHelperKey'] },
    { name: 'sourced env.sh with PGPASSWORD', argv: ['sh', 'ROOT/ops/backup.sh'], cwd: '/', needs: ['aws', 'jq'], values: ['pgpassword'] },
    { name: '.env sourced by a deploy script', argv: ['sh', 'ROOT/scripts/deploy.sh'], cwd: '/', values: ['dotenvPassword', 'dotenvToken'] },
    { name: 'single-module tool installed with pip, from /', argv: ['python', '-c', 'import report; report.main()'], cwd: '/', install: { pip: 'tools' }, values: ['toolToken'] },
    { name: 'env file a Makefile includes', argv: ['make', '-s', 'show'], cwd: 'build', needs: ['make'], values: ['makePassword'] },
  ];
}

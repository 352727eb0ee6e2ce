/**
 * A legacy repository of small programs, each started the way it is deployed (issue 13, "must show"):
 * `python -m pkg.mod`, a Django settings import from the project folder, a notebook kernel started in
 * the notebook's folder, a script with `os.environ.get("X", "<literal>")`, Node ESM and CJS packages,
 * a TypeScript file, `.env` + python-dotenv, docker-compose, a Helm chart, Ansible group_vars, a shell
 * script with `export PGPASSWORD`, and a PEM key read by path.
 *
 * Every program prints a short hash of the credential it would use (never the value), so its output
 * before and after a migration can be compared. Compose, Helm and Ansible have no runtime here: their
 * "program" is a reader in test/support/readers/ that reads the file as the real tool would.
 * Every value is made at run time (the project scans itself).
 */
import { generateKeyPairSync } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { ALNUM, githubToken, npmToken, randomString, stripeKey } from './fake-secrets.js';

import { legacyFiles, legacyValues } from './legacy-repo.js';

export { writeRepoFiles } from './legacy-repo.js';

export interface EntryValues {
  dbPassword: string;
  dsnPassword: string;
  djangoKey: string;
  notebookToken: string;
  lazyToken: string;
  esmKey: string;
  cjsToken: string;
  tsToken: string;
  envPassword: string;
  composePassword: string;
  helmPassword: string;
  ansiblePassword: string;
  shPassword: string;
  deployKey: string;
  testToken: string;
  gcpKey: string;
  jsLazyToken: string;
  nsPassword: string;
  shopKey: string;
}

/** Punctuation real Django keys and generated passwords hold (issue 13, defect 4). */
const PUNCT = '^%@!$#&*(-_=+)';

export function entryValues(base = 301): EntryValues {
  // Every punctuation mark at least once, spread through random text.
  let django = 'django-insecure-';
  for (let i = 0; i < PUNCT.length; i++) django += randomString(ALNUM, 3, base + 100 + i) + PUNCT[i];
  // A 22-character password from seed base+i.
  const pw = (i: number, tail: string) => randomString(ALNUM, 20, base + i) + tail;
  return {
    dbPassword: pw(0, '7q'),
    // A URI password that needs percent-encoding: the program reads it unquoted (with the '@').
    dsnPassword: randomString(ALNUM, 10, base + 1) + '%40' + randomString(ALNUM, 10, base + 2),
    djangoKey: django,
    notebookToken: githubToken(base + 3),
    lazyToken: githubToken(base + 4),
    esmKey: stripeKey(base + 5),
    cjsToken: githubToken(base + 6),
    tsToken: npmToken(base + 7),
    envPassword: pw(8, '4k'),
    composePassword: pw(9, '2m'),
    helmPassword: pw(10, '6h'),
    ansiblePassword: pw(11, '8a'),
    shPassword: pw(12, '3r'),
    deployKey: pkcs8(),
    testToken: githubToken(base + 13),
    gcpKey: pkcs8(),
    jsLazyToken: githubToken(base + 14),
    nsPassword: pw(15, '5n'),
    shopKey: pw(16, '9s'),
  };
}

const pkcs8 = () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

/** A GCP service-account key file as the console downloads it. */
export function gcpServiceAccount(V: EntryValues): string {
  return JSON.stringify({
    type: 'service_account',
    project_id: 'orders-prod',
    private_key_id: randomString('0123456789abcdef', 40, 999),
    private_key: V.gcpKey,
    client_email: 'etl-loader@orders-prod.iam.gserviceaccount.com',
    client_id: '104729300000000000001',
    auth_uri: 'https://accounts.google.com/o/oauth2/auth',
    token_uri: 'https://oauth2.googleapis.com/token',
  }, null, 2) + '\n';
}

const FP_PY = `def fp(value):
    """A short hash of a credential: what the program would use, without printing it."""
    return hashlib.sha256(str(value).encode()).hexdigest()[:12]
`;
const FP_JS = `const fp = (v) => createHash('sha256').update(String(v)).digest('hex').slice(0, 12);`;

const pkg = (name: string, extra: Record<string, unknown> = {}) => JSON.stringify({ name, version: '1.0.0', private: true, ...extra }, null, 2) + '\n';

/** path -> content. `.env` is committed, as in many legacy repositories. */
export function entryFiles(V: EntryValues): Record<string, string> {
  // .env and docker-compose.yml as in the legacy repository, with this repository's values.
  const legacy = legacyFiles({ ...legacyValues(), envPassword: V.envPassword, composePassword: V.composePassword });
  return {
    '.gitignore': '__pycache__/\nnode_modules/\napi/dist/\n',
    // 1. A package run with `python -m etl.db_settings` from the repository root.
    'etl/__init__.py': '',
    'etl/db_settings.py': `"""Warehouse connection settings (legacy)."""
import hashlib


class psycopg2:  # psycopg2's connect() signature, no database needed
    @staticmethod
    def connect(**kwargs):
        return kwargs


${FP_PY}

DB_PASSWORD = "${V.dbPassword}"


def main():
    conn = psycopg2.connect(host="db.internal.example", port=5432, user="etl", password=DB_PASSWORD, dbname="warehouse")
    print("db", conn["host"], conn["user"], fp(conn["password"]))


if __name__ == "__main__":
    main()
`,
    // 1b. A module of a namespace sub-package (etl/warehouse/ has no __init__.py): `python -m etl.warehouse.load`.
    'etl/warehouse/load.py': `"""Load the warehouse (legacy)."""
import hashlib

${FP_PY}

WAREHOUSE_PASSWORD = "${V.nsPassword}"

if __name__ == "__main__":
    print("warehouse", fp(WAREHOUSE_PASSWORD))
`,
    // 2b. A Django project whose outer folder is a package too (shop/__init__.py): manage.py imports
    // shop.settings with shop/ on sys.path, so shop/shop/ is the package and the repository root is not on sys.path.
    'shop/__init__.py': '',
    'shop/manage.py': `"""Django-style entry point."""
import hashlib
import importlib
import os

${FP_PY}

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")
    settings = importlib.import_module(os.environ["DJANGO_SETTINGS_MODULE"])
    print("shop", settings.DEBUG, fp(settings.SECRET_KEY))
`,
    'shop/shop/__init__.py': '',
    'shop/shop/settings.py': `"""Settings for shop (legacy)."""
DEBUG = False
SECRET_KEY = "${V.shopKey}"
`,
    // A plain script with a DSN whose password is percent-encoded.
    'etl/dsn.py': `"""Nightly vacuum (legacy)."""
import hashlib
from urllib.parse import unquote, urlsplit

${FP_PY}

DATABASE_URL = "postgresql://etl:${V.dsnPassword}@db.internal.example:5432/warehouse"

if __name__ == "__main__":
    u = urlsplit(DATABASE_URL)
    print("dsn", u.hostname, u.username, fp(unquote(u.password)))
`,
    // 2. A Django project: manage.py imports mysite.settings with the project folder on sys.path.
    'mysite/manage.py': `"""Django-style entry point: imports the settings module named by DJANGO_SETTINGS_MODULE."""
import hashlib
import importlib
import os

${FP_PY}

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")
    settings = importlib.import_module(os.environ["DJANGO_SETTINGS_MODULE"])
    print("django", settings.DEBUG, len(settings.SECRET_KEY), fp(settings.SECRET_KEY))
`,
    'mysite/mysite/__init__.py': '',
    'mysite/mysite/settings.py': `"""Settings for mysite (legacy)."""
DEBUG = False
ALLOWED_HOSTS = ["mysite.example"]
SECRET_KEY = '${V.djangoKey}'
`,
    // 3. A notebook, run by a kernel started in its folder.
    'notebooks/explore.ipynb': JSON.stringify({
      cells: [
        { cell_type: 'markdown', metadata: {}, source: ['# Explore the orders'] },
        { cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source: ['import hashlib\n', '\n', `GITHUB_TOKEN = "${V.notebookToken}"\n`] },
        { cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source: ["print('notebook', hashlib.sha256(GITHUB_TOKEN.encode()).hexdigest()[:12])"] },
      ],
      metadata: { kernelspec: { display_name: 'Python 3', language: 'python', name: 'python3' } },
      nbformat: 4,
      nbformat_minor: 5,
    }, null, 1) + '\n',
    // 5. Laziness: the literal is a fallback only.
    'scripts/report_env.py': `"""Post the report; REPORT_TOKEN from the environment wins (legacy)."""
import hashlib
import os

${FP_PY}

if __name__ == "__main__":
    token = os.environ.get("REPORT_TOKEN", "${V.lazyToken}")
    print("lazy", fp(token))
`,
    // Node ESM package with its own package.json.
    'web/package.json': pkg('orders-web', { type: 'module' }),
    'web/index.js': `import { createHash } from 'node:crypto';

${FP_JS}

const STRIPE_KEY = '${V.esmKey}';
console.log('esm', STRIPE_KEY.slice(0, 8), fp(STRIPE_KEY));
`,
    // Node CommonJS package.
    'worker/package.json': pkg('orders-worker'),
    'worker/worker.js': `const { createHash } = require('node:crypto');

${FP_JS}

const config = { queue: 'orders', githubToken: '${V.cjsToken}' };
console.log('cjs', config.queue, fp(config.githubToken));
`,
    // TypeScript, compiled to CommonJS (api/dist/) before it runs.
    'api/package.json': pkg('orders-api'),
    'api/src/client.ts': `import { createHash } from 'node:crypto';

const fp = (v: string): string => createHash('sha256').update(v).digest('hex').slice(0, 12);

const NPM_TOKEN: string = '${V.tsToken}';
console.log('ts', NPM_TOKEN.length, fp(NPM_TOKEN));
`,
    // .env + python-dotenv.
    '.env': legacy['.env']!,
    'scripts/load_env.py': `"""Read settings from .env (legacy)."""
import hashlib
import os

from dotenv import load_dotenv

${FP_PY}

if __name__ == "__main__":
    load_dotenv()
    print("dotenv", os.environ.get("APP_ENV"), fp(os.environ["WAREHOUSE_PASSWORD"]))
`,
    'docker-compose.yml': legacy['docker-compose.yml']!,
    'charts/orders/Chart.yaml': 'apiVersion: v2\nname: orders\nversion: 0.1.0\n',
    'charts/orders/values.yaml': `replicaCount: 2
postgresql:
  auth:
    username: orders
    password: ${V.helmPassword}
    database: orders
`,
    'ansible/group_vars/all.yml': `---
db_user: etl
db_password: ${V.ansiblePassword}
`,
    'scripts/backup.sh': `#!/bin/sh
set -eu
export PGPASSWORD='${V.shPassword}'
printf 'backup %s\\n' "$(printf %s "$PGPASSWORD" | sha256sum | cut -c1-12)"
`,
    'keys/deploy.pem': V.deployKey,
    // pytest from the repository root (a root conftest.py puts the root on sys.path).
    'conftest.py': '',
    'tests/test_db.py': `import hashlib

from etl.db_settings import DB_PASSWORD

API_TOKEN = "${V.testToken}"


def test_settings():
    print("pytest", hashlib.sha256(DB_PASSWORD.encode()).hexdigest()[:12], hashlib.sha256(API_TOKEN.encode()).hexdigest()[:12])
`,
    'keys/gcp-sa.json': gcpServiceAccount(V),
    'scripts/gcs_upload.py': `"""Upload exports with the service-account key file, read by path (legacy)."""
import hashlib
import json
import os

KEY_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "keys", "gcp-sa.json")

if __name__ == "__main__":
    with open(KEY_FILE, encoding="utf-8") as f:
        info = json.load(f)
    print("gcp", info["client_email"], hashlib.sha256(info["private_key"].encode()).hexdigest()[:12])
`,
    // process.env.X ?? "literal": the literal is a fallback only.
    'worker/lazy.js': `const { createHash } = require('node:crypto');

${FP_JS}

const token = process.env.SYNC_TOKEN ?? '${V.jsLazyToken}';
console.log('js-lazy', fp(token));
`,
    'scripts/sign.py': `"""Sign the release with the deploy key, read by path (legacy)."""
import hashlib
from pathlib import Path

KEY_PATH = Path(__file__).resolve().parent.parent / "keys" / "deploy.pem"

if __name__ == "__main__":
    pem = KEY_PATH.read_bytes()
    print("keyfile", pem.splitlines()[0].decode(), hashlib.sha256(pem).hexdigest()[:12])
`,
  };
}

/** Files that are executable. */
export const ENTRY_EXECUTABLES = ['scripts/backup.sh'];

const READERS = fileURLToPath(new URL('./readers/', import.meta.url));

/** How one program is started: `argv[0]` is 'python', 'pytest', 'node', 'sh' or 'tsc+node' (compile, then run). */
export interface EntryProgram {
  name: string;
  /** The start command as a user types it (for the table). */
  start: string;
  /** Folder it starts in, relative to the repository root. */
  cwd: string;
  argv: string[];
  /** Extra environment. `AWS_ENDPOINT_URL` here replaces the local server's. */
  env?: Record<string, string>;
  /** Files that hold its credential (a start-command change reported for one of them applies to it). */
  files: string[];
  /** The value it uses, to check it left the tree. */
  value: keyof EntryValues;
  /** Commands it needs on PATH where it is deployed (the migrated shell script calls the aws CLI and jq). */
  needs?: string[];
}

/** A Secrets Manager endpoint nothing listens on: a lazy program must not need it. */
export const DEAD_ENDPOINT = 'http://127.0.0.1:9';

/** The kernel: runs the code cells of the notebook in argv[1], in one namespace, in the current folder. */
export const KERNEL_PY = `import json, sys
nb = json.load(open(sys.argv[1], encoding="utf-8"))
ns = {"__name__": "__main__"}
for cell in nb["cells"]:
    if cell["cell_type"] == "code":
        src = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        exec(compile(src, "<cell>", "exec"), ns)
`;

export function entryPrograms(): EntryProgram[] {
  return [
    { name: 'python -m package', start: 'python3 -m etl.db_settings', cwd: '.', argv: ['python', '-m', 'etl.db_settings'], files: ['etl/db_settings.py'], value: 'dbPassword' },
    { name: 'python -m namespace sub-package', start: 'python3 -m etl.warehouse.load', cwd: '.', argv: ['python', '-m', 'etl.warehouse.load'], files: ['etl/warehouse/load.py'], value: 'nsPassword' },
    { name: 'Django, outer folder a package', start: '(shop/) python3 manage.py', cwd: 'shop', argv: ['python', 'manage.py'], files: ['shop/shop/settings.py'], value: 'shopKey' },
    { name: 'DSN with %40', start: 'python3 etl/dsn.py', cwd: '.', argv: ['python', 'etl/dsn.py'], files: ['etl/dsn.py'], value: 'dsnPassword' },
    { name: 'Django settings import', start: '(mysite/) python3 manage.py', cwd: 'mysite', argv: ['python', 'manage.py'], files: ['mysite/mysite/settings.py'], value: 'djangoKey' },
    { name: 'notebook kernel', start: '(notebooks/) kernel runs explore.ipynb', cwd: 'notebooks', argv: ['python', '-c', KERNEL_PY, 'explore.ipynb'], files: ['notebooks/explore.ipynb'], value: 'notebookToken' },
    { name: 'environ.get set, offline', start: 'REPORT_TOKEN=… python3 scripts/report_env.py', cwd: '.', argv: ['python', 'scripts/report_env.py'], env: { REPORT_TOKEN: 'token-from-the-environment', AWS_ENDPOINT_URL: DEAD_ENDPOINT }, files: ['scripts/report_env.py'], value: 'lazyToken' },
    { name: 'environ.get unset', start: 'python3 scripts/report_env.py', cwd: '.', argv: ['python', 'scripts/report_env.py'], files: ['scripts/report_env.py'], value: 'lazyToken' },
    { name: 'Node ESM', start: '(web/) node index.js', cwd: 'web', argv: ['node', 'index.js'], files: ['web/index.js'], value: 'esmKey' },
    { name: 'Node CJS', start: '(worker/) node worker.js', cwd: 'worker', argv: ['node', 'worker.js'], files: ['worker/worker.js'], value: 'cjsToken' },
    { name: 'TypeScript', start: '(api/) tsc && node dist/client.js', cwd: 'api', argv: ['tsc+node', 'src/client.ts'], files: ['api/src/client.ts'], value: 'tsToken' },
    { name: '.env + dotenv', start: 'python3 scripts/load_env.py', cwd: '.', argv: ['python', 'scripts/load_env.py'], files: ['.env'], value: 'envPassword' },
    { name: 'docker-compose', start: 'docker compose up (reader)', cwd: '.', argv: ['node', READERS + 'compose.mjs', 'docker-compose.yml', 'db', 'POSTGRES_PASSWORD'], files: ['docker-compose.yml'], value: 'composePassword' },
    { name: 'Helm values', start: 'helm install (reader)', cwd: '.', argv: ['node', READERS + 'helm.mjs', 'charts/orders', 'postgresql.auth.password'], files: ['charts/orders/values.yaml'], value: 'helmPassword' },
    { name: 'Ansible group_vars', start: 'ansible-playbook (reader)', cwd: '.', argv: ['node', READERS + 'ansible.mjs', 'ansible/group_vars/all.yml', 'db_password'], files: ['ansible/group_vars/all.yml'], value: 'ansiblePassword' },
    { name: 'shell PGPASSWORD', start: 'sh scripts/backup.sh', cwd: '.', argv: ['sh', 'scripts/backup.sh'], files: ['scripts/backup.sh'], value: 'shPassword', needs: ['aws', 'jq'] },
    { name: 'pytest from the root', start: 'pytest -q -s tests/', cwd: '.', argv: ['pytest', '-q', '-s', '-p', 'no:cacheprovider', 'tests/'], files: ['tests/test_db.py', 'etl/db_settings.py'], value: 'testToken', needs: ['/usr/bin/pytest'] },
    { name: 'JS ?? set, offline', start: '(worker/) SYNC_TOKEN=… node lazy.js', cwd: 'worker', argv: ['node', 'lazy.js'], env: { SYNC_TOKEN: 'token-from-the-environment', AWS_ENDPOINT_URL: DEAD_ENDPOINT }, files: ['worker/lazy.js'], value: 'jsLazyToken' },
    { name: 'GCP key file by path', start: 'python3 scripts/gcs_upload.py', cwd: '.', argv: ['python', 'scripts/gcs_upload.py'], files: ['keys/gcp-sa.json'], value: 'gcpKey' },
    { name: 'key file by path', start: 'python3 scripts/sign.py', cwd: '.', argv: ['python', 'scripts/sign.py'], files: ['keys/deploy.pem'], value: 'deployKey' },
  ];
}

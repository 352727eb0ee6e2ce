/**
 * Python legacy programs for the sixth red-team round of `migrate` (deployed-python-round6-e2e): shapes of
 * a data team's repository that rounds 1–5 do not start the way they are deployed —
 * - scripts with no `.py` and a `#!/usr/bin/env python3` / `#!/usr/bin/python3` line, executable, run
 *   directly (`./bin/etl`), their exec bit kept;
 * - a latin-1 source file with a PEP 263 coding line, non-ASCII text around the value (rewritten, in its
 *   own encoding), and one whose value itself is not ASCII (left, as the report says);
 * - files read by the program, never by `${VAR}` expansion: configparser with `%%` in a password, a
 *   `.netrc` read by the `netrc` module, a `.pgpass` with `\:` in a password, `logging.config.fileConfig`
 *   handler args — the value stored is the value the program reads, not the escaped text;
 * - settings split across `settings/base.py` + `settings/prod.py` (`from .base import *`), with
 *   `os.environ.get` / `os.getenv` fallbacks and `environ.setdefault`, imported by module name;
 * - clients built for real, without a connection: SQLAlchemy `create_engine` of a URL whose password is
 *   percent-encoded, a boto3 `Session(aws_access_key_id=…, aws_secret_access_key=…)`, requests
 *   `auth=(…)`, a Celery broker URL, a paramiko RSA key in a triple-quoted string;
 * - a notebook with saved outputs that show the value, run with `jupyter nbconvert --execute`;
 * - a service deployed by copying only its folder (`COPY app/ /app`).
 * Each program prints a SHA-256 of the values it used. The values are built at run time.
 */
import { generateKeyPairSync } from 'node:crypto';
import { ALNUM, awsKeyId, awsSecretKey, githubToken, randomString, stripeKey } from './fake-secrets.js';

const KEYS = [
  'shebangToken', 'shebangPassword', 'binToken', 'latinToken', 'latinPassword', 'iniPassword', 'netrcPassword', 'pgpassPassword',
  'logPassword', 'baseKey', 'baseDbPassword', 'setdefaultToken', 'prodBrokerPassword', 'prodStripeKey', 'saPassword',
  'awsKeyId', 'awsSecret', 'requestsPassword', 'celeryPassword', 'sshKey', 'notebookToken', 'copyToken',
] as const;
export type Round6Values = Record<(typeof KEYS)[number], string>;

export function round6Values(seed: number): Round6Values {
  const s = (n: number) => seed * 100 + n;
  const pw = (n: number) => randomString(ALNUM, 18, s(n)) + 'Zq4';
  const v = {} as Round6Values;
  KEYS.forEach((k, i) => {
    v[k] = /Password$/.test(k) ? pw(i) : i % 2 ? stripeKey(s(i)) : githubToken(s(i));
  });
  // The text in the file escapes these; the program reads them unescaped.
  v.iniPassword = randomString(ALNUM, 10, s(40)) + '%' + randomString(ALNUM, 10, s(41));
  v.pgpassPassword = randomString(ALNUM, 10, s(42)) + ':' + randomString(ALNUM, 10, s(43));
  // URL-special characters, percent-encoded in the URL.
  v.saPassword = randomString(ALNUM, 10, s(44)) + '@/#?' + randomString(ALNUM, 10, s(45));
  // Escapes in a script with no .py: the program reads `\` and `"`.
  v.shebangPassword = randomString(ALNUM, 12, s(50)) + '\\"' + randomString(ALNUM, 10, s(51));
  // Not ASCII: the latin-1 file holds it as latin-1 bytes.
  v.latinPassword = randomString(ALNUM, 10, s(46)) + 'äöü' + randomString(ALNUM, 10, s(47));
  v.awsKeyId = awsKeyId(s(48));
  v.awsSecret = awsSecretKey(s(49));
  v.sshKey = generateKeyPairSync('rsa', { modulusLength: 1024, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'pkcs1', format: 'pem' } }).privateKey.trim();
  return v;
}

const H = 'import hashlib\n\n\ndef h(*xs):\n    return hashlib.sha256("|".join(map(str, xs)).encode()).hexdigest()\n';
const HERE = 'HERE = os.path.dirname(os.path.abspath(__file__))\n';
/** A Python string literal of `s` in double quotes (escapes `\` and `"`). */
const dq = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
/** `%XX` of every byte but letters and digits (a URL's user info). */
const pct = (s: string) => [...Buffer.from(s, 'utf8')].map((b) => (/[A-Za-z0-9]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : '%' + b.toString(16).toUpperCase().padStart(2, '0'))).join('');
const nb = (cells: Array<{ source: string; outputs?: unknown[] }>) => JSON.stringify({
  cells: cells.map((c, i) => ({ cell_type: 'code', execution_count: c.outputs ? i + 1 : null, metadata: {}, outputs: c.outputs ?? [], source: c.source.split(/(?<=\n)/) })),
  metadata: { kernelspec: { display_name: 'Python 3', language: 'python', name: 'python3' } }, nbformat: 4, nbformat_minor: 5,
}, null, 1) + '\n';

/** Files that are run directly: committed with mode 0755. */
export const ROUND6_EXECUTABLES = ['etl/bin/etl', 'ops/sync-warehouse'];

/** Text files, and the latin-1 ones as bytes. */
export function round6Files(v: Round6Values): Record<string, string | Buffer> {
  const latin = (text: string) => Buffer.from(text, 'latin1');
  return {
    // 1. Scripts with no .py, run directly; one imports a module of its folder's parent package.
    'etl/bin/etl': `#!/usr/bin/env python3\n# -*- coding: utf-8 -*-\n"""Nightly ETL entry point."""\nimport os\nimport sys\n\nsys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))\nfrom etllib.hashing import h\n\nGITHUB_TOKEN = "${v.shebangToken}"\nDB_PASSWORD = ${dq(v.shebangPassword)}\n\nif __name__ == "__main__":\n    print(h(GITHUB_TOKEN, DB_PASSWORD))\n`,
    'etl/etllib/__init__.py': '',
    'etl/etllib/hashing.py': H,
    'ops/sync-warehouse': `#!/usr/bin/python3\n${H}\nSTRIPE_KEY = "${v.binToken}"\nprint(h(STRIPE_KEY))\n`,
    // 2. latin-1 with a coding line: ASCII value among latin-1 text; a value that is itself latin-1.
    'legacy/latin_job.py': latin(`# -*- coding: latin-1 -*-\n# Autor: José Müller, Straße 5\n${H}\nTOKEN = "${v.latinToken}"\nNAME = "Grüße"\nprint(h(TOKEN, NAME))\n`),
    'legacy/latin_pw.py': latin(`# vim: set fileencoding=iso-8859-1 :\n# Kennwort für die Datenbank\n${H}\nDB_PASSWORD = "${v.latinPassword}"\nprint(h(DB_PASSWORD))\n`),
    // 3. Files the program reads, with escapes: configparser `%%`, .netrc, .pgpass `\:`, fileConfig args.
    'conf/app.ini': `[db]\nhost = db.internal\nuser = etl\npassword = ${v.iniPassword.replace(/%/g, '%%')}\n`,
    'conf/read_ini.py': `${H}\nimport configparser\nimport os\n\n${HERE}cfg = configparser.ConfigParser()\ncfg.read(os.path.join(HERE, "app.ini"))\nprint(h(cfg["db"]["password"]))\n`,
    'home/.netrc': `machine api.internal\n  login etl\n  password ${v.netrcPassword}\n`,
    'home/.pgpass': `db.internal:5432:warehouse:etl:${v.pgpassPassword.replace(/:/g, '\\:')}\n`,
    'home/netrc_login.py': `${H}\nimport netrc\nimport os\n\n${HERE}login, _, password = netrc.netrc(os.path.join(HERE, ".netrc")).authenticators("api.internal")\nprint(h(login, password))\n`,
    // What libpq does with ~/.pgpass: host:port:db:user:password, with `\:` and `\\` escaped.
    'home/pgpass.py': `${H}\nimport os\nimport re\n\n${HERE}with open(os.path.join(HERE, ".pgpass")) as f:\n    fields = [re.sub(r"\\\\(.)", r"\\1", x) for x in re.split(r"(?<!\\\\):", f.readline().rstrip("\\n"))]\nprint(h(fields[3], fields[4]))\n`,
    'logcfg/logging.ini': `[loggers]\nkeys=root\n\n[handlers]\nkeys=mail\n\n[formatters]\nkeys=plain\n\n[logger_root]\nlevel=ERROR\nhandlers=mail\n\n[handler_mail]\nclass=handlers.SMTPHandler\nlevel=ERROR\nformatter=plain\nargs=(('smtp.internal', 587), 'etl@example.invalid', ['ops@example.invalid'], 'ETL failed', ('etl', '${v.logPassword}'))\n\n[formatter_plain]\nformat=%(asctime)s %(message)s\n`,
    'logcfg/setup_logging.py': `${H}\nimport logging\nimport logging.config\nimport os\n\n${HERE}logging.config.fileConfig(os.path.join(HERE, "logging.ini"))\nmail = logging.getLogger().handlers[0]\nprint(h(mail.username, mail.password))\n`,
    // 4. Settings split across base.py and prod.py, environment fallbacks.
    'webproj/webproj/__init__.py': '',
    'webproj/webproj/settings/__init__.py': '',
    'webproj/webproj/settings/base.py': `import os\n\nSECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "${v.baseKey}")\nDEBUG = False\nDATABASES = {\n    "default": {\n        "NAME": "shop",\n        "USER": "shop",\n        "PASSWORD": os.getenv("DB_PASSWORD", "${v.baseDbPassword}"),\n        "HOST": "db.internal",\n    }\n}\nos.environ.setdefault("GITHUB_TOKEN", "${v.setdefaultToken}")\n`,
    'webproj/webproj/settings/prod.py': `from .base import *  # noqa: F401,F403\n\nCELERY_BROKER_URL = "amqp://shop:${v.prodBrokerPassword}@rabbit.internal:5672/shop"\nSTRIPE_KEY = "${v.prodStripeKey}"\n`,
    'webproj/show.py': `${H}\nimport importlib\nimport os\n\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "webproj.settings.prod")\ns = importlib.import_module(os.environ["DJANGO_SETTINGS_MODULE"])\nprint(h(s.SECRET_KEY, s.DATABASES["default"]["PASSWORD"], os.environ["GITHUB_TOKEN"], s.CELERY_BROKER_URL, s.STRIPE_KEY))\n`,
    // 5. Clients built for real, no connection.
    'clients/sa_engine.py': `${H}\nfrom sqlalchemy import create_engine\n\nengine = create_engine("postgresql+psycopg2://etl:${pct(v.saPassword)}@db.internal:5432/warehouse")\nprint(h(engine.url.password, engine.url.host))\n`,
    'clients/aws_session.py': `${H}\nimport boto3\n\nsession = boto3.Session(\n    aws_access_key_id="${v.awsKeyId}",\n    aws_secret_access_key="${v.awsSecret}",\n    region_name="eu-west-1",\n)\ncreds = session.get_credentials()\nprint(h(creds.access_key, creds.secret_key))\n`,
    'clients/http_auth.py': `${H}\nimport requests\n\nreq = requests.Request("GET", "https://api.internal/v1/export", auth=("export", "${v.requestsPassword}")).prepare()\nprint(h(req.headers["Authorization"]))\n`,
    'clients/celery_app.py': `${H}\nfrom celery import Celery\n\napp = Celery("etl", broker="amqp://etl:${v.celeryPassword}@rabbit.internal:5672/etl")\nprint(h(app.conf.broker_url))\n`,
    'clients/sftp_key.py': `${H}\nimport io\n\nimport paramiko\n\nDEPLOY_KEY = """${v.sshKey}\n"""\n\nkey = paramiko.RSAKey.from_private_key(io.StringIO(DEPLOY_KEY))\nprint(h(key.get_fingerprint().hex()))\n`,
    // 6. A notebook whose saved outputs show the value.
    'notebooks/explore.ipynb': nb([
      { source: `import hashlib\nGITHUB_TOKEN = "${v.notebookToken}"\n`, outputs: [] },
      { source: 'print("token", GITHUB_TOKEN)\n', outputs: [{ name: 'stdout', output_type: 'stream', text: [`token ${v.notebookToken}\n`] }] },
      { source: 'GITHUB_TOKEN\n', outputs: [{ data: { 'text/plain': [`'${v.notebookToken}'`] }, execution_count: 3, metadata: {}, output_type: 'execute_result' }] },
    ]),
    // 7. Deployed by copying only its folder.
    'svc/Dockerfile': 'FROM python:3.11-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY app/ /app\nCMD ["python", "main.py"]\n',
    'svc/requirements.txt': 'boto3\n',
    'svc/app/conf.py': `API_TOKEN = "${v.copyToken}"\n`,
    'svc/app/main.py': `${H}\nfrom conf import API_TOKEN\n\nprint(h(API_TOKEN))\n`,
  };
}

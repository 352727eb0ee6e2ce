/**
 * Python legacy programs for the seventh red-team round of `migrate` (deployed-python-round7-e2e): a data
 * team's shapes rounds 1–6 miss or get wrong —
 * - `logging.config.fileConfig` of a `logging.conf` whose SMTPHandler `args=(…)` ends in a credentials tuple
 *   (a `%` and a `\\` in the password, written `%%` and `\\\\`);
 * - configparser files read three ways: `ConfigParser()` (`%%` in the file, and a value with no `%`),
 *   `RawConfigParser()` and `ConfigParser(interpolation=None)` (a bare `%` in the file, read as written);
 * - environment fallbacks written other ways: `from os import environ, getenv`, `default=` by keyword,
 *   `os.getenv(…) or "…"`, a fallback as a function's default argument, `os.environ.setdefault`;
 * - YAML with several tokens, one per line, and a list of tokens, read by `yaml.safe_load`;
 * - a cp1252 source with a coding line (curly quotes and `€` around an ASCII value);
 * - literals where data code keeps them: an Airflow-style `Connection(password=…)`, a `boto3.client(…)`
 *   built in a default argument, a class attribute, a dataclass default, a package module run with
 *   `python -m`, a SQLAlchemy URL, a `.env` read by `dotenv_values()` (never put in os.environ), a
 *   `settings.toml` read by `tomllib`;
 * - more: `os.environ[X] = "…"`, a Bearer header, a token in a comment, one value in a script and in YAML,
 *   `load_dotenv(override=True)`, values inside f-strings and %- / str.format()-ed URLs, notebook magics;
 * - a CRLF `config/config.conf` (not `.ini`) read by configparser in `utils/constants.py`, which the job
 *   imports as a package module (`from utils.constants import *`), its parser named `parser`;
 * - an airflow.cfg (the metadata database URL, the webserver's secret key), read as Airflow reads it: the
 *   option, else what its `<option>_cmd` prints; a Fernet key there.
 * Each program prints a SHA-256 of the values it used. The values are built at run time.
 */
import { ALNUM, awsKeyId, awsSecretKey, githubToken, randomString, stripeKey } from './fake-secrets.js';

const KEYS = [
  'logPassword', 'iniPassword', 'rawPassword', 'noInterpPassword', 'environPassword', 'keywordPassword', 'orPassword',
  'defaultArgPassword', 'setdefaultToken', 'yamlTokenA', 'yamlTokenB', 'yamlTokenC', 'yamlListA', 'yamlListB', 'yamlBlockA', 'yamlBlockB', 'yamlFlowA', 'yamlFlowB',
  'cp1252Token', 'connPassword', 'awsKeyId', 'awsSecret', 'classToken', 'dataclassPassword', 'pkgToken',
  'urlPassword', 'dotenvPassword', 'tomlToken', 'environSetPassword', 'bearerToken', 'commentToken', 'sharedToken',
  'overrideDotenvPassword', 'fstringToken', 'percentPassword', 'formatPassword', 'fstringDqToken',
  'magicEnvToken', 'shellCloneToken', 'plainIniPassword', 'confPassword', 'airflowDbPassword', 'airflowSecretKey', 'airflowFernetKey',
  'tomlIniPassword', 'streamlitPassword',
] as const;
export type Round7Values = Record<(typeof KEYS)[number], string>;

export function round7Values(seed: number): Round7Values {
  const s = (n: number) => seed * 100 + n;
  const pw = (n: number) => randomString(ALNUM, 18, s(n)) + 'Wx5';
  const v = {} as Round7Values;
  KEYS.forEach((k, i) => {
    v[k] = /Password$/.test(k) ? pw(i) : i % 2 ? stripeKey(s(i)) : githubToken(s(i));
  });
  // A `%`: written `%%` for ConfigParser, as is for the raw readers.
  v.iniPassword = randomString(ALNUM, 10, s(40)) + '%' + randomString(ALNUM, 10, s(41));
  v.rawPassword = randomString(ALNUM, 10, s(42)) + '%' + randomString(ALNUM, 10, s(43));
  v.noInterpPassword = randomString(ALNUM, 10, s(44)) + '%' + randomString(ALNUM, 10, s(45));
  // fileConfig reads its file with ConfigParser: `%%` there.
  v.logPassword = randomString(ALNUM, 8, s(46)) + '%' + randomString(ALNUM, 8, s(47)) + '\\' + randomString(ALNUM, 4, s(39));
  v.awsKeyId = awsKeyId(s(48));
  v.awsSecret = awsSecretKey(s(49));
  // A `%` in a config.conf read by ConfigParser(): `%%` there, as in an .ini.
  v.confPassword = randomString(ALNUM, 10, s(50)) + '%' + randomString(ALNUM, 10, s(51));
  // A Fernet key: 32 bytes, url-safe base64.
  v.airflowFernetKey = randomString(ALNUM + '-_', 43, s(52)) + '=';
  return v;
}

const H = 'import hashlib\n\n\ndef h(*xs):\n    return hashlib.sha256("|".join(map(str, xs)).encode()).hexdigest()\n';
const HERE = 'HERE = os.path.dirname(os.path.abspath(__file__))\n';
const ini = (name: string, reader: string, value: string) =>
  `${H}\nimport configparser\nimport os\n\n${HERE}cfg = ${reader}\ncfg.read(os.path.join(HERE, "${name}"))\nprint(h(cfg["warehouse"]["password"]))\n`;

/** A value as a fileConfig file holds it in a handler's args: a Python literal (`\\`), read through configparser (`%%`). */
export const logArg = (s: string) => s.replace(/\\/g, '\\\\').replace(/%/g, '%%');

/** Text files, and the cp1252 one as bytes. */
export function round7Files(v: Round7Values): Record<string, string | Buffer> {
  return {
    // 1. fileConfig: the SMTP credentials are the last element of the handler's args tuple.
    'logcfg/logging.conf': `[loggers]\nkeys=root\n\n[handlers]\nkeys=mail\n\n[formatters]\nkeys=plain\n\n[logger_root]\nlevel=ERROR\nhandlers=mail\n\n[handler_mail]\nclass=handlers.SMTPHandler\nlevel=ERROR\nformatter=plain\nargs=('smtp.internal', 'etl@example.invalid', ['ops@example.invalid'], 'ETL failed', ('etl', '${logArg(v.logPassword)}'))\n\n[formatter_plain]\nformat=%(asctime)s %(message)s\n`,
    'logcfg/setup_logging.py': `${H}\nimport logging\nimport logging.config\nimport os\n\n${HERE}logging.config.fileConfig(os.path.join(HERE, "logging.conf"))\nmail = logging.getLogger().handlers[0]\nprint(h(mail.username, mail.password))\n`,
    // 2. configparser: interpolating (%% in the file), raw, interpolation=None (a bare % in the file).
    'conf/interp.ini': `[warehouse]\nhost = wh.internal\npassword = ${v.iniPassword.replace(/%/g, '%%')}\n`,
    'conf/read_interp.py': ini('interp.ini', 'configparser.ConfigParser()', v.iniPassword),
    'conf/plain.ini': `[warehouse]\nhost = wh.internal\npassword = ${v.plainIniPassword}\n`,
    'conf/read_plain.py': ini('plain.ini', 'configparser.ConfigParser()', v.plainIniPassword),
    'conf/raw.ini': `[warehouse]\nhost = wh.internal\npassword = ${v.rawPassword}\n`,
    'conf/read_raw.py': ini('raw.ini', 'configparser.RawConfigParser()', v.rawPassword),
    'conf/nointerp.ini': `[warehouse]\nhost = wh.internal\npassword = ${v.noInterpPassword}\n`,
    'conf/read_nointerp.py': ini('nointerp.ini', 'configparser.ConfigParser(interpolation=None)', v.noInterpPassword),
    // 3. Environment fallbacks, other spellings.
    'envfb/settings.py': `from os import environ, getenv\nimport os\n\nAPI_PASSWORD = environ.get("API_PASSWORD", "${v.environPassword}")\nDB_PASSWORD = os.environ.get("DB_PASSWORD", default="${v.keywordPassword}")\nWAREHOUSE_PASSWORD = getenv("WAREHOUSE_PASSWORD") or "${v.orPassword}"\n\n\ndef connect(password=os.getenv("PGPASSWORD", "${v.defaultArgPassword}")):\n    return password\n\n\nos.environ.setdefault("API_TOKEN", "${v.setdefaultToken}")\n`,
    'envfb/show.py': `${H}\nimport os\nimport sys\n\nsys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))\nimport settings\n\nprint(h(settings.API_PASSWORD, settings.DB_PASSWORD, settings.WAREHOUSE_PASSWORD, settings.connect(), os.environ["API_TOKEN"]))\n`,
    // 4. YAML read by yaml.safe_load: several tokens, one per line, and a list.
    'yamlcfg/tokens.yml': `github:\n  ci_token: ${v.yamlTokenA}\n  release_token: ${v.yamlTokenB}\n  docs_token: ${v.yamlTokenC}\nstripe_keys:\n  - ${v.yamlListA}\n  - ${v.yamlListB}\nrotation_tokens: |\n  ${v.yamlBlockA}\n  ${v.yamlBlockB}\nmirror_tokens: [${v.yamlFlowA}, ${v.yamlFlowB}]\n`,
    'yamlcfg/read_yaml.py': `${H}\nimport os\n\nimport yaml\n\n${HERE}with open(os.path.join(HERE, "tokens.yml")) as f:\n    c = yaml.safe_load(f)\nprint(h(c["github"]["ci_token"], c["github"]["release_token"], c["github"]["docs_token"], *c["stripe_keys"], c["rotation_tokens"], *c["mirror_tokens"]))\n`,
    // 5. cp1252 with a coding line: curly quotes and the euro sign around an ASCII value.
    'legacy/win_job.py': Buffer.from(`# -*- coding: cp1252 -*-\n# \u201cNightly\u201d export \u2013 costs \u20ac 5\n${H}\nTOKEN = "${v.cp1252Token}"\nLABEL = "Preis \u20ac"\nprint(h(TOKEN, LABEL))\n`
      .replace(/[\u201c\u201d\u2013\u20ac]/g, (c) => ({ '\u201c': '\x93', '\u201d': '\x94', '\u2013': '\x96', '\u20ac': '\x80' })[c]!), 'latin1'),
    // 6. Literals where data code keeps them.
    'dags/conns.py': `${H}\nimport boto3\n\n\nclass Connection:\n    """Airflow's models.Connection, as far as the DAG uses it."""\n\n    def __init__(self, conn_id, conn_type, host=None, login=None, password=None, port=None):\n        self.conn_id, self.host, self.login, self.password = conn_id, host, login, password\n\n\nWAREHOUSE = Connection(\n    conn_id="warehouse",\n    conn_type="postgres",\n    host="wh.internal",\n    login="etl",\n    password="${v.connPassword}",\n    port=5432,\n)\n\n\ndef s3_keys(client=boto3.client("s3", region_name="eu-west-1", aws_access_key_id="${v.awsKeyId}", aws_secret_access_key="${v.awsSecret}")):\n    creds = client._request_signer._credentials\n    return creds.access_key, creds.secret_key\n\n\nprint(h(WAREHOUSE.password, *s3_keys()))\n`,
    'models/records.py': `${H}\nfrom dataclasses import dataclass\n\n\nclass Exporter:\n    API_TOKEN = "${v.classToken}"\n\n\n@dataclass\nclass DbConfig:\n    host: str = "db.internal"\n    password: str = "${v.dataclassPassword}"\n\n\nprint(h(Exporter.API_TOKEN, DbConfig().password))\n`,
    'pkgrun/etlpkg/__init__.py': `GITHUB_TOKEN = "${v.pkgToken}"\n`,
    'pkgrun/etlpkg/hashing.py': H,
    'pkgrun/etlpkg/export.py': 'from etlpkg import GITHUB_TOKEN\nfrom etlpkg.hashing import h\n\nprint(h(GITHUB_TOKEN))\n',
    'sa/read_url.py': `${H}\nfrom sqlalchemy.engine import make_url\n\nWAREHOUSE_URL = "postgresql+psycopg2://etl:${v.urlPassword}@wh.internal:5432/warehouse"\nurl = make_url(WAREHOUSE_URL)\nprint(h(url.password, url.host, url.database))\n`,
    'dotenvapp/.env': `WAREHOUSE_USER=etl\nWAREHOUSE_PASSWORD=${v.dotenvPassword}\n`,
    'dotenvapp/app.py': `${H}\nimport os\n\nfrom dotenv import dotenv_values\n\n${HERE}config = dotenv_values(os.path.join(HERE, ".env"))\nprint(h(config["WAREHOUSE_USER"], config["WAREHOUSE_PASSWORD"]))\n`,
    // 7. More: a variable set in os.environ, a Bearer header built from a literal, a token kept in a comment, one
    // value in a script and in YAML, a .env loaded with load_dotenv(override=True).
    'misc/job.py': `${H}\nimport os\n\nos.environ["WAREHOUSE_PASSWORD"] = "${v.environSetPassword}"\nHEADERS = {"Authorization": "Bearer ${v.bearerToken}", "Accept": "application/json"}\n# old token, revoked? ${v.commentToken}\nSHARED = "${v.sharedToken}"\nprint(h(os.environ["WAREHOUSE_PASSWORD"], HEADERS["Authorization"], SHARED))\n`,
    'misc/shared.yml': `mirror:\n  token: ${v.sharedToken}\n`,
    'overapp/.env': `LOADER_PASSWORD=${v.overrideDotenvPassword}\n`,
    'overapp/app.py': `${H}\nimport os\n\nfrom dotenv import load_dotenv\n\n${HERE}load_dotenv(os.path.join(HERE, ".env"), override=True)\nprint(h(os.environ["LOADER_PASSWORD"]))\n`,
    // 8. A value inside a string that is formatted: an f-string, %-formatting, str.format().
    'strfmt/urls.py': `${H}\nORG = "acme"\nUSER = "etl"\nDB = "warehouse"\nCLONE_URL = f"https://{ORG}:${v.fstringToken}@github.com/{ORG}/etl.git"\nMIRROR_URL = f'https://{ORG}:${v.fstringDqToken}@github.com/{ORG}/{"mirror"}.git'\nPG_URL = "postgresql://%s:${v.percentPassword}@db.internal/%s" % (USER, DB)\nMY_URL = "mysql://{}:${v.formatPassword}@db.internal/{}".format(USER, DB)\nprint(h(CLONE_URL, MIRROR_URL, PG_URL, MY_URL))\n`,
    // 9. A notebook's IPython magics: `%env` and a `!git clone` with a token in the URL (not Python).
    'notebooks/magics.ipynb': JSON.stringify({
      cells: [
        { cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source: [`%env GITHUB_TOKEN=${v.magicEnvToken}\n`, `!git clone https://x-access-token:${v.shellCloneToken}@github.com/acme/etl.git /tmp/etl\n`, 'import os\n', 'print(len(os.environ["GITHUB_TOKEN"]))\n'] },
      ],
      metadata: { kernelspec: { display_name: 'Python 3', language: 'python', name: 'python3' } }, nbformat: 4, nbformat_minor: 5,
    }, null, 1) + '\n',
    // 10. A `.conf` read by configparser (CRLF), in a module imported as `utils.constants`.
    'footy/config/config.conf': `[file_paths]\r\ninput_path = /data/input\r\n\r\n[aws]\r\naws_region = us-east-1\r\naws_redshift_user = wc_loader\r\naws_redshift_password = ${v.confPassword.replace(/%/g, '%%')}\r\n`,
    'footy/utils/constants.py': 'import configparser\nimport os\n\nparser = configparser.ConfigParser()\nparser.read(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "config", "config.conf"))\n\nAWS_REDSHIFT_PASSWORD = parser.get("aws", "aws_redshift_password")\n',
    'footy/job.py': `${H}\nfrom utils.constants import *\n\nprint(h(AWS_REDSHIFT_PASSWORD))\n`,
    // 11. airflow.cfg, read the way Airflow's conf.get does (the option, else its _cmd's output: shlex-split, no shell).
    'airflowhome/airflow.cfg': `[core]\ndags_folder = /opt/airflow/dags\nfernet_key = ${v.airflowFernetKey}\n\n[database]\nsql_alchemy_conn = postgresql+psycopg2://airflow:${v.airflowDbPassword}@pg.internal:5432/airflow\n\n[webserver]\nsecret_key = ${v.airflowSecretKey}\n\n[logging]\nlog_format = [%%(asctime)s] %%(message)s\n`,
    'airflowhome/read_cfg.py': `${H}\nimport configparser\nimport os\nimport shlex\nimport subprocess\n\n${HERE}cfg = configparser.ConfigParser()\ncfg.read(os.path.join(HERE, "airflow.cfg"))\n\n\ndef get(section, key):\n    if cfg.has_option(section, key):\n        return cfg.get(section, key)\n    return subprocess.run(shlex.split(cfg.get(section, key + "_cmd")), capture_output=True, check=True).stdout.decode()\n\n\nprint(h(get("core", "fernet_key"), get("database", "sql_alchemy_conn"), get("webserver", "secret_key")))\n`,
    'tomlapp/settings.toml': `[github]\norg = "acme"\ntoken = "${v.tomlToken}"\n`,
    'tomlapp/app.py': `${H}\nimport os\nimport tomllib\n\n${HERE}with open(os.path.join(HERE, "settings.toml"), "rb") as f:\n    s = tomllib.load(f)\nprint(h(s["github"]["org"], s["github"]["token"]))\n`,
    // 12. A Streamlit app (rycmak/test-streamlit-postgresql's shape): a `config.toml` of INI lines that a helper
    // function hands to configparser, and `.streamlit/secrets.toml`, which st.secrets / st.connection read.
    'stapp/config.toml': `[postgresql]\nhost=localhost\nuser=postgres\npassword=${v.tomlIniPassword}\ndatabase=magicians\n`,
    'stapp/config.py': `import os\nfrom configparser import ConfigParser\n\n${HERE}\ndef config(filename=os.path.join(HERE, 'config.toml'), section='postgresql'):\n    parser = ConfigParser()\n    parser.read(filename)\n    return dict(parser.items(section))\n`,
    'stapp/app.py': `${H}\nfrom config import config\n\nprint(h(config()["password"]))\n`,
    'stapp/.streamlit/secrets.toml': `[connections.pg]\ndialect = "postgresql"\nhost = "db.internal"\nusername = "dash"\npassword = "${v.streamlitPassword}"\n`,
    'stapp/dashboard.py': 'import streamlit as st\n\nconn = st.connection("pg", type="sql")\nst.dataframe(conn.query("select 1"))\n',
  };
}

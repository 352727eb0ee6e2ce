/**
 * Python legacy programs for the fourth red-team round of `migrate` (deployed-python-round4-e2e):
 * shapes the earlier fixtures do not start the way they are deployed — a src-layout package and a
 * setup.py/setup.cfg/hatchling single-module tool installed with pip and run by its console script from `/`; a Django settings
 * module; configparser/YAML/JSON/TOML files read by code that never expands `${VAR}`; multiprocessing
 * with `spawn` and threads fetching at once; a Lambda-style handler imported (also from a zip) by a
 * runner elsewhere; DSNs built with f-strings, `%` and `quote_plus` of a password with `@:/%#'"`; a
 * notebook executed top to bottom; one value in a module, a notebook and a .env; a settings file
 * exec()'d from another folder; a zipapp.
 * Each program prints a SHA-256 of the values it used. The values are built at run time.
 */
import { ALNUM, githubToken, randomString, stripeKey } from './fake-secrets.js';

export interface Round4Values {
  srcToken: string;
  setupPyToken: string;
  setupCfgToken: string;
  hatchToken: string;
  djangoKey: string;
  djangoDbPassword: string;
  importlibToken: string;
  iniPassword: string;
  iniInterpPassword: string;
  yamlKey: string;
  jsonToken: string;
  tomlToken: string;
  spawnToken: string;
  threadToken: string;
  lambdaKey: string;
  dsnPassword: string;
  quotedPassword: string;
  notebookToken: string;
  sharedToken: string;
  execToken: string;
  zipappToken: string;
  byPathToken: string;
}

export function round4Values(seed: number): Round4Values {
  const s = (n: number) => seed * 100 + n;
  const pw = (n: number) => randomString(ALNUM, 20, s(n)) + 'Dv9';
  return {
    srcToken: githubToken(s(1)),
    setupPyToken: githubToken(s(2)),
    setupCfgToken: githubToken(s(3)),
    hatchToken: githubToken(s(4)),
    djangoKey: 'django-' + 'insecure-' + randomString(ALNUM + '!@#%^&*(-_=+)', 50, s(5)),
    djangoDbPassword: pw(6),
    importlibToken: stripeKey(s(7)),
    // configparser's BasicInterpolation chokes on a bare `%`.
    iniPassword: randomString(ALNUM, 12, s(8)) + '%' + randomString(ALNUM, 8, s(9)),
    iniInterpPassword: pw(10),
    yamlKey: stripeKey(s(11)),
    jsonToken: githubToken(s(12)),
    tomlToken: githubToken(s(13)),
    spawnToken: githubToken(s(14)),
    threadToken: stripeKey(s(15)),
    lambdaKey: stripeKey(s(16)),
    dsnPassword: randomString(ALNUM, 10, s(17)) + '@:/%#' + randomString(ALNUM, 10, s(18)),
    quotedPassword: randomString(ALNUM, 10, s(19)) + '@:/%#\'"' + randomString(ALNUM, 10, s(20)),
    notebookToken: githubToken(s(21)),
    sharedToken: githubToken(s(22)),
    execToken: githubToken(s(23)),
    zipappToken: githubToken(s(24)),
    byPathToken: stripeKey(s(25)),
  };
}

const H = 'import hashlib\n\n\ndef h(*xs):\n    return hashlib.sha256("|".join(map(str, xs)).encode()).hexdigest()\n';
const nb = (cells: string[]) => JSON.stringify({
  cells: cells.map((c) => ({ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source: c.split(/(?<=\n)/) })),
  metadata: { kernelspec: { display_name: 'Python 3', language: 'python', name: 'python3' } }, nbformat: 4, nbformat_minor: 5,
}, null, 1) + '\n';
const pyproject = (name: string, rest: string) => `[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n\n[project]\nname = "${name}"\nversion = "1.0.0"\ndependencies = []\n${rest}`;
/** A Python string literal of `s` in double quotes (escapes `\` and `"`). */
const dq = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

export function round4Files(v: Round4Values): Record<string, string> {
  return {
    // 1. src layout, package-dir, console script.
    'srcapp/pyproject.toml': pyproject('acme', '\n[project.scripts]\nacme = "acme.cli:main"\n\n[tool.setuptools]\npackage-dir = {"" = "src"}\npackages = ["acme"]\n'),
    'srcapp/src/acme/__init__.py': '',
    'srcapp/src/acme/settings.py': `API_TOKEN = "${v.srcToken}"\n`,
    'srcapp/src/acme/cli.py': `${H}\nfrom acme.settings import API_TOKEN\n\n\ndef main():\n    print(h(API_TOKEN))\n`,
    // 1b. setup.py with py_modules and a console script.
    'legacytool/setup.py': 'from setuptools import setup\n\nsetup(\n    name="legacytool",\n    version="1.0.0",\n    py_modules=["legacytool"],\n    entry_points={"console_scripts": ["legacytool = legacytool:main"]},\n)\n',
    'legacytool/legacytool.py': `${H}\nTOKEN = "${v.setupPyToken}"\n\n\ndef main():\n    print(h(TOKEN))\n`,
    // 1c. setup.cfg with py_modules.
    'cfgtool/setup.py': 'from setuptools import setup\n\nsetup()\n',
    'cfgtool/setup.cfg': '[metadata]\nname = cfgtool\nversion = 1.0.0\n\n[options]\npy_modules = cfgtool\n\n[options.entry_points]\nconsole_scripts =\n    cfgtool = cfgtool:main\n',
    'cfgtool/cfgtool.py': `${H}\nTOKEN = "${v.setupCfgToken}"\n\n\ndef main():\n    print(h(TOKEN))\n`,
    // 1d. hatchling, one module named as the project (hatchling then packs only that file).
    'hatchtool/pyproject.toml': '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n\n[project]\nname = "hatchtool"\nversion = "1.0.0"\ndependencies = []\n\n[project.scripts]\nhatchtool = "hatchtool:main"\n',
    'hatchtool/hatchtool.py': `${H}\nTOKEN = "${v.hatchToken}"\n\n\ndef main():\n    print(h(TOKEN))\n`,
    // 2. Django-style settings module, found through DJANGO_SETTINGS_MODULE; importlib.import_module.
    'djsite/mysite/__init__.py': '',
    'djsite/mysite/settings.py': `SECRET_KEY = ${dq(v.djangoKey)}\nDEBUG = False\nINSTALLED_APPS = []\nDATABASES = {\n    "default": {\n        "ENGINE": "django.db.backends.postgresql",\n        "NAME": "shop",\n        "USER": "shop",\n        "PASSWORD": "${v.djangoDbPassword}",\n        "HOST": "db.internal",\n    }\n}\n`,
    'djsite/show.py': `${H}\nimport importlib\nimport os\n\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")\ntry:\n    import django\n    from django.conf import settings\n\n    django.setup()\nexcept ImportError:  # no Django: what it does, import the module by name\n    settings = importlib.import_module(os.environ["DJANGO_SETTINGS_MODULE"])\nprint(h(settings.SECRET_KEY, settings.DATABASES["default"]["PASSWORD"]))\n`,
    'plugins/core/__init__.py': '',
    'plugins/core/payments.py': `STRIPE_KEY = "${v.importlibToken}"\n`,
    'plugins/load.py': `${H}\nimport importlib\nimport sys\n\nmod = importlib.import_module(sys.argv[1])\nprint(h(mod.STRIPE_KEY))\n`,
    // 3. Files whose readers never expand ${VAR}.
    'inicfg/app.ini': `[db]\nuser = app\npassword = ${v.iniPassword}\n\n[cache]\nuser = cache\npassword = ${v.iniInterpPassword}\nurl = redis://%(user)s:%(password)s@cache.internal:6379/0\n`,
    'inicfg/read.py': `${H}\nimport configparser\nimport os\n\nHERE = os.path.dirname(os.path.abspath(__file__))\nraw = configparser.RawConfigParser()\nraw.read(os.path.join(HERE, "app.ini"))\ncfg = configparser.ConfigParser()\ncfg.read(os.path.join(HERE, "app.ini"))\nprint(h(raw["db"]["password"], cfg["cache"]["url"]))\n`,
    'yamlcfg/config.yaml': `service:\n  name: billing\n  stripe_api_key: ${v.yamlKey}\n`,
    'yamlcfg/read.py': `${H}\nimport os\nimport yaml\n\nwith open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "config.yaml")) as f:\n    cfg = yaml.safe_load(f)\nprint(h(cfg["service"]["stripe_api_key"]))\n`,
    'jsoncfg/config.json': `{\n  "github": {\n    "token": "${v.jsonToken}"\n  }\n}\n`,
    'jsoncfg/read.py': `${H}\nimport json\nimport os\n\nwith open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "config.json")) as f:\n    cfg = json.load(f)\nprint(h(cfg["github"]["token"]))\n`,
    'tomlcfg/config.toml': `[github]\ntoken = "${v.tomlToken}"\n`,
    'tomlcfg/read.py': `${H}\nimport os\nimport tomllib\n\nwith open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "config.toml"), "rb") as f:\n    cfg = tomllib.load(f)\nprint(h(cfg["github"]["token"]))\n`,
    // 4. multiprocessing (spawn) and threads.
    'workers/pool.py': `${H}\nimport multiprocessing as mp\nfrom concurrent.futures import ThreadPoolExecutor\n\nTOKEN = "${v.spawnToken}"\n\n\ndef stripe_key():\n    return "${v.threadToken}"\n\n\ndef work(_):\n    return h(TOKEN)\n\n\nif __name__ == "__main__":\n    mp.set_start_method("spawn")\n    with mp.Pool(2) as pool:\n        spawned = set(pool.map(work, range(4)))\n    with ThreadPoolExecutor(8) as ex:\n        threaded = set(ex.map(lambda _: stripe_key(), range(16)))\n    assert len(spawned) == 1 and len(threaded) == 1\n    print(h(*spawned, *threaded))\n`,
    // 5. Lambda-style handler.
    'lambda_fn/app/__init__.py': '',
    'lambda_fn/app/handler.py': `${H}\nSTRIPE_KEY = "${v.lambdaKey}"\n\n\ndef lambda_handler(event, context):\n    return {"statusCode": 200, "body": h(STRIPE_KEY)}\n`,
    // 6. DSNs with a password of URL-special characters.
    'dsn/db.py': `${H}\nfrom urllib.parse import quote_plus\n\nDB_PASSWORD = ${dq(v.dsnPassword)}\nDSN_F = f"postgresql://app:{quote_plus(DB_PASSWORD)}@db.internal:5432/app"\nDSN_PCT = "postgresql://app:%s@db.internal:5432/app" % quote_plus(DB_PASSWORD)\nDSN_FMT = "mysql://app:{}@db.internal/app".format(quote_plus(${dq(v.quotedPassword)}))\n\nif __name__ == "__main__":\n    print(h(DSN_F, DSN_PCT, DSN_FMT))\n`,
    // 7. A notebook executed top to bottom.
    'nb/analysis.ipynb': nb([`import hashlib\nGITHUB_TOKEN = "${v.notebookToken}"\n`, 'print(hashlib.sha256(GITHUB_TOKEN.encode()).hexdigest())\n']),
    // 8. One value in a module, a notebook and a .env (read with load_dotenv: the environment wins).
    'shared/.env': `GITHUB_TOKEN=${v.sharedToken}\n`,
    'shared/app.py': `${H}\nTOKEN = "${v.sharedToken}"\nprint(h(TOKEN))\n`,
    'shared/explore.ipynb': nb([`import hashlib\nTOKEN = "${v.sharedToken}"\nprint(hashlib.sha256(TOKEN.encode()).hexdigest())\n`]),
    'shared/env_app.py': `${H}\nimport os\nfrom dotenv import load_dotenv\n\nload_dotenv(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".env"))\nprint(h(os.environ["GITHUB_TOKEN"]))\n`,
    // 9. A settings file exec()'d by a program in another folder.
    'conf/settings.py': `GITHUB_TOKEN = "${v.execToken}"\n`,
    'bin/show_settings.py': `${H}\nimport os\n\nROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))\ncfg = {}\nwith open(os.path.join(ROOT, "conf", "settings.py")) as f:\n    exec(f.read(), cfg)\nprint(h(cfg["GITHUB_TOKEN"]))\n`,
    // 10. A zipapp.
    'zapp/zkeys/__init__.py': '',
    'zapp/zkeys/keys.py': `TOKEN = "${v.zipappToken}"\n`,
    'zapp/__main__.py': `${H}\nfrom zkeys.keys import TOKEN\n\nprint(h(TOKEN))\n`,
    // 11. A script run by path from another folder, importing a module of another folder.
    'lib/payments.py': `STRIPE_KEY = "${v.byPathToken}"\n`,
    'scripts/nightly/charge.py': `${H}\nimport os\nimport sys\n\nsys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))\nfrom lib.payments import STRIPE_KEY\n\nprint(h(STRIPE_KEY))\n`,
  };
}

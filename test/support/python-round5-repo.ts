/**
 * Python legacy programs for the fifth red-team round of `migrate` (deployed-python-round5-e2e): shapes
 * rounds 1–4 do not start the way they are deployed —
 * - installed programs: a setup.py `scripts=[...]` / pyproject `script-files` script (runs from bin/, away from the repository),
 *   a setuptools flat-layout pyproject found by auto-discovery with `[project.scripts]`, a poetry-core
 *   package, a setuptools `packages.find` package run with `python -m` from site-packages;
 * - imports: a namespace package (no __init__.py) run with `python -m ns.sub.mod` and relative imports,
 *   a package `__main__.py` (`python -m pkg` and `python pkg/`), a cron job from another folder with
 *   PYTHONPATH;
 * - files loaded by path: an Airflow-style DAG folder (`spec_from_file_location` of every file), Flask's
 *   real `config.from_pyfile` (instance folder) and `config.from_object("pkg.settings")`, `runpy.run_path`
 *   with init_globals; a pytest `conftest.py` fixture;
 * - readers: python-dotenv `load_dotenv()` (found from the caller's folder) with `os.getenv`, django-environ;
 * - libraries: SQLAlchemy `URL.create(password=…)` and a `create_engine` DSN (no connection), psycopg2
 *   `connect(**kwargs)` (connect replaced, the kwargs hashed);
 * - literals: default arguments, class attributes, dict literals, triple-quoted and raw strings, a
 *   backslash, non-ASCII text, `{{}}` in f-strings; a tab-indented file, a CRLF file, a `coding: latin-1` file.
 * Each program prints SHA-256 hashes of the values it used. The values are built at run time.
 */
import { ALNUM, githubToken, randomString, stripeKey } from './fake-secrets.js';

const KEYS = [
  'scriptToken', 'scriptFilesToken', 'pkgScriptToken', 'flatToken', 'poetryToken', 'findToken', 'nsToken', 'mainToken', 'mainPkgToken', 'cronToken',
  'dagPassword', 'dagToken', 'flaskPyfileKey', 'flaskObjectKey', 'runpathToken', 'conftestToken', 'dotenvPassword',
  'environToken', 'saPassword', 'saDsnPassword', 'pgPassword', 'defaultArgToken', 'classAttrToken', 'dictPassword',
  'tripleToken', 'rawPassword', 'unicodePassword', 'fstringToken', 'tabToken', 'crlfToken', 'latin1Token',
] as const;
export type Round5Values = Record<(typeof KEYS)[number], string>;

export function round5Values(seed: number): Round5Values {
  const s = (n: number) => seed * 100 + n;
  const pw = (n: number) => randomString(ALNUM, 20, s(n)) + 'Kq7';
  const v = {} as Round5Values;
  KEYS.forEach((k, i) => {
    v[k] = /Password$/.test(k) ? pw(i) : i % 2 ? stripeKey(s(i)) : githubToken(s(i));
  });
  // A backslash in a raw string; non-ASCII text (stored and fetched as UTF-8).
  v.rawPassword = randomString(ALNUM, 10, s(60)) + '\\' + randomString(ALNUM, 10, s(61));
  v.unicodePassword = randomString(ALNUM, 10, s(62)) + 'ñé€' + randomString(ALNUM, 10, s(63));
  return v;
}

const H = 'import hashlib\n\n\ndef h(*xs):\n    return hashlib.sha256("|".join(map(str, xs)).encode()).hexdigest()\n';

/** Text files, and the latin-1 one as bytes. */
export function round5Files(v: Round5Values): Record<string, string | Buffer> {
  return {
    // 1. setup.py scripts=[...]: the script is copied into bin/ and runs there, away from the repository.
    'scripttool/setup.py': 'from setuptools import setup\n\nsetup(\n    name="scripttool",\n    version="1.0.0",\n    py_modules=["reportlib"],\n    scripts=["bin/nightly-report"],\n)\n',
    'scripttool/reportlib.py': `${H}`,
    'scripttool/bin/nightly-report': `#!/usr/bin/env python3\nfrom reportlib import h\n\nTOKEN = "${v.scriptToken}"\nprint(h(TOKEN))\n`,
    // 1b. The same with packages= only (no py_modules).
    'pkgscripts/setup.py': 'from setuptools import setup\n\nsetup(\n    name="pkgscripts",\n    version="1.0.0",\n    packages=["pkgscripts_lib"],\n    scripts=["bin/pkg-report"],\n)\n',
    'pkgscripts/pkgscripts_lib/__init__.py': `${H}`,
    'pkgscripts/bin/pkg-report': `#!/usr/bin/env python3\nfrom pkgscripts_lib import h\n\nTOKEN = "${v.pkgScriptToken}"\nprint(h(TOKEN))\n`,
    // 1c. The same from pyproject.toml: [tool.setuptools] script-files.
    'pyscripts/pyproject.toml': '[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n\n[project]\nname = "pyscripts"\nversion = "1.0.0"\ndependencies = []\n\n[tool.setuptools]\npy-modules = ["pslib"]\nscript-files = ["bin/ps-run"]\n',
    'pyscripts/pslib.py': `${H}`,
    'pyscripts/bin/ps-run': `#!/usr/bin/env python3\nfrom pslib import h\n\nTOKEN = "${v.scriptFilesToken}"\nprint(h(TOKEN))\n`,
    // 2. setuptools flat layout, found by auto-discovery (one module), [project.scripts].
    'flatcli/pyproject.toml': '[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n\n[project]\nname = "flatcli"\nversion = "1.0.0"\ndependencies = []\n\n[project.scripts]\nflatcli = "flatcli:main"\n',
    'flatcli/flatcli.py': `${H}\nTOKEN = "${v.flatToken}"\n\n\ndef main():\n    print(h(TOKEN))\n`,
    // 3. poetry-core package with a script.
    'poetapp/pyproject.toml': '[build-system]\nrequires = ["poetry-core>=1.0.0"]\nbuild-backend = "poetry.core.masonry.api"\n\n[tool.poetry]\nname = "poetapp"\nversion = "1.0.0"\ndescription = ""\nauthors = ["Ops <ops@example.invalid>"]\npackages = [{ include = "poetapp" }]\n\n[tool.poetry.dependencies]\npython = ">=3.8"\n\n[tool.poetry.scripts]\npoetapp = "poetapp.cli:main"\n',
    'poetapp/poetapp/__init__.py': '',
    'poetapp/poetapp/cli.py': `${H}\nTOKEN = "${v.poetryToken}"\n\n\ndef main():\n    print(h(TOKEN))\n`,
    // 4. setuptools packages.find, run with python -m from site-packages.
    'findpkg/pyproject.toml': '[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n\n[project]\nname = "svcfind"\nversion = "1.0.0"\ndependencies = []\n\n[tool.setuptools.packages.find]\ninclude = ["svcfind*"]\n',
    'findpkg/svcfind/__init__.py': '',
    'findpkg/svcfind/conf/__init__.py': '',
    'findpkg/svcfind/conf/keys.py': `STRIPE_KEY = "${v.findToken}"\n`,
    'findpkg/svcfind/__main__.py': `${H}\nfrom .conf.keys import STRIPE_KEY\n\nprint(h(STRIPE_KEY))\n`,
    // 5. A namespace package (no __init__.py), python -m with relative imports.
    'nsroot/acme_ns/billing/config.py': `TOKEN = "${v.nsToken}"\n`,
    'nsroot/acme_ns/billing/run.py': `${H}\nfrom . import config\nfrom .config import TOKEN\n\nassert config.TOKEN == TOKEN\nprint(h(TOKEN))\n`,
    // 6. A package __main__.py holding the value, and a sibling module imported relatively.
    'mainpkg/tool/__init__.py': '',
    'mainpkg/tool/settings.py': `API_KEY = "${v.mainPkgToken}"\n`,
    'mainpkg/tool/__main__.py': `${H}\ntry:\n    from .settings import API_KEY\nexcept ImportError:  # python tool/\n    from settings import API_KEY\n\nTOKEN = "${v.mainToken}"\nprint(h(TOKEN, API_KEY))\n`,
    // 7. Cron: PYTHONPATH names the repository's lib folder, started from /tmp.
    'cronlib/jobs/__init__.py': '',
    'cronlib/jobs/settings.py': `CLEANUP_TOKEN = "${v.cronToken}"\n`,
    'cronlib/jobs/cleanup.py': `${H}\nfrom jobs.settings import CLEANUP_TOKEN\n\nif __name__ == "__main__":\n    print(h(CLEANUP_TOKEN))\n`,
    // 8. Airflow-style DAG folder: every .py loaded by path under a made-up module name.
    'airflow/dags/warehouse_dag.py': `from dataclasses import dataclass\n\n\n@dataclass\nclass Conn:\n    login: str\n    password: str\n\n\ndag = {"dag_id": "warehouse", "conn": Conn(login="etl", password="${v.dagPassword}")}\n`,
    'airflow/dags/slack_dag.py': `dag = {"dag_id": "slack", "token": "${v.dagToken}"}\n`,
    'airflow/scheduler/bag.py': `${H}\nimport importlib.util\nimport os\nimport sys\n\nfolder = sys.argv[1]\nfound = []\nfor name in sorted(os.listdir(folder)):\n    if not name.endswith(".py"):\n        continue\n    spec = importlib.util.spec_from_file_location("unusual_prefix_" + name[:-3], os.path.join(folder, name))\n    mod = importlib.util.module_from_spec(spec)\n    sys.modules[spec.name] = mod\n    spec.loader.exec_module(mod)\n    d = getattr(mod, "dag", None)\n    if isinstance(d, dict):\n        found.append((d["dag_id"], d.get("token") or d["conn"].password))\nprint(h(*sorted(found)))\n`,
    // 9. Flask: config.from_pyfile of the instance folder, config.from_object by import name.
    'flaskapp/instance/config.py': `SECRET_KEY = "${v.flaskPyfileKey}"\n`,
    'flaskapp/webapp/__init__.py': 'import os\n\nfrom flask import Flask\n\n\ndef create_app():\n    app = Flask(__name__, instance_path=os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "instance"), instance_relative_config=True)\n    app.config.from_object("webapp.settings")\n    app.config.from_pyfile("config.py")\n    return app\n',
    'flaskapp/webapp/settings.py': `STRIPE_KEY = "${v.flaskObjectKey}"\nDEBUG = False\n`,
    'flaskapp/serve.py': `${H}\nimport os\nimport sys\n\nsys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))\nfrom webapp import create_app\n\napp = create_app()\nprint(h(app.config["SECRET_KEY"], app.config["STRIPE_KEY"]))\n`,
    // 10. runpy.run_path of a settings file, with init_globals.
    'runcfg/etc/site.py': `WHERE = BASE\nTOKEN = "${v.runpathToken}"\n`,
    'runcfg/load.py': `${H}\nimport os\nimport runpy\n\nconf = runpy.run_path(os.path.join(os.path.dirname(os.path.abspath(__file__)), "etc", "site.py"), init_globals={"BASE": "x"})\nprint(h(conf["WHERE"], conf["TOKEN"]))\n`,
    // 11. pytest: a conftest.py fixture holds the value.
    'pyt/tests/conftest.py': `import pytest\n\n\n@pytest.fixture\ndef api_token():\n    return "${v.conftestToken}"\n`,
    'pyt/tests/test_api.py': `import hashlib\n\n\ndef test_token(api_token):\n    print("HASH", hashlib.sha256(api_token.encode()).hexdigest())\n    assert api_token\n`,
    // 12. python-dotenv load_dotenv() (found from this file's folder) and os.getenv.
    'dotenvapp/.env': `DB_PASSWORD=${v.dotenvPassword}\nDEBUG=0\n`,
    'dotenvapp/main.py': `${H}\nimport os\n\nfrom dotenv import load_dotenv\n\nload_dotenv()\nprint(h(os.getenv("DB_PASSWORD"), os.getenv("DEBUG")))\n`,
    // 13. django-environ reading a .env.
    'envsite/.env': `GITHUB_TOKEN=${v.environToken}\n`,
    'envsite/settings.py': `${H}\nimport os\n\nimport environ\n\nenv = environ.Env()\nenviron.Env.read_env(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".env"))\nprint(h(env("GITHUB_TOKEN")))\n`,
    // 14. SQLAlchemy URL.create and create_engine (no connection).
    'sa/db.py': `${H}\nfrom sqlalchemy import create_engine\nfrom sqlalchemy.engine import URL\n\nurl = URL.create("postgresql+psycopg2", username="app", password="${v.saPassword}", host="db.internal", database="app")\nengine = create_engine("postgresql+psycopg2://report:${v.saDsnPassword}@db.internal:5432/reports")\nprint(h(url.render_as_string(hide_password=False), engine.url.password))\n`,
    // 15. psycopg2.connect(**kwargs), connect replaced by a recorder.
    'pg/repo.py': `import psycopg2\n\nPARAMS = dict(host="db.internal", dbname="app", user="app")\n\n\ndef connect():\n    return psycopg2.connect(password="${v.pgPassword}", **PARAMS)\n`,
    'pg/check.py': `${H}\nimport os\nimport sys\n\nimport psycopg2\n\nsys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))\npsycopg2.connect = lambda **kw: h(*sorted(kw.items()))\nimport repo\n\nprint(repo.connect())\n`,
    // 16. Literal shapes.
    'lit/shapes.py': `${H}\n\n\ndef connect(token="${v.defaultArgToken}", *, retries=3):\n    return token\n\n\nclass Settings:\n    API_TOKEN = "${v.classAttrToken}"\n\n\nCONFIG = {\n    "db": {"user": "app", "password": "${v.dictPassword}"},\n}\nBANNER = """${v.tripleToken}"""\nDB_PASSWORD = r"${v.rawPassword}"\nADMIN_PASSWORD = "${v.unicodePassword}"\nAUTH = f"{{v1}} token ${v.fstringToken} {{x}} {Settings.API_TOKEN[:0]}"\n\nif __name__ == "__main__":\n    print(h(connect(), Settings.API_TOKEN, CONFIG["db"]["password"], BANNER, DB_PASSWORD, ADMIN_PASSWORD, AUTH))\n`,
    // 17. Tab indentation, CRLF.
    'style/tabs.py': `${H.replace(/\n {4}/g, '\n\t')}\n\ndef token():\n\tif True:\n\t\treturn "${v.tabToken}"\n\n\nprint(h(token()))\n`,
    'style/crlf.py': `${H}\nTOKEN = "${v.crlfToken}"\nprint(h(TOKEN))\n`.replace(/\n/g, '\r\n'),
    // 18. A latin-1 source file (coding cookie, non-ASCII in a comment and a string).
    'style/latin.py': Buffer.concat([
      Buffer.from(`# -*- coding: latin-1 -*-\n# Autor: Jos`), Buffer.from([0xe9]),
      Buffer.from(`\n${H}\nTOKEN = "${v.latin1Token}"\nNAME = "Jos`), Buffer.from([0xe9]), Buffer.from('"\nprint(h(TOKEN, NAME))\n'),
    ]),
  };
}

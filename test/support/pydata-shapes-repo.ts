/**
 * A second legacy Python data-team repository for the moto end-to-end test
 * (test/migrate/moto-python-shapes.test.ts), of other shapes than moto-python-data-repo's: Flask config
 * classes read by `app.config.from_object`, a module-level DATABASES dict, dataclass and BaseSettings
 * field defaults, Snowflake/MongoDB/Redis/SMTP/SFTP/HTTP clients, an S3 presign with a hard-coded key
 * pair, secrets put into `os.environ` by code, a Celery config module, a cron job started from `/`, a
 * dbt profiles.yml, an Airflow `airflow_settings.yaml`, a configparser .ini, one value in two files, one
 * variable name with two values, and a test file with its own fake token.
 *
 * The client libraries that need a server (snowflake, pymongo, redis, paramiko, psycopg2, celery, flask,
 * smtplib, requests' transport) are stubs in `STUBS`, a folder put on PYTHONPATH by the test, never in
 * the repository: each prints a hash of what it was given, so the output shows the exact values used.
 * Values are built at run time (the project scans itself).
 */
import { ALNUM, HEX, awsKeyId, awsSecretKey, githubToken, password, randomString } from './fake-secrets.js';
import { HASH_PY } from './python-repo-check.js';

const LOWER_DIGITS = 'abcdefghijklmnopqrstuvwxyz0123456789';

export const V = {
  flaskKey: randomString(HEX, 48, 1201),
  flaskDb: password(1202) + 'a1',
  flaskCsrf: randomString(HEX, 40, 1230),
  djangoStyleDb: password(1203) + 'b2',
  warehouseDb: password(1204) + 'c3',
  exportTok: githubToken(1205),
  mongoSettingsPw: password(1206) + 'd4',
  snowflakePw: password(1207) + 'e5',
  slack: 'xox' + 'b-' + randomString('0123456789', 12, 1208) + '-' + randomString('0123456789', 13, 1209) + '-' + randomString(ALNUM, 24, 1210),
  mongoUriPw: randomString(ALNUM, 20, 1211),
  redisPw: randomString(ALNUM, 22, 1212) + 'f6',
  amqpPw: randomString(ALNUM, 20, 1213) + 'g7',
  bearer: githubToken(1214),
  basicPw: password(1215) + 'h8',
  smtpPw: password(1216) + 'i9',
  sftpPw: password(1217) + 'j0',
  presignId: awsKeyId(1218),
  presignSecret: awsSecretKey(1219),
  datadog: randomString(HEX, 32, 1220),
  getenvMongoPw: randomString(ALNUM, 18, 1221) + 'k1',
  dbtPw: password(1222) + 'l2',
  iniPw: randomString(ALNUM, 18, 1223) + 'm3',
  airflowPw: randomString(ALNUM, 18, 1224) + 'n4',
  vendorA: 'sk_' + 'live_' + randomString(ALNUM, 24, 1225),
  vendorB: 'sk_' + 'live_' + randomString(ALNUM, 24, 1226),
  testTok: githubToken(1227),
  cronPgPw: randomString(LOWER_DIGITS, 20, 1228) + 'Pq',
  setdefaultGh: githubToken(1229),
};

/** A module that defines `h(x)`, the short hash every program and stub prints instead of a value. */
const STUB_H = `from _stubhash import h\n`;

/** Client libraries stubbed where they would need a server; put on PYTHONPATH (with sitecustomize.py). */
export const STUBS: Record<string, string> = {
  '_stubhash.py': HASH_PY,
  'sitecustomize.py': `${STUB_H}import smtplib

class _SMTP:
    def __init__(self, host="", port=0, *a, **k):
        print("smtp.connect", host, port)
    def starttls(self, *a, **k): pass
    def ehlo(self, *a, **k): pass
    def login(self, user, password):
        print("smtp.login", h(user), h(password))
    def send_message(self, *a, **k): return {}
    def sendmail(self, *a, **k): return {}
    def quit(self): pass
    def __enter__(self): return self
    def __exit__(self, *a): self.quit()

smtplib.SMTP = smtplib.SMTP_SSL = _SMTP

try:
    import requests.adapters, requests.models
except ImportError:
    pass
else:
    def _send(self, request, **kw):
        print("http", request.method, request.url, h(request.headers.get("Authorization")))
        r = requests.models.Response()
        r.status_code, r._content, r.request, r.url = 200, b"{}", request, request.url
        return r
    requests.adapters.HTTPAdapter.send = _send
`,
  'snowflake/__init__.py': '',
  'snowflake/connector/__init__.py': `${STUB_H}
class _Conn:
    def cursor(self): return self
    def execute(self, *a): return self
    def fetchone(self): return ("ok",)
    def close(self): pass

def connect(**kw):
    print("snowflake.connect", h(sorted(kw.items())))
    return _Conn()
`,
  'pymongo/__init__.py': `${STUB_H}
class MongoClient:
    def __init__(self, host=None, *a, **kw):
        print("mongo", h(host), h(sorted(kw.items())))
`,
  'redis/__init__.py': `${STUB_H}
class Redis:
    def __init__(self, host="localhost", port=6379, db=0, password=None, **kw):
        print("redis", host, port, db, h(password))
    @classmethod
    def from_url(cls, url, **kw):
        print("redis.from_url", h(url))
        return cls.__new__(cls)
    def ping(self): return True
`,
  'paramiko/__init__.py': `${STUB_H}
class AutoAddPolicy: pass

class SSHClient:
    def set_missing_host_key_policy(self, p): pass
    def connect(self, hostname, port=22, username=None, password=None, **kw):
        print("ssh.connect", hostname, port, h(username), h(password))
    def open_sftp(self): return self
    def listdir(self, path="."): return []
    def close(self): pass
`,
  'psycopg2/__init__.py': `${STUB_H}
def connect(dsn=None, **kw):
    print("psycopg2.connect", h(dsn), h(sorted(kw.items())))
`,
  'flask/__init__.py': `import importlib

class Config(dict):
    def from_object(self, obj):
        if isinstance(obj, str):
            mod, _, attr = obj.rpartition(".")
            obj = getattr(importlib.import_module(mod), attr)
        for k in dir(obj):
            if k.isupper():
                self[k] = getattr(obj, k)

class Flask:
    def __init__(self, name):
        self.name, self.config = name, Config()
`,
  'celery/__init__.py': `import importlib

class _Conf(dict):
    __getattr__ = dict.__getitem__

class Celery:
    def __init__(self, main=None):
        self.main, self.conf = main, _Conf()
    def config_from_object(self, name):
        mod = importlib.import_module(name) if isinstance(name, str) else name
        self.conf.update({k: getattr(mod, k) for k in dir(mod) if not k.startswith("_")})
    def task(self, f):
        return f
`,
};

const dbtRender = `${HASH_PY}"""What dbt does with profiles.yml: render {{ env_var('X') }} from the environment, then connect."""
import os, re, sys, yaml

here = os.path.dirname(os.path.abspath(__file__))
profiles_dir = os.environ.get("DBT_PROFILES_DIR", os.path.join(here, ".."))
text = open(os.path.join(profiles_dir, "profiles.yml")).read()

def env_var(m):
    name, default = m.group(1), m.group(3)
    if name in os.environ:
        return os.environ[name]
    if default is None:
        sys.exit("Env var required but not provided: '%s'" % name)
    return default

text = re.sub(r"""\\{\\{\\s*env_var\\(\\s*['"]([^'"]+)['"]\\s*(,\\s*['"]([^'"]*)['"]\\s*)?\\)\\s*\\}\\}""", env_var, text)
out = yaml.safe_load(text)["analytics"]["outputs"]["prod"]
print("dbt", out["user"], h(out["password"]), out["account"])
`;

export const FILES: Record<string, string> = {
  'requirements.txt': 'flask==2.3.3\nsnowflake-connector-python==3.6.0\npymongo==4.6.1\nredis==5.0.1\nrequests==2.31.0\nparamiko==3.4.0\ncelery==5.3.6\nboto3==1.34.0\npsycopg2-binary==2.9.9\nPyYAML==6.0.1\n',
  'app/__init__.py': `import os
from flask import Flask


def create_app(config_name=None):
    app = Flask(__name__)
    app.config.from_object(config_name or os.environ.get("APP_SETTINGS", "app.config.ProdConfig"))
    return app
`,
  'app/config.py': `import os


class Config:
    SECRET_KEY = "${V.flaskKey}"
    # Bytes, as Flask's docs write a key: the rewrite keeps them bytes.
    WTF_CSRF_SECRET_KEY = b"${V.flaskCsrf}"
    SQLALCHEMY_TRACK_MODIFICATIONS = False


class DevConfig(Config):
    SQLALCHEMY_DATABASE_URI = "sqlite:///dev.db"


class ProdConfig(Config):
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or "postgresql://analytics:${V.flaskDb}@analytics-db.prod.internal:5432/analytics"
`,
  'app/settings.py': `import os
from dataclasses import dataclass, field

try:
    from pydantic import BaseSettings
except ImportError:  # pydantic 2 moved it to pydantic-settings; scripts only need the defaults
    class BaseSettings:
        pass

DATABASES = {
    "default": {
        "ENGINE": "postgresql",
        "NAME": "reports",
        "USER": "reports",
        "PASSWORD": "${V.djangoStyleDb}",
        "HOST": "reports-db.internal",
        "PORT": 5432,
    },
    "warehouse": {
        "ENGINE": "postgresql",
        "NAME": "warehouse",
        "USER": "etl",
        "PASSWORD": "${V.warehouseDb}",
        "HOST": "warehouse.internal",
        "PORT": 5432,
    },
}


@dataclass
class ExportSettings:
    bucket: str = "acme-exports"
    api_token: str = "${V.exportTok}"
    retries: int = 3
    tags: list = field(default_factory=list)


class MongoSettings(BaseSettings):
    mongo_user: str = "reporting"
    mongo_password: str = "${V.mongoSettingsPw}"
    mongo_host: str = "mongo.internal"
`,
  'app/_h.py': HASH_PY,
  'app/reports.py': `from app.settings import DATABASES, ExportSettings, MongoSettings
from app._h import h


def main():
    print("databases", h(DATABASES["default"]["PASSWORD"]), h(DATABASES["warehouse"]))
    print("export", h(ExportSettings().api_token), h(ExportSettings.api_token))
    m = MongoSettings()
    print("mongo settings", m.mongo_user, h(m.mongo_password))


if __name__ == "__main__":
    main()
`,
  'wsgi.py': `from app import create_app
from app._h import h

app = create_app()
print("flask", h(app.config["SECRET_KEY"]), h(app.config["SQLALCHEMY_DATABASE_URI"]), type(app.config["WTF_CSRF_SECRET_KEY"]).__name__, h(app.config["WTF_CSRF_SECRET_KEY"]))
`,
  'warehouse/snowflake_load.py': `#!/usr/bin/env python
"""Load yesterday's files into Snowflake, then tell #data on Slack."""
import os
import snowflake.connector

os.environ["SLACK_BOT_TOKEN"] = "${V.slack}"


def notify():
    import hashlib
    print("slack", hashlib.sha256(os.environ["SLACK_BOT_TOKEN"].encode()).hexdigest()[:16])


def load():
    conn = snowflake.connector.connect(
        user="LOADER",
        password="${V.snowflakePw}",
        account="xy12345.eu-west-1",
        warehouse="LOAD_WH",
        database="RAW",
    )
    conn.cursor().execute("COPY INTO raw.events FROM @stage")
    conn.close()


if __name__ == "__main__":
    load()
    notify()
`,
  'jobs/nightly.py': `#!/usr/bin/env python
# crontab: 15 2 * * * cd / && /usr/bin/python3 /srv/acme/jobs/nightly.py >> /var/log/nightly.log 2>&1
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import psycopg2
import pymongo
import redis

from app.settings import DATABASES

MONGO = pymongo.MongoClient("mongodb+srv://reporting:${V.mongoUriPw}@cluster0.ab1cd.mongodb.net/?retryWrites=true&w=majority")
CACHE = redis.Redis(host="redis.internal", port=6379, db=2, password="${V.redisPw}")


def main():
    w = DATABASES["warehouse"]
    psycopg2.connect(host=w["HOST"], dbname=w["NAME"], user=w["USER"], password=w["PASSWORD"])
    psycopg2.connect("host=pg-replica.internal dbname=warehouse user=cron password=${V.cronPgPw}")
    CACHE.ping()


if __name__ == "__main__":
    main()
`,
  'celeryconfig.py': `broker_url = "amqp://etl:${V.amqpPw}@rabbit.internal:5672/etl"
result_backend = "redis://:${V.redisPw}@redis.internal:6379/0"
task_serializer = "json"
timezone = "UTC"
`,
  'tasks.py': `from celery import Celery

app = Celery("tasks")
app.config_from_object("celeryconfig")


@app.task
def refresh():
    return "ok"


if __name__ == "__main__":
    import hashlib
    h = lambda x: hashlib.sha256(str(x).encode()).hexdigest()[:16]
    print("celery", h(app.conf.broker_url), h(app.conf.result_backend), app.conf.timezone)
`,
  'integrations/__init__.py': '',
  'integrations/api_client.py': `import os
import requests
from requests.auth import HTTPBasicAuth

os.environ.setdefault("DATADOG_API_KEY", "${V.datadog}")
os.environ.setdefault("GITHUB_TOKEN", "${V.setdefaultGh}")
MONGO_URI = os.getenv("MONGO_URI", "mongodb://admin:${V.getenvMongoPw}@mongo.internal:27017/admin")


def fetch_orders():
    return requests.get("https://api.shop.example.com/v2/orders", headers={"Authorization": "Bearer ${V.bearer}", "Accept": "application/json"})


def fetch_invoices():
    return requests.get("https://billing.example.com/api/invoices", auth=HTTPBasicAuth("svc_reporting", "${V.basicPw}"))


if __name__ == "__main__":
    import hashlib
    fetch_orders()
    fetch_invoices()
    print("env", *(hashlib.sha256(v.encode()).hexdigest()[:16] for v in (os.environ["DATADOG_API_KEY"], os.environ["GITHUB_TOKEN"], MONGO_URI)))
`,
  'integrations/mailer.py': `import smtplib
from email.message import EmailMessage

SMTP_HOST = "smtp.mailgun.org"
SMTP_USER = "postmaster@mg.acme-analytics.io"
SMTP_PASSWORD = "${V.smtpPw}"


def send_report(to):
    msg = EmailMessage()
    msg["Subject"], msg["To"] = "Nightly report", to
    with smtplib.SMTP(SMTP_HOST, 587) as s:
        s.starttls()
        s.login(SMTP_USER, SMTP_PASSWORD)
        s.send_message(msg)


if __name__ == "__main__":
    send_report("data@acme-analytics.io")
`,
  'integrations/sftp_pull.py': `import paramiko


def pull():
    client = paramiko.SSHClient()
    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    client.connect("sftp.vendor.example.com", port=22, username="acme", password="${V.sftpPw}")
    files = client.open_sftp().listdir("/outbound")
    client.close()
    return files


if __name__ == "__main__":
    pull()
`,
  'integrations/s3_presign.py': `import hashlib
import boto3

s3 = boto3.client(
    "s3",
    aws_access_key_id="${V.presignId}",
    aws_secret_access_key="${V.presignSecret}",
    region_name="eu-west-1",
)

if __name__ == "__main__":
    url = s3.generate_presigned_url("get_object", Params={"Bucket": "acme-exports", "Key": "daily.csv"}, ExpiresIn=3600)
    creds = s3._request_signer._credentials
    print("presign", hashlib.sha256((creds.access_key + creds.secret_key).encode()).hexdigest()[:16], creds.access_key in url)
`,
  'integrations/vendor_a.py': `API_KEY = "${V.vendorA}"
BASE_URL = "https://api.vendor-a.example.com"
`,
  'integrations/vendor_b.py': `API_KEY = "${V.vendorB}"
BASE_URL = "https://api.vendor-b.example.com"
`,
  'integrations/vendors.py': `import hashlib
from integrations import vendor_a, vendor_b

if __name__ == "__main__":
    print("vendors", hashlib.sha256(vendor_a.API_KEY.encode()).hexdigest()[:16], hashlib.sha256(vendor_b.API_KEY.encode()).hexdigest()[:16])
`,
  'tests/__init__.py': '',
  'tests/test_api_client.py': `from integrations import api_client

FAKE_TOKEN = "${V.testTok}"


def test_bearer_header(monkeypatch):
    seen = {}
    monkeypatch.setattr(api_client.requests, "get", lambda url, headers=None, **kw: seen.update(headers))
    api_client.fetch_orders()
    assert seen["Authorization"].startswith("Bearer ")
    assert FAKE_TOKEN != seen["Authorization"][7:]
`,
  'profiles.yml': `analytics:
  target: prod
  outputs:
    prod:
      type: snowflake
      account: xy12345.eu-west-1
      user: DBT_TRANSFORM
      password: "${V.dbtPw}"
      role: TRANSFORMER
      database: ANALYTICS
      warehouse: TRANSFORM_WH
      schema: marts
      threads: 8
`,
  'tools/dbt_profile.py': dbtRender,
  'config.ini': `[postgres]\nhost = reports-db.internal\nuser = reports_ro\npassword = ${V.iniPw}\n`,
  'tools/read_ini.py': `${HASH_PY}import configparser, os
cfg = configparser.ConfigParser()
cfg.read(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "config.ini"))
print("ini", cfg["postgres"]["user"], h(cfg["postgres"]["password"]))
`,
  'airflow_settings.yaml': `airflow:
  connections:
    - conn_id: warehouse
      conn_type: postgres
      conn_host: warehouse.internal
      conn_schema: analytics
      conn_login: airflow
      conn_password: ${V.airflowPw}
      conn_port: 5432
  variables:
    - variable_name: env
      variable_value: prod
`,
  'tools/airflow_settings.py': `${HASH_PY}import os, yaml
here = os.path.dirname(os.path.abspath(__file__))
s = yaml.safe_load(open(os.path.join(here, "..", "airflow_settings.yaml")))
c = s["airflow"]["connections"][0]
print("airflow", c["conn_login"], h(c["conn_password"]))
`,
};

// The labelled accuracy corpus: realistic files (ETL scripts, notebooks, services, IaC, CI, config and
// credential files) with real-FORMAT fake credentials and, in the same files, the hard negatives real
// repositories are full of (placeholders, templating, environment look-ups, documented example keys,
// digests, lockfile hashes, UUIDs, images, bundles, public keys, publishable keys, Firebase web config,
// encrypted values). Every planted value carries a label: file, line, column, value, family.
//
// Everything is generated at run time from a seed (the project scans itself: no literal credential may
// live in the repository) and is deterministic: the same seed gives the same files and labels.
//
// Used by bench/accuracy.mjs (CLI, large seed) and test/accuracy.test.ts (in-process, small seed).
import { crc32 } from 'node:zlib';
import * as K from './keys.mjs';

// ---- randomness ------------------------------------------------------------------------------------
/** xorshift32: small, fast, deterministic. */
export function rng(seed) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s / 0x100000000;
  };
}

const UP = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LO = 'abcdefghijklmnopqrstuvwxyz';
const DI = '0123456789';
const AN = UP + LO + DI;
const B64 = AN + '+/';
const URLSAFE = AN + '-_';
const HEXA = '0123456789abcdef';
const BASE62 = DI + UP + LO;

function base62(n, width) {
  let s = '';
  while (n > 0) { s = BASE62[n % 62] + s; n = Math.floor(n / 62); }
  return s.padStart(width, '0');
}

const COMPANIES = ['northwind', 'globex', 'initech', 'hooli', 'veridian', 'tyrell', 'wayfarer', 'kestrel', 'bluefin', 'lumen', 'orbital', 'quanta'];
const SERVICES = ['billing', 'orders', 'ledger', 'catalog', 'ingest', 'reporting', 'payments', 'notify', 'search', 'identity', 'warehouse', 'pricing'];
const PEOPLE = ['alice', 'bob', 'carol', 'dmitri', 'esther', 'farid', 'gwen', 'hiro', 'ines', 'jonas', 'kemal', 'lena'];
const WORDS = ['Falcon', 'Harbor', 'Maple', 'Cobalt', 'Winter', 'Summer', 'Tiger', 'Orion', 'Nimbus', 'Sierra', 'Delta', 'Aurora'];

/** Per-corpus generator of values: credentials in their real formats, and the look-alikes. */
function values(rand) {
  const int = (a, b) => a + Math.floor(rand() * (b - a + 1));
  const pick = (arr) => arr[Math.floor(rand() * arr.length)];
  const s = (alpha, n) => { let o = ''; for (let i = 0; i < n; i++) o += alpha[Math.floor(rand() * alpha.length)]; return o; };
  const bytes = (n) => { const b = Buffer.alloc(n); for (let i = 0; i < n; i++) b[i] = Math.floor(rand() * 256); return b; };
  const hex = (n) => s(HEXA, n);
  const digits = (n) => String(int(1, 9)) + s(DI, n - 1);
  const uuid = () => `${hex(8)}-${hex(4)}-4${hex(3)}-${pick(['8', '9', 'a', 'b'])}${hex(3)}-${hex(12)}`;
  const crcToken = (prefix) => { const body = s(AN, 30); return prefix + body + base62(crc32(body), 6); };
  const v = {
    rand, int, pick, s, hex, bytes, uuid, digits,
    chance: (p) => rand() < p,
    company: () => pick(COMPANIES),
    service: () => pick(SERVICES),
    person: () => pick(PEOPLE),
    host: (kind = 'db') => pick([
      `${kind}-${int(1, 9)}.${pick(COMPANIES)}.internal`,
      `${pick(SERVICES)}-${kind}.${s(LO + DI, 12)}.${pick(['us-east-1', 'eu-west-1', 'ap-southeast-2'])}.rds.amazonaws.com`,
      `${kind}${int(1, 3)}.prod.${pick(COMPANIES)}.io`,
      `10.${int(0, 40)}.${int(0, 255)}.${int(2, 250)}`,
    ]),
    // ---- credentials ------------------------------------------------------------------------------
    awsKeyId: () => 'AKIA' + s('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16),
    awsSecret: () => s(B64, 40),
    ghp: () => crcToken('gh' + 'p_'),
    gho: () => crcToken('gh' + 'o_'),
    ghs: () => crcToken('gh' + 's_'),
    ghFine: () => 'github' + '_pat_11' + s(UP + DI, 20) + '_' + s(AN, 59),
    glpat: () => 'gl' + 'pat-' + s(URLSAFE, 20),
    glrt: () => 'gl' + 'rt-' + s(URLSAFE, 20),
    slackBot: () => 'xo' + 'xb-' + digits(int(11, 13)) + '-' + digits(13) + '-' + s(AN, 24),
    slackWebhook: () => 'https://hooks.' + 'slack.com/services/T' + s(UP + DI, int(8, 10)) + '/B' + s(UP + DI, int(8, 10)) + '/' + s(AN, 24),
    stripeLive: () => 'sk' + '_live_' + (rand() < 0.6 ? '51' + s(AN, 97) : s(AN, 24)),
    stripeRestricted: () => 'rk' + '_live_' + '51' + s(AN, 97),
    stripePk: () => 'pk' + '_live_' + '51' + s(AN, 97),
    twilioSid: () => 'AC' + hex(32),
    twilioToken: () => hex(32),
    twilioApiKey: () => 'SK' + hex(32),
    sendgrid: () => 'SG' + '.' + s(URLSAFE, 22) + '.' + s(URLSAFE, 43),
    openai: () => rand() < 0.75 ? 'sk-' + 'proj-' + s(URLSAFE, pick([48, 64, 74])) + 'T3Blbk' + 'FJ' + s(URLSAFE, pick([48, 64, 74])) : 'sk-' + s(AN, 20) + 'T3Blbk' + 'FJ' + s(AN, 20),
    anthropic: () => 'sk-' + 'ant-api03-' + s(URLSAFE, 93) + 'AA',
    google: () => 'AI' + 'za' + 'Sy' + s(URLSAFE, 33),
    azureKey: () => bytes(64).toString('base64'),
    azureAdSecret: () => s(AN, 3) + int(0, 9) + 'Q~' + s(AN + '_~.-', 34),
    npm: () => crcToken('np' + 'm_'),
    pypi: () => {
      const ident = Buffer.from(uuid());
      const caveat = Buffer.from('{"permissions": "user", "version": 1}');
      const mac = Buffer.concat([Buffer.from([2, 1, 8]), Buffer.from('pypi.org'), Buffer.from([2, ident.length]), ident, Buffer.from([0, 2, caveat.length]), caveat, Buffer.from([0, 0, 6, 32]), bytes(32)]);
      return 'py' + 'pi-' + mac.toString('base64url');
    },
    vault: () => 'hv' + 's.' + (rand() < 0.5 ? 'CAESI' + s(URLSAFE, 86) : s(AN, 24)),
    databricks: () => 'da' + 'pi' + hex(32) + (rand() < 0.3 ? '-' + int(2, 3) : ''),
    datadogApi: () => hex(32),
    datadogApp: () => hex(40),
    shopifyToken: () => 'sh' + 'pat_' + hex(32),
    shopifySecret: () => 'sh' + 'pss_' + hex(32),
    telegram: () => digits(int(9, 10)) + ':AA' + s(URLSAFE, 33),
    discordBot: () => Buffer.from(digits(19)).toString('base64url') + '.' + s(URLSAFE, 6) + '.' + s(URLSAFE, 38),
    discordWebhook: () => 'https://discord.com/api/' + 'webhooks/' + digits(19) + '/' + s(URLSAFE, 68),
    mailgun: () => 'key-' + hex(32),
    /** A password as people and password managers write them. */
    password: (style = pick(['random', 'random', 'random', 'human', 'hex', 'b64'])) => {
      switch (style) {
        case 'human': return pick(WORDS) + pick(['#', '!', '@', '_', '']) + pick(['', 'Prod', pick(COMPANIES)]) + int(10, 2025) + pick(['!', '$', '', '?']);
        case 'hex': return hex(32);
        case 'b64': return bytes(pick([18, 24, 32])).toString('base64');
        case 'uri': return s(AN + '-_.~', int(14, 28));
        default: return s(AN + '!#%^*@-_.+=', int(14, 26));
      }
    },
    /** Django's get_random_secret_key() alphabet. */
    djangoKey: () => s(LO + DI + '!@#$%^&*(-_=+)', 50),
    // ---- look-alikes -------------------------------------------------------------------------------
    sha1: () => hex(40),
    sha256: () => hex(64),
    sri: (alg = 'sha512') => `${alg}-` + bytes(alg === 'sha512' ? 64 : alg === 'sha384' ? 48 : 32).toString('base64'),
    h1: () => 'h1:' + bytes(32).toString('base64'),
    png: (n = int(300, 1200)) => Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), bytes(n)]).toString('base64'),
    kms: () => 'AQICAH' + s(B64, 230) + '==',
    sops: (kind = 'str') => `ENC[AES256_GCM,data:${bytes(int(12, 40)).toString('base64')},iv:${bytes(32).toString('base64')},tag:${bytes(16).toString('base64')},type:${kind}]`,
    ansibleVault: (indent) => ['$ANSIBLE_VAULT;1.1;AES256', ...Array.from({ length: int(4, 8) }, () => hex(80))].map((l) => indent + l).join('\n').trimStart(),
    awsExampleKeyId: () => 'AKIA' + 'IOSFODNN7' + 'EXAMPLE',
    awsExampleSecret: () => 'wJalrXUtnFEMI/K7MDENG/' + 'bPxRfiCY' + 'EXAMPLEKEY',
    /** Azurite's published development-storage key (public, in Microsoft's docs). */
    azuriteKey: () => 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/' + 'K1SZFPTOtr/KBHBeksoGMGw==',
  };
  return v;
}

// ---- key material (deterministic, generated once per corpus) ---------------------------------------
function keyPool(rand) {
  const rsa = [K.rsaKey(rand), K.rsaKey(rand), K.rsaKey(rand)];
  const ec = [K.ecKey(rand), K.ecKey(rand)];
  const ed = [K.ed25519Key(rand), K.ed25519Key(rand)];
  return { rsa, ec, ed };
}

// ---- file builder: markers in the text become labelled values -------------------------------------
class FileBuilder {
  constructor(path) {
    this.path = path;
    this.slots = [];
  }
  /** A real-format credential the scanner must find. `alt`: other forms a finding may report (decoded). */
  P(family, value, opts = {}) { return this.#slot({ positive: true, family, value, ...opts }); }
  /** A hard negative: must not be reported. `kind` says what it is. */
  N(kind, value, opts = {}) { return this.#slot({ positive: false, family: 'negative', kind, value, ...opts }); }
  /** Debatable (e.g. a username inside a Kubernetes Secret): findings on it count neither way. */
  I(kind, value) { return this.#slot({ positive: false, ignore: true, family: 'ignore', kind, value }); }
  #slot(s) {
    const i = this.slots.push(s) - 1;
    return `@@S${i}@@`;
  }
  finish(text) {
    const labels = [];
    let out = '';
    let line = 1;
    let lineStart = 0;
    let last = 0;
    const re = /@@S(\d+)@@/g;
    let m;
    while ((m = re.exec(text)) !== null) {
      const chunk = text.slice(last, m.index);
      for (let i = 0; i < chunk.length; i++) if (chunk.charCodeAt(i) === 10) { line++; lineStart = out.length + i + 1; }
      out += chunk;
      const slot = this.slots[Number(m[1])];
      const col = out.length - lineStart + 1;
      const nl = slot.value.split('\n').length - 1;
      labels.push({ file: this.path, line, column: col, endLine: line + nl, ...slot });
      for (let i = 0; i < slot.value.length; i++) if (slot.value.charCodeAt(i) === 10) { line++; lineStart = out.length + i + 1; }
      out += slot.value;
      last = m.index + m[0].length;
    }
    out += text.slice(last);
    return { path: this.path, text: out, labels };
  }
}

const b64 = (s) => Buffer.from(s).toString('base64');

/** A Kubernetes ConfigMap document (built line by line: this source file is scanned too). */
function configMap(name, entries) {
  return ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', `  name: ${name}`, 'data:', ...entries.map(([k, val]) => `  ${k}: ${val}`)].join('\n') + '\n';
}

// ---- templates ------------------------------------------------------------------------------------
// Each takes (v, f, ctx) and returns the file text; `f` is the FileBuilder (f.P / f.N / f.I).
// Paths are relative to the repo folder.

const TEMPLATES = [
  // Python ETL with boto3
  ['etl/export_to_s3.py', (v, f) => {
    const inline = v.chance(0.8);
    return `"""Nightly export of ${v.service()} tables to the data lake."""
import hashlib
import os

import boto3

BUCKET = "${v.company()}-datalake-raw"
EXPECTED_SHA256 = "${f.N('sha256-digest', v.sha256())}"
RUN_ID = "${f.N('uuid', v.uuid())}"

${inline ? `s3 = boto3.client(
    "s3",
    aws_access_key_id="${f.P('aws', v.awsKeyId())}",
    aws_secret_access_key="${f.P('aws', v.awsSecret())}",
    region_name="us-east-1",
)` : `s3 = boto3.client(
    "s3",
    aws_access_key_id=${f.N('env-lookup', 'os.environ["AWS_ACCESS_KEY_ID"]')},
    aws_secret_access_key=${f.N('env-lookup', 'os.environ["AWS_SECRET_ACCESS_KEY"]')},
)`}


def upload(path: str, key: str) -> None:
    with open(path, "rb") as fh:
        digest = hashlib.sha256(fh.read()).hexdigest()
    s3.upload_file(path, BUCKET, key, ExtraArgs={"Metadata": {"sha256": digest}})
`;
  }],
  // Python DB access: psycopg2 + SQLAlchemy
  ['etl/warehouse.py', (v, f) => `import os

import psycopg2
from sqlalchemy import create_engine

WAREHOUSE_URL = "postgresql+psycopg2://etl_loader:${f.P('database', v.password('uri'))}@${v.host('pg')}:5432/analytics"
engine = create_engine(WAREHOUSE_URL, pool_pre_ping=True)


def legacy_conn():
    return psycopg2.connect(
        host="${v.host('pg')}",
        dbname="reporting",
        user="report_ro",
        password="${f.P('generic', v.password())}",
    )


def staging_conn():
    return psycopg2.connect(host=os.environ["PGHOST"], password=${f.N('env-lookup', 'os.environ["PGPASSWORD"]')})


def local_url(user: str, password: str) -> str:
    return ${f.N('template', 'f"postgresql://{user}:{password}@localhost:5432/dev"')}
`],
  // Python API clients (requests / vendor SDKs)
  ['app/clients.py', (v, f) => `import os

import requests
from anthropic import Anthropic
from openai import OpenAI
from sendgrid import SendGridAPIClient

OPENAI_API_KEY = "${f.P('openai', v.openai())}"
openai_client = OpenAI(api_key=OPENAI_API_KEY)
claude = Anthropic(api_key="${f.P('anthropic', v.anthropic())}")
claude_staging = Anthropic(api_key=${f.N('env-lookup', 'os.getenv("ANTHROPIC_API_KEY")')})
mailer = SendGridAPIClient("${f.P('sendgrid', v.sendgrid())}")

STRIPE_PUBLISHABLE_KEY = "${f.N('publishable-key', v.stripePk())}"
SESSION_ID = "${f.N('uuid', v.uuid())}"


def fetch_orders(since: str) -> list:
    r = requests.get(
        "https://api.${v.company()}.com/v2/orders",
        params={"since": since},
        headers={"Authorization": "Bearer ${f.P('jwt', v.jwt())}"},
        timeout=30,
    )
    r.raise_for_status()
    return r.json()["orders"]
`],
  // Jupyter notebook
  ['notebooks/exploration.ipynb', (v, f) => {
    const cell = (type, src, extra = {}) => ({ cell_type: type, id: v.hex(8), metadata: {}, source: src.split(/(?<=\n)/), ...extra });
    const nb = {
      cells: [
        cell('markdown', `# ${v.service()} churn exploration\nPulls events from the warehouse and geocodes addresses.`),
        cell('code', `import openai\nimport googlemaps\nimport pandas as pd\n\nopenai.api_key = "${f.P('openai', v.openai())}"\ngmaps = googlemaps.Client(key="${f.P('google', v.google())}")`, { execution_count: 1, outputs: [] }),
        cell('code', `engine = create_engine("postgresql://analyst:${f.P('database', v.password('uri'))}@${v.host('pg')}/events")\ndf = pd.read_sql("select * from churn_events", engine)`, { execution_count: 2, outputs: [] }),
        cell('code', `df.plot(kind="bar")`, {
          execution_count: 3,
          outputs: [{ output_type: 'display_data', data: { 'image/png': f.N('image-base64', v.png()), 'text/plain': ['<Figure size 640x480 with 1 Axes>'] }, metadata: {} }],
        }),
        cell('code', `token = ${f.N('env-lookup', "os.environ['HF_TOKEN']")}\nrun_id = "${f.N('uuid', v.uuid())}"`, { execution_count: 4, outputs: [] }),
      ],
      metadata: { kernelspec: { display_name: 'Python 3', language: 'python', name: 'python3' } },
      nbformat: 4,
      nbformat_minor: 5,
    };
    return JSON.stringify(nb, null, 1) + '\n';
  }],
  // Node/TS service config
  ['src/config.ts', (v, f) => `export const config = {
  port: Number(process.env.PORT ?? 3000),
  databaseUrl: ${f.N('env-lookup', 'process.env.DATABASE_URL')},
  stripe: {
    secretKey: "${f.P('stripe', v.stripeLive())}",
    publishableKey: "${f.N('publishable-key', v.stripePk())}",
    webhookSecret: ${f.N('env-lookup', 'process.env.STRIPE_WEBHOOK_SECRET')},
  },
  slack: { botToken: "${f.P('slack', v.slackBot())}", channel: "#${v.service()}-alerts" },
  sessionSecret: "${f.P('generic', v.password())}",
  requestIdHeader: "x-request-id",
  buildId: "${f.N('git-sha', v.sha1())}",
} as const;
`],
  // Node service
  ['src/server.js', (v, f) => `const express = require("express");
const mongoose = require("mongoose");
const sgMail = require("@sendgrid/mail");
const jwt = require("jsonwebtoken");

const JWT_SECRET = "${f.P('generic', v.password())}";
sgMail.setApiKey("${f.P('sendgrid', v.sendgrid())}");
mongoose.connect("mongodb+srv://app:${f.P('database', v.password('uri'))}@cluster0.${v.s(LO + DI, 5)}.mongodb.net/prod?retryWrites=true&w=majority");

const app = express();
app.get("/", (req, res) => res.send(\`<!doctype html>
<script src="https://cdn.jsdelivr.net/npm/bootstrap@5.3.2/dist/js/bootstrap.bundle.min.js" integrity="${f.N('sri-hash', v.sri('sha384'))}" crossorigin="anonymous"></script>\`));
app.post("/login", (req, res) => {
  const token = jwt.sign({ sub: req.body.user }, process.env.JWT_SECRET, { expiresIn: "1h" });
  res.json({ token });
});
app.listen(process.env.PORT || 8080);
`],
  // .env with real values
  ['.env.production', (v, f) => {
    const lines = ['NODE_ENV=production'];
    const opt = (p, l) => { if (v.chance(p)) lines.push(l); };
    lines.push(`DATABASE_URL=postgres://app:${f.P('database', v.password('uri'))}@${v.host('pg')}:5432/app`);
    opt(0.8, `REDIS_URL=redis://default:${f.P('database', v.password('uri'))}@redis-${v.int(10000, 19999)}.c${v.int(1, 300)}.us-east-1-2.ec2.cloud.redislabs.com:${v.int(10000, 19999)}`);
    lines.push(`STRIPE_SECRET_KEY=${f.P('stripe', v.stripeLive())}`);
    lines.push(`NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY=${f.N('publishable-key', v.stripePk())}`);
    opt(0.8, `SENDGRID_API_KEY=${f.P('sendgrid', v.sendgrid())}`);
    lines.push(`TWILIO_ACCOUNT_SID=${f.I('identifier', v.twilioSid())}`);
    lines.push(`TWILIO_AUTH_TOKEN=${f.P('twilio', v.twilioToken())}`);
    opt(0.7, `TWILIO_API_KEY=${f.P('twilio', v.twilioApiKey())}`);
    lines.push(`DD_API_KEY=${f.P('datadog', v.datadogApi())}`);
    opt(0.8, `GITHUB_TOKEN=${f.P('github', v.ghp())}`);
    opt(0.6, `MAILGUN_API_KEY=${f.P('mailgun', v.mailgun())}`);
    lines.push(`SENTRY_RELEASE=${f.N('git-sha', v.sha1())}`);
    lines.push(`APP_INSTANCE_ID=${f.N('uuid', v.uuid())}`);
    lines.push(`SESSION_SECRET=${f.P('generic', v.password())}`);
    lines.push(`LOG_LEVEL=info`);
    return lines.join('\n') + '\n';
  }],
  // .env.example: placeholders only
  ['.env.example', (v, f) => `# Copy to .env and fill in. Never commit the real values.
AWS_ACCESS_KEY_ID=${f.N('placeholder', '<your-access-key-id>')}
AWS_SECRET_ACCESS_KEY=${f.N('placeholder', '<your-secret-access-key>')}
STRIPE_SECRET_KEY=${f.N('placeholder', 'sk' + '_live_' + 'x'.repeat(24))}
DATABASE_URL=postgres://postgres:${f.N('placeholder', 'postgres')}@localhost:5432/app_dev
GITHUB_TOKEN=${f.N('placeholder', 'gh' + 'p_' + 'x'.repeat(36))}
OPENAI_API_KEY=${f.N('placeholder', 'sk-...')}
SLACK_BOT_TOKEN=${f.N('placeholder', 'xo' + 'xb-your-bot-token')}
JWT_SECRET=${f.N('placeholder', 'changeme')}
SESSION_SECRET=${f.N('placeholder', 'replace-me-with-a-long-random-string')}
SENDGRID_API_KEY=${f.N('placeholder', 'SG' + '.xxxxxxxxxxxxxxxxxxxxxx.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx')}
REDIS_PASSWORD=${f.N('placeholder', '')}
`],
  // docker-compose
  ['docker-compose.yml', (v, f) => {
    const pg = v.chance(0.7);
    return `services:
  db:
    image: postgres:16@sha256:${f.N('sha256-digest', v.sha256())}
    environment:
      POSTGRES_USER: app
      POSTGRES_PASSWORD: ${pg ? f.P('generic', v.password('random')) : f.N('template', '${POSTGRES_PASSWORD}')}
    volumes:
      - pgdata:/var/lib/postgresql/data
  cache:
    image: redis:7-alpine
    command: ["redis-server", "--requirepass", "${f.P('generic', v.password('hex'))}"]
  queue:
    image: rabbitmq:3-management
    environment:
      RABBITMQ_DEFAULT_USER: ${v.service()}
      RABBITMQ_DEFAULT_PASS: ${f.P('generic', v.password('random'))}
  azurite:
    image: mcr.microsoft.com/azure-storage/azurite
  app:
    build: .
    environment:
      - DATABASE_URL=postgresql://app:${f.P('database', v.password('uri'))}@db:5432/app
      - AMQP_URL=amqp://${v.service()}:${f.P('database', v.password('uri'))}@queue:5672/
      - SECRET_KEY_BASE=${f.N('template', '${SECRET_KEY_BASE}')}
      - AZURE_STORAGE_CONNECTION_STRING=DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${f.N('public-dev-key', v.azuriteKey())};BlobEndpoint=http://azurite:10000/devstoreaccount1;
    depends_on: [db, cache, queue, azurite]
volumes:
  pgdata: {}
`;
  }],
  // Kubernetes: ConfigMap then Secret in one file
  ['deploy/k8s/app.yaml', (v, f) => {
    const pw = v.password('random');
    const tok = v.chance(0.5) ? v.stripeLive() : v.password('b64');
    const user = v.service();
    const settings = configMap(`${user}-config`, [
      ['APP_ENV', 'production'],
      ['CACHE_TTL', '"300"'],
      ['GIT_COMMIT', f.N('git-sha', v.sha1())],
      ['CLUSTER_ID', f.N('uuid', v.uuid())],
      ['TOKEN_ENDPOINT', `https://login.microsoftonline.com/${v.uuid()}/oauth2/v2.0/token`],
    ]);
    return `${settings}---
apiVersion: v1
kind: Secret
metadata:
  name: ${user}-db
  namespace: prod
  annotations:
    checksum/config: ${f.N('sha256-digest', v.sha256())}
type: Opaque
data:
  username: ${f.I('username', b64(user))}
  password: ${f.P('kubernetes', b64(pw), { alt: [pw] })}
  api-token: ${f.P('kubernetes', b64(tok), { alt: [tok] })}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${user}
spec:
  template:
    spec:
      containers:
        - name: app
          image: ghcr.io/${v.company()}/${user}@sha256:${f.N('sha256-digest', v.sha256())}
          env:
            - name: DB_PASSWORD
              valueFrom:
                secretKeyRef: { name: ${user}-db, key: password }
`;
  }],
  // Kubernetes Secret with stringData, and a Helm-templated one
  ['deploy/k8s/worker-secret.yaml', (v, f) => `apiVersion: v1
kind: Secret
metadata:
  name: worker
type: Opaque
stringData:
  DB_PASSWORD: "${f.P('generic', v.password())}"
  SLACK_WEBHOOK_URL: "${f.P('slack', v.slackWebhook())}"
  SMTP_PASSWORD: "${f.N('template', '{{ .Values.smtp.password }}')}"
---
${configMap('worker-settings', [['QUEUE_NAME', `${v.service()}-jobs`], ['RELEASE_SHA', f.N('git-sha', v.sha1())], ['TENANT_ID', f.N('uuid', v.uuid())]])}`],
  // Terraform
  ['infra/main.tf', (v, f) => {
    const lit = v.chance(0.6);
    return `terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "~> 5.0" }
  }
}

provider "aws" {
  region     = "eu-west-1"
  access_key = "${f.P('aws', v.awsKeyId())}"
  secret_key = "${f.P('aws', v.awsSecret())}"
}

resource "random_password" "db" {
  length  = 24
  special = true
}

resource "aws_db_instance" "main" {
  identifier        = "${v.service()}-prod"
  engine            = "postgres"
  instance_class    = "db.t3.medium"
  username          = "dbadmin"
  password          = ${lit ? `"${f.P('generic', v.password())}"` : f.N('reference', 'random_password.db.result')}
  kms_key_id        = "arn:aws:kms:eu-west-1:${v.digits(12)}:key/${f.N('uuid', v.uuid())}"
}

resource "aws_db_instance" "replica" {
  identifier = "${v.service()}-replica"
  password   = ${f.N('reference', 'var.db_password')}
}

variable "db_password" {
  type      = string
  sensitive = true
}
`;
  }],
  // .terraform.lock.hcl
  ['infra/.terraform.lock.hcl', (v, f) => {
    const prov = (name, ver) => `provider "registry.terraform.io/hashicorp/${name}" {
  version     = "${ver}"
  constraints = "~> ${ver.split('.').slice(0, 2).join('.')}"
  hashes = [
    "${f.N('lockfile-hash', v.h1())}",
    "zh:${f.N('lockfile-hash', v.sha256())}",
    "zh:${f.N('lockfile-hash', v.sha256())}",
    "zh:${f.N('lockfile-hash', v.sha256())}",
  ]
}
`;
    return `# This file is maintained automatically by "terraform init".\n# Manual edits may be lost in future updates.\n\n${prov('aws', '5.31.0')}\n${prov('random', '3.6.0')}`;
  }],
  // CloudFormation
  ['infra/cloudformation/database.yaml', (v, f) => {
    const mode = v.int(0, 2);
    return `AWSTemplateFormatVersion: "2010-09-09"
Description: ${v.service()} database and worker
Parameters:
  DBPassword:
    Type: String
    NoEcho: true
Resources:
  Database:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      MasterUsername: dbadmin
      MasterUserPassword: ${mode === 0 ? f.P('generic', v.password()) : mode === 1 ? `'${f.N('reference', '{{resolve:secretsmanager:prod/db:SecretString:password}}')}'` : f.N('reference', '!Ref DBPassword')}
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Environment:
        Variables:
          DD_API_KEY: ${f.P('datadog', v.datadogApi())}
          DB_SECRET_ARN: !Ref DatabaseSecret
          ENCRYPTED_SLACK_TOKEN: ${f.N('kms-ciphertext', v.kms())}
`;
  }],
  // GitHub Actions
  ['.github/workflows/deploy.yml', (v, f) => `name: deploy
on:
  push:
    branches: [main]
jobs:
  deploy:
    runs-on: ubuntu-latest
    env:
      NPM_TOKEN: ${f.N('template', '${{ secrets.NPM_TOKEN }}')}
      SLACK_WEBHOOK_URL: ${f.P('slack', v.slackWebhook())}
      HEROKU_API_KEY: ${v.chance(0.5) ? f.P('heroku', v.uuid()) : f.N('template', '${{ secrets.HEROKU_API_KEY }}')}
    steps:
      - uses: actions/checkout@${f.N('git-sha', v.sha1())} # v4.1.1
      - uses: aws-actions/configure-aws-credentials@${f.N('git-sha', v.sha1())} # v4
        with:
          aws-access-key-id: ${f.N('template', '${{ secrets.AWS_ACCESS_KEY_ID }}')}
          aws-secret-access-key: ${f.N('template', '${{ secrets.AWS_SECRET_ACCESS_KEY }}')}
          aws-region: us-east-1
      - run: npm ci && npm run build
      - name: tag release
        run: |
          curl -sf -X POST -H "Authorization: token ${f.P('github', v.ghp())}" \\
            https://api.github.com/repos/${v.company()}/${v.service()}/releases -d '{"tag_name":"v1.2.3"}'
`],
  // Shell deploy script
  ['scripts/deploy.sh', (v, f) => `#!/usr/bin/env bash
set -euo pipefail

export AWS_ACCESS_KEY_ID=${f.P('aws', v.awsKeyId())}
export AWS_SECRET_ACCESS_KEY=${f.P('aws', v.awsSecret())}
export AWS_DEFAULT_REGION=us-east-1
export VAULT_ADDR=https://vault.${v.company()}.internal:8200
export VAULT_TOKEN=${f.P('vault', v.vault())}
GH_TOKEN="${f.N('template', '$(gh auth token)')}"

echo "${f.N('sha256-digest', v.sha256())}  terraform_1.7.5_linux_amd64.zip" | sha256sum -c -
git clone https://deploy-bot:${f.P('github', v.ghp())}@github.com/${v.company()}/infra.git /tmp/infra
git -C /tmp/infra checkout ${f.N('git-sha', v.sha1())}
curl -fsSL -u "deploy:${f.P('generic', v.password('random'))}" https://artifacts.${v.company()}.internal/repository/releases/app.tgz -o app.tgz
DB_PASSWORD=$(aws secretsmanager get-secret-value --secret-id prod/db --query SecretString --output text)
`],
  // INI
  ['config/app.ini', (v, f) => `[server]
host = 0.0.0.0
port = 8080

[database]
host = ${v.host('pg')}
port = 5432
user = app
password = ${f.P('generic', v.password())}

[smtp]
server = smtp.sendgrid.net
username = apikey
password = ${f.P('sendgrid', v.sendgrid())}

[alembic]
sqlalchemy.url = mysql+pymysql://${v.service()}:${f.P('database', v.password('uri'))}@${v.host('mysql')}/${v.service()}

[cache]
password = ${f.N('template', '%(CACHE_PASSWORD)s')}
`],
  // TOML: gitlab-runner
  ['ci/gitlab-runner/config.toml', (v, f) => `concurrent = 4
check_interval = 0

[session_server]
  session_timeout = 1800

[[runners]]
  name = "${v.company()}-docker-runner"
  url = "https://gitlab.com/"
  token = "${f.P('gitlab', v.glrt())}"
  executor = "docker"
  [runners.docker]
    image = "alpine:3.19"
    privileged = false
`],
  // TOML: Streamlit secrets
  ['.streamlit/secrets.toml', (v, f) => `[connections.snowflake]
account = "${v.s(LO, 2)}${v.int(10000, 99999)}.us-east-1"
user = "STREAMLIT_APP"
password = "${f.P('generic', v.password())}"
warehouse = "COMPUTE_WH"
database = "ANALYTICS"

[openai]
api_key = "${f.P('openai', v.openai())}"
`],
  // JSON config
  ['config/production.json', (v, f) => JSON.stringify({
    port: 8080,
    db: { host: v.host('pg'), user: 'svc', password: f.P('generic', v.password()) },
    datadog: { apiKey: f.P('datadog', v.datadogApi()), appKey: f.P('datadog', v.datadogApp()), site: 'datadoghq.eu' },
    auth0: { domain: `${v.company()}.eu.auth0.com`, clientId: f.I('client-id', v.s(AN, 32)), clientSecret: f.P('generic', v.s(URLSAFE, 64)) },
    buildSha: f.N('git-sha', v.sha1()),
    featureFlags: { newCheckout: true },
    apiKeyHeader: 'X-Api-Key',
  }, null, 2) + '\n'],
  // .npmrc
  ['.npmrc', (v, f) => `registry=https://registry.npmjs.org/
//registry.npmjs.org/:_authToken=${f.P('npm', v.npm())}
@${v.company()}:registry=https://npm.pkg.github.com
//npm.pkg.github.com/:_authToken=${f.N('template', '${GITHUB_TOKEN}')}
//artifactory.${v.company()}.internal/artifactory/api/npm/npm/:_auth=${(() => { const c = `ci-bot:${v.password('uri')}`; return f.P('npm', b64(c), { alt: [c] }); })()}
always-auth=true
`],
  // .netrc
  ['.netrc', (v, f) => `machine github.com
  login deploy-bot
  password ${f.P('github', v.ghp())}
machine api.heroku.com
  login ops@${v.company()}.com
  password ${f.P('credential-file', v.uuid())}
machine ftp.${v.company()}.com login backup password ${f.P('credential-file', v.password('uri'))}
`],
  // .pgpass
  ['.pgpass', (v, f) => `# hostname:port:database:username:password
${v.host('pg')}:5432:analytics:etl:${f.P('credential-file', v.password('uri'))}
${v.host('pg')}:5432:*:report_ro:${f.P('credential-file', v.password('uri'))}
`],
  // .git-credentials
  ['.git-credentials', (v, f) => `https://${v.person()}:${f.P('github', v.ghp())}@github.com
https://oauth2:${f.P('gitlab', v.glpat())}@gitlab.${v.company()}.com
`],
  // Docker config.json
  ['.docker/config.json', (v, f) => {
    const c = `${v.person()}:${v.password('uri')}`;
    return JSON.stringify({ auths: { 'registry.gitlab.com': { auth: f.P('docker', b64(c), { alt: [c] }) }, 'https://index.docker.io/v1/': {} }, credsStore: 'desktop' }, null, '\t') + '\n';
  }],
  // Java properties
  ['src/main/resources/application.properties', (v, f) => `spring.application.name=${v.service()}
spring.datasource.url=jdbc:postgresql://${v.host('pg')}:5432/${v.service()}
spring.datasource.username=${v.service()}
spring.datasource.password=${f.P('generic', v.password())}
spring.mail.password=${f.N('template', '${MAIL_PASSWORD}')}
jwt.secret=${f.N('encrypted', `ENC(${v.bytes(48).toString('base64')})`)}
app.stripe.api-key=${f.P('stripe', v.stripeLive())}
app.reporting.jdbc-url=jdbc:mysql://${v.host('mysql')}:3306/reports?user=report&password=${f.P('database', v.password('uri'))}
management.endpoints.web.exposure.include=health,info
`],
  // Go
  ['internal/config/config.go', (v, f) => `package config

import (
	"database/sql"
	"os"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	vault "github.com/hashicorp/vault/api"
	_ "github.com/lib/pq"
	"github.com/slack-go/slack"
)

const defaultDSN = "postgres://svc:${f.P('database', v.password('uri'))}@${v.host('pg')}:5432/svc?sslmode=require"

var slackClient = slack.New("${f.P('slack', v.slackBot())}")

func Open() (*sql.DB, error) {
	dsn := os.Getenv("DATABASE_URL")
	if dsn == "" {
		dsn = defaultDSN
	}
	return sql.Open("postgres", dsn)
}

func Bot() (*tgbotapi.BotAPI, error) {
	return tgbotapi.NewBotAPI("${f.P('telegram', v.telegram())}")
}

func Vault() (*vault.Client, error) {
	c, err := vault.NewClient(vault.DefaultConfig())
	if err != nil {
		return nil, err
	}
	c.SetToken("${f.P('vault', v.vault())}")
	return c, nil
}

var apiKey = ${f.N('env-lookup', 'os.Getenv("API_KEY")')}
var requestNamespace = "${f.N('uuid', v.uuid())}"
`],
  // Go modules
  ['go.sum', (v, f) => ['github.com/lib/pq v1.10.9', 'github.com/slack-go/slack v0.12.3', 'golang.org/x/crypto v0.17.0'].map((m) => `${m} ${f.N('lockfile-hash', v.h1())}\n${m}/go.mod ${f.N('lockfile-hash', v.h1())}\n`).join('')],
  // GCP service account JSON
  ['secrets/service-account.json', (v, f, ctx) => {
    const proj = `${v.company()}-analytics-${v.int(100000, 999999)}`;
    const keyText = K.pem.pkcs8(v.pick(ctx.keys.rsa)).replace(/\n/g, '\\n');
    return `{
  "type": "service_account",
  "project_id": "${proj}",
  "private_key_id": "${v.sha1()}",
  "private_key": "${f.P('gcp-sa', keyText)}",
  "client_email": "etl-runner@${proj}.iam.gserviceaccount.com",
  "client_id": "${v.digits(21)}",
  "auth_uri": "https://accounts.google.com/o/oauth2/auth",
  "token_uri": "https://oauth2.googleapis.com/token",
  "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
  "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/etl-runner%40${proj}.iam.gserviceaccount.com",
  "universe_domain": "googleapis.com"
}
`;
  }],
  // Azure Functions local settings
  ['functions/local.settings.json', (v, f) => JSON.stringify({
    IsEncrypted: false,
    Values: {
      AzureWebJobsStorage: `DefaultEndpointsProtocol=https;AccountName=${v.company()}${v.s(LO + DI, 6)};AccountKey=${f.P('azure', v.azureKey())};EndpointSuffix=core.windows.net`,
      AzureWebJobsDashboard: 'UseDevelopmentStorage=true',
      FUNCTIONS_WORKER_RUNTIME: 'python',
      AZURE_CLIENT_ID: f.N('uuid', v.uuid()),
      AZURE_TENANT_ID: f.N('uuid', v.uuid()),
      AZURE_CLIENT_SECRET: f.P('azure', v.azureAdSecret()),
    },
  }, null, 2) + '\n'],
  // SOPS-encrypted secrets
  ['deploy/secrets.enc.yaml', (v, f) => `db_password: ${f.N('encrypted', v.sops())}
stripe_key: ${f.N('encrypted', v.sops())}
slack:
    bot_token: ${f.N('encrypted', v.sops())}
sops:
    kms:
        - arn: arn:aws:kms:us-east-1:${v.digits(12)}:key/${v.uuid()}
          created_at: "2024-03-11T09:12:44Z"
          enc: ${f.N('kms-ciphertext', v.kms())}
          aws_profile: ""
    lastmodified: "2024-03-11T09:12:45Z"
    mac: ${f.N('encrypted', v.sops())}
    unencrypted_suffix: _unencrypted
    version: 3.8.1
`],
  // Ansible vars with vault-encrypted values
  ['ansible/group_vars/prod.yml', (v, f) => `db_user: ${v.service()}
db_password: !vault |
          ${f.N('ansible-vault', v.ansibleVault('          '))}
api_key: "${f.N('template', '{{ vault_api_key }}')}"
smtp_password: "${f.N('template', '{{ lookup(\'env\', \'SMTP_PASSWORD\') }}')}"
ntp_servers: [0.pool.ntp.org, 1.pool.ntp.org]
`],
  // Serverless framework config with KMS / SSM
  ['serverless.yml', (v, f) => `service: ${v.service()}
provider:
  name: aws
  runtime: nodejs20.x
  environment:
    DB_PASSWORD: ${f.N('template', '${ssm:/prod/db/password}')}
    KMS_ENCRYPTED_API_TOKEN: ${f.N('kms-ciphertext', v.kms())}
    STRIPE_KEY: ${f.P('stripe', v.stripeRestricted())}
functions:
  handler:
    handler: src/handler.main
`],
  // package-lock.json
  ['package-lock.json', (v, f) => {
    const pkgs = ['express', 'jsonwebtoken', 'lodash', 'mongoose', 'debug', 'ms'];
    const packages = { '': { name: v.service(), version: '1.0.0' } };
    for (const p of pkgs) packages[`node_modules/${p}`] = { version: `${v.int(1, 9)}.${v.int(0, 20)}.${v.int(0, 9)}`, resolved: `https://registry.npmjs.org/${p}/-/${p}-1.0.0.tgz`, integrity: f.N('lockfile-hash', v.sri('sha512')) };
    return JSON.stringify({ name: v.service(), version: '1.0.0', lockfileVersion: 3, requires: true, packages }, null, 2) + '\n';
  }],
  // yarn.lock
  ['yarn.lock', (v, f) => ['axios', 'chalk', 'commander', 'uuid'].map((p) => `${p}@^1.0.0:
  version "1.${v.int(0, 9)}.${v.int(0, 9)}"
  resolved "https://registry.yarnpkg.com/${p}/-/${p}-1.0.0.tgz#${f.N('git-sha', v.sha1())}"
  integrity ${f.N('lockfile-hash', v.sri('sha512'))}
`).join('\n')],
  // requirements with hashes
  ['requirements.txt', (v, f) => ['boto3==1.34.14', 'psycopg2-binary==2.9.9', 'requests==2.31.0'].map((p) => `${p} \\\n    --hash=sha256:${f.N('sha256-digest', v.sha256())}\n`).join('')],
  // CRA build output (not under dist/, not .min.js)
  ['build/static/js/main.js', (v, f) => {
    const parts = [];
    for (let i = 0; i < 40; i++) parts.push(`function ${v.s(LO, 1)}${i}(e,t){return e.${v.s(LO, 2)}(t)&&t.length>${v.int(1, 9)}}`);
    parts.splice(5, 0, `var Xe={apiKey:"${f.N('firebase-web-config', v.google())}",authDomain:"${v.company()}-web.firebaseapp.com",projectId:"${v.company()}-web"}`);
    parts.splice(10, 0, `Ze={publishableKey:"${f.N('publishable-key', v.stripePk())}"}`);
    parts.splice(15, 0, `function Qe(e){return{password:e.password,token:e.token,apiKey:e.apiKey}}`);
    parts.splice(20, 0, `r.__SECRET_INTERNALS_DO_NOT_USE_OR_YOU_WILL_BE_FIRED=Ye`);
    parts.splice(25, 0, `var Je={dsn:"https://${f.N('public-dsn', v.hex(32))}@o${v.digits(6)}.ingest.sentry.io/${v.digits(16)}"}`);
    parts.splice(30, 0, `var Ke="${f.N('sri-hash', v.sri('sha256'))}"`);
    return `/*! For license information please see main.js.LICENSE.txt */\n!function(){"use strict";${parts.join(';')}}();\n//# sourceMappingURL=main.js.map\n`;
  }],
  // Minified vendor bundle
  ['public/vendor/charting.min.js', (v, f) => `!function(t,e){"object"==typeof exports?module.exports=e():t.Chart=e()}(this,function(){var K="${f.N('minified', v.s(B64, 64))}",T={token:"${f.N('minified', v.s(AN, 40))}",secret:e=>e.secret};return{K:K,T:T}});\n`],
  // CSS and HTML with data URIs
  ['web/styles/site.css', (v, f) => `.logo {\n  background-image: url("data:image/png;base64,${f.N('data-uri', v.png())}");\n  width: 120px;\n}\n.spinner { background: url(data:image/gif;base64,${f.N('data-uri', 'R0lGODlh' + v.s(B64, 120))}); }\n`],
  ['web/index.html', (v, f) => `<!doctype html>
<html>
<head>
  <link rel="stylesheet" href="https://cdn.jsdelivr.net/npm/bootstrap@5.3.2/dist/css/bootstrap.min.css" integrity="${f.N('sri-hash', v.sri('sha384'))}" crossorigin="anonymous">
  <meta name="google-site-verification" content="${f.N('public-identifier', v.s(URLSAFE, 43))}">
</head>
<body>
  <img alt="avatar" src="data:image/png;base64,${f.N('data-uri', v.png(200))}">
  <script>window.__APP__ = { apiBase: "/api", csrfToken: "{{ csrf_token }}" };</script>
</body>
</html>
`],
  // Firebase web config
  ['src/firebase.ts', (v, f) => {
    const p = `${v.company()}-${v.service()}`;
    return `import { initializeApp } from "firebase/app";

const firebaseConfig = {
  apiKey: "${f.N('firebase-web-config', v.google())}",
  authDomain: "${p}.firebaseapp.com",
  projectId: "${p}",
  storageBucket: "${p}.appspot.com",
  messagingSenderId: "${v.digits(12)}",
  appId: "1:${v.digits(12)}:web:${v.hex(22)}",
  measurementId: "G-${v.s(UP + DI, 10)}"
};

export const app = initializeApp(firebaseConfig);
`;
  }],
  // Key material
  ['deploy/keys/id_ed25519', (v, f, ctx) => f.P('private-key', K.opensshEd25519Private(v.pick(ctx.keys.ed), `deploy@${v.company()}-ci`, v.rand))],
  ['deploy/keys/id_ed25519.pub', (v, f, ctx) => f.N('public-key', K.sshEd25519Public(v.pick(ctx.keys.ed), `deploy@${v.company()}-ci`)) + '\n'],
  ['certs/server.key', (v, f, ctx) => f.P('private-key', K.pem.pkcs1(v.pick(ctx.keys.rsa)))],
  ['certs/server.crt', (v, f) => f.N('certificate', K.fakeCertificate(v.rand))],
  ['certs/ca-bundle.pem', (v, f) => `# ${v.company()} internal CA\n${f.N('certificate', K.fakeCertificate(v.rand, 1100))}# intermediate\n${f.N('certificate', K.fakeCertificate(v.rand, 1000))}`],
  ['keys/jwt-signing.pem', (v, f, ctx) => f.P('private-key', K.pem.pkcs8(v.pick(ctx.keys.rsa)))],
  ['keys/jwt-public.pem', (v, f, ctx) => f.N('public-key', K.pem.spki(v.pick(ctx.keys.rsa)))],
  ['keys/ec-signer.pem', (v, f, ctx) => f.P('private-key', K.pem.sec1(v.pick(ctx.keys.ec)))],
  ['keys/saml-sp.key', (v, f, ctx) => f.P('private-key', v.pick(ctx.keys.ec).export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: v.password('hex') }))],
  ['ansible/files/authorized_keys', (v, f, ctx) => `${f.N('public-key', K.sshRsaPublic(ctx.keys.rsa[0], `${v.person()}@laptop`))}\n${f.N('public-key', K.sshEd25519Public(ctx.keys.ed[1], `${v.person()}@workstation`))}\n`],
  // Private key embedded in code (a Python signing helper)
  ['app/signing.py', (v, f, ctx) => `from cryptography.hazmat.primitives import serialization

SIGNING_KEY = serialization.load_pem_private_key(b"""${f.P('private-key', K.pem.pkcs8(v.pick(ctx.keys.ec)).trimEnd())}""", password=None)

PUBLIC_KEY = """${f.N('public-key', K.pem.spki(v.pick(ctx.keys.ec)).trimEnd())}"""
`],
  // Vendor credential files
  ['.databrickscfg', (v, f) => `[DEFAULT]
host = https://adb-${v.digits(16)}.${v.int(1, 19)}.azuredatabricks.net
token = ${f.P('databricks', v.databricks())}

[staging]
host = https://dbc-${v.hex(8)}-${v.hex(4)}.cloud.databricks.com
token = ${f.P('databricks', v.databricks())}
`],
  ['.pypirc', (v, f) => `[distutils]
index-servers =
    pypi

[pypi]
username = __token__
password = ${f.P('pypi', v.pypi())}
`],
  // Chat bots
  ['bots/bot.py', (v, f) => `import os

import discord
from telegram.ext import ApplicationBuilder

TELEGRAM_BOT_TOKEN = "${f.P('telegram', v.telegram())}"
DISCORD_WEBHOOK = "${f.P('discord', v.discordWebhook())}"

intents = discord.Intents.default()
client = discord.Client(intents=intents)


@client.event
async def on_ready():
    print(f"logged in as {client.user}")


def main():
    app = ApplicationBuilder().token(TELEGRAM_BOT_TOKEN).build()
    client.run("${f.P('discord', v.discordBot())}")
`],
  // Shopify app .env
  ['shopify-app/.env', (v, f) => `SHOPIFY_API_KEY=${f.I('client-id', v.hex(32))}
SHOPIFY_API_SECRET=${f.P('shopify', v.shopifySecret())}
SHOPIFY_ADMIN_ACCESS_TOKEN=${f.P('shopify', v.shopifyToken())}
SCOPES=read_products,write_orders
HOST=https://${v.company()}-shop.fly.dev
`],
  // Helm values
  ['deploy/helm/values.yaml', (v, f) => `replicaCount: 2
image:
  repository: ghcr.io/${v.company()}/${v.service()}
  tag: ${f.N('git-sha', v.sha1())}
datadog:
  apiKey: ${f.P('datadog', v.datadogApi())}
  appKey: ${f.P('datadog', v.datadogApp())}
  site: datadoghq.com
postgresql:
  auth:
    username: app
    password: ${v.chance(0.5) ? f.P('generic', v.password()) : f.N('placeholder', '""')}
    existingSecret: ""
ingress:
  enabled: true
  annotations:
    cert-manager.io/cluster-issuer: letsencrypt
`],
  // GitLab CI
  ['.gitlab-ci.yml', (v, f) => `stages: [build, release]
variables:
  GITLAB_TOKEN: ${f.P('gitlab', v.glpat())}
  DOCKER_DRIVER: overlay2
build:
  stage: build
  script:
    - docker login -u gitlab-ci-token -p ${f.N('template', '$CI_JOB_TOKEN')} $CI_REGISTRY
    - docker build -t $CI_REGISTRY_IMAGE:$CI_COMMIT_SHA .
release:
  stage: release
  script:
    - 'curl --header "PRIVATE-TOKEN: $GITLAB_TOKEN" "https://gitlab.com/api/v4/projects/${v.int(1000000, 9999999)}/releases"'
`],
  // Dockerfile
  ['Dockerfile', (v, f) => `FROM python:3.12-slim@sha256:${f.N('sha256-digest', v.sha256())}
ARG TERRAFORM_SHA256=${f.N('sha256-digest', v.sha256())}
ENV PIP_INDEX_URL=https://__token__:${f.P('gitlab', v.glpat())}@gitlab.com/api/v4/projects/${v.int(1000000, 9999999)}/packages/pypi/simple
ENV APP_VERSION=${f.N('git-sha', v.sha1())}
COPY requirements.txt .
RUN pip install --require-hashes -r requirements.txt
`],
  // README with documented examples
  ['README.md', (v, f) => `# ${v.service()}

## Configuration

Configure the AWS CLI first (these are AWS's documented example keys):

\`\`\`
$ aws configure
AWS Access Key ID [None]: ${f.N('aws-example-key', v.awsExampleKeyId())}
AWS Secret Access Key [None]: ${f.N('aws-example-key', v.awsExampleSecret())}
\`\`\`

Then export your OpenAI key and call the API:

\`\`\`sh
export OPENAI_API_KEY="${f.N('placeholder', 'sk-...')}"
curl -H "Authorization: Bearer ${f.N('placeholder', '<token>')}" https://api.${v.company()}.com/v1/health
\`\`\`

Set \`password: ${f.N('placeholder', '<your-password>')}\` in \`config.yaml\`; the database URL looks like
\`postgresql://USER:${f.N('placeholder', 'PASSWORD')}@HOST:5432/DB\`.

Fixed in ${f.N('git-sha', v.sha1())} (see the changelog).
`],
  // CHANGELOG with commit SHAs
  ['CHANGELOG.md', (v, f) => `# Changelog

## 2.4.0
- Rotate signing keys automatically ([${v.hex(7)}](https://github.com/${v.company()}/${v.service()}/commit/${f.N('git-sha', v.sha1())}))
- Fix token refresh race ([${v.hex(7)}](https://github.com/${v.company()}/${v.service()}/commit/${f.N('git-sha', v.sha1())}))
- Bump lodash to 4.17.21 (sha512 \`${f.N('sri-hash', v.sri('sha512'))}\`)
`],
  // Django settings
  ['app/settings.py', (v, f) => `import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = '${f.P('generic', v.djangoKey())}'
DEBUG = False
ALLOWED_HOSTS = ["${v.service()}.${v.company()}.com"]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "${v.service()}",
        "USER": "${v.service()}",
        "PASSWORD": "${f.P('generic', v.password())}",
        "HOST": "${v.host('pg')}",
        "PORT": "5432",
    }
}

EMAIL_HOST = "smtp.mailgun.org"
EMAIL_HOST_USER = "postmaster@mg.${v.company()}.com"
EMAIL_HOST_PASSWORD = ${f.N('env-lookup', 'os.environ.get("EMAIL_HOST_PASSWORD")')}
AWS_STORAGE_BUCKET_NAME = "${v.company()}-static"
AWS_S3_CUSTOM_DOMAIN = "d${v.s(LO + DI, 13)}.cloudfront.net"
PASSWORD_RESET_TIMEOUT = 259200
`],
  // Twilio + alerting
  ['app/notify.py', (v, f) => {
    const sid = v.twilioSid();
    return `from twilio.rest import Client
import requests

client = Client("${f.I('identifier', sid)}", "${f.P('twilio', v.twilioToken())}")
SLACK_WEBHOOK = "${f.P('slack', v.slackWebhook())}"
ONCALL_NUMBER = "+1415${v.digits(7)}"


def page(msg: str) -> None:
    client.messages.create(to=ONCALL_NUMBER, from_="+1628${v.digits(7)}", body=msg)
    requests.post(SLACK_WEBHOOK, json={"text": msg}, timeout=5)
`;
  }],
  // HTTP client scratch file
  ['api.http', (v, f, ctx) => `### Get current user
GET https://api.${v.company()}.com/v1/me
Authorization: Bearer ${f.P('jwt', v.jwt(ctx))}
X-Request-Id: ${f.N('uuid', v.uuid())}

### Upload
POST https://api.${v.company()}.com/v1/files
Authorization: Basic ${(() => { const c = `${v.person()}:${v.password('uri')}`; return f.P('generic', b64(c), { alt: [c, c.split(':')[1]] }); })()}
Content-Type: application/json

{"sha256": "${f.N('sha256-digest', v.sha256())}"}
`],
  // Ruby/Rails style YAML (database.yml)
  ['config/database.yml', (v, f) => `default: &default
  adapter: postgresql
  encoding: unicode
  pool: <%= ENV.fetch("RAILS_MAX_THREADS") { 5 } %>

development:
  <<: *default
  database: ${v.service()}_development
  password: ${f.N('template', '<%= ENV["DATABASE_PASSWORD"] %>')}

production:
  <<: *default
  database: ${v.service()}_production
  username: ${v.service()}
  password: ${f.P('generic', v.password())}
  host: ${v.host('pg')}
`],
  // GitHub fine-grained / app tokens in a Node script
  ['scripts/sync-repos.mjs', (v, f) => `import { Octokit } from "@octokit/rest";

const octokit = new Octokit({ auth: "${f.P('github', v.ghFine())}" });
const appInstallationToken = "${f.P('github', v.ghs())}";
const oauthToken = "${f.P('github', v.gho())}";
const orgId = "${f.N('uuid', v.uuid())}";
const headSha = "${f.N('git-sha', v.sha1())}";

for (const repo of await octokit.paginate(octokit.repos.listForOrg, { org: "${v.company()}" })) {
  console.log(repo.full_name, headSha, orgId, appInstallationToken.length, oauthToken.length);
}
`],
  // Google service usage outside Firebase, plus OAuth client secret
  ['app/geo.py', (v, f) => `import googlemaps

GOOGLE_MAPS_API_KEY = "${f.P('google', v.google())}"
gmaps = googlemaps.Client(key=GOOGLE_MAPS_API_KEY)
CLIENT_SECRETS = {"web": {"client_id": "${v.digits(12)}-${v.s(LO + DI, 32)}.apps.googleusercontent.com", "client_secret": "${f.P('google', 'GOCSPX-' + v.s(URLSAFE, 28))}"}}
`],
  // AWS shared credentials file checked into an ops repo
  ['ops/aws/credentials', (v, f) => `[default]
aws_access_key_id = ${f.P('aws', v.awsKeyId())}
aws_secret_access_key = ${f.P('aws', v.awsSecret())}

[${v.company()}-prod]
aws_access_key_id=${f.P('aws', v.awsKeyId())}
aws_secret_access_key=${f.P('aws', v.awsSecret())}
region=eu-central-1
`],
  // WordPress
  ['wordpress/wp-config.php', (v, f) => {
    const wpSalt = () => v.s(AN + '!@#%^&*()-_[]{}<>~+=,.;:/?|', 64);
    return `<?php
define( 'DB_NAME', '${v.service()}_wp' );
define( 'DB_USER', 'wp_${v.service()}' );
define( 'DB_PASSWORD', '${f.P('generic', v.password())}' );
define( 'DB_HOST', '${v.host('mysql')}' );
define( 'DB_CHARSET', 'utf8mb4' );

define( 'AUTH_KEY',         '${f.P('generic', wpSalt().replace(/'/g, ''))}' );
define( 'SECURE_AUTH_KEY',  '${f.P('generic', wpSalt().replace(/'/g, ''))}' );
define( 'LOGGED_IN_KEY',    '${f.P('generic', wpSalt().replace(/'/g, ''))}' );
define( 'NONCE_KEY',        '${f.P('generic', wpSalt().replace(/'/g, ''))}' );

$table_prefix = 'wp_';
define( 'WP_DEBUG', false );
`;
  }],
  // .NET appsettings
  ['src/Api/appsettings.Production.json', (v, f) => JSON.stringify({
    Logging: { LogLevel: { Default: 'Information' } },
    ConnectionStrings: {
      Default: `Server=tcp:${v.company()}-sql.database.windows.net,1433;Initial Catalog=${v.service()};User ID=app;Password=${f.P('database', v.password('uri'))};Encrypt=True;`,
      Cache: `${v.company()}.redis.cache.windows.net:6380,password=${f.P('database', v.azureKey().slice(0, 44))},ssl=True,abortConnect=False`,
    },
    AzureAd: { Instance: 'https://login.microsoftonline.com/', TenantId: f.N('uuid', v.uuid()), ClientId: f.N('uuid', v.uuid()), ClientSecret: f.P('azure', v.azureAdSecret()) },
    AllowedHosts: '*',
  }, null, 2) + '\n'],
  // Flask
  ['web/app.py', (v, f) => `from flask import Flask
from flask_sqlalchemy import SQLAlchemy

app = Flask(__name__)
app.config["SECRET_KEY"] = "${f.P('generic', v.hex(48))}"
app.config['SQLALCHEMY_DATABASE_URI'] = 'mysql://${v.service()}:${f.P('database', v.password('uri'))}@${v.host('mysql')}/${v.service()}'
app.config["SESSION_COOKIE_SECURE"] = True
db = SQLAlchemy(app)
`],
  // Ordinary application code full of credential WORDS but no credentials
  ['src/auth/forms.py', (v, f) => `from django import forms
from django.contrib.auth import password_validation

PASSWORD_FIELD = "${f.N('identifier', 'password')}"
TOKEN_TYPE = "${f.N('identifier', 'Bearer')}"
API_KEY_HEADER = "${f.N('identifier', 'X-API-Key')}"
SECRET_NAME = "${f.N('path', `prod/${v.service()}/db-credentials`)}"
SECRET_ARN = "${f.N('reference', `arn:aws:secretsmanager:us-east-1:${v.digits(12)}:secret:prod/${v.service()}-${v.s(AN, 6)}`)}"
TOKEN_URL = "${f.N('url', 'https://oauth2.googleapis.com/token')}"
password_min_length = 12


class LoginForm(forms.Form):
    username = forms.CharField(max_length=150)
    password = forms.CharField(widget=forms.PasswordInput)

    def clean_password(self):
        password = self.cleaned_data["password"]
        password_validation.validate_password(password)
        return password


def auth_header(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}
`],
  ['src/locales/en.json', (v, f) => JSON.stringify({
    login: { password: f.N('ui-text', 'Password'), forgot_password: 'Forgot your password?', token_expired: 'Your session has expired.' },
    settings: { api_key: f.N('ui-text', 'API key'), api_key_help: 'Create an API key in Settings → Developer.', secret: f.N('ui-text', 'Secret') },
  }, null, 2) + '\n'],
  ['schemas/user.schema.json', (v, f) => JSON.stringify({
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    properties: {
      password: { type: 'string', minLength: 12, format: f.N('identifier', 'password') },
      apiKey: { type: 'string', pattern: f.N('regex', '^[A-Za-z0-9]{32}$') },
      token: { $ref: f.N('reference', '#/$defs/token') },
    },
    required: ['password'],
  }, null, 2) + '\n'],
  ['src/client/api.ts', (v, f) => `export interface Credentials { username: string; password: string; apiKey?: string }

export async function login(creds: Credentials): Promise<string> {
  const res = await fetch("/api/login", { method: "POST", body: JSON.stringify({ password: creds.password, username: creds.username }) });
  const { token } = await res.json();
  localStorage.setItem("token", token);
  return token;
}

export const authConfig = {
  tokenStorageKey: "${f.N('identifier', `${v.service()}.auth.token`)}",
  passwordResetPath: "/account/password/reset",
  secret: ${f.N('env-lookup', 'import.meta.env.VITE_APP_SECRET')},
  apiKey: ${f.N('env-lookup', 'process.env.NEXT_PUBLIC_API_KEY!')},
};
`],
  ['.pre-commit-config.yaml', (v, f) => `repos:
  - repo: https://github.com/pre-commit/pre-commit-hooks
    rev: ${f.N('git-sha', v.sha1())}  # frozen: v4.5.0
    hooks: [{ id: check-yaml }, { id: detect-private-key }]
  - repo: https://github.com/gitleaks/gitleaks
    rev: ${f.N('git-sha', v.sha1())}  # frozen: v8.18.2
    hooks: [{ id: gitleaks }]
`],
  // Android Firebase config (public identifiers, same judgement as the web config)
  ['android/app/google-services.json', (v, f) => {
    const p = `${v.company()}-mobile`;
    return JSON.stringify({
      project_info: { project_number: v.digits(12), firebase_url: `https://${p}.firebaseio.com`, project_id: p, storage_bucket: `${p}.appspot.com` },
      client: [{ client_info: { mobilesdk_app_id: `1:${v.digits(12)}:android:${v.hex(16)}`, android_client_info: { package_name: `com.${v.company()}.app` } }, api_key: [{ current_key: f.N('firebase-android-config', v.google()) }] }],
      configuration_version: '1',
    }, null, 2) + '\n';
  }],
];

// ---- corpus ---------------------------------------------------------------------------------------
/**
 * Generate the labelled corpus. `repos` copies of every template, each in its own folder with its own
 * random values and variants. Returns files (path relative to the corpus root, text) and labels.
 */
export function generateCorpus({ seed = 1, repos = 3 } = {}) {
  const rand = rng(seed);
  const v = values(rand);
  const keys = keyPool(rng(seed * 7919 + 1));
  const ctx = { keys };
  v.jwt = (c = ctx) => {
    const now = 1700000000 + v.int(0, 3e7);
    const payload = { sub: v.uuid(), email: `${v.person()}@${v.company()}.com`, role: v.pick(['admin', 'service', 'user']), iat: now, exp: now + v.pick([3600, 86400, 31536000]) };
    return v.chance(0.5) ? K.jwt(payload, { rand }) : K.jwt(payload, { rsa: v.pick(c.keys.rsa) });
  };
  const files = [];
  const labels = [];
  const used = new Set();
  for (let r = 0; r < repos; r++) {
    let repo;
    do repo = `${v.company()}-${v.service()}`; while (used.has(repo));
    used.add(repo);
    for (const [rel, tpl] of TEMPLATES) {
      const fb = new FileBuilder(`${repo}/${rel}`);
      const out = fb.finish(tpl(v, fb, ctx));
      files.push({ path: out.path, text: out.text });
      labels.push(...out.labels);
    }
  }
  return { files, labels };
}

// ---- scoring --------------------------------------------------------------------------------------
/** Rule id → family (the same families the labels use). */
export function familyOfRule(id) {
  const table = [
    [/^aws-/, 'aws'], [/^github-/, 'github'], [/^gitlab-/, 'gitlab'], [/^slack-/, 'slack'], [/^stripe-/, 'stripe'],
    [/^twilio-/, 'twilio'], [/^sendgrid-/, 'sendgrid'], [/^mailgun-/, 'mailgun'], [/^openai-/, 'openai'], [/^anthropic-/, 'anthropic'],
    [/^gcp-service-account/, 'gcp-sa'], [/^google-/, 'google'], [/^azure-/, 'azure'], [/^private-key-|^snowflake-private-key/, 'private-key'],
    [/^jwt$/, 'jwt'], [/^npm/, 'npm'], [/^pypi-/, 'pypi'], [/^docker-/, 'docker'], [/-uri-password$|^jdbc-|^snowflake-password/, 'database'],
    [/^vault-/, 'vault'], [/^databricks-/, 'databricks'], [/^heroku-/, 'heroku'], [/^datadog-/, 'datadog'], [/^shopify-/, 'shopify'],
    [/^telegram-/, 'telegram'], [/^discord-/, 'discord'], [/^kubernetes-/, 'kubernetes'],
    [/^(netrc|git-credentials|pgpass|htpasswd)/, 'credential-file'], [/^generic-|^url-credentials/, 'generic'],
  ];
  for (const [re, fam] of table) if (re.test(id)) return fam;
  return id.split('-')[0];
}

function overlaps(a, b) {
  if (!a || !b) return false;
  return a.includes(b) || b.includes(a);
}

/**
 * Match findings to labels. A finding matches a label in the same file whose line span intersects the
 * finding's and whose value (or an alternative form, e.g. the decoded text) overlaps the finding's secret.
 * findings: [{ rule, file, line, endLine, secret }].
 */
export function score(labels, findings) {
  const byFile = new Map();
  for (const l of labels) {
    const arr = byFile.get(l.file) ?? [];
    arr.push(l);
    byFile.set(l.file, arr);
  }
  const hit = new Map(); // label -> findings
  const fps = []; // { finding, label? }
  let ignored = 0;
  for (const fd of findings) {
    const cands = (byFile.get(fd.file) ?? []).filter((l) => l.line <= fd.endLine && fd.line <= l.endLine);
    const byValue = cands.filter((l) => [l.value, ...(l.alt ?? [])].some((x) => overlaps(x, fd.secret)));
    const match = byValue.find((l) => l.positive) ?? byValue[0] ?? (cands.length === 1 ? cands[0] : undefined);
    if (match?.ignore) { ignored++; continue; }
    if (match?.positive) {
      const l = hit.get(match) ?? [];
      l.push(fd);
      hit.set(match, l);
      continue;
    }
    fps.push({ finding: fd, label: match });
  }
  const positives = labels.filter((l) => l.positive);
  const negatives = labels.filter((l) => !l.positive && !l.ignore);
  const tp = positives.filter((l) => hit.has(l)).length;
  const fn = positives.length - tp;
  const fp = fps.length;
  const prf = (t, p, n) => {
    const precision = t + p === 0 ? 1 : t / (t + p);
    const recall = t + n === 0 ? 1 : t / (t + n);
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { tp: t, fp: p, fn: n, precision, recall, f1 };
  };
  const families = new Map();
  const fam = (k) => { if (!families.has(k)) families.set(k, { tp: 0, fp: 0, fn: 0 }); return families.get(k); };
  for (const l of positives) fam(l.family)[hit.has(l) ? 'tp' : 'fn']++;
  for (const x of fps) fam(familyOfRule(x.finding.rule)).fp++;
  const perFamily = [...families.entries()].sort((a, b) => a[0].localeCompare(b[0])).map(([k, c]) => ({ family: k, ...prf(c.tp, c.fp, c.fn) }));
  const wrongFamily = [];
  for (const [l, fds] of hit) if (!fds.some((fd) => familyOfRule(fd.rule) === l.family)) wrongFamily.push({ label: l, rules: [...new Set(fds.map((fd) => fd.rule))] });
  return {
    overall: prf(tp, fp, fn),
    positives: positives.length,
    negatives: negatives.length,
    hardNegativeHits: fps.filter((x) => x.label && !x.label.positive),
    falsePositives: fps,
    misses: positives.filter((l) => !hit.has(l)),
    wrongFamily,
    perFamily,
    ignored,
  };
}

const red = (s) => (s ? `${String(s).slice(0, 4)}…` : '');

/** A printable report; secrets appear only as 4-character prefixes. */
export function formatReport(res) {
  const pct = (x) => (x * 100).toFixed(1).padStart(5);
  const o = res.overall;
  const lines = [];
  lines.push(`labels: ${res.positives} positives, ${res.negatives} hard negatives`);
  lines.push(`overall: TP=${o.tp} FP=${o.fp} FN=${o.fn}  precision=${pct(o.precision)}%  recall=${pct(o.recall)}%`);
  lines.push(`F1=${o.f1.toFixed(4)}`);
  lines.push(`hard-negative hits: ${res.hardNegativeHits.length} (target 0)`);
  lines.push('');
  lines.push('family            TP   FP   FN  precision  recall     F1');
  for (const f of res.perFamily) lines.push(`${f.family.padEnd(16)} ${String(f.tp).padStart(4)} ${String(f.fp).padStart(4)} ${String(f.fn).padStart(4)}   ${pct(f.precision)}%  ${pct(f.recall)}%  ${f.f1.toFixed(3)}`);
  if (res.misses.length) {
    lines.push('', `misses (${res.misses.length}):`);
    for (const l of res.misses) lines.push(`  MISS ${l.file}:${l.line}:${l.column}  [${l.family}] ${red(l.value)}`);
  }
  if (res.falsePositives.length) {
    lines.push('', `false positives (${res.falsePositives.length}):`);
    for (const x of res.falsePositives) lines.push(`  FP   ${x.finding.file}:${x.finding.line}  rule=${x.finding.rule}  ${x.label ? `hard negative: ${x.label.kind}` : 'unlabelled'} ${red(x.finding.secret)}`);
  }
  if (res.wrongFamily.length) {
    lines.push('', `found by a rule of another family (${res.wrongFamily.length}, counted as found):`);
    for (const w of res.wrongFamily) lines.push(`  ${w.label.file}:${w.label.line}  [${w.label.family}] by ${w.rules.join(', ')}`);
  }
  return lines.join('\n');
}

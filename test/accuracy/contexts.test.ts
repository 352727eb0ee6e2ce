/**
 * Recall in context: real-format credentials (valid checksums where the vendor has one: GitHub and npm
 * CRC32, PyPI macaroons, JWTs that parse, PEM / OpenSSH keys that load) placed in the file shapes they
 * live in: .env, shell, Docker, Compose, Kubernetes (Secret `data:` in base64, kubeconfig), Helm values,
 * GitHub Actions, JSON, XML (Maven, web.config, NuGet), .properties, terraform, .npmrc, .pypirc, .netrc,
 * pip.conf, Docker config.json, .git-credentials, notebooks, sources in ten languages, minified
 * JavaScript, log lines, CSV and SQL dumps. Every value is generated at run time (the project scans
 * itself); the detector must report each one, through the real built-in rules.
 * Seed: SWEEP_SEED (default fixed); a miss names the context and the credential, never the value.
 */
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createDetector } from '../../src/detect/detector.js';
import { secretOf } from '../../src/findings/finding.js';
import { loadBuiltinRules } from '../../src/rules/load.js';
import { ALNUM, githubToken, npmToken, rng } from '../support/fake-secrets.js';
// @ts-ignore -- plain ESM module shared with the accuracy bench (no type declarations)
import * as K from '../../bench/lib/keys.mjs';

const SEED = Number(process.env.SWEEP_SEED ?? 20261206);
const rand = rng(SEED);
const s = (alphabet: string, n: number): string => Array.from({ length: n }, () => alphabet[Math.floor(rand() * alphabet.length)]).join('');
const HEX = '0123456789abcdef';
const URLSAFE = ALNUM + '-_';
const B64 = ALNUM + '+/';
const b64 = (x: string): string => Buffer.from(x).toString('base64');
const bytes = (n: number): Buffer => Buffer.from(Array.from({ length: n }, () => Math.floor(rand() * 256)));
/**
 * A password as a password manager makes it: letters, digits and a few signs, never a word. A digit inside
 * the first run: `abcd.efgh_ijk` (one in a few hundred draws) reads as an attribute path in code.
 */
const password = (): string => s(ALNUM, 2) + s('0123456789', 1) + s(ALNUM, 1) + s('!#%^*@-_.+=', 1) + s(ALNUM, 9) + s('#%^*-_.', 1) + s(ALNUM, 3);
/** A password safe inside a URL (no sign that must be escaped). */
const uriPassword = (): string => s(ALNUM, 6) + '-' + s(ALNUM, 8) + '_' + s(ALNUM, 4);

// ---------------------------------------------------------------------------------------------------
// Credentials of one token (a vendor format; or context-only, named by its key)

interface Token {
  name: string;
  /** The environment variable it goes by. */
  env: string;
  /** The key in a camelCase config (JSON, Helm values, JS objects). */
  camel: string;
  value: string;
  /** Found by its key name only (hex or random text): not expected where no key names it. */
  contextOnly?: boolean;
}

function jwtToken(): string {
  const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${enc({ alg: 'HS256', typ: 'JWT' })}.${enc({ sub: 'svc-' + s(HEX, 8), iat: 1_700_000_000 + Math.floor(rand() * 1e7), role: 'service' })}.${bytes(32).toString('base64url')}`;
}

function pypiToken(): string {
  const ident = Buffer.from(`${s(HEX, 8)}-${s(HEX, 4)}-4${s(HEX, 3)}-a${s(HEX, 3)}-${s(HEX, 12)}`);
  const caveat = Buffer.from('{"permissions": "user", "version": 1}');
  const mac = Buffer.concat([Buffer.from([2, 1, 8]), Buffer.from('pypi.org'), Buffer.from([2, ident.length]), ident, Buffer.from([0, 2, caveat.length]), caveat, Buffer.from([0, 0, 6, 32]), bytes(32)]);
  return 'py' + 'pi-' + mac.toString('base64url');
}

const TOKENS: Token[] = [
  { name: 'github-classic', env: 'GITHUB_TOKEN', camel: 'githubToken', value: githubToken(Math.floor(rand() * 1e9)) },
  { name: 'github-fine-grained', env: 'GH_TOKEN', camel: 'ghToken', value: 'github' + '_pat_11' + s('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', 20) + '_' + s(ALNUM, 59) },
  { name: 'npm', env: 'NPM_TOKEN', camel: 'npmToken', value: npmToken(Math.floor(rand() * 1e9)) },
  { name: 'pypi', env: 'PYPI_API_TOKEN', camel: 'pypiToken', value: pypiToken() },
  { name: 'slack-bot', env: 'SLACK_BOT_TOKEN', camel: 'slackBotToken', value: 'xo' + 'xb-' + '1' + s('0123456789', 11) + '-' + '2' + s('0123456789', 12) + '-' + s(ALNUM, 24) },
  { name: 'stripe-live', env: 'STRIPE_SECRET_KEY', camel: 'stripeSecretKey', value: 'sk' + '_live_' + '51' + s(ALNUM, 97) },
  { name: 'openai', env: 'OPENAI_API_KEY', camel: 'openaiApiKey', value: 'sk-' + 'proj-' + s(URLSAFE, 64) + 'T3Blbk' + 'FJ' + s(URLSAFE, 64) },
  { name: 'anthropic', env: 'ANTHROPIC_API_KEY', camel: 'anthropicApiKey', value: 'sk-' + 'ant-api03-' + s(URLSAFE, 93) + 'AA' },
  { name: 'huggingface', env: 'HF_TOKEN', camel: 'hfToken', value: 'h' + 'f_' + s('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', 34) },
  { name: 'gitlab', env: 'GITLAB_TOKEN', camel: 'gitlabToken', value: 'gl' + 'pat-' + s(URLSAFE, 20) },
  { name: 'sendgrid', env: 'SENDGRID_API_KEY', camel: 'sendgridApiKey', value: 'SG' + '.' + s(URLSAFE, 22) + '.' + s(URLSAFE, 43) },
  { name: 'twilio-api-key', env: 'TWILIO_API_KEY', camel: 'twilioApiKey', value: 'SK' + s(HEX, 32) },
  { name: 'shopify', env: 'SHOPIFY_ACCESS_TOKEN', camel: 'shopifyAccessToken', value: 'sh' + 'pat_' + s(HEX, 32) },
  { name: 'aws-key-id', env: 'AWS_ACCESS_KEY_ID', camel: 'accessKeyId', value: 'AK' + 'IA' + s('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16) },
  { name: 'jwt', env: 'API_JWT', camel: 'serviceJwt', value: jwtToken() },
  { name: 'datadog', env: 'DD_API_KEY', camel: 'datadogApiKey', value: s(HEX, 32), contextOnly: true },
  { name: 'twilio-auth-token', env: 'TWILIO_AUTH_TOKEN', camel: 'twilioAuthToken', value: s(HEX, 32), contextOnly: true },
  { name: 'aws-secret', env: 'AWS_SECRET_ACCESS_KEY', camel: 'secretAccessKey', value: s(B64, 40), contextOnly: true },
  { name: 'password', env: 'DB_PASSWORD', camel: 'dbPassword', value: password(), contextOnly: true },
];

const snake = (t: Token) => t.env.toLowerCase();
const dotted = (t: Token) => t.env.toLowerCase().replace(/_/g, '.');

/** A file shape a token lives in: where it sits, and whether it names the token by a key. */
interface Context {
  name: string;
  path: string;
  text: (t: Token) => string;
  /** No key names the value: vendor formats only. */
  bare?: boolean;
  /** The value as the file stores it, when encoded (a Secret's `data:` is reported as its base64). */
  stored?: (t: Token) => string;
}

const MINIFIED_FILLER = Array.from({ length: 40 }, (_, i) => `function q${i}(e,t){return e&&t?e.map(function(n){return n[t]}):[]}`).join(';');

const TOKEN_CONTEXTS: Context[] = [
  { name: '.env', path: '.env', text: (t) => `NODE_ENV=production\n${t.env}=${t.value}\nPORT=8080\n` },
  { name: '.env (CRLF)', path: 'config/.env', text: (t) => `NODE_ENV=production\r\n${t.env}=${t.value}\r\nPORT=8080\r\n` },
  { name: 'ini (CRLF)', path: 'config/app.ini', text: (t) => `[service]\r\n${snake(t)} = ${t.value}\r\ntimeout = 30\r\n` },
  { name: '.env quoted', path: '.env.production', text: (t) => `# deploy\n${t.env}="${t.value}"\n` },
  { name: 'shell export', path: 'scripts/deploy.sh', text: (t) => `#!/bin/sh\nset -eu\nexport ${t.env}='${t.value}'\n./bin/release\n` },
  { name: 'compose env list', path: 'docker-compose.yml', text: (t) => `services:\n  app:\n    image: acme/app:1.4\n    environment:\n      - LOG_LEVEL=info\n      - ${t.env}=${t.value}\n` },
  { name: 'compose env map', path: 'docker-compose.yaml', text: (t) => `services:\n  worker:\n    environment:\n      LOG_LEVEL: info\n      ${t.env}: ${t.value}\n` },
  { name: 'k8s stringData', path: 'k8s/secret.yaml', text: (t) => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: app-credentials\ntype: Opaque\nstringData:\n  ${t.env}: "${t.value}"\n` },
  { name: 'k8s data (base64)', path: 'k8s/secret.yaml', stored: (t) => b64(t.value), text: (t) => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: app-credentials\n  namespace: prod\ntype: Opaque\ndata:\n  ${t.env}: ${b64(t.value)}\n` },
  { name: 'k8s deployment env', path: 'k8s/deployment.yaml', text: (t) => `spec:\n  template:\n    spec:\n      containers:\n        - name: app\n          env:\n            - name: ${t.env}\n              value: "${t.value}"\n` },
  { name: 'helm values', path: 'charts/app/values.yaml', text: (t) => `replicaCount: 2\nsecrets:\n  ${t.camel}: ${t.value}\nresources: {}\n` },
  { name: 'github actions env', path: '.github/workflows/release.yml', text: (t) => `jobs:\n  release:\n    runs-on: ubuntu-latest\n    env:\n      ${t.env}: ${t.value}\n    steps:\n      - run: make release\n` },
  { name: 'json config', path: 'config/production.json', text: (t) => `{\n  "port": 8080,\n  "${t.camel}": "${t.value}",\n  "debug": false\n}\n` },
  { name: 'appsettings.json', path: 'src/Api/appsettings.Production.json', text: (t) => `{\n  "Logging": { "LogLevel": { "Default": "Warning" } },\n  "Integrations": {\n    "${t.camel[0]!.toUpperCase() + t.camel.slice(1)}": "${t.value}"\n  }\n}\n` },
  { name: 'web.config appSettings', path: 'web.config', text: (t) => `<configuration>\n  <appSettings>\n    <add key="${t.camel[0]!.toUpperCase() + t.camel.slice(1)}" value="${t.value}" />\n  </appSettings>\n</configuration>\n` },
  { name: '.properties', path: 'src/main/resources/application.properties', text: (t) => `server.port=8080\n${dotted(t)}=${t.value}\n` },
  { name: 'Dockerfile ENV', path: 'Dockerfile', text: (t) => `FROM node:20-alpine\nENV ${t.env}=${t.value}\nRUN npm ci\n` },
  { name: 'Dockerfile ARG', path: 'Dockerfile', text: (t) => `FROM python:3.12\nARG ${t.env}=${t.value}\nRUN pip install .\n` },
  { name: 'terraform', path: 'infra/main.tf', text: (t) => `resource "aws_ssm_parameter" "x" {\n  name  = "/app/${snake(t)}"\n  type  = "SecureString"\n  value = "${t.value}"\n}\nlocals {\n  ${snake(t)} = "${t.value}"\n}\n` },
  { name: 'python', path: 'app/settings.py', text: (t) => `import os\n\n${t.env} = "${t.value}"\nDEBUG = False\n` },
  { name: 'python os.environ set', path: 'app/bootstrap.py', text: (t) => `import os\nos.environ["${t.env}"] = "${t.value}"\n` },
  { name: 'javascript', path: 'src/config.js', text: (t) => `module.exports = {\n  ${t.camel}: '${t.value}',\n  retries: 3,\n};\n` },
  { name: 'typescript const', path: 'src/client.ts', text: (t) => `export const ${t.env} = "${t.value}";\n` },
  { name: 'go', path: 'internal/client/client.go', text: (t) => `package client\n\nconst ${t.camel} = "${t.value}"\n` },
  { name: 'go struct', path: 'cmd/server/main.go', text: (t) => `package main\n\nvar cfg = Config{\n\t${t.camel[0]!.toUpperCase() + t.camel.slice(1)}: "${t.value}",\n}\n` },
  { name: 'java', path: 'src/main/java/com/acme/Client.java', text: (t) => `public class Client {\n    private static final String ${t.env} = "${t.value}";\n}\n` },
  { name: 'kotlin', path: 'app/src/main/kotlin/Client.kt', text: (t) => `object Keys {\n    const val ${t.env} = "${t.value}"\n}\n` },
  { name: 'ruby', path: 'config/initializers/client.rb', text: (t) => `Acme.configure do |config|\n  config.${snake(t)} = '${t.value}'\nend\n` },
  { name: 'php array', path: 'config/services.php', text: (t) => `<?php\nreturn [\n    '${snake(t)}' => '${t.value}',\n];\n` },
  { name: 'php variable', path: 'src/Client.php', text: (t) => `<?php\n$${t.camel} = "${t.value}";\n` },
  { name: 'c#', path: 'src/Api/Keys.cs', text: (t) => `namespace Acme;\npublic static class Keys\n{\n    public const string ${t.camel[0]!.toUpperCase() + t.camel.slice(1)} = "${t.value}";\n}\n` },
  { name: 'rust', path: 'src/main.rs', text: (t) => `const ${t.env}: &str = "${t.value}";\n\nfn main() {}\n` },
  { name: 'notebook', path: 'notebooks/explore.ipynb', text: (t) => `{\n "cells": [\n  {\n   "cell_type": "code",\n   "metadata": {},\n   "source": [\n    "import os\\n",\n    "os.environ[\\"${t.env}\\"] = \\"${t.value}\\"\\n"\n   ]\n  }\n ]\n}\n` },
  { name: 'log line', path: 'logs/app.log', text: (t) => `2024-05-02T10:11:12Z INFO starting worker pid=4411\n2024-05-02T10:11:12Z DEBUG config loaded ${snake(t)}=${t.value} region=us-east-1\n` },
  { name: 'csv', path: 'exports/keys.csv', text: (t) => `name,${snake(t)},created\nci,${t.value},2024-05-02\n` },
  { name: 'sql dump', path: 'db/dump.sql', text: (t) => `INSERT INTO settings (name, value) VALUES ('${snake(t)}', '${t.value}');\n` },
  { name: 'markdown', path: 'docs/setup.md', text: (t) => `## Setup\n\n\`\`\`sh\nexport ${t.env}=${t.value}\n\`\`\`\n` },
  { name: 'powershell', path: 'deploy/release.ps1', text: (t) => `$env:${t.env} = "${t.value}"\n& .\\build.ps1\n` },
  { name: 'batch', path: 'scripts/env.cmd', text: (t) => `@echo off\r\nset ${t.env}=${t.value}\r\n` },
  { name: 'makefile', path: 'Makefile', text: (t) => `${t.env} := ${t.value}\n\nrelease:\n\t./release.sh\n` },
  { name: 'tfvars', path: 'envs/prod.tfvars', text: (t) => `region = "eu-west-1"\n${snake(t)} = "${t.value}"\n` },
  { name: 'toml', path: 'config/settings.toml', text: (t) => `[integrations]\n${snake(t)} = "${t.value}"\n` },
  { name: 'spring application.yml', path: 'src/main/resources/application.yml', text: (t) => `acme:\n  client:\n    ${t.camel}: ${t.value}\n` },
  { name: 'gitlab-ci variables', path: '.gitlab-ci.yml', text: (t) => `variables:\n  ${t.env}: "${t.value}"\nstages: [build]\n` },
  { name: 'jenkinsfile', path: 'Jenkinsfile', text: (t) => `pipeline {\n  environment {\n    ${t.env} = '${t.value}'\n  }\n}\n` },
  { name: 'elixir config', path: 'config/prod.exs', text: (t) => `config :acme, Acme.Client,\n  ${snake(t)}: "${t.value}"\n` },
  { name: 'swift', path: 'Sources/App/Keys.swift', text: (t) => `enum Keys {\n    static let ${t.camel}: String = "${t.value}"\n}\n` },
  { name: 'dart', path: 'lib/keys.dart', text: (t) => `const String ${t.camel} = '${t.value}';\n` },
  { name: 'scala', path: 'src/main/scala/Keys.scala', text: (t) => `object Keys {\n  val ${t.camel} = "${t.value}"\n}\n` },
  { name: 'postman environment', path: 'postman/prod.postman_environment.json', text: (t) => `{\n  "values": [\n    { "key": "${t.env}", "value": "${t.value}", "enabled": true }\n  ]\n}\n` },
  { name: 'xml property name/value', path: 'src/main/resources/beans.xml', text: (t) => `<bean id="client" class="com.acme.Client">\n  <property name="${t.camel}" value="${t.value}"/>\n</bean>\n` },
  { name: 'xml properties entry', path: 'conf/app.xml', text: (t) => `<properties>\n  <entry key="${dotted(t)}">${t.value}</entry>\n</properties>\n` },
  { name: 'ansible inventory', path: 'inventory/hosts.ini', text: (t) => `[web]\nweb1 ansible_host=10.0.0.5 ${snake(t)}=${t.value} ansible_user=deploy\n` },
  { name: 'http request file', path: 'api.http', text: (t) => `GET https://api.acme.io/v1/me\nX-Api-Key: ${t.value}\n` },
  { name: 'yaml list of env', path: 'serverless.yml', text: (t) => `provider:\n  name: aws\n  environment:\n    ${t.env}: '${t.value}'\n` },
  // No key names the value: only a vendor's own format can be found.
  { name: 'python call', path: 'app/client.py', bare: true, text: (t) => `client = Client("${t.value}", timeout=30)\n` },
  { name: 'go call', path: 'main.go', bare: true, text: (t) => `package main\n\nfunc main() {\n\tc := api.New("${t.value}")\n\t_ = c\n}\n` },
  { name: 'bearer header (python)', path: 'app/http.py', bare: true, text: (t) => `headers = {"Authorization": f"Bearer ${t.value}"}\n` },
  { name: 'c# call', path: 'src/Program.cs', bare: true, text: (t) => `var client = new ApiClient("${t.value}");\n` },
  { name: 'minified js', path: 'public/assets/app.4f2a9c.js', bare: true, text: (t) => `!function(){${MINIFIED_FILLER};var c={k:"${t.value}",u:"https://api.acme.io"};window.__c=c}();\n` },
  { name: 'url query', path: 'scripts/fetch.sh', bare: true, text: (t) => `curl -s "https://api.acme.io/v1/items?limit=5&key=${t.value}"\n` },
];

// ---------------------------------------------------------------------------------------------------
// Credentials with a structure of their own, each in the files it lives in

interface Case { name: string; path: string; text: string; /** Each must be reported (any one form of it). */ expect: string[][] }

const rsaPem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs1' }).toString();
const ecPem = K.pem.sec1(K.ecKey(rand)) as string;
const pkcs8Pem = K.pem.pkcs8(K.ecKey(rand)) as string;
const opensshPem = K.opensshEd25519Private(K.ed25519Key(rand), 'deploy@ci', rand) as string;

function structured(): Case[] {
  const awsId = 'AK' + 'IA' + s('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16);
  const awsSecret = s(B64, 40);
  const aws = [[awsId], [awsSecret]];
  const pw = password();
  const upw = uriPassword();
  const azureKey = bytes(64).toString('base64');
  const azureConn = `DefaultEndpointsProtocol=https;AccountName=acmeprod${s('abcdefghijklmnopqrstuvwxyz', 4)};AccountKey=${azureKey};EndpointSuffix=core.windows.net`;
  const gcp = JSON.stringify({
    type: 'service_account', project_id: 'acme-prod-311', private_key_id: s(HEX, 40), private_key: pkcs8Pem,
    client_email: 'deployer@acme-prod-311.iam.gserviceaccount.com', client_id: '1' + s('0123456789', 20),
    auth_uri: 'https://accounts.google.com/o/oauth2/auth', token_uri: 'https://oauth2.googleapis.com/token',
  }, null, 2);
  const pemBody = (p: string) => p.trim().split('\n')[1]!;
  const pemForms = (p: string) => [p.trim(), pemBody(p)];
  const jwt = jwtToken();
  // [a-z0-9]{6}.[a-z0-9]{16}, a digit inside each part (one in 500 drawn without looks like `obj.attr`).
  const lowerDigit = (n: number) => s('abcdefghijklmnopqrstuvwxyz', 1) + s('0123456789', 1) + s('abcdefghijklmnopqrstuvwxyz0123456789', n - 2);
  const kubeToken = lowerDigit(6) + '.' + lowerDigit(16);
  const ghp = githubToken(Math.floor(rand() * 1e9));
  const npm = npmToken(Math.floor(rand() * 1e9));
  const pypi = pypiToken();
  const npmPriv = s(ALNUM, 40);
  // ';' inside an INI value, '#' inside a URL password, '\:' '\=' escapes in a .properties value
  const semiPw = s(ALNUM, 7) + ';' + s(ALNUM, 9);
  const hashPw = s(ALNUM, 6) + '#' + s(ALNUM, 8);
  const escapedPw = s(ALNUM, 4) + '\\:' + s(ALNUM, 3) + '\\=' + s(ALNUM, 9);
  const blockKey = s(URLSAFE, 40);
  return [
    // AWS key pairs
    { name: 'aws credentials file', path: '.aws/credentials', text: `[default]\naws_access_key_id = ${awsId}\naws_secret_access_key = ${awsSecret}\nregion = eu-west-1\n`, expect: aws },
    { name: 'aws boto3 call', path: 'etl/s3.py', text: `s3 = boto3.client("s3", aws_access_key_id="${awsId}", aws_secret_access_key="${awsSecret}")\n`, expect: aws },
    { name: 'aws java BasicAWSCredentials', path: 'src/main/java/S3.java', text: `AWSCredentials creds = new BasicAWSCredentials("${awsId}", "${awsSecret}");\n`, expect: aws },
    { name: 'aws go static credentials', path: 'store/s3.go', text: `sess := session.Must(session.NewSession(&aws.Config{\n\tCredentials: credentials.NewStaticCredentials("${awsId}", "${awsSecret}", ""),\n}))\n`, expect: aws },
    { name: 'aws js config', path: 'src/s3.js', text: `const s3 = new S3Client({ region: "us-east-1", credentials: { accessKeyId: "${awsId}", secretAccessKey: "${awsSecret}" } });\n`, expect: aws },
    { name: 'aws terraform provider', path: 'main.tf', text: `provider "aws" {\n  region     = "us-east-1"\n  access_key = "${awsId}"\n  secret_key = "${awsSecret}"\n}\n`, expect: aws },
    { name: 'aws console credentials.csv', path: 'credentials.csv', text: `User name,Password,Access key ID,Secret access key,Console login link\nci-deployer,,${awsId},${awsSecret},https://123456789012.signin.aws.amazon.com/console\n`, expect: aws },
    { name: 'aws access keys csv', path: 'ci-deployer_accessKeys.csv', text: `Access key ID,Secret access key\n${awsId},${awsSecret}\n`, expect: aws },
    // GCP service account
    { name: 'gcp service account file', path: 'keys/acme-prod-311-3f2a.json', text: gcp + '\n', expect: [pemForms(pkcs8Pem).concat(JSON.stringify(pkcs8Pem).slice(1, -1).trim())] },
    { name: 'gcp service account in .env', path: '.env', text: `GOOGLE_CREDENTIALS='${JSON.stringify(JSON.parse(gcp))}'\n`, expect: [[JSON.stringify(pkcs8Pem).slice(1, -1), pkcs8Pem.trim(), JSON.stringify(pkcs8Pem.trim()).slice(1, -1)]] },
    { name: 'gcp service account base64 in k8s', path: 'k8s/gcp.yaml', text: `apiVersion: v1\nkind: Secret\nmetadata:\n  name: gcp-sa\ntype: Opaque\ndata:\n  key.json: ${b64(gcp)}\n`, expect: [[b64(gcp), pkcs8Pem.trim(), JSON.stringify(pkcs8Pem.trim()).slice(1, -1)]] },
    // Azure storage
    { name: 'azure conn string appsettings', path: 'appsettings.json', text: `{\n  "ConnectionStrings": {\n    "Storage": "${azureConn}"\n  }\n}\n`, expect: [[azureKey, azureConn]] },
    { name: 'azure conn string web.config', path: 'Web.config', text: `<connectionStrings>\n  <add name="Blob" connectionString="${azureConn}" />\n</connectionStrings>\n`, expect: [[azureKey, azureConn]] },
    { name: 'azure account key env', path: '.env', text: `AZURE_STORAGE_ACCOUNT=acmeprod\nAZURE_STORAGE_KEY=${azureKey}\n`, expect: [[azureKey]] },
    { name: 'azure key in python', path: 'blob.py', text: `svc = BlobServiceClient(account_url="https://acmeprod.blob.core.windows.net", credential="${azureKey}")\n`, expect: [[azureKey]] },
    // Private keys
    { name: 'rsa key file', path: 'deploy/id_rsa', text: rsaPem, expect: [pemForms(rsaPem)] },
    { name: 'ec key file', path: 'certs/server.key', text: ecPem, expect: [pemForms(ecPem)] },
    { name: 'openssh key file', path: '.ssh/id_ed25519', text: opensshPem, expect: [pemForms(opensshPem)] },
    { name: 'pem in json (escaped)', path: 'config/jwt.json', text: `{"issuer": "acme", "privateKey": ${JSON.stringify(pkcs8Pem)}}\n`, expect: [[JSON.stringify(pkcs8Pem).slice(1, -1), pkcs8Pem.trim(), JSON.stringify(pkcs8Pem.trim()).slice(1, -1), pemBody(pkcs8Pem)]] },
    { name: 'pem in yaml block', path: 'config/tls.yaml', text: `tls:\n  key: |\n${rsaPem.trim().split('\n').map((l) => '    ' + l).join('\n')}\n`, expect: [pemForms(rsaPem)] },
    { name: 'pem in .env one line', path: '.env', text: `JWT_PRIVATE_KEY="${ecPem.trim().replace(/\n/g, '\\n')}"\n`, expect: [[ecPem.trim().replace(/\n/g, '\\n'), pemBody(ecPem)]] },
    { name: 'pem k8s tls secret', path: 'k8s/tls.yaml', text: `apiVersion: v1\nkind: Secret\ntype: kubernetes.io/tls\nmetadata:\n  name: ingress-tls\ndata:\n  tls.crt: ${b64('-----BEGIN CERTIFICATE-----\nMIIB' + s(B64, 60) + '\n-----END CERTIFICATE-----\n')}\n  tls.key: ${b64(ecPem)}\n`, expect: [[b64(ecPem), ecPem.trim(), pemBody(ecPem)]] },
    { name: 'pem in terraform heredoc', path: 'infra/keys.tf', text: `resource "tls_locally_signed_cert" "x" {\n  ca_private_key_pem = <<EOT\n${rsaPem.trim()}\nEOT\n}\n`, expect: [pemForms(rsaPem)] },
    { name: 'pem in python string', path: 'app/keys.py', text: `PRIVATE_KEY = """${ecPem.trim()}\n"""\n`, expect: [pemForms(ecPem)] },
    // Kubernetes
    { name: 'kubeconfig client-key-data', path: '.kube/config', text: `apiVersion: v1\nkind: Config\nusers:\n- name: admin\n  user:\n    client-certificate-data: ${b64('-----BEGIN CERTIFICATE-----\nMIIB' + s(B64, 60) + '\n-----END CERTIFICATE-----\n')}\n    client-key-data: ${b64(rsaPem)}\n`, expect: [[b64(rsaPem), rsaPem.trim(), pemBody(rsaPem)]] },
    { name: 'kubeconfig token', path: 'kubeconfig.yaml', text: `users:\n- name: ci\n  user:\n    token: ${jwt}\n`, expect: [[jwt]] },
    { name: 'kubeconfig bootstrap token', path: 'kubeconfig', text: `users:\n- name: kubelet-bootstrap\n  user:\n    token: ${kubeToken}\n`, expect: [[kubeToken]] },
    // Registries and credential files
    { name: '.npmrc _authToken', path: '.npmrc', text: `registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken=${npm}\n`, expect: [[npm]] },
    { name: '.npmrc private registry', path: '.npmrc', text: `@acme:registry=https://npm.acme.io/\n//npm.acme.io/:_authToken=${npmPriv}\n`, expect: [[npmPriv]] },
    { name: '.pypirc', path: '.pypirc', text: `[distutils]\nindex-servers = pypi\n\n[pypi]\nusername = __token__\npassword = ${pypi}\n`, expect: [[pypi]] },
    { name: '.pypirc private index', path: '.pypirc', text: `[internal]\nrepository = https://pypi.acme.io/\nusername = deployer\npassword = ${pw}\n`, expect: [[pw]] },
    { name: '.netrc', path: '.netrc', text: `machine api.acme.io\n  login deployer\n  password ${pw}\n`, expect: [[pw]] },
    { name: '.netrc one line', path: '.netrc', text: `machine github.com login ci password ${ghp}\n`, expect: [[ghp]] },
    { name: 'pip.conf index-url', path: 'pip.conf', text: `[global]\nindex-url = https://deployer:${upw}@pypi.acme.io/simple\n`, expect: [[upw]] },
    { name: 'requirements extra index', path: 'requirements.txt', text: `--extra-index-url https://ci:${upw}@nexus.acme.io/repository/pypi/simple\nrequests==2.32.3\n`, expect: [[upw]] },
    { name: 'docker config.json auth', path: '.docker/config.json', text: `{\n  "auths": {\n    "registry.acme.io": {\n      "auth": "${b64('deployer:' + pw)}"\n    }\n  }\n}\n`, expect: [[b64('deployer:' + pw), pw]] },
    { name: '.git-credentials', path: '.git-credentials', text: `https://ci-bot:${ghp}@github.com\n`, expect: [[ghp]] },
    { name: '.git-credentials password', path: '.git-credentials', text: `https://deployer:${upw}@git.acme.io\n`, expect: [[upw]] },
    { name: 'maven settings.xml', path: '.m2/settings.xml', text: `<settings>\n  <servers>\n    <server>\n      <id>releases</id>\n      <username>deployer</username>\n      <password>${pw}</password>\n    </server>\n  </servers>\n</settings>\n`, expect: [[pw]] },
    { name: 'NuGet.config', path: 'NuGet.config', text: `<configuration>\n  <packageSourceCredentials>\n    <acme>\n      <add key="Username" value="deployer" />\n      <add key="ClearTextPassword" value="${pw}" />\n    </acme>\n  </packageSourceCredentials>\n</configuration>\n`, expect: [[pw]] },
    { name: 'gradle.properties', path: 'gradle.properties', text: `org.gradle.jvmargs=-Xmx2g\nnexusUsername=deployer\nnexusPassword=${pw}\n`, expect: [[pw]] },
    // Databases
    { name: 'db uri .env', path: '.env', text: `DATABASE_URL=postgres://app:${upw}@db.acme.internal:5432/app\n`, expect: [[upw]] },
    { name: 'db uri compose', path: 'docker-compose.yml', text: `services:\n  api:\n    environment:\n      MONGO_URL: mongodb+srv://api:${upw}@cluster0.ab1cd.mongodb.net/prod\n`, expect: [[upw]] },
    { name: 'db uri python', path: 'app/db.py', text: `engine = create_engine("mysql+pymysql://etl:${upw}@10.2.3.4:3306/warehouse")\n`, expect: [[upw]] },
    { name: 'redis uri', path: 'config/cache.yml', text: `production:\n  url: redis://:${upw}@cache.acme.internal:6379/0\n`, expect: [[upw]] },
    { name: 'jdbc properties', path: 'src/main/resources/application.properties', text: `spring.datasource.url=jdbc:postgresql://db:5432/app\nspring.datasource.username=app\nspring.datasource.password=${pw}\n`, expect: [[pw]] },
    { name: 'web.config connectionStrings', path: 'Web.config', text: `<connectionStrings>\n  <add name="Default" connectionString="Server=sql01.acme.local;Database=Orders;User Id=orders;Password=${pw};" providerName="System.Data.SqlClient" />\n</connectionStrings>\n`, expect: [[pw]] },
    { name: 'appsettings connection string', path: 'appsettings.json', text: `{\n  "ConnectionStrings": {\n    "Default": "Host=db;Database=shop;Username=shop;Password=${pw}"\n  }\n}\n`, expect: [[pw]] },
    { name: 'js password const in a DSN template', path: 'src/db.ts', text: `const pw = '${pw}';\nexport const url = \`postgres://app:\${pw}@db.acme.internal/app\`;\n`, expect: [[pw]] },
    { name: 'ini password with ;', path: 'config/app.ini', text: `[db]\nhost = db.acme.internal\npassword = ${semiPw}\n`, expect: [[semiPw]] },
    { name: 'yaml block scalars', path: 'config/app.yaml', text: `db:\n  password: |\n    ${pw}\n  secret_key: >-\n    ${blockKey}\n`, expect: [[pw], [blockKey]] },
    { name: 'mongodb uri with #', path: '.env', text: `MONGO_URL=mongodb+srv://app:${hashPw}@cluster0.ab1cd.mongodb.net/db\n`, expect: [[hashPw]] },
    { name: 'properties escaped', path: 'src/main/resources/application.properties', text: `spring.datasource.password=${escapedPw}\n`, expect: [[escapedPw, escapedPw.replace(/\\(.)/g, '$1')]] },
    { name: 'django DATABASES', path: 'mysite/settings.py', text: `DATABASES = {\n    "default": {\n        "ENGINE": "django.db.backends.postgresql",\n        "USER": "app",\n        "PASSWORD": "${pw}",\n    }\n}\n`, expect: [[pw]] },
    { name: 'rails database.yml', path: 'config/database.yml', text: `production:\n  adapter: postgresql\n  username: app\n  password: ${pw}\n`, expect: [[pw]] },
    { name: 'sql create user', path: 'db/init.sql', text: `CREATE USER reporting WITH PASSWORD '${pw}';\n`, expect: [[pw]] },
    { name: 'sql mysql identified by', path: 'db/grants.sql', text: `CREATE USER 'etl'@'%' IDENTIFIED BY '${pw}';\n`, expect: [[pw]] },
    { name: 'ansible vars', path: 'group_vars/all.yml', text: `mysql_root_password: "${pw}"\nmysql_port: 3306\n`, expect: [[pw]] },
    // Tokens in structured places
    { name: 'github actions with: token', path: '.github/workflows/ci.yml', text: `      - uses: actions/checkout@v4\n        with:\n          token: ${ghp}\n`, expect: [[ghp]] },
    { name: 'http basic header', path: 'logs/access.log', text: `2024-05-02 10:11:12 GET /api Authorization: Basic ${b64('svc-reports:' + pw)}\n`, expect: [[b64('svc-reports:' + pw), pw]] },
    { name: 'bearer jwt in log', path: 'logs/app.log', text: `2024-05-02T10:11:12Z DEBUG outgoing headers={'Authorization': 'Bearer ${jwt}'}\n`, expect: [[jwt]] },
    { name: 'curl -u', path: 'scripts/push.sh', text: `curl -u deployer:${upw} https://nexus.acme.io/repository/raw/\n`, expect: [[upw]] },
  ];
}

// ---------------------------------------------------------------------------------------------------

const detector = createDetector(loadBuiltinRules());
function secretsIn(path: string, text: string): string[] {
  return detector.detect({ text, provenance: { kind: 'file', path } }).map((f) => secretOf(f));
}
/** Reported: one finding's secret is the value, or holds it / is held by it (a PEM block and its body). */
const reported = (found: string[], forms: string[]): boolean =>
  found.some((x) => forms.some((v) => x === v || (x.length >= 16 && (x.includes(v) || v.includes(x)))));

describe(`real-format credentials in real file shapes (seed ${SEED})`, () => {
  it('finds every token in every context that names it, and vendor formats where nothing names them', () => {
    const misses: string[] = [];
    let cases = 0;
    for (const c of TOKEN_CONTEXTS) {
      for (const t of TOKENS) {
        if (c.bare && t.contextOnly) continue;
        cases++;
        const text = c.text(t);
        if (!reported(secretsIn(c.path, text), c.stored ? [t.value, c.stored(t)] : [t.value])) misses.push(`${c.name} / ${t.name}`);
      }
    }
    expect(cases).toBeGreaterThan(600);
    expect(misses).toEqual([]);
  });

  it('finds structured credentials (key pairs, service accounts, connection strings, keys, credential files)', () => {
    const misses: string[] = [];
    for (const c of structured()) {
      const found = secretsIn(c.path, c.text);
      c.expect.forEach((forms, i) => { if (!reported(found, forms)) misses.push(`${c.name}${c.expect.length > 1 ? ` #${i + 1}` : ''}`); });
    }
    expect(misses).toEqual([]);
  });
});

/**
 * AWS Secrets Manager: secrets are JSON objects in Secrets Manager; code fetches them through a generated
 * helper module (Python boto3, JS @aws-sdk/client-secrets-manager) or reads environment variables that
 * `secret-sweep run` fills from `.env`'s `sm://` references.
 */
import { GENERATED_MARKER, type Backend, type HelperLanguage } from './backend.js';
import { envReferences } from './env-references.js';

export const awsBackend: Backend = {
  id: 'aws',
  capabilities: { helpers: true, runReferences: true },
  repoFiles: [],
  reference: envReferences,
  helperSource(language: HelperLanguage, file: string, opts): string {
    return language === 'python' ? pythonHelper(file) : jsHelper(language, file, opts?.prefetch ?? []);
  },
  async openVault(opts) {
    const { AwsVault } = await import('../vault/aws.js');
    return new AwsVault({ region: opts.region, profile: opts.profile, endpoint: opts.endpoint });
  },
};

/** The Python helper module (`file` is `secret_sweep_secrets.py`). Python 3.8+, boto3. */
function pythonHelper(file: string): string {
  return `# ${file}: ${GENERATED_MARKER}. Safe to edit;
# secret-sweep replaces it only while this line is here.
"""Read secrets from AWS Secrets Manager for code migrated by secret-sweep.

    from ${file.replace(/\.py$/, '')} import get_secret
    password = get_secret("prod/etl/db")["password"]

get_secret(name) returns the secret's JSON object as a dict (or its text when it is not a JSON object,
bytes for a binary secret). Each secret is fetched once per process. The region comes from AWS_REGION
or AWS_DEFAULT_REGION, the endpoint from AWS_ENDPOINT_URL_SECRETS_MANAGER or AWS_ENDPOINT_URL when set
(for LocalStack, moto and the like), credentials from boto3's usual chain. Errors name the secret, never a value.
"""
import json
import os
import re
import threading
from functools import lru_cache

__all__ = ["get_secret", "resolve_environ", "resolve_settings_env", "resolve_decouple", "SecretError"]


class SecretError(RuntimeError):
    """A secret could not be read. \`code\` is Secrets Manager's error code."""

    def __init__(self, name, code, message):
        super().__init__("secret %r: %s (%s)" % (name, message, code))
        self.secret_name = name
        self.code = code


_MESSAGES = {
    "DecryptionFailure": "Secrets Manager can't decrypt the secret with its KMS key; check that the key "
    "exists, is enabled, and its policy allows you kms:Decrypt",
    "InternalServiceError": "Secrets Manager failed on its side; try again later",
    "InvalidParameter": "Secrets Manager rejected a parameter; check the secret name",
    "InvalidRequest": "the secret can't be read in its current state (is it scheduled for deletion? "
    "restore it with: aws secretsmanager restore-secret --secret-id NAME)",
    "ResourceNotFound": "no such secret in this account and region (check AWS_REGION and the name)",
    "AccessDenied": "access denied: your IAM policy must allow secretsmanager:GetSecretValue on it",
}

_lock = threading.Lock()


@lru_cache(maxsize=None)
def _client():
    import boto3  # here, so that importing this module never needs boto3

    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    # Passed explicitly: boto3 before 1.28 (Debian 12 has 1.26) reads neither variable itself.
    endpoint = os.environ.get("AWS_ENDPOINT_URL_SECRETS_MANAGER") or os.environ.get("AWS_ENDPOINT_URL")
    kwargs = {}
    if region:
        kwargs["region_name"] = region
    if endpoint:
        kwargs["endpoint_url"] = endpoint
    # A .env that keeps the program's own AWS keys in the vault puts sm:// references in these variables
    # (load_dotenv): boto3 would sign with them, ahead of the role or profile that can read them. They are
    # set aside while the client takes its credentials (botocore resolves them when creating it).
    held = {k: os.environ.pop(k) for k in _CREDENTIAL_VARIABLES if "sm://" in os.environ.get(k, "")}
    try:
        return boto3.session.Session().client("secretsmanager", **kwargs)
    finally:
        os.environ.update(held)


_CREDENTIAL_VARIABLES = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN")


def _short(code):
    # Older SDKs and documents say "DecryptionFailureException", "InternalServiceErrorException".
    for suffix in ("Exception", "Error"):
        if code.endswith(suffix) and code[: -len(suffix)] in _MESSAGES:
            return code[: -len(suffix)]
    return code


@lru_cache(maxsize=None)
def _raw(name):
    from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, NoRegionError

    try:
        with _lock:
            client = _client()
        response = client.get_secret_value(SecretId=name)
    except ClientError as e:
        code = str(e.response.get("Error", {}).get("Code", "Unknown"))
        message = _MESSAGES.get(_short(code), "Secrets Manager refused the request")
        raise SecretError(name, code, message) from None
    except NoRegionError:
        raise SecretError(name, "NoRegion", "no AWS region: set AWS_REGION or AWS_DEFAULT_REGION") from None
    except NoCredentialsError:
        raise SecretError(name, "NoCredentials", "no AWS credentials found (set AWS_PROFILE or run aws configure)") from None
    except BotoCoreError as e:
        raise SecretError(name, type(e).__name__, "could not reach Secrets Manager") from None
    return response["SecretString"] if "SecretString" in response else response["SecretBinary"]


@lru_cache(maxsize=None)
def _fetch(name):
    text = _raw(name)
    if isinstance(text, bytes):
        return text
    try:
        value = json.loads(text)
    except ValueError:
        return text
    return value if isinstance(value, dict) else text


def get_secret(name):
    """The secret \`name\`: a dict for a JSON key/value secret, else its text (or bytes)."""
    value = _fetch(name)
    return dict(value) if isinstance(value, dict) else value


_WHOLE_REF = re.compile(r"sm://([A-Za-z0-9/_+=.@-]{1,512})(?:#([A-Za-z0-9_.@+-]{1,256}))?")
_TEMPLATE_REF = re.compile(r"\\$\\{sm://([A-Za-z0-9/_+=.@-]{1,512})(?:#([A-Za-z0-9_.@+-]{1,256}))?\\}")


def _ref_value(variable, name, key):
    if key is None:
        text = _raw(name)
        return text.decode("utf-8") if isinstance(text, bytes) else text
    value = _fetch(name)
    if not isinstance(value, dict):
        raise SecretError(name, "NotJsonObject", "%s: the secret is not a JSON object, so it has no key %r" % (variable, key))
    if key not in value:
        raise SecretError(name, "NoSuchKey", "%s: the secret has no key %r" % (variable, key))
    v = value[key]
    return v if isinstance(v, str) else json.dumps(v)


def resolve_environ(environ=None):
    """Replace each sm://NAME#KEY reference in os.environ (or the mapping given) by the secret's value, as
    \`secret-sweep run\` does: for code that loads a migrated .env file itself (load_dotenv)."""
    env = os.environ if environ is None else environ
    for variable, text in list(env.items()):
        if not isinstance(text, str) or "sm://" not in text:
            continue
        whole = _WHOLE_REF.fullmatch(text)
        if whole:
            env[variable] = _ref_value(variable, whole.group(1), whole.group(2))
        else:
            env[variable] = _TEMPLATE_REF.sub(lambda m: _ref_value(variable, m.group(1), m.group(2)), text)
    return env


def _resolve_settings_files(settings_class):
    config = getattr(settings_class, "model_config", None)
    if isinstance(config, dict):
        files, encoding = config.get("env_file"), config.get("env_file_encoding")
    else:  # pydantic 1: class Config
        config = getattr(settings_class, "__config__", None)
        files, encoding = getattr(config, "env_file", None), getattr(config, "env_file_encoding", None)
    # The files as pydantic reads them (python-dotenv): relative to the working folder, the last one winning.
    found = {}
    for f in [] if not files else [files] if isinstance(files, (str, os.PathLike)) else files:
        f = os.path.expanduser(f)
        if os.path.isfile(f):
            from dotenv import dotenv_values

            found.update(dotenv_values(f, encoding=encoding or "utf8"))
    refs = {k: v for k, v in found.items() if isinstance(v, str) and "sm://" in v and k not in os.environ}
    os.environ.update(resolve_environ(refs))


def resolve_settings_env(settings_class):
    """For a pydantic BaseSettings class that reads an env_file itself: when the class (or a subclass) is first
    instantiated, as pydantic reads the file, set each variable the file gives an sm://NAME#KEY reference, and
    the environment does not have, to the secret's value. pydantic takes the environment over its env_file, so
    the settings get the values, as under \`secret-sweep run\`; a program that only imports the module fetches nothing."""
    import functools

    init, resolved = settings_class.__init__, set()

    @functools.wraps(init)
    def __init__(self, *args, **kwargs):
        if type(self) not in resolved:
            resolved.add(type(self))
            _resolve_settings_files(type(self))
        init(self, *args, **kwargs)

    settings_class.__init__ = __init__
    return settings_class


def resolve_decouple():
    """For python-decouple's \`config\`, which reads the settings.ini or .env it finds from its caller's folder
    upwards: set each variable that .env gives an sm://NAME#KEY reference, and the environment does not have,
    to the secret's value (decouple takes the environment over the file). Call it in the module that calls config()."""
    import sys

    folder = os.path.dirname(os.path.abspath(sys._getframe(1).f_code.co_filename))
    while folder and folder != os.path.abspath(os.sep):
        if os.path.isfile(os.path.join(folder, "settings.ini")):
            return
        path = os.path.join(folder, ".env")
        if os.path.isfile(path):
            break
        folder = os.path.dirname(folder)
    else:
        return
    refs = {}
    with open(path, encoding="UTF-8") as f:  # as decouple's RepositoryEnv reads it
        for line in f:
            line = line.strip()
            if not line or line.startswith("#") or "=" not in line:
                continue
            k, v = (x.strip() for x in line.split("=", 1))
            if len(v) >= 2 and v[0] == v[-1] and v[0] in ("'", '"'):
                v = v[1:-1]
            if "sm://" in v and k not in os.environ:
                refs[k] = v
    os.environ.update(resolve_environ(refs))


get_secret.resolve_environ = resolve_environ  # one name to import: get_secret.resolve_environ()
get_secret.resolve_settings_env = resolve_settings_env
get_secret.resolve_decouple = resolve_decouple
`;
}

/**
 * The TypeScript helper's imports and the path it resolves the SDK from: tsc allows import.meta only when
 * it emits ES modules (TS1343), and the helper must compile whatever the package's tsconfig says. Module
 * names without `node:`, as in the CommonJS helper (ts-jest on Jest before 27 compiles to require()).
 */
const TS_PREAMBLE = `import { execFileSync } from 'child_process';
import { createRequire } from 'module';
import { dirname, isAbsolute, join } from 'path';
import { fileURLToPath } from 'url';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

// This file's path, which the SDK is resolved from: __filename under CommonJS (tsc to CommonJS, ts-node, a
// CommonJS bundle; \`node -e\` defines it as [eval]), else this function's own stack frame (tsc to ES modules,
// tsx, an ES module bundle: tsc allows import.meta only when it emits ES modules), else the main script.
function modulePath(): string {
  if (typeof __filename === 'string' && isAbsolute(__filename)) return __filename;
  const frame = /\\((.+?):\\d+:\\d+\\)$|at (.+?):\\d+:\\d+$/.exec((new Error().stack ?? '').split('\\n')[1]?.trim() ?? '');
  const at = frame?.[1] ?? frame?.[2];
  if (at?.startsWith('file://')) return fileURLToPath(at);
  if (at && isAbsolute(at)) return at;
  const main = process.argv[1];
  return main && isAbsolute(main) ? main : join(process.cwd(), 'index.js');
}

const hereFile = modulePath();
const requireHere = createRequire(hereFile);`;

/**
 * The JS helper module, one source for its three flavours: TypeScript, and the same code without types
 * as an ES module (`.mjs`) or CommonJS (`.cjs`). `t(...)` is text only the TypeScript flavour has.
 */
function jsHelper(kind: Exclude<HelperLanguage, 'python'>, file: string, prefetch: readonly string[]): string {
  const ts = kind === 'ts';
  const t = (typed: string, plain = '') => (ts ? typed : plain);
  const exp = kind === 'cjs' ? '' : 'export ';
  // CommonJS loads the SDK on first use, so a program that needs no secret (its variable is set) runs without it.
  // The ES module flavour too, through createRequire: a bundler leaves such a call alone, so the SDK's
  // CommonJS code stays out of an ES module bundle (where its require('node:https') throws "Dynamic
  // require ... is not supported") and Node finds it at run time in node_modules or on NODE_PATH.
  // CommonJS requires 'child_process', not 'node:child_process': module loaders that stand in for Node's
  // (Jest before 27, which an Express boilerplate's tests still ran on) fail on the `node:` prefix.
  const imp = kind === 'cjs'
    ? `'use strict';\nconst { execFileSync } = require('child_process');`
    : kind === 'mjs'
      ? `import { execFileSync } from 'node:child_process';\nimport { createRequire } from 'node:module';\nimport { dirname } from 'node:path';\nimport { fileURLToPath } from 'node:url';\n\n// A bundle in CommonJS has an empty import.meta, and __filename (which \`node -e\` also defines, as [eval]).\nconst requireHere = createRequire(import.meta.url || __filename);`
      // TypeScript the same way, but tsc refuses import.meta unless it emits ES modules (TS1343).
      : TS_PREAMBLE;
  const sdk = (names: string) => `\n    const { ${names} } = ${kind === 'cjs' ? 'require' : 'requireHere'}('@aws-sdk/client-secrets-manager')${t(" as typeof import('@aws-sdk/client-secrets-manager')")};`;
  // Where the synchronous fetch resolves the SDK from: this file's folder (TypeScript: that of the path
  // its createRequire uses). A bundler that turns the ES module into
  // CommonJS empties import.meta but gives __dirname (the bundle's folder).
  const here = kind === 'cjs' ? '__dirname' : kind === 'mjs' ? 'import.meta.url ? dirname(fileURLToPath(import.meta.url)) : __dirname' : 'dirname(hereFile)';
  return `// ${file}: ${GENERATED_MARKER}. Safe to edit; secret-sweep replaces it only while this line stays.
//
// Reads secrets from AWS Secrets Manager at run time, once per secret per process:
//   const password = await getSecret('prod/app/db', 'password'); // one key of a JSON secret
//   const all = await getSecret('prod/app/db');                  // the whole JSON object (or text)
// Region from AWS_REGION or AWS_DEFAULT_REGION, endpoint from AWS_ENDPOINT_URL_SECRETS_MANAGER or AWS_ENDPOINT_URL;
// credentials from the usual AWS chain. Needs the @aws-sdk/client-secrets-manager package.
// Where \`await\` is not allowed (CommonJS top level, a synchronous function), getSecretSync(name, key)
// fetches the same way in a short child process (the first one fetches every secret PREFETCH names).
${imp}
${t(`
export type SecretValue = Record<string, unknown> | string;
`)}
${exp}class SecretError extends Error {
  constructor(message${t(': string')}, options${t('?: { cause?: unknown }')}) {
    // Not super(message, options): TypeScript's lib before es2022 declares Error(message) only.
    super(message);
    this.name = 'SecretError';
    if (options) Object.defineProperty(this, 'cause', { value: options.cause, writable: true, configurable: true });
  }
}

const HINTS${t(': Record<string, string>')} = {
  ResourceNotFoundException: 'no such secret (check the name and the region)',
  AccessDeniedException: 'access denied (the IAM policy needs secretsmanager:GetSecretValue on it)',
  DecryptionFailure: 'KMS could not decrypt it (the key policy must allow kms:Decrypt)',
  InvalidRequestException: 'Secrets Manager refused the request (is the secret scheduled for deletion?)',
  InvalidParameterException: 'Secrets Manager rejected a parameter',
  InternalServiceError: 'Secrets Manager failed; try again',
};

// The SDK says only "Region is missing" when neither variable nor a profile gives one.
function hint(err${t(': { name?: string; message?: string }')})${t(': string | undefined')} {
  if (err.name && HINTS[err.name]) return HINTS[err.name];
  if (/region is missing/i.test(err.message ?? '')) return 'no AWS region: set AWS_REGION or AWS_DEFAULT_REGION';
  return err.message;
}

let client${t(': InstanceType<typeof SecretsManagerClient> | undefined')};
const cache = new Map${t('<string, Promise<SecretValue>>')}();
const syncCache = new Map${t('<string, SecretValue>')}();
// The secrets this folder's files read with getSecretSync (secret-sweep writes the list from their calls).
const PREFETCH${t(': string[]')} = ${JSON.stringify([...prefetch])};

function smClient()${t(': InstanceType<typeof SecretsManagerClient>')} {
  if (!client) {${sdk('SecretsManagerClient')}
    const region = process.env['AWS_REGION'] || process.env['AWS_DEFAULT_REGION'];
    const endpoint = process.env['AWS_ENDPOINT_URL_SECRETS_MANAGER'] || process.env['AWS_ENDPOINT_URL'];
    // The SDK warns on stderr (once per process) that its 2027 releases need Node 22: the program printed no
    // such line before it read secrets, so its first client is made quietly (a value the user set stands).
    const quiet = process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] === undefined;
    if (quiet) process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';
    try {
      client = new SecretsManagerClient({ ...(region ? { region } : {}), ...(endpoint ? { endpoint } : {}) });
    } finally {
      if (quiet) delete process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'];
    }
  }
  return client;
}

async function load(name${t(': string')})${t(': Promise<SecretValue>')} {
  let text${t(': string')};
  try {${sdk('GetSecretValueCommand')}
    const out = await smClient().send(new GetSecretValueCommand({ SecretId: name }));
    text = out.SecretString ?? (out.SecretBinary ? Buffer.from(out.SecretBinary).toString('utf8') : '');
  } catch (e) {
    const err = ${t('(e ?? {}) as { name?: string; message?: string }', 'e ?? {}')};
    throw new SecretError(\`cannot read secret \${name}: \${hint(err) || String(e)}\`, { cause: e });
  }
  return decode(text);
}

function decode(text${t(': string')})${t(': SecretValue')} {
  try {
    const v${t(': unknown')} = JSON.parse(text);
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) return v${t(' as Record<string, unknown>')};
  } catch {
    // not JSON: the text itself
  }
  return text;
}

/** getSecret(name) -> the JSON object (or text); getSecret(name, key) -> that key's value as a string. */
${t(`export function getSecret(name: string): Promise<SecretValue>;
export function getSecret(name: string, key: string): Promise<string>;
`)}${exp}async function getSecret(name${t(': string')}, key${t('?: string')})${t(': Promise<SecretValue>')} {
  const known = syncCache.get(name);
  if (known !== undefined) return pick(name, known, key);
  let p = cache.get(name);
  if (!p) {
    p = load(name);
    cache.set(name, p);
    // Once here, getSecretSync reuses it (one fetch per secret per process, whichever asks first).
    p.then((v) => syncCache.set(name, v), () => cache.delete(name));
  }
  return pick(name, await p, key);
}

function pick(name${t(': string')}, value${t(': SecretValue')}, key${t('?: string')})${t(': SecretValue')} {
  if (key === undefined) return value;
  if (typeof value === 'string' || !(key in value)) throw new SecretError(\`secret \${name} has no key \${key}\`);
  const v = value[key];
  return typeof v === 'string' ? v : JSON.stringify(v);
}

// The child process: fetch the secrets named after \`dir\` with the SDK resolved from \`dir\`, print
// { values: [[name, text]], errors: [[name, { name, message }]] } or { error }. Several names: one
// BatchGetSecretValue per 20; each name it does not return (an SDK or a server without the operation, a
// policy without secretsmanager:BatchGetSecretValue, a per-secret error) is asked with GetSecretValue,
// whose error is the one reported.
const FETCH_CHILD = \`
const [dir, ...names] = process.argv.slice(1);
(async () => {
  const id = '@aws-sdk/client-secrets-manager';
  // From the module's folder, else the working folder and NODE_PATH (a bundle deployed without node_modules, as on Lambda).
  let sdk;
  try { sdk = require('node:module').createRequire(dir + '/')(id); } catch { sdk = require(id); }
  const region = process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION;
  const endpoint = process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER || process.env.AWS_ENDPOINT_URL;
  const c = new sdk.SecretsManagerClient({ ...(region ? { region } : {}), ...(endpoint ? { endpoint } : {}) });
  const text = (out) => out.SecretString ?? (out.SecretBinary ? Buffer.from(out.SecretBinary).toString('utf8') : '');
  const values = new Map();
  const errors = [];
  if (names.length > 1 && sdk.BatchGetSecretValueCommand) {
    for (let i = 0; i < names.length; i += 20) {
      const ids = names.slice(i, i + 20);
      try {
        const out = await c.send(new sdk.BatchGetSecretValueCommand({ SecretIdList: ids }));
        for (const v of out.SecretValues || []) {
          const n = ids.find((x) => x === v.Name || x === v.ARN);
          if (n !== undefined) values.set(n, text(v));
        }
      } catch {
        // asked one by one below
      }
    }
  }
  await Promise.all(names.filter((n) => !values.has(n)).map(async (n) => {
    try {
      values.set(n, text(await c.send(new sdk.GetSecretValueCommand({ SecretId: n }))));
    } catch (e) {
      errors.push([n, { name: e && e.name, message: String((e && e.message) || e).split('\\\\n')[0] }]);
    }
  }));
  process.stdout.write(JSON.stringify({ values: [...values], errors }));
})().catch((e) => process.stdout.write(JSON.stringify({ error: { name: e && e.name, message: String((e && e.message) || e).split('\\\\n')[0] } })));
\`;

// The child's environment without the variables that still hold sm:// references: a .env that keeps the
// program's own AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY in the vault would otherwise hand the SDK the
// references as its credentials, ahead of the role or profile that can read them.
function fetchEnv()${t(': Record<string, string | undefined>')} {
  // A loop, not Object.fromEntries: a tsconfig whose lib predates ES2019 compiles this file too.
  const env${t(': Record<string, string | undefined>')} = {};
  for (const k of Object.keys(process.env)) if (!String(process.env[k]).includes('sm://')) env[k] = process.env[k];
  return env;
}

/**
 * getSecret for code that cannot await: the same lookup, synchronously, in a child process. The first one
 * also fetches the other secrets PREFETCH names (what this folder's files read this way), so a program
 * pays one child process, not one per secret; a secret it could not fetch is asked again when read.
 */
${t(`export function getSecretSync(name: string): SecretValue;
export function getSecretSync(name: string, key: string): string;
`)}${exp}function getSecretSync(name${t(': string')}, key${t('?: string')})${t(': SecretValue')} {
  let value = syncCache.get(name);
  if (value === undefined) {
    const names = [name, ...PREFETCH.filter((n) => n !== name && !syncCache.has(n))];
    let reply${t(': { values?: Array<[string, string]>; errors?: Array<[string, { name?: string; message?: string }]>; error?: { name?: string; message?: string } }')};
    try {
      reply = JSON.parse(execFileSync(process.execPath, ['-e', FETCH_CHILD, ${here}, ...names], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000, env: fetchEnv() }));
    } catch (e) {
      throw new SecretError(\`cannot read secret \${name}: the fetch process failed (\${${t('(e as Error)', 'e')}.message.split('\\n')[0]})\`, { cause: e });
    }
    for (const [n, text] of reply.values ?? []) if (names.includes(n) && !syncCache.has(n)) syncCache.set(n, decode(text));
    value = syncCache.get(name);
    if (value === undefined) {
      const err = reply.error ?? (reply.errors ?? []).find(([n]) => n === name)?.[1] ?? {};
      throw new SecretError(\`cannot read secret \${name}: \${hint(err) || 'no value'}\`);
    }
  }
  return pick(name, value, key);
}

/**
 * Replace each sm://NAME#KEY reference in process.env (or \`env\`) by its value, synchronously, as
 * \`secret-sweep run\` does: for code that loads a migrated .env file itself (dotenv). One child process.
 */
${exp}function resolveEnvSync(env${t(': Record<string, string | undefined>')} = process.env)${t(': Record<string, string | undefined>')} {
  const whole = /^sm:\\/\\/([A-Za-z0-9/_+=.@-]{1,512})(?:#([A-Za-z0-9_.@+-]{1,256}))?$/;
  const template = /\\$\\{sm:\\/\\/([A-Za-z0-9/_+=.@-]{1,512})(?:#([A-Za-z0-9_.@+-]{1,256}))?\\}/g;
  const refs = Object.entries(env).filter((e)${t(': e is [string, string]')} => typeof e[1] === 'string' && e[1].includes('sm://'));
  // Every secret the references name, fetched together by the first read (one child process).
  for (const [, v] of refs) for (const m of v.matchAll(/sm:\\/\\/([A-Za-z0-9/_+=.@-]{1,512})/g)) if (!PREFETCH.includes(m[1]${t('!')})) PREFETCH.push(m[1]${t('!')});
  const valueOf = (name${t(': string')}, key${t('?: string')})${t(': string')} => {
    if (key !== undefined) return getSecretSync(name, key);
    const v = getSecretSync(name);
    return typeof v === 'string' ? v : JSON.stringify(v);
  };
  for (const [k, v] of refs) {
    const m = whole.exec(v);
    env[k] = m ? valueOf(m[1]${t('!')}, m[2]) : v.replace(template, (_s, n${t(': string')}, key${t('?: string')}) => valueOf(n, key));
  }
  return env;
}
${kind === 'cjs' ? '\nmodule.exports = { getSecret, getSecretSync, resolveEnvSync, SecretError };\n' : ''}`;
}

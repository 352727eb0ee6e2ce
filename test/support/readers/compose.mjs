/**
 * Reads a service's environment value as `docker compose up` would: `${VAR}`, `${VAR:-default}`,
 * `${VAR-default}`, `${VAR:?message}`, `$VAR` and `$$` are interpolated from the shell environment,
 * then from the `.env` file of the project folder; an unset variable becomes "" (compose only warns,
 * here it fails: an empty password is not the one the original deployed).
 * Usage: node compose.mjs docker-compose.yml SERVICE VAR
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { fail, fp } from './common.mjs';

const [file, service, name] = process.argv.slice(2);
const dotenv = {};
const envFile = join(dirname(file), '.env');
if (existsSync(envFile)) {
  for (const line of readFileSync(envFile, 'utf8').split('\n')) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m || line.trim().startsWith('#')) continue;
    let v = m[2].trim();
    if (/^(['"]).*\1$/.test(v)) v = v.slice(1, -1);
    else v = v.replace(/\s+#.*$/, '');
    dotenv[m[1]] = v;
  }
}
const lookup = (k) => (process.env[k] !== undefined ? process.env[k] : dotenv[k]);

function interpolate(s) {
  return s.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (all, braced, op, arg, bare) => {
    if (all === '$$') return '$';
    const k = braced ?? bare;
    const v = lookup(k);
    if (op === ':-') return v ? v : arg;
    if (op === '-') return v !== undefined ? v : arg;
    if (op === ':?' || op === '?') {
      if (op === ':?' ? !v : v === undefined) fail(`compose: required variable ${k} is missing a value: ${arg}`);
      return v;
    }
    if (v === undefined) fail(`compose: the "${k}" variable is not set. Defaulting to a blank string.`);
    return v;
  });
}

const doc = parse(readFileSync(file, 'utf8'));
const env = doc?.services?.[service]?.environment;
let raw;
if (Array.isArray(env)) {
  const e = env.find((x) => String(x).startsWith(`${name}=`));
  raw = e === undefined ? undefined : String(e).slice(name.length + 1);
} else raw = env?.[name];
if (raw === undefined || raw === null) fail(`compose: services.${service}.environment.${name} is not set`);
const value = interpolate(String(raw));
if (value.startsWith('sm://')) fail(`compose: ${name} would be the literal reference ${value.split('#')[0]}`);
console.log('compose', fp(value));

/**
 * Secret names: the template (`{env}/{app}/{resource}`), resource slugs, Secrets Manager's name rules, and
 * collisions resolved deterministically (by first location; suffix from the file, then -N).
 */
import { SweepError } from '../../errors.js';
import type { RuleMigration } from '../../rules/rule.js';

export const DEFAULT_NAME_TEMPLATE = '{env}/{app}/{resource}';
export const MAX_NAME_LENGTH = 512;
const NAME_CHARS = /^[A-Za-z0-9/_+=.@-]+$/;
const PART_CHARS = /^[A-Za-z0-9_+=.@-]+$/;
const PLACEHOLDERS = new Set(['env', 'app', 'resource']);
/** What AWS says not to end a name with: it can be confused with the random suffix of the secret's ARN. */
export const ARN_SUFFIX = /-[A-Za-z0-9]{6}$/;

/** Check a name template; throws a one-line SweepError naming what is wrong. */
export function validateTemplate(template: string): void {
  const where = '--name-template';
  if (!template) throw new SweepError(`${where} is empty`);
  const names = [...template.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1]!);
  for (const n of names) {
    if (!PLACEHOLDERS.has(n)) throw new SweepError(`${where}: unknown placeholder {${n}} (use {env}, {app} and {resource})`);
  }
  if (!names.includes('resource')) throw new SweepError(`${where} must contain {resource}, or every secret would get the same name`);
  const literal = template.replace(/\{(env|app|resource)\}/g, '');
  if (/[{}]/.test(literal)) throw new SweepError(`${where}: unbalanced { or } in ${template}`);
  if (literal && !NAME_CHARS.test(literal)) {
    throw new SweepError(`${where}: ${template} has characters Secrets Manager does not allow in names (use letters, digits and /_+=.@-)`);
  }
  if (/\/\/|^\/|\/$/.test(template.replace(/\{(env|app|resource)\}/g, 'x'))) {
    throw new SweepError(`${where}: ${template} would give names with an empty path segment (leading, trailing or double /)`);
  }
}

export function validatePart(flag: string, value: string): void {
  if (!value) throw new SweepError(`${flag} is required`);
  if (!PART_CHARS.test(value) || value.length > 128) {
    throw new SweepError(`${flag} ${JSON.stringify(value)}: use up to 128 letters, digits and _+=.@-`);
  }
}

/** Throws when `name` is not a valid Secrets Manager name. */
export function validateSecretName(name: string): void {
  if (name.length < 1 || name.length > MAX_NAME_LENGTH || !NAME_CHARS.test(name)) {
    throw new SweepError(`invalid secret name ${JSON.stringify(name.slice(0, 80))}: Secrets Manager names are 1-512 letters, digits and /_+=.@-`);
  }
}

export function renderName(template: string, env: string, app: string, resource: string): string {
  return template.replace(/\{(env|app|resource)\}/g, (_, p: string) => (p === 'env' ? env : p === 'app' ? app : resource));
}

/** `Prod_DB.Password` -> `prod-db.password`; at most `max` characters; '' when nothing is left. */
export function slug(s: string, max = 100): string {
  return s
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9.]+/g, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, max)
    .replace(/[-.]+$/, '');
}

/**
 * The resource a rule's values go under when nothing better is known: the rule's `migrate.resource`
 * (`{file}`: the file's name), else the vendor, the first part of the rule id.
 */
export function ruleResource(rule: string, migration: RuleMigration | undefined, file: string): string {
  const vendor = rule.split('-')[0]!;
  const r = migration?.resource;
  if (r === '{file}') return fileStem(file) || vendor;
  return r ?? vendor;
}

const DOTENV_NAME = /^(?:\.env(?:\.[A-Za-z0-9_-]+)*|[A-Za-z0-9_-]+\.env|\.flaskenv)$/;

/**
 * A file's name without its extension; for a folder's entry module (`config/index.js`, what
 * `require('./config')` loads; a Python package's `credentials/__init__.py`, what `import credentials`
 * runs) the folder's name, past source-layout folders (`cfg/lib/index.js` -> cfg).
 */
export function fileStem(file: string): string {
  const parts = file.split('/');
  const base = parts.pop() ?? file;
  // A .env names no resource (every app has one): its folder does (`services/billing/.env`), else the app itself.
  if (DOTENV_NAME.test(base)) {
    while (parts.length && /^(src|lib|config|conf|settings|env|envs|\.)$/i.test(parts[parts.length - 1]!)) parts.pop();
    return slug(parts.pop() ?? '') || 'app';
  }
  const stem = slug(base.replace(/\.[A-Za-z0-9]+$/, '') || base);
  const entry = /^(index|main|mod)$/.test(stem) && /\.[cm]?[jt]sx?$/i.test(base) || /^__(init|main)__\.pyw?$/.test(base);
  if (!entry) return stem;
  while (parts.length && /^(src|lib|dist|build|out|\.)$/.test(parts[parts.length - 1]!)) parts.pop();
  return slug(parts.pop() ?? '') || stem;
}

/** A key's slug without the words the resource already says (`stripe` + STRIPE_WEBHOOK_SECRET -> webhook-secret). */
function keySuffix(base: string, key: string): string {
  const have = new Set(base.split(/[-.]/));
  const words = slug(key.split('.').pop() ?? key, 60).split(/[-.]/).filter((w) => w && !have.has(w));
  return words.join('-');
}

/**
 * Names for the secrets of one plan, given in order of their first location: the template with the
 * resource; a name already given gets the file's name appended, else (same file) the value's key, then -2, -3, ... Throws a SweepError when
 * the template leaves no room for the resource or a name is invalid.
 */
export function nameAllocator(template: string, env: string, app: string): (resource: string, file: string, key?: string) => { name: string; resource: string } {
  const taken = new Set<string>();
  /** The file of the first value that wanted each name. */
  const holder = new Map<string, string>();
  const limit = MAX_NAME_LENGTH - renderName(template, env, app, '').length;
  if (limit < 1) throw new SweepError(`--name-template with this --env and --app leaves no room for the resource (names are at most ${MAX_NAME_LENGTH} characters)`);
  return (wanted, file, key) => {
    const base = wanted.slice(0, Math.max(1, limit - 12)).replace(/[-.]+$/, '') || 'secret';
    let resource = base;
    let name = renderName(template, env, app, resource);
    const wantedName = name;
    const keyPart = key === undefined ? '' : keySuffix(base, key);
    const byKey = `${base}-${keyPart}`.slice(0, Math.max(1, limit - 4)).replace(/[-.]+$/, '');
    if (taken.has(name) && keyPart && holder.get(wantedName) === file && !taken.has(renderName(template, env, app, byKey))) {
      // Two values of one file that want one name (`SECRET_KEY` and `API_TOKEN` in config.py): the key tells
      // them apart better than the file's name or a number (config-api-token, not config-2).
      resource = byKey;
      name = renderName(template, env, app, resource);
    } else if (taken.has(name)) {
      const stem = fileStem(file);
      resource = stem && stem !== base ? `${base}-${stem}` : base;
      name = renderName(template, env, app, resource);
      for (let n = 2; taken.has(name); n++) {
        resource = `${base}${stem && stem !== base ? `-${stem}` : ''}-${n}`;
        name = renderName(template, env, app, resource);
      }
    }
    // AWS: a name ending in a hyphen and six characters can be taken for the random ARN suffix
    // (`aws-s3-upload`, `db-config`): the last hyphen of the resource becomes `_` (`aws-s3_upload`).
    const armored = resource.replace(/-([A-Za-z0-9]{6})$/, '_$1');
    if (armored !== resource && ARN_SUFFIX.test(name) && !taken.has(renderName(template, env, app, armored))) {
      taken.add(name); // the next value that wants it gets -2, not this one's look-alike
      resource = armored;
      name = renderName(template, env, app, resource);
    }
    validateSecretName(name);
    taken.add(name);
    if (!holder.has(wantedName)) holder.set(wantedName, file);
    return { name, resource };
  };
}

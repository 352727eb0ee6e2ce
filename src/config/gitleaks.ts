/**
 * Reading a gitleaks `.gitleaks.toml`, so teams leaving gitleaks bring their config with them.
 *
 * Mapped: `[extend] useDefault` / `disabledRules`, `[[rules]]` (id, description, regex, secretGroup,
 * entropy, keywords, path, tags, `[[rules.allowlists]]` and the older `[rules.allowlist]`: regexes,
 * regexTarget, paths, stopwords, condition = "OR"), and the global `[allowlist]` / `[[allowlists]]`
 * (regexes, paths, stopwords, commits). gitleaks paths are regexes (ours are gitignore globs), so global
 * path regexes go to `allowlist.pathRegexes`. Anything else gives a warning naming the key: never a
 * silent skip. Regexes must compile under RE2 (Go's regexp is RE2 syntax, so nearly all do); one that
 * does not is a one-line error at file:line.
 */
import { createRequire } from 'node:module';
import { basename, relative } from 'node:path';
import { SweepError } from '../errors.js';
import type { RuleAllowlist, RuleSpec } from '../rules/rule.js';
import { loadBuiltinScanRules } from '../rules/load.js';
import { compileRe2, validateRule } from '../rules/validate.js';
import { quoteUserText, regexErrorMessage } from '../findings/redact.js';
// Type-only: config.ts imports this file, so no runtime import back (no module cycle).
import type { SweepConfig } from './config.js';

/** The name gitleaks looks for at the root of a scan. */
export const GITLEAKS_CONFIG_NAMES = ['.gitleaks.toml'];

/** True for a file we read as a gitleaks config: any `*.toml` (gitleaks configs are TOML; ours YAML). */
export function isGitleaksConfig(path: string): boolean {
  return /\.toml$/i.test(basename(path));
}

/** What an imported config adds to SweepConfig's allowlist (see the integration note in the report). */
export interface GitleaksAllowlistExtras {
  /** gitleaks global allowlist `paths`: regexes on the path relative to the scanned root. */
  pathRegexes: string[];
  /** gitleaks global allowlist `commits`: findings in these commits are ignored by git sources. */
  commits: string[];
}

export type ImportedConfig = SweepConfig & { allowlist: SweepConfig['allowlist'] & GitleaksAllowlistExtras };

type Toml = Record<string, unknown>;

const requireCjs = createRequire(import.meta.url);
let toml: typeof import('smol-toml') | undefined;
/** smol-toml, loaded on first use (most scans have no TOML config). */
function tomlLib(): typeof import('smol-toml') {
  toml ??= requireCjs('smol-toml') as typeof import('smol-toml');
  return toml;
}

function shown(file: string): string {
  const r = relative(process.cwd(), file);
  return r && !r.startsWith('..') ? r : file;
}

const TOP_KEYS = new Set(['title', 'description', 'extend', 'rules', 'allowlist', 'allowlists', 'minVersion']);
const EXTEND_KEYS = new Set(['useDefault', 'disabledRules', 'path', 'url']);
const RULE_KEYS = new Set(['id', 'description', 'regex', 'secretGroup', 'entropy', 'keywords', 'path', 'tags', 'allowlist', 'allowlists']);
const ALLOW_KEYS = new Set(['description', 'condition', 'commits', 'paths', 'regexTarget', 'regexes', 'stopwords', 'targetRules']);

/**
 * A few gitleaks default-rule ids and the built-in rules covering the same tokens, so that
 * `[extend] disabledRules = ["generic-api-key"]` keeps meaning what the team meant.
 */
export const GITLEAKS_ID_MAP: Record<string, string[]> = {
  'generic-api-key': ['generic-password-assignment'],
  'aws-access-token': ['aws-access-key-id'],
  'github-pat': ['github-pat-classic'],
  'github-fine-grained-pat': ['github-fine-grained-pat'],
  'github-oauth': ['github-oauth-token'],
  'github-app-token': ['github-user-to-server-token', 'github-server-to-server-token'],
  'github-refresh-token': ['github-refresh-token'],
  'gitlab-pat': ['gitlab-pat'],
  'slack-bot-token': ['slack-bot-token'],
  'slack-webhook-url': ['slack-webhook-url'],
  'stripe-access-token': ['stripe-secret-key', 'stripe-restricted-key'],
  'private-key': ['private-key-rsa', 'private-key-ec', 'private-key-dsa', 'private-key-openssh', 'private-key-pgp', 'private-key-pkcs8', 'private-key-pkcs8-encrypted', 'private-key-putty'],
  'jwt': ['jwt'],
  'gcp-api-key': ['google-api-key'],
  'npm-access-token': ['npm-access-token'],
  'pypi-upload-token': ['pypi-upload-token'],
  'sendgrid-api-token': ['sendgrid-api-key'],
  'twilio-api-key': ['twilio-api-key'],
  'openai-api-key': ['openai-api-key', 'openai-project-key'],
  'anthropic-api-key': ['anthropic-api-key'],
  'hashicorp-tf-api-token': ['terraform-cloud-token'],
  'vault-service-token': ['vault-service-token'],
  'databricks-api-token': ['databricks-token'],
  'heroku-api-key': ['heroku-api-key'],
  'shopify-access-token': ['shopify-access-token'],
  'shopify-shared-secret': ['shopify-shared-secret'],
  'telegram-bot-api-token': ['telegram-bot-token'],
  'discord-api-token': ['discord-bot-token'],
  'kubernetes-secret-yaml': ['kubernetes-secret-data', 'kubernetes-secret-data-kind-after'],
};

/** 1-based line of the first line matching `re` (from line `from`), or undefined. */
function findLine(lines: string[], re: RegExp, from = 1): number | undefined {
  for (let i = from - 1; i < lines.length; i++) if (re.test(lines[i]!)) return i + 1;
  return undefined;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function isTable(v: unknown): v is Toml {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

/**
 * Parse a gitleaks config. Returns our config and the warnings to print (unsupported keys, AND
 * conditions, path-only rules, ...). Throws SweepError (file:line) on malformed TOML, a regex RE2
 * cannot compile, or a value of the wrong type.
 */
export function parseGitleaksConfig(text: string, file: string): { config: ImportedConfig; warnings: string[] } {
  const where = shown(file);
  const lines = text.split(/\r?\n/);
  let doc: Toml;
  try {
    doc = tomlLib().parse(text) as Toml;
  } catch (e) {
    const err = e as Error & { line?: number };
    const msg = err.message.split('\n')[0]!.replace(/^Invalid TOML document:\s*/i, '');
    throw new SweepError(`invalid TOML: ${msg}`, `${where}:${err.line ?? 1}`);
  }

  const warnings: string[] = [];
  const warn = (line: number | undefined, msg: string) => warnings.push(`${where}${line ? `:${line}` : ''}: ${msg}`);
  const headerLine = (name: string) => findLine(lines, new RegExp(`^\\s*\\[\\[?\\s*${escapeRe(name)}\\s*\\]\\]?`));
  const keyLine = (key: string, from = 1) => findLine(lines, new RegExp(`^\\s*${escapeRe(key)}\\s*=`), from);
  const fail = (line: number | undefined, msg: string): never => {
    throw new SweepError(msg, `${where}:${line ?? 1}`);
  };
  const strList = (v: unknown, what: string, line: number | undefined): string[] => {
    if (v === undefined) return [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) fail(line, `\`${what}\` must be a list of strings`);
    return v as string[];
  };
  const checkRe = (r: string, what: string, line: number | undefined) => {
    try {
      compileRe2(r, '');
    } catch (e) {
      fail(line, `invalid regex in \`${what}\`: ${regexErrorMessage(e)} (RE2 syntax: no lookaround or backreferences)`);
    }
  };

  // gitleaks semantics: a config file replaces the default rules unless `[extend] useDefault = true`.
  const config: ImportedConfig = {
    file,
    useDefaultRules: false,
    disable: [],
    rules: [],
    allowlist: { paths: [], regexes: [], stopwords: [], pathRegexes: [], commits: [] },
  };

  for (const key of Object.keys(doc)) if (!TOP_KEYS.has(key)) warn(keyLine(key) ?? headerLine(key), `unsupported gitleaks key \`${quoteUserText(key)}\` (ignored)`);
  if (doc.minVersion !== undefined) warn(keyLine('minVersion'), 'unsupported gitleaks key `minVersion` (ignored)');

  // [extend]
  let disabledRules: string[] = [];
  let disabledLine: number | undefined;
  if (doc.extend !== undefined) {
    const line = headerLine('extend');
    if (!isTable(doc.extend)) fail(line, '`extend` must be a table');
    const ext = doc.extend as Toml;
    for (const k of Object.keys(ext)) {
      if (!EXTEND_KEYS.has(k)) warn(keyLine(k, line) ?? line, `unsupported gitleaks key \`extend.${quoteUserText(k)}\` (ignored)`);
      else if (k === 'path' || k === 'url') warn(keyLine(k, line) ?? line, `\`extend.${k}\` (extending another config file) is not supported yet: only \`useDefault\` (the built-in rules) is`);
    }
    if (ext.useDefault !== undefined) {
      if (typeof ext.useDefault !== 'boolean') fail(keyLine('useDefault', line) ?? line, '`extend.useDefault` must be true or false');
      config.useDefaultRules = ext.useDefault as boolean;
    }
    disabledLine = keyLine('disabledRules', line) ?? line;
    disabledRules = strList(ext.disabledRules, 'extend.disabledRules', disabledLine);
  }

  // [[rules]]
  const rulesRaw = doc.rules === undefined ? [] : doc.rules;
  if (!Array.isArray(rulesRaw)) fail(headerLine('rules'), '`rules` must be an array of tables (`[[rules]]`)');
  let searchFrom = 1;
  for (const [i, r] of (rulesRaw as unknown[]).entries()) {
    if (!isTable(r)) fail(headerLine('rules'), `rule #${i + 1} must be a table`);
    const rule = r as Toml;
    const rawId = typeof rule.id === 'string' ? rule.id : undefined;
    // TOML parsers give no positions: find the rule's `id = "..."` line (in order, so duplicates resolve).
    const idLine = rawId !== undefined ? findLine(lines, new RegExp(`^\\s*id\\s*=\\s*["']{1,3}${escapeRe(rawId)}["']{1,3}`), searchFrom) : undefined;
    const ruleHeader = findLine(lines, /^\s*\[\[\s*rules\s*\]\]/, searchFrom);
    const line = idLine ?? ruleHeader ?? 1;
    searchFrom = line + 1;
    if (rawId === undefined || rawId.trim() === '') fail(ruleHeader, `rule #${i + 1} has no \`id\``);
    let id = rawId!;
    if (!/^[a-z0-9][a-z0-9._-]*$/.test(id)) {
      const fixed = id.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+/, '');
      warn(line, `rule id \`${id}\` renamed \`${fixed}\` (ids are lower-case letters, digits, \`-\`, \`_\`, \`.\`)`);
      id = fixed;
    }
    for (const k of Object.keys(rule)) if (!RULE_KEYS.has(k)) warn(line, `rule \`${id}\`: unsupported gitleaks key \`${quoteUserText(k)}\` (ignored)`);
    if (rule.regex === undefined) {
      if (rule.path !== undefined) warn(line, `rule \`${id}\`: path-only rules (a \`path\` and no \`regex\`: report the file itself) are not supported yet; rule skipped`);
      else fail(line, `rule \`${id}\` has neither \`regex\` nor \`path\``);
      continue;
    }
    if (typeof rule.regex !== 'string') fail(line, `rule \`${id}\`: \`regex\` must be a string`);
    if (rule.secretGroup !== undefined && (typeof rule.secretGroup !== 'number' || !Number.isInteger(rule.secretGroup)))
      fail(line, `rule \`${id}\`: \`secretGroup\` must be an integer`);
    if (rule.entropy !== undefined && typeof rule.entropy !== 'number') fail(line, `rule \`${id}\`: \`entropy\` must be a number`);
    if (rule.path !== undefined && typeof rule.path !== 'string') fail(line, `rule \`${id}\`: \`path\` must be a string`);
    if (rule.description !== undefined && typeof rule.description !== 'string') fail(line, `rule \`${id}\`: \`description\` must be a string`);
    let keywords = strList(rule.keywords, `rules.${id}.keywords`, line).map((k) => k.toLowerCase());
    const short = keywords.filter((k) => k.length < 3 || !/^[\x20-\x7e]+$/.test(k));
    if (short.length) {
      // Dropping only the short ones would make the rule miss text holding just those: run it always instead.
      warn(line, `rule \`${id}\`: keyword(s) ${short.map((k) => `\`${k}\``).join(', ')} shorter than 3 characters: the rule runs without a keyword prefilter`);
      keywords = [];
    }
    // gitleaks' default secret: the first capture group when the regex has one, else the whole match.
    const raw: Record<string, unknown> = {
      id,
      description: (rule.description as string | undefined)?.trim() || `gitleaks rule ${id}`,
      regex: rule.regex,
      keywords,
      tags: strList(rule.tags, `rules.${id}.tags`, line),
      references: [],
    };
    if (rule.secretGroup !== undefined) raw.secret_group = rule.secretGroup;
    if (rule.entropy !== undefined) raw.entropy = rule.entropy;
    if (rule.path !== undefined) raw.path = rule.path;
    const spec: RuleSpec = validateRule(raw, { file: where, line });
    spec.allowlist = ruleAllowlists(rule, id, line);
    config.rules.push(spec);
  }

  function ruleAllowlists(rule: Toml, id: string, line: number): RuleAllowlist[] {
    const lists: Toml[] = [];
    for (const k of ['allowlist', 'allowlists'] as const) {
      const v = rule[k];
      if (v === undefined) continue;
      if (isTable(v)) lists.push(v);
      else if (Array.isArray(v) && v.every(isTable)) lists.push(...(v as Toml[]));
      else fail(line, `rule \`${id}\`: \`${k}\` must be a table`);
    }
    const out: RuleAllowlist[] = [];
    for (const a of lists) {
      for (const k of Object.keys(a)) if (!ALLOW_KEYS.has(k) || k === 'targetRules') warn(line, `rule \`${id}\`: unsupported allowlist key \`${quoteUserText(k)}\` (ignored)`);
      const and = ruleCondition(a, `rule \`${id}\` allowlist`, line);
      const commits = strList(a.commits, `rules.${id}.allowlists.commits`, line);
      if (commits.length) warn(line, `rule \`${id}\`: allowlist \`commits\` is not supported on a rule (only in the global allowlist); ignored`);
      const regexes = strList(a.regexes, `rules.${id}.allowlists.regexes`, line);
      regexes.forEach((r) => checkRe(r, `rules.${id}.allowlists.regexes`, line));
      const paths = strList(a.paths, `rules.${id}.allowlists.paths`, line);
      paths.forEach((r) => checkRe(r, `rules.${id}.allowlists.paths`, line));
      const stopwords = strList(a.stopwords, `rules.${id}.allowlists.stopwords`, line).map((s) => s.toLowerCase());
      const target = regexTarget(a.regexTarget, `rule \`${id}\` allowlist`, line);
      // One gitleaks allowlist is one of ours with the same criteria and the same condition.
      const given = [regexes, paths, stopwords].filter((l) => l.length > 0).length;
      if (given > 0) out.push({ regexes, paths, stopwords, target, ...(and && given > 1 ? { condition: 'and' as const } : {}) });
    }
    return out;
  }

  function regexTarget(v: unknown, what: string, line: number | undefined): RuleAllowlist['target'] {
    if (v === undefined) return 'secret';
    if (v === 'secret' || v === 'match' || v === 'line') return v;
    return fail(line, `${what}: \`regexTarget\` must be "secret", "match" or "line"`);
  }

  /** A rule allowlist's `condition`: true for "AND" (every criterion must hold), as gitleaks does. */
  function ruleCondition(a: Toml, what: string, line: number | undefined): boolean {
    if (a.condition === undefined) return false;
    const c = String(a.condition).toUpperCase();
    if (c !== 'OR' && c !== 'AND') fail(line, `${what}: \`condition\` must be "OR" or "AND"`);
    return c === 'AND';
  }

  function conditionWarning(a: Toml, what: string, line: number | undefined): void {
    if (a.condition === undefined) return;
    const c = String(a.condition).toUpperCase();
    if (c === 'OR') return;
    if (c === 'AND')
      warn(line, `${what}: \`condition = "AND"\` is not supported yet and is treated as "OR" (any one of its criteria drops a finding, which may hide some)`);
    else fail(line, `${what}: \`condition\` must be "OR" or "AND"`);
  }

  // Global allowlist: [allowlist] (old) and [[allowlists]] (gitleaks 8.25+)
  const globals: Array<{ a: Toml; line: number | undefined }> = [];
  if (doc.allowlist !== undefined) {
    if (!isTable(doc.allowlist)) fail(headerLine('allowlist'), '`allowlist` must be a table');
    globals.push({ a: doc.allowlist as Toml, line: headerLine('allowlist') });
  }
  if (doc.allowlists !== undefined) {
    if (!Array.isArray(doc.allowlists) || !doc.allowlists.every(isTable)) fail(headerLine('allowlists'), '`allowlists` must be an array of tables (`[[allowlists]]`)');
    let from = 1;
    for (const a of doc.allowlists as Toml[]) {
      const line = findLine(lines, /^\s*\[\[\s*allowlists\s*\]\]/, from);
      from = (line ?? 0) + 1;
      globals.push({ a, line });
    }
  }
  for (const { a, line } of globals) {
    for (const k of Object.keys(a)) if (!ALLOW_KEYS.has(k)) warn(line, `unsupported global allowlist key \`${quoteUserText(k)}\` (ignored)`);
    if (a.targetRules !== undefined) {
      const targets = strList(a.targetRules, 'allowlists.targetRules', line);
      // Scoped to some rules: attach it to those of this file's rules; built-ins cannot take it.
      let attached = 0;
      for (const r of config.rules)
        if (targets.includes(r.id)) {
          r.allowlist = [...(r.allowlist ?? []), { regexes: strList(a.regexes, 'allowlists.regexes', line), paths: strList(a.paths, 'allowlists.paths', line), stopwords: strList(a.stopwords, 'allowlists.stopwords', line).map((s) => s.toLowerCase()), target: regexTarget(a.regexTarget, 'global allowlist', line) }];
          attached++;
        }
      if (attached < targets.length) warn(line, '`targetRules` naming rules not defined in this file is not supported; those entries are ignored');
      continue;
    }
    conditionWarning(a, 'global allowlist', line);
    const target = regexTarget(a.regexTarget, 'global allowlist', line);
    const regexes = strList(a.regexes, 'allowlist.regexes', line);
    regexes.forEach((r) => checkRe(r, 'allowlist.regexes', line));
    if (target !== 'secret' && regexes.length) {
      // Our global allowlist tests the secret only; keep the regexes on this file's rules, and say so.
      warn(line, `global allowlist \`regexTarget = "${target}"\` applies only to the rules defined in this file (built-in rules test global regexes against the secret)`);
      for (const r of config.rules) r.allowlist = [...(r.allowlist ?? []), { regexes, paths: [], stopwords: [], target }];
    } else config.allowlist.regexes.push(...regexes);
    const paths = strList(a.paths, 'allowlist.paths', line);
    paths.forEach((r) => checkRe(r, 'allowlist.paths', line));
    config.allowlist.pathRegexes.push(...paths);
    config.allowlist.stopwords.push(...strList(a.stopwords, 'allowlist.stopwords', line));
    config.allowlist.commits.push(...strList(a.commits, 'allowlist.commits', line).map((c) => c.toLowerCase()));
  }

  // disabledRules: our ids, this file's ids, or gitleaks default ids we know the equivalent of.
  if (disabledRules.length) {
    const own = new Set(config.rules.map((r) => r.id));
    const builtin = new Set(config.useDefaultRules ? builtinIds() : []);
    for (const id of disabledRules) {
      if (own.has(id) || builtin.has(id)) config.disable.push(id);
      else if (GITLEAKS_ID_MAP[id] && config.useDefaultRules) {
        const ours = GITLEAKS_ID_MAP[id]!.filter((x) => builtin.has(x));
        config.disable.push(...ours);
        if (ours.length) warn(disabledLine, `disabledRules: gitleaks rule \`${id}\` disabled as ${ours.map((x) => `\`${x}\``).join(', ')}`);
      } else warn(disabledLine, `disabledRules: no rule \`${quoteUserText(id)}\` (ignored)`);
    }
    config.disable = [...new Set(config.disable)];
  }

  return { config, warnings };
}

let builtinIdCache: string[] | undefined;
/** Built-in rule ids, loaded only when a config disables rules by id (the loader caches the rules). */
function builtinIds(): string[] {
  builtinIdCache ??= loadBuiltinScanRules().map((r) => r.id);
  return builtinIdCache;
}

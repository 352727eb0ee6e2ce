/**
 * The migration plan: findings (and the text of the files they are in) -> the secrets to store.
 *
 * Pure: no file, git, network or clock access. The caller reads the files and passes their text in.
 *
 * - Names come from a template (default `{env}/{app}/{resource}`, the convention data teams use), the
 *   `resource` derived from context: the variable or key name, a config block's prefix or parent key,
 *   a connection URI's engine and database.
 * - Related values become one JSON secret: a database URI -> {engine, host, port, username, password,
 *   dbname}; an AWS key id with its secret key -> {aws_access_key_id, aws_secret_access_key}; a config
 *   block (DB_HOST / DB_USER / DB_PASSWORD, a YAML `database:` mapping, an INI `[database]` section, a
 *   `connect(host=..., password=...)` call) -> one secret whose non-secret fields are plain keys.
 * - The same value found in several places is stored once; every location refers to that one home.
 * - Name collisions are resolved deterministically (by first location; suffix from the file, then -N).
 *
 * Plaintext values never sit in the Plan object itself (it is what gets printed and saved): they are
 * returned next to it in a PlanValues map.
 */
import { fingerprint as hmacFingerprint, DEFAULT_SALT } from '../findings/fingerprint.js';
import { lineTextOf, secretOf, type Finding } from '../findings/finding.js';
import { redact } from '../findings/redact.js';
import { SweepError } from '../errors.js';
import type { PlannedEdit } from './rewrite/rewriter.js';

export const DEFAULT_NAME_TEMPLATE = '{env}/{app}/{resource}';
export const MAX_NAME_LENGTH = 512;
export const MAX_SECRET_BYTES = 65536;
const NAME_CHARS = /^[A-Za-z0-9/_+=.@-]+$/;
const PART_CHARS = /^[A-Za-z0-9_+=.@-]+$/;
const PLACEHOLDERS = new Set(['env', 'app', 'resource']);

export type Action = 'create' | 'reuse' | 'update' | 'skip';
export type GroupKind = 'database' | 'url' | 'aws-keypair' | 'config-block' | 'single';
export type FieldType = 'string' | 'number';

/** A span in a file (1-based lines/columns, endColumn inclusive); `commit` set for a history-only blob. */
export interface Span {
  file: string;
  commit?: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** One place a value was found. */
export interface ValueLocation extends Span {
  rule?: string;
  /** The finding's fingerprint (secret fields) or the content digest (context fields). */
  fingerprint: string;
  /** Variable / key the value was assigned to. */
  key?: string;
  /** Found only in git history: it cannot be rewritten, only rotated (and scrubbed). */
  historyOnly: boolean;
}

/** Where apply gets a field's value: re-read from a span (checked against the fingerprint) or a constant. */
export type ValueSource =
  | ({ kind: 'span'; decode?: 'uri' } & Span)
  | { kind: 'literal'; value: string };

export interface PlannedField {
  key: string;
  /** True for a detected secret; false for a plain context value grouped with it (host, port, ...). */
  secret: boolean;
  type: FieldType;
  rule?: string;
  /** Secret fields: the fingerprint of the finding at `source`; context fields: a digest of the value. */
  fingerprint: string;
  /** Safe to print. Not saved in plan files. */
  redacted: string;
  source: ValueSource;
  /** Every place the value was found (the source first). */
  locations: ValueLocation[];
}

export interface PlannedSecret {
  name: string;
  resource: string;
  kind: GroupKind;
  fields: PlannedField[];
  action: Action;
  /** Why the action (set when resolved against the vault). */
  note?: string;
}

export interface SkippedValue {
  location: ValueLocation;
  reason: string;
}

export interface Plan {
  version: 1;
  app: string;
  env: string;
  nameTemplate: string;
  secrets: PlannedSecret[];
  skipped: SkippedValue[];
  /** Code edits (filled by rewriters, next issue). */
  edits: PlannedEdit[];
  warnings: string[];
}

export interface FieldValue {
  /** The value stored in the secret (URI-decoded for connection-URI passwords). */
  value: string;
  /** The strings as they appear in files and history (for the filter-repo replacements file). */
  raw: string[];
}

/** Plaintext values, keyed by valueKey(secretName, fieldKey). Never serialised. */
export type PlanValues = Map<string, FieldValue>;

export const valueKey = (secretName: string, fieldKey: string) => `${secretName}\u0000${fieldKey}`;

export interface PlanInput {
  findings: readonly Finding[];
  /** Text of each file in the working tree, by the findings' `file` paths. */
  files: ReadonlyMap<string, string>;
  app: string;
  env: string;
  nameTemplate?: string;
  /** Fingerprint salt (config `fingerprint_salt`), used for the digests of context values. */
  salt?: string;
}

// ---------------------------------------------------------------------------------------------------
// Names

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

// ---------------------------------------------------------------------------------------------------
// Keys and fields

const FIELD_SUFFIXES = new Set([
  'secret_access_key', 'access_key_id', 'client_secret', 'client_id', 'secret_key', 'access_key', 'access_token',
  'auth_token', 'api_token', 'api_key', 'apikey', 'api_secret', 'private_key', 'connection_string', 'password', 'passwd',
  'username', 'hostname', 'database', 'dbname', 'token', 'secret', 'host', 'port', 'user', 'pass', 'pwd',
  'key', 'name', 'login', 'server', 'schema', 'account', 'warehouse', 'role', 'region', 'url', 'uri', 'dsn',
  'endpoint', 'sslmode', 'webhook_url', 'signing_secret', 'webhook_secret',
]);
const FIELD_ALIASES: Record<string, string> = {
  hostname: 'host', server: 'host', addr: 'host', address: 'host',
  user: 'username', login: 'username', uid: 'username',
  pass: 'password', passwd: 'password', pwd: 'password',
  database: 'dbname', db_name: 'dbname',
};
const DB_WORDS = /(^|[_-])(db|database|sql|pg|postgres|postgresql|mysql|mariadb|mongo|mongodb|redis|redshift|snowflake|oracle|mssql|warehouse)($|[_-])/;

/** `DB_PASSWORD` -> {prefix: ['db'], field: 'password'}; `apiKey` -> {prefix: [], field: 'api_key'}. */
export function splitKey(key: string): { prefix: string[]; field: string } {
  const last = key.split('.').pop() ?? key;
  const parts = last.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
  if (parts.length === 0) return { prefix: [], field: 'value' };
  for (let n = Math.min(3, parts.length); n >= 1; n--) {
    const tail = parts.slice(-n).join('_');
    if (FIELD_SUFFIXES.has(tail)) return { prefix: parts.slice(0, -n), field: tail };
  }
  return { prefix: parts.slice(0, -1), field: parts[parts.length - 1]! };
}

function normField(field: string, dbContext: boolean): string {
  if (dbContext && (field === 'name' || field === 'db')) return 'dbname';
  return FIELD_ALIASES[field] ?? field;
}

const FIELD_ORDER = ['engine', 'host', 'port', 'username', 'password', 'dbname', 'aws_access_key_id', 'aws_secret_access_key'];
function fieldRank(k: string): number {
  const i = FIELD_ORDER.indexOf(k);
  return i < 0 ? FIELD_ORDER.length : i;
}

/** The JSON key for a value whose assignment name is unknown, from the rule id. */
function ruleField(rule: string): string {
  if (rule.startsWith('private-key')) return 'private_key';
  if (/password|passwd|pwd/.test(rule)) return 'password';
  if (/webhook-url/.test(rule)) return 'webhook_url';
  if (/secret/.test(rule)) return 'secret';
  if (/key/.test(rule)) return 'api_key';
  return 'token';
}

/** The resource a rule's values go under when nothing better is known. */
function ruleResource(rule: string, file: string): string {
  if (rule.startsWith('private-key')) return 'private-key';
  const vendor = rule.split('-')[0]!;
  if (['generic', 'url', 'jwt', 'netrc', 'git', 'htpasswd', 'pgpass'].includes(vendor)) return fileStem(file) || vendor;
  return vendor;
}

function fileStem(file: string): string {
  const base = file.split('/').pop() ?? file;
  return slug(base.replace(/\.[A-Za-z0-9]+$/, '') || base);
}

// ---------------------------------------------------------------------------------------------------
// Reading context from text (all pure string work)

interface Assignment {
  indent: number;
  key: string;
  /** Value span within the line (end exclusive) and the value itself, quotes removed. */
  start: number;
  end: number;
  value: string;
  /** A plain literal (not a reference, template, call or empty). */
  plain: boolean;
}

const ASSIGN = /^(\s*)(?:export\s+|set\s+)?["']?([A-Za-z_][A-Za-z0-9_.-]*)["']?\s*(?::=|=>|=|:)[ \t]*/;

export function parseAssignment(line: string): Assignment | undefined {
  const m = ASSIGN.exec(line);
  if (!m) return undefined;
  const indent = m[1]!.length;
  const key = m[2]!.split('.').pop()!;
  let start = m[0].length;
  let rest = line.slice(start);
  let value: string;
  let quoted = false;
  const q = /^(["'`])(.*?)\1/.exec(rest);
  if (q) {
    value = q[2]!;
    start += 1;
    quoted = true;
  } else {
    rest = rest.replace(/\s+#.*$/, '').replace(/\s*[,;]\s*$/, '').replace(/\s+$/, '');
    value = rest;
  }
  const end = start + value.length;
  const plain = value.length > 0 && value.length <= 200
    && !/\$\{|\{\{|%s|%\(|^\$|^(none|null|nil|undefined|~)$/i.test(value)
    && (quoted ? !/[\n]/.test(value) : /^[^\s'"`$(){}<>[\]]+$/.test(value));
  return { indent, key, start, end, value, plain };
}

function lineStarts(text: string): number[] {
  const starts = [0];
  let i = -1;
  while ((i = text.indexOf('\n', i + 1)) !== -1) starts.push(i + 1);
  return starts;
}

function linesOf(text: string): string[] {
  return text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

/** The text of a span (1-based lines/columns, endColumn inclusive). */
export function spanText(text: string, span: Span): string | undefined {
  const starts = lineStarts(text);
  const a = starts[span.line - 1];
  const b = starts[span.endLine - 1];
  if (a === undefined || b === undefined) return undefined;
  const s = a + span.column - 1;
  const e = b + span.endColumn;
  if (s < 0 || e > text.length || e < s) return undefined;
  return text.slice(s, e);
}

interface UriParts {
  scheme: string;
  engine?: string;
  defaultPort?: number;
  username?: { value: string; start: number; end: number };
  host?: { value: string; start: number; end: number };
  port?: { value: string; start: number; end: number };
  dbname?: { value: string; start: number; end: number };
  /** Where the URI starts in the line (for the assignment key before it). */
  uriStart: number;
}

const ENGINES: Array<[RegExp, string, number | undefined]> = [
  [/^(postgres|postgresql|postgis|pgsql)$/, 'postgres', 5432],
  [/^(mysql|mysqlx)$/, 'mysql', 3306],
  [/^mariadb$/, 'mariadb', 3306],
  [/^mongodb$/, 'mongo', 27017],
  [/^mongodb\+srv$/, 'mongo', undefined],
  [/^rediss?$/, 'redis', 6379],
  [/^amqps?$/, 'amqp', 5672],
  [/^(mssql|sqlserver)$/, 'sqlserver', 1433],
  [/^oracle(:thin)?$/, 'oracle', 1521],
];

function engineOf(scheme: string): { engine?: string; port?: number } {
  let s = scheme.replace(/^jdbc:/, '');
  if (s !== 'mongodb+srv') s = s.replace(/\+.*$/, '');
  for (const [re, engine, port] of ENGINES) if (re.test(s)) return { engine, port };
  return {};
}

/** Parse the URI around a password at [s0, s1) of a line: scheme://user:PASSWORD@host:port/db, or JDBC. */
export function parseUriAround(line: string, s0: number, s1: number): UriParts | undefined {
  const before = line.slice(0, s0);
  const sep = before.lastIndexOf('://');
  if (sep < 0) return undefined;
  const sm = /([A-Za-z][A-Za-z0-9+.:-]*)$/.exec(before.slice(0, sep));
  if (!sm) return undefined;
  const scheme = sm[1]!.toLowerCase();
  const uriStart = sep - sm[1]!.length;
  const { engine, port: defaultPort } = engineOf(scheme);
  const out: UriParts = { scheme, engine, defaultPort, uriStart };
  const auth = sep + 3;
  if (scheme.startsWith('jdbc:')) {
    const hm = /^([A-Za-z0-9._-]+)(?::(\d{1,5}))?(?:\/([A-Za-z0-9_.$-]+))?/.exec(line.slice(auth));
    if (hm) {
      out.host = { value: hm[1]!, start: auth, end: auth + hm[1]!.length };
      if (hm[2]) {
        const ps = auth + hm[1]!.length + 1;
        out.port = { value: hm[2], start: ps, end: ps + hm[2].length };
      }
      if (hm[3]) {
        const ds = auth + hm[0].length - hm[3].length;
        out.dbname = { value: hm[3], start: ds, end: ds + hm[3].length };
      }
    }
    const tail = line.slice(auth);
    const um = /[;?&](?:user|username)=([^;&\s"'<>{}]+)/i.exec(tail);
    if (um) {
      const us = auth + um.index + um[0].length - um[1]!.length;
      out.username = { value: um[1]!, start: us, end: us + um[1]!.length };
    }
    if (!out.dbname) {
      const dm = /[;?&]database(?:name)?=([A-Za-z0-9_.$-]+)/i.exec(tail);
      if (dm) {
        const ds = auth + dm.index + dm[0].length - dm[1]!.length;
        out.dbname = { value: dm[1]!, start: ds, end: ds + dm[1]!.length };
      }
    }
    return out;
  }
  const userinfo = before.slice(auth);
  if (!userinfo.endsWith(':') || /[/@\s]/.test(userinfo.slice(0, -1))) return undefined;
  if (userinfo.length > 1) out.username = { value: userinfo.slice(0, -1), start: auth, end: s0 - 1 };
  if (line[s1] !== '@') return out;
  const hm = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+)(?::(\d{1,5}))?(?:\/([A-Za-z0-9_.$-]+))?/.exec(line.slice(s1 + 1));
  if (!hm) return out;
  const hs = s1 + 1;
  out.host = { value: hm[1]!, start: hs, end: hs + hm[1]!.length };
  if (hm[2]) {
    const ps = hs + hm[1]!.length + 1;
    out.port = { value: hm[2], start: ps, end: ps + hm[2].length };
  }
  if (hm[3]) {
    const ds = hs + hm[0].length - hm[3].length;
    out.dbname = { value: hm[3], start: ds, end: ds + hm[3].length };
  }
  return out;
}

const DB_URI_RULES = new Set([
  'postgres-uri-password', 'mysql-uri-password', 'mongodb-uri-password', 'redis-uri-password', 'amqp-uri-password',
  'mssql-uri-password', 'jdbc-url-password',
]);
const URI_RULES = new Set([...DB_URI_RULES, 'url-credentials']);

const CALL_ENGINES: Array<[RegExp, string]> = [
  [/\b(psycopg2?|pg8000|asyncpg|psycopg)\b/, 'postgres'],
  [/\b(pymysql|MySQLdb|mysql\.connector|aiomysql)\b/, 'mysql'],
  [/\b(pymongo|MongoClient)\b/, 'mongo'],
  [/\bsnowflake\.connector\b/, 'snowflake'],
  [/\bredshift_connector\b/, 'redshift'],
  [/\b(redis|Redis|StrictRedis)\b/, 'redis'],
  [/\b(pyodbc|pymssql)\b/, 'sqlserver'],
  [/\b(cx_Oracle|oracledb)\b/, 'oracle'],
];

// ---------------------------------------------------------------------------------------------------
// Building

interface Occ {
  f: Finding;
  raw: string;
  value: string;
  loc: ValueLocation;
  decode?: 'uri';
}

interface CandField {
  key: string;
  secret: boolean;
  type: FieldType;
  value: string;
  /** Secret fields: every occurrence of this value seen so far; the first is the source. */
  occs: Occ[];
  /** Context fields: where the value is (or a literal). */
  source?: ValueSource;
  contextLoc?: ValueLocation;
}

interface Cand {
  kind: GroupKind;
  resource: string;
  fields: CandField[];
  first: ValueLocation;
}

const KIND_RANK: Record<GroupKind, number> = { database: 0, 'aws-keypair': 1, url: 2, 'config-block': 3, single: 4 };

function locCmp(a: ValueLocation, b: ValueLocation): number {
  return Number(a.historyOnly) - Number(b.historyOnly)
    || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0)
    || (a.commit ?? '').localeCompare(b.commit ?? '')
    || a.line - b.line || a.column - b.column;
}

function spanOf(loc: ValueLocation): Span {
  const s: Span = { file: loc.file, line: loc.line, column: loc.column, endLine: loc.endLine, endColumn: loc.endColumn };
  if (loc.commit) s.commit = loc.commit;
  return s;
}

/** Build the plan. Throws SweepError on an invalid template, app or env. */
export function buildPlan(input: PlanInput): { plan: Plan; values: PlanValues } {
  const template = input.nameTemplate ?? DEFAULT_NAME_TEMPLATE;
  validateTemplate(template);
  validatePart('--app', input.app);
  validatePart('--env', input.env);
  const salt = input.salt ?? DEFAULT_SALT;
  const digest = (v: string) => hmacFingerprint('context', v, salt);
  const skipped: SkippedValue[] = [];
  const warnings: string[] = [];

  // 1. Occurrences: one per finding (plus one per extra history provenance).
  const occs: Occ[] = [];
  for (const f of input.findings) {
    let raw: string;
    try {
      raw = secretOf(f);
    } catch {
      continue;
    }
    const historyOnly = f.presentAtHead === false;
    const loc: ValueLocation = {
      file: f.file, line: f.line, column: f.column, endLine: f.endLine, endColumn: f.endColumn,
      rule: f.rule, fingerprint: f.fingerprint, historyOnly,
    };
    if (historyOnly && f.commit) loc.commit = f.commit;
    if (f.key) loc.key = f.key;
    if (f.file === '-' || f.file === '') {
      skipped.push({ location: loc, reason: 'read from standard input: nothing to migrate from' });
      continue;
    }
    let value = raw;
    let decode: 'uri' | undefined;
    if (URI_RULES.has(f.rule) && /%[0-9A-Fa-f]{2}/.test(raw)) {
      try {
        value = decodeURIComponent(raw);
        decode = 'uri';
      } catch {
        /* not valid percent-encoding: keep as found */
      }
    }
    if (Buffer.byteLength(value) > MAX_SECRET_BYTES) {
      skipped.push({ location: loc, reason: 'larger than the 64 KiB Secrets Manager allows' });
      continue;
    }
    occs.push({ f, raw, value, loc, decode });
    // Other places history saw the same blob content: locations without a position of their own.
    for (const p of f.provenances ?? []) {
      if (p.path === f.file && (p.commit === f.commit || !historyOnly)) continue;
      if (!p.commit) continue;
      occs.push({
        f, raw, value, decode,
        loc: { ...loc, file: p.path, commit: p.commit, historyOnly: true },
      });
    }
  }
  occs.sort((a, b) => locCmp(a.loc, b.loc));

  const textOf = (o: Occ): string | undefined => (o.loc.historyOnly ? undefined : input.files.get(o.loc.file));
  const lineOf = (o: Occ): string | undefined => {
    const t = textOf(o);
    if (t !== undefined) return linesOf(t)[o.loc.line - 1];
    const lt = lineTextOf(o.f);
    return lt !== undefined && o.loc.line === o.f.line && o.loc.file === o.f.file ? lt : undefined;
  };
  const secretField = (key: string, o: Occ): CandField => ({ key, secret: true, type: 'string', value: o.value, occs: [o] });
  const contextField = (key: string, o: Occ, line: number, s: number, e: number, value: string): CandField => {
    const type: FieldType = key === 'port' && /^\d{1,5}$/.test(value) ? 'number' : 'string';
    const span: Span = { file: o.loc.file, line, column: s + 1, endLine: line, endColumn: e };
    if (o.loc.commit) span.commit = o.loc.commit;
    const d = digest(value);
    return {
      key, secret: false, type, value, occs: [],
      source: { kind: 'span', ...span },
      contextLoc: { ...span, fingerprint: d, historyOnly: o.loc.historyOnly },
    };
  };
  const literalField = (key: string, value: string, type: FieldType = 'string'): CandField =>
    ({ key, secret: false, type, value, occs: [], source: { kind: 'literal', value } });

  // Occurrences by file (for pairing and blocks); positions already consumed by a group.
  const used = new Set<Occ>();
  const byFile = new Map<string, Occ[]>();
  for (const o of occs) {
    const k = `${o.loc.commit ?? ''}\u0000${o.loc.file}`;
    byFile.set(k, [...(byFile.get(k) ?? []), o]);
  }
  const sameFile = (o: Occ) => byFile.get(`${o.loc.commit ?? ''}\u0000${o.loc.file}`) ?? [];

  const cands: Cand[] = [];
  const envLower = input.env.toLowerCase();
  const resourceFrom = (parts: string[]): string => {
    let p = parts.map((x) => x.toLowerCase());
    if (p.length > 1 && p[0] === envLower) p = p.slice(1);
    else if (p.length > 1 && p[p.length - 1] === envLower) p = p.slice(0, -1);
    return slug(p.join('-'));
  };

  // 2a. Connection URIs.
  for (const o of occs) {
    if (!URI_RULES.has(o.f.rule)) continue;
    const line = lineOf(o);
    if (line === undefined || o.loc.endLine !== o.loc.line) continue;
    const s0 = o.loc.column - 1;
    const s1 = o.loc.endColumn;
    if (line.slice(s0, s1) !== o.raw) continue;
    const u = parseUriAround(line, s0, s1);
    if (!u) continue;
    const isDb = DB_URI_RULES.has(o.f.rule) || u.engine !== undefined;
    const ln = o.loc.line;
    const fields: CandField[] = [];
    if (isDb && u.engine) fields.push(literalField('engine', u.engine));
    if (u.host) fields.push(contextField('host', o, ln, u.host.start, u.host.end, u.host.value));
    if (u.port) fields.push(contextField('port', o, ln, u.port.start, u.port.end, u.port.value));
    else if (isDb && u.defaultPort !== undefined && u.host) fields.push(literalField('port', String(u.defaultPort), 'number'));
    if (u.username) {
      let v = u.username.value;
      try {
        v = decodeURIComponent(v);
      } catch {
        /* keep */
      }
      fields.push(contextField('username', o, ln, u.username.start, u.username.end, v));
      if (v !== u.username.value) fields[fields.length - 1]!.source = { ...(fields[fields.length - 1]!.source as Span & { kind: 'span' }), decode: 'uri' };
    }
    fields.push(secretField('password', o));
    if (u.dbname) fields.push(contextField('dbname', o, ln, u.dbname.start, u.dbname.end, u.dbname.value));
    const key = parseKeyBefore(line.slice(0, u.uriStart));
    let resource = '';
    if (key) {
      const parts = key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
      while (parts.length && ['url', 'uri', 'dsn', 'conn', 'connection', 'string', 'str'].includes(parts[parts.length - 1]!)) parts.pop();
      resource = resourceFrom(parts);
    }
    if (!resource) resource = slug([u.engine ?? u.scheme.replace(/^jdbc:/, '').replace(/\+.*$/, ''), u.dbname?.value ?? u.host?.value.split('.')[0] ?? ''].filter(Boolean).join('-'));
    used.add(o);
    cands.push({ kind: isDb ? 'database' : 'url', resource: resource || 'db', fields, first: o.loc });
  }

  // 2b. AWS key id + secret key in the same file / block.
  for (const o of occs) {
    if (used.has(o) || o.f.rule !== 'aws-access-key-id') continue;
    const file = sameFile(o).filter((x) => !used.has(x));
    const ids = file.filter((x) => x.f.rule === 'aws-access-key-id');
    const keys = file.filter((x) => x.f.rule === 'aws-secret-access-key');
    const text = textOf(o);
    const lines = text !== undefined ? linesOf(text) : undefined;
    const sameBlock = (a: number, b: number) => {
      if (!lines) return Math.abs(a - b) <= 3;
      for (let i = Math.min(a, b); i < Math.max(a, b); i++) if ((lines[i - 1] ?? '').trim() === '') return false;
      return true;
    };
    let best: Occ | undefined;
    for (const k of keys) {
      const near = sameBlock(o.loc.line, k.loc.line) || (ids.length === 1 && keys.length === 1);
      if (near && (!best || Math.abs(k.loc.line - o.loc.line) < Math.abs(best.loc.line - o.loc.line))) best = k;
    }
    const fields = [secretField('aws_access_key_id', o)];
    if (best) fields.push(secretField('aws_secret_access_key', best));
    const keyName = best?.loc.key ?? o.loc.key;
    let parts = keyName ? splitKey(keyName).prefix : [];
    if (!parts.includes('aws')) parts = [...parts, 'aws'];
    used.add(o);
    if (best) used.add(best);
    cands.push({ kind: 'aws-keypair', resource: resourceFrom(parts) || 'aws', fields, first: o.loc });
  }

  // 2c. Config blocks: a common prefix (DB_HOST / DB_USER / DB_PASSWORD), a YAML mapping or INI section
  // (host / user / password under `database:`), or keyword arguments of one call on one line.
  for (const o of occs) {
    if (used.has(o) || !o.loc.key) continue;
    const text = textOf(o);
    if (text === undefined || o.loc.endLine !== o.loc.line) continue;
    const lines = linesOf(text);
    const ln = o.loc.line;
    const own = parseAssignment(lines[ln - 1] ?? '');
    const ownIsValue = own && own.key.toLowerCase() === o.loc.key.split('.').pop()!.toLowerCase()
      && own.start === o.loc.column - 1 && own.end === o.loc.endColumn && own.value === o.raw;
    let cand: Cand | undefined;
    if (ownIsValue) cand = blockGroup(o, lines, own);
    if (!cand) cand = callGroup(o, lines[ln - 1] ?? '');
    if (cand) {
      for (const f of cand.fields) for (const x of f.occs) used.add(x);
      cands.push(cand);
    }
  }

  function blockGroup(o: Occ, lines: string[], own: Assignment): Cand | undefined {
    const ln = o.loc.line;
    const { prefix } = splitKey(own.key);
    const members: Array<{ line: number; a: Assignment }> = [];
    let resourceParts: string[] = prefix;
    if (prefix.length > 0) {
      let a = ln;
      while (a > 1 && (lines[a - 2] ?? '').trim() !== '') a--;
      let b = ln;
      while (b < lines.length && (lines[b] ?? '').trim() !== '') b++;
      for (let i = a; i <= b; i++) {
        const x = parseAssignment(lines[i - 1] ?? '');
        if (x && x.indent === own.indent && splitKey(x.key).prefix.join('_') === prefix.join('_')) members.push({ line: i, a: x });
      }
    } else {
      // Siblings at the same indentation under a header (`database:` or `[database]`).
      let header: string | undefined;
      let a = ln;
      for (let i = ln - 1; i >= 1; i--) {
        const t = lines[i - 1] ?? '';
        if (t.trim() === '') break;
        const ind = t.length - t.trimStart().length;
        const sec = /^\s*\[([^\]]+)\]\s*$/.exec(t);
        if (sec) {
          header = sec[1];
          break;
        }
        if (ind < own.indent) {
          const y = /^\s*-?\s*["']?([A-Za-z_][A-Za-z0-9_.-]*)["']?\s*:\s*(?:#.*)?$/.exec(t);
          if (y) header = y[1];
          break;
        }
        if (ind === own.indent) a = i;
      }
      if (!header) return undefined;
      let b = ln;
      for (let i = ln + 1; i <= lines.length; i++) {
        const t = lines[i - 1] ?? '';
        const ind = t.length - t.trimStart().length;
        if (t.trim() === '' || ind < own.indent || /^\s*\[/.test(t)) break;
        b = i;
      }
      for (let i = a; i <= b; i++) {
        const x = parseAssignment(lines[i - 1] ?? '');
        if (x && x.indent === own.indent && splitKey(x.key).prefix.length === 0) members.push({ line: i, a: x });
      }
      resourceParts = [header.split('.').pop()!];
    }
    return fromMembers(o, members, resourceParts);
  }

  function callGroup(o: Occ, line: string): Cand | undefined {
    const kw = /\b([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(?:(["'])([^"'\n]*)\2|(\d{2,5})\b)/g;
    const members: Array<{ line: number; a: Assignment }> = [];
    for (let m; (m = kw.exec(line)); ) {
      const quoted = m[3] !== undefined;
      const value = quoted ? m[3]! : m[4]!;
      const start = m.index + m[0].length - value.length - (quoted ? 1 : 0);
      members.push({ line: o.loc.line, a: { indent: -1, key: m[1]!, start, end: start + value.length, value, plain: value.length > 0 && !/\$\{|\{\{|%s/.test(value) } });
    }
    if (members.length < 2 || !members.some((m) => m.a.start === o.loc.column - 1 && m.a.value === o.raw)) return undefined;
    const known = new Set(['host', 'hostname', 'port', 'user', 'username', 'database', 'dbname', 'db', 'account', 'warehouse', 'schema', 'role', 'server']);
    if (!members.some((m) => known.has(m.a.key.toLowerCase()))) return undefined;
    const firstKw = Math.min(...members.map((m) => m.a.start));
    const call = /([A-Za-z_][A-Za-z0-9_.]*)\s*\([^()]*$/.exec(line.slice(0, firstKw));
    const callee = call?.[1] ?? '';
    const engine = CALL_ENGINES.find(([re]) => re.test(callee) || re.test(line))?.[1];
    const cand = fromMembers(o, members, [engine ?? 'db'], engine);
    if (cand) cand.kind = 'config-block';
    return cand;
  }

  function fromMembers(o: Occ, members: Array<{ line: number; a: Assignment }>, resourceParts: string[], engine?: string): Cand | undefined {
    const fileOccs = sameFile(o).filter((x) => !used.has(x));
    const keys = members.map((m) => splitKey(m.a.key).field);
    const dbContext = Boolean(engine) || keys.some((k) => ['host', 'hostname', 'port', 'server'].includes(k)) || DB_WORDS.test(resourceParts.join('_'));
    const fields: CandField[] = [];
    const seen = new Set<string>();
    if (engine) {
      fields.push(literalField('engine', engine));
      seen.add('engine');
    }
    let secrets = 0;
    for (const m of members.slice(0, 30)) {
      const { field } = splitKey(m.a.key);
      let key = normField(field, dbContext);
      if (seen.has(key)) key = field;
      if (seen.has(key)) continue;
      // Findings overlapping this member's value: exactly the value -> a secret field; partly -> leave it out.
      const hits = sameFile(o).filter((x) => x.loc.line <= m.line && x.loc.endLine >= m.line
        && (x.loc.line < m.line || x.loc.column - 1 < m.a.end) && (x.loc.endLine > m.line || x.loc.endColumn > m.a.start));
      const exact = hits.find((x) => !used.has(x) && x.loc.line === m.line && x.loc.endLine === m.line
        && x.loc.column - 1 === m.a.start && x.loc.endColumn === m.a.end && x.raw === m.a.value);
      if (exact && fileOccs.includes(exact)) {
        fields.push(secretField(key, exact));
        seen.add(key);
        secrets++;
      } else if (hits.length === 0 && m.a.plain) {
        fields.push(contextField(key, o, m.line, m.a.start, m.a.end, m.a.value));
        seen.add(key);
      }
    }
    if (secrets === 0 || fields.length < 2) return undefined;
    if (!fields.some((f) => f.occs[0] === o)) return undefined;
    const resource = resourceFrom(resourceParts) || (engine ?? 'db');
    return { kind: 'config-block', resource, fields, first: o.loc };
  }

  // 2d. Everything else: one value, one secret.
  for (const o of occs) {
    if (used.has(o)) continue;
    let resource = '';
    let key: string;
    if (o.loc.key) {
      const { prefix, field } = splitKey(o.loc.key);
      key = normField(field, DB_WORDS.test(prefix.join('_')));
      resource = resourceFrom(prefix);
      if (!resource) {
        const text = textOf(o);
        if (text !== undefined) resource = slug(headerAbove(linesOf(text), o.loc.line) ?? '');
      }
    } else {
      key = ruleField(o.f.rule);
    }
    if (!resource) resource = ruleResource(o.f.rule, o.loc.file);
    used.add(o);
    cands.push({ kind: 'single', resource: resource || 'secret', fields: [secretField(key, o)], first: o.loc });
  }

  // 3. One home per value: richer groups first; a value already homed only adds its locations there.
  cands.sort((a, b) => KIND_RANK[a.kind] - KIND_RANK[b.kind]
    || b.fields.filter((f) => f.secret).length - a.fields.filter((f) => f.secret).length
    || b.fields.length - a.fields.length
    || locCmp(a.first, b.first));
  const home = new Map<string, CandField>();
  const kept: Cand[] = [];
  for (const c of cands) {
    const remaining: CandField[] = [];
    for (const f of c.fields) {
      if (!f.secret) {
        remaining.push(f);
        continue;
      }
      const h = home.get(f.value);
      if (h) h.occs.push(...f.occs);
      else remaining.push(f);
    }
    if (!remaining.some((f) => f.secret)) continue;
    for (const f of remaining) if (f.secret) home.set(f.value, f);
    kept.push({ ...c, fields: remaining });
  }

  // 4. Names, collisions resolved by first location.
  kept.sort((a, b) => locCmp(a.first, b.first) || a.resource.localeCompare(b.resource));
  const taken = new Set<string>();
  const secrets: PlannedSecret[] = [];
  const values: PlanValues = new Map();
  const limit = MAX_NAME_LENGTH - renderName(template, input.env, input.app, '').length;
  if (limit < 1) throw new SweepError(`--name-template with this --env and --app leaves no room for the resource (names are at most ${MAX_NAME_LENGTH} characters)`);
  for (const c of kept) {
    const base = c.resource.slice(0, Math.max(1, limit - 12)).replace(/[-.]+$/, '') || 'secret';
    let resource = base;
    let name = renderName(template, input.env, input.app, resource);
    if (taken.has(name)) {
      const stem = fileStem(c.first.file);
      resource = stem && stem !== base ? `${base}-${stem}` : base;
      name = renderName(template, input.env, input.app, resource);
      for (let n = 2; taken.has(name); n++) {
        resource = `${base}${stem && stem !== base ? `-${stem}` : ''}-${n}`;
        name = renderName(template, input.env, input.app, resource);
      }
    }
    validateSecretName(name);
    taken.add(name);
    const fields = [...c.fields].sort((a, b) => fieldRank(a.key) - fieldRank(b.key));
    const planned: PlannedField[] = [];
    let bytes = 2;
    for (const f of fields) {
      bytes += Buffer.byteLength(JSON.stringify(f.key)) + Buffer.byteLength(JSON.stringify(f.value)) + 2;
      if (f.secret) {
        const sorted = [...new Set(f.occs)].sort((a, b) => locCmp(a.loc, b.loc));
        const src = sorted[0]!;
        const locations = dedupeLocations(sorted.map((x) => x.loc));
        planned.push({
          key: f.key, secret: true, type: f.type, rule: src.f.rule, fingerprint: src.loc.fingerprint,
          redacted: redact(f.value),
          source: { kind: 'span', ...spanOf(src.loc), ...(src.decode ? { decode: src.decode } : {}) },
          locations,
        });
        values.set(valueKey(name, f.key), { value: f.value, raw: [...new Set(sorted.map((x) => x.raw))] });
      } else {
        planned.push({
          key: f.key, secret: false, type: f.type,
          fingerprint: f.contextLoc?.fingerprint ?? digest(f.value),
          redacted: f.source?.kind === 'literal' ? f.value : redact(f.value),
          source: f.source!,
          locations: f.contextLoc ? [f.contextLoc] : [],
        });
        values.set(valueKey(name, f.key), { value: f.value, raw: [] });
      }
    }
    const secret: PlannedSecret = { name, resource, kind: c.kind, fields: planned, action: 'create' };
    if (bytes > MAX_SECRET_BYTES) {
      for (const f of planned) if (f.secret) for (const l of f.locations) skipped.push({ location: l, reason: `${name} would be larger than 64 KiB` });
      continue;
    }
    if (/-[A-Za-z0-9]{6}$/.test(name)) {
      warnings.push(`${name} ends with a hyphen and six characters, which AWS says can be confused with the random ARN suffix; consider --name-template`);
    }
    secrets.push(secret);
  }
  secrets.sort((a, b) => a.name.localeCompare(b.name));
  const historyOnly = secrets.filter((s) => s.fields.some((f) => f.secret && f.locations.every((l) => l.historyOnly))).length;
  if (historyOnly) warnings.push(`${historyOnly} secret(s) were found only in git history: they are stored and must be rotated, but no code refers to them any more`);
  return {
    plan: { version: 1, app: input.app, env: input.env, nameTemplate: template, secrets, skipped, edits: [], warnings },
    values,
  };
}

function dedupeLocations(locs: ValueLocation[]): ValueLocation[] {
  const seen = new Set<string>();
  return locs.filter((l) => {
    const k = `${l.commit ?? ''}:${l.file}:${l.line}:${l.column}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** The assignment name right before a position: `DATABASE_URL=`, `"url": "`, `engine = create_engine("` (none). */
function parseKeyBefore(before: string): string | undefined {
  const m = /([A-Za-z_][A-Za-z0-9_.-]*)["']?\s*(?::=|=>|[:=])\s*["'`]?$/.exec(before.slice(-200));
  return m ? m[1]!.split('.').pop() : undefined;
}

/** The YAML parent key or INI section a line sits under, if any. */
function headerAbove(lines: string[], line: number): string | undefined {
  const t0 = lines[line - 1] ?? '';
  const indent = t0.length - t0.trimStart().length;
  for (let i = line - 1; i >= 1; i--) {
    const t = lines[i - 1] ?? '';
    if (t.trim() === '') continue;
    const sec = /^\s*\[([^\]]+)\]\s*$/.exec(t);
    if (sec) return sec[1];
    const ind = t.length - t.trimStart().length;
    if (ind < indent) {
      const y = /^\s*-?\s*["']?([A-Za-z_][A-Za-z0-9_.-]*)["']?\s*:\s*(?:#.*)?$/.exec(t);
      return y?.[1];
    }
  }
  return undefined;
}

/** The JSON text stored for a secret: its fields in order, ports as numbers. */
export function secretString(secret: PlannedSecret, values: PlanValues): string {
  const obj: Record<string, string | number> = {};
  for (const f of secret.fields) {
    const v = values.get(valueKey(secret.name, f.key));
    if (!v) throw new SweepError(`internal: no value for ${secret.name} key ${f.key}`);
    obj[f.key] = f.type === 'number' && /^\d{1,15}$/.test(v.value) ? Number(v.value) : v.value;
  }
  return JSON.stringify(obj);
}

/** Every location of a plan's secrets, flattened (for tables and reports). */
export function locationsOf(secret: PlannedSecret): ValueLocation[] {
  return secret.fields.flatMap((f) => (f.secret ? f.locations : []));
}

export function formatLocation(l: Pick<ValueLocation, 'file' | 'line' | 'commit' | 'historyOnly'>): string {
  const at = l.line ? `${l.file}:${l.line}` : l.file;
  return l.historyOnly ? `${at} @${(l.commit ?? '').slice(0, 10)} (history only)` : at;
}

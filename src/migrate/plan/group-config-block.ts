/**
 * Grouping: a config block becomes one secret whose non-secret members are plain keys: a common prefix
 * (DB_HOST / DB_USER / DB_PASSWORD), a YAML mapping or INI section (host / user / password under
 * `database:`), or the keyword arguments of one call on one line (`connect(host=..., password=...)`).
 */
import type { Cand, CandField, GroupingContext, Occ } from './occurrences.js';
import { DB_WORDS, normField, splitKey } from './keys.js';
import { linesOf, parseAssignment, type Assignment } from './values.js';
import { fileStem } from './naming.js';

/** Database drivers by their Python module or client class, and the engine each speaks. */
export const CALL_ENGINES: Array<[RegExp, string]> = [
  [/\b(psycopg2?|pg8000|asyncpg|psycopg)\b/, 'postgres'],
  [/\b(pymysql|MySQLdb|mysql\.connector|aiomysql)\b/, 'mysql'],
  [/\b(pymongo|MongoClient)\b/, 'mongo'],
  [/\bsnowflake\.connector\b/, 'snowflake'],
  [/\bredshift_connector\b/, 'redshift'],
  [/\b(redis|Redis|StrictRedis)\b/, 'redis'],
  [/\b(pyodbc|pymssql)\b/, 'sqlserver'],
  [/\b(cx_Oracle|oracledb)\b/, 'oracle'],
];

export function configBlockGroups(ctx: GroupingContext): Cand[] {
  const { occs, used, textOf } = ctx;
  const out: Cand[] = [];
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
    if (ownIsValue) cand = blockGroup(ctx, o, lines, own);
    if (!cand) cand = callGroup(ctx, o, lines[ln - 1] ?? '');
    if (cand) {
      for (const f of cand.fields) for (const x of f.occs) used.add(x);
      out.push(cand);
    }
  }
  return out;
}

function blockGroup(ctx: GroupingContext, o: Occ, lines: string[], own: Assignment): Cand | undefined {

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
        const y = BLOCK_HEADER.exec(t);
        if (y) header = y[1];
        break;
      }
      if (ind === own.indent) a = i;
    }
    if (!header) return undefined;
    header = namingHeader(lines, a, header);
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
    // `module.exports = {` / `exports = {`: the block is the module itself, named after its file.
    resourceParts = [/^(module\.)?exports$/.test(header) ? fileStem(o.loc.file) : header.split('.').pop()!];
  }
  return fromMembers(ctx, o, members, resourceParts);
}

/**
 * A line that opens a block: `database:` (YAML), `"default": {` (a dict entry), `DATABASES = {`,
 * `warehouse=dict(`.
 */
const BLOCK_HEADER = /^\s*-?\s*["']?([A-Za-z_][A-Za-z0-9_.-]*)["']?\s*(?::|(?=\s*=\s*(?:\{|dict\()))\s*(?:=\s*)?(?:\{|dict\()?\s*(?:#.*)?$/;

/** Keys that say which environment or slot a block is, not what it is (dbt's `outputs: prod:`). */
const GENERIC_HEADERS = /^(prod|production|staging|stage|dev|development|test|testing|qa|uat|local|default|live|outputs|targets|config|settings|credentials)$/i;

/**
 * The header to name a block after: `header` (at the line above `first`), or, while it is generic, the
 * next one up (`analytics: outputs: prod: password:` -> analytics), so the name does not repeat the env.
 */
function namingHeader(lines: string[], first: number, header: string): string {
  let name = header;
  let at = first - 1;
  for (let hops = 0; hops < 3 && GENERIC_HEADERS.test(name); hops++) {
    const t = lines[at - 1] ?? '';
    const ind = t.length - t.trimStart().length;
    let found: string | undefined;
    for (let i = at - 1; i >= 1; i--) {
      const u = lines[i - 1] ?? '';
      if (u.trim() === '' || /^\s*#/.test(u)) continue;
      if (u.length - u.trimStart().length < ind) {
        found = BLOCK_HEADER.exec(u)?.[1];
        at = i;
        break;
      }
    }
    if (!found) break;
    name = found;
  }
  return GENERIC_HEADERS.test(name) ? header : name;
}

function callGroup(ctx: GroupingContext, o: Occ, line: string): Cand | undefined {

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
  const cand = fromMembers(ctx, o, members, [engine ?? hostLabel(members, line.slice(call ? call.index : 0)) ?? 'db'], engine);
  if (cand) cand.kind = 'config-block';
  return cand;
}

/**
 * A call of no known driver (`ssh.connect("sftp.vendor.com", username=…, password=…)`) is named after
 * the host it connects to, the first label of `host=` or of a leading hostname argument: "sftp", not "db".
 */
function hostLabel(members: Array<{ a: Assignment }>, call: string): string | undefined {
  const host = members.find((m) => /^(host|hostname|server)$/i.test(m.a.key))?.a.value
    ?? /^[A-Za-z_][A-Za-z0-9_.]*\s*\(\s*(["'])([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)\1/.exec(call)?.[2];
  const label = host?.split('.')[0]?.toLowerCase();
  return label && /^[a-z][a-z0-9-]*$/.test(label) && !/^(localhost|db|www)$/.test(label) ? label : undefined;
}

function fromMembers(ctx: GroupingContext, o: Occ, members: Array<{ line: number; a: Assignment }>, resourceParts: string[], engine?: string): Cand | undefined {
  const { used, sameFile, secretField, contextField, literalField, resourceFrom } = ctx;
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

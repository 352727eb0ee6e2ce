/**
 * Schema validation for one rule: every key known, every regex compiles under RE2, the secret group
 * exists. Errors are one line naming file:line and the rule id.
 */
import { RE2 } from '../detect/re2.js';
import { checkRegexSize } from './regex-size.js';
import { SweepError } from '../errors.js';
import type { RuleAllowlist, RuleExample, RuleMigration, RuleSpec } from './rule.js';
import { KNOWN_VALIDATORS } from '../detect/validators.js';
import { quoteUserText, regexErrorMessage } from '../findings/redact.js';
import { isVerifierId, VERIFIERS } from '../verify/registry.js';

const RULE_KEYS = new Set([
  'id', 'description', 'regex', 'secret_group', 'keywords', 'entropy', 'path', 'validator', 'allowlist',
  'tags', 'references', 'severity', 'multiline', 'skip_global_allowlist', 'priority', 'examples',
  'negative_examples', 'migrate', 'verify',
]);
const MIGRATE_KEYS = new Set(['field', 'grouping', 'keypair', 'resource', 'whole_file', 'rotation']);
const ROTATION_KEYS = new Set(['hint', 'url', 'key_regex']);
const GROUPINGS = ['database-uri', 'uri', 'aws-keypair'];
const WHOLE_FILE_KINDS = ['private-key', 'service-account-json', 'netrc', 'pypirc', 'npmrc', 'docker-config', 'pip-index'];
const ALLOWLIST_KEYS = new Set(['regexes', 'target', 'stopwords', 'paths', 'condition', 'description']);
const EXAMPLE_KEYS = new Set(['text', 'secret', 'reason', 'path']);

export interface RuleLocation {
  file: string;
  line: number;
  keyLines?: Map<string, number>;
}

/** Capture groups of a regex: total count and the names of named groups, by index. */
export function captureGroups(re: string): { count: number; names: Map<string, number> } {
  let count = 0;
  const names = new Map<string, number>();
  let inClass = false;
  for (let i = 0; i < re.length; i++) {
    const c = re[i];
    if (c === '\\') { i++; continue; }
    if (inClass) { if (c === ']') inClass = false; continue; }
    if (c === '[') { inClass = true; if (re[i + 1] === ']') i++; continue; }
    if (c !== '(') continue;
    if (re[i + 1] !== '?') { count++; continue; }
    const m = /^\(\?P?<([A-Za-z_][A-Za-z0-9_]*)>/.exec(re.slice(i));
    if (m) { count++; names.set(m[1]!, count); }
  }
  return { count, names };
}

/** Compile under RE2 or throw a readable message. */
export function compileRe2(source: string, flags: string): RE2 {
  checkRegexSize(source); // RE2 would compile it, but every byte scanned would pay for its size
  return new RE2(source, flags);
}

const ID_FORMAT = /^[a-z0-9][a-z0-9._-]*$/;

function fail(loc: RuleLocation, id: string | undefined, key: string | undefined, msg: string): never {
  const line = (key && loc.keyLines?.get(key)) || loc.line;
  throw new SweepError(id ? `rule \`${shownId(id)}\`: ${msg}` : msg, `${loc.file}:${line}`);
}

/** A valid id is shown as written; anything else in the id field may be a pasted credential. */
const shownId = (id: string): string => (ID_FORMAT.test(id) && id.length <= 64 ? id : quoteUserText(id));

function stringList(v: unknown, loc: RuleLocation, id: string, key: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) fail(loc, id, key, `\`${key}\` must be a list of strings`);
  return v as string[];
}

function checkRegex(src: unknown, loc: RuleLocation, id: string, key: string, what = key): string {
  if (typeof src !== 'string' || src.trim() === '') fail(loc, id, key, `\`${what}\` must be a non-empty regex string`);
  try {
    checkRegexSize(src);
  } catch (e) {
    fail(loc, id, key, `\`${what}\` is ${(e as Error).message}`);
  }
  try {
    compileRe2(src, 'g');
  } catch (e) {
    fail(loc, id, key, `invalid regex in \`${what}\`: ${regexErrorMessage(e)} (RE2 syntax: no lookaround or backreferences)`);
  }
  return src;
}

function examples(v: unknown, loc: RuleLocation, id: string, key: string, negative: boolean): RuleExample[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) fail(loc, id, key, `\`${key}\` must be a list`);
  return v.map((e, i) => {
    if (typeof e === 'string') {
      if (negative) fail(loc, id, key, `negative example #${i + 1} needs a \`reason\` (write it as {text, reason})`);
      return { text: e };
    }
    if (typeof e !== 'object' || e === null) fail(loc, id, key, `example #${i + 1} must be a string or a mapping`);
    for (const k of Object.keys(e)) if (!EXAMPLE_KEYS.has(k)) fail(loc, id, key, `example #${i + 1}: unknown key \`${quoteUserText(k)}\``);
    const ex = e as Record<string, unknown>;
    if (typeof ex.text !== 'string' || ex.text === '') fail(loc, id, key, `example #${i + 1} needs a non-empty \`text\``);
    if (negative && (typeof ex.reason !== 'string' || ex.reason.trim() === '')) fail(loc, id, key, `negative example #${i + 1} needs a \`reason\``);
    if (ex.secret !== undefined && typeof ex.secret !== 'string') fail(loc, id, key, `example #${i + 1}: \`secret\` must be a string`);
    if (ex.path !== undefined && typeof ex.path !== 'string') fail(loc, id, key, `example #${i + 1}: \`path\` must be a string`);
    return { text: ex.text, secret: ex.secret as string | undefined, reason: ex.reason as string | undefined, path: ex.path as string | undefined };
  });
}

function allowlists(v: unknown, loc: RuleLocation, id: string): RuleAllowlist[] {
  if (v === undefined || v === null) return [];
  const list = Array.isArray(v) ? v : [v];
  return list.map((a, i) => {
    if (typeof a !== 'object' || a === null || Array.isArray(a)) fail(loc, id, 'allowlist', `allowlist #${i + 1} must be a mapping`);
    for (const k of Object.keys(a)) if (!ALLOWLIST_KEYS.has(k)) fail(loc, id, 'allowlist', `allowlist #${i + 1}: unknown key \`${quoteUserText(k)}\``);
    const al = a as Record<string, unknown>;
    const target = al.target ?? 'secret';
    if (target !== 'secret' && target !== 'line' && target !== 'match' && target !== 'context')
      fail(loc, id, 'allowlist', `allowlist #${i + 1}: \`target\` must be secret, line, match or context`);
    const regexes = stringList(al.regexes, loc, id, 'allowlist');
    regexes.forEach((r) => checkRegex(r, loc, id, 'allowlist', 'allowlist.regexes'));
    const paths = stringList(al.paths, loc, id, 'allowlist');
    paths.forEach((r) => checkRegex(r, loc, id, 'allowlist', 'allowlist.paths'));
    const stopwords = stringList(al.stopwords, loc, id, 'allowlist').map((s) => s.toLowerCase());
    const condition = al.condition ?? 'or';
    if (condition !== 'or' && condition !== 'and') fail(loc, id, 'allowlist', `allowlist #${i + 1}: \`condition\` must be or or and`);
    if (condition === 'and' && [regexes, paths, stopwords].filter((l) => l.length > 0).length < 2)
      fail(loc, id, 'allowlist', `allowlist #${i + 1}: \`condition: and\` needs two of regexes, paths and stopwords`);
    return { regexes, paths, stopwords, target: target as RuleAllowlist['target'], ...(condition === 'and' ? { condition } : {}) };
  });
}

/** The optional `migrate:` block: every key known, every value of the right kind. */
function migration(v: unknown, loc: RuleLocation, id: string): RuleMigration | undefined {
  if (v === undefined || v === null) return undefined;
  const bad = (msg: string): never => fail(loc, id, 'migrate', `\`migrate\`: ${msg}`);
  if (typeof v !== 'object' || Array.isArray(v)) bad('must be a mapping');
  const m = v as Record<string, unknown>;
  for (const k of Object.keys(m)) if (!MIGRATE_KEYS.has(k)) bad(`unknown key \`${quoteUserText(k)}\` (known: ${[...MIGRATE_KEYS].join(', ')})`);
  const out: RuleMigration = {};
  if (m.field !== undefined) {
    if (typeof m.field !== 'string' || !/^[a-z][a-z0-9_]*$/.test(m.field)) bad('`field` must be a JSON key: lower-case letters, digits and _');
    out.field = m.field as string;
  }
  if (m.grouping !== undefined) {
    if (typeof m.grouping !== 'string' || !GROUPINGS.includes(m.grouping)) bad(`\`grouping\` must be one of ${GROUPINGS.join(', ')}`);
    out.grouping = m.grouping as RuleMigration['grouping'];
  }
  if (m.keypair !== undefined) {
    if (m.keypair !== 'id' && m.keypair !== 'secret') bad('`keypair` must be id or secret');
    out.keypair = m.keypair as RuleMigration['keypair'];
  }
  if ((out.grouping === 'aws-keypair') !== (out.keypair !== undefined)) bad('`grouping: aws-keypair` and `keypair` (id or secret) go together');
  if (m.resource !== undefined) {
    if (typeof m.resource !== 'string' || !(m.resource === '{file}' || /^[a-z0-9][a-z0-9.-]*$/.test(m.resource))) bad('`resource` must be a slug (lower-case letters, digits, - and .) or {file}');
    out.resource = m.resource as string;
  }
  if (m.whole_file !== undefined) {
    if (typeof m.whole_file !== 'string' || !WHOLE_FILE_KINDS.includes(m.whole_file)) bad(`\`whole_file\` must be one of ${WHOLE_FILE_KINDS.join(', ')}`);
    out.whole_file = m.whole_file as RuleMigration['whole_file'];
  }
  if (m.rotation !== undefined) {
    const r = m.rotation as Record<string, unknown>;
    if (typeof r !== 'object' || r === null || Array.isArray(r)) bad('`rotation` must be a mapping with `hint` (and `url`)');
    for (const k of Object.keys(r)) if (!ROTATION_KEYS.has(k)) bad(`rotation: unknown key \`${quoteUserText(k)}\` (known: ${[...ROTATION_KEYS].join(', ')})`);
    if (typeof r.hint !== 'string' || !r.hint.trim()) bad('`rotation.hint` must be a non-empty string');
    if (r.url !== undefined && (typeof r.url !== 'string' || !/^https:\/\/\S+$/.test(r.url))) bad('`rotation.url` must be an https:// URL');
    if (r.key_regex !== undefined) {
      if (typeof r.key_regex !== 'string') bad('`rotation.key_regex` must be a regex string');
      try {
        new RegExp(r.key_regex as string);
      } catch {
        bad('`rotation.key_regex` is not a valid regex');
      }
    }
    out.rotation = { hint: r.hint as string, ...(r.url !== undefined ? { url: r.url as string } : {}), ...(r.key_regex !== undefined ? { key_regex: r.key_regex as string } : {}) };
  }
  return out;
}

/** Validate the shape of a raw rule object. Examples are run separately (see examples.ts). */
export function validateRule(raw: Record<string, unknown>, loc: RuleLocation): RuleSpec {
  const id = typeof raw.id === 'string' ? raw.id : undefined;
  for (const k of Object.keys(raw)) if (!RULE_KEYS.has(k)) fail(loc, id, k, `unknown key \`${quoteUserText(k)}\``);
  if (!id || !ID_FORMAT.test(id)) fail(loc, id, 'id', '`id` is required: lower-case letters, digits, `-`, `_`, `.`');
  if (typeof raw.description !== 'string' || !raw.description.trim()) fail(loc, id, 'description', '`description` is required');
  const regex = checkRegex(raw.regex, loc, id, 'regex');
  const groups = captureGroups(regex);
  let secretGroup: number | string;
  if (raw.secret_group === undefined) secretGroup = groups.names.has('secret') ? 'secret' : groups.count >= 1 ? 1 : 0;
  else if (typeof raw.secret_group === 'number') {
    if (!Number.isInteger(raw.secret_group) || raw.secret_group < 0 || raw.secret_group > groups.count)
      fail(loc, id, 'secret_group', `secret group ${raw.secret_group} is out of range: the regex has ${groups.count} capture group(s)`);
    secretGroup = raw.secret_group;
  } else if (typeof raw.secret_group === 'string') {
    if (!groups.names.has(raw.secret_group)) fail(loc, id, 'secret_group', `the regex has no group named \`${raw.secret_group}\``);
    secretGroup = raw.secret_group;
  } else fail(loc, id, 'secret_group', '`secret_group` must be a number or a group name');
  const keywords = stringList(raw.keywords, loc, id, 'keywords').map((k) => k.toLowerCase());
  const short = keywords.find((k) => k.length < 3 || !/^[\x20-\x7e]+$/.test(k));
  if (short !== undefined) fail(loc, id, 'keywords', `keyword \`${short}\` must be printable ASCII of 3 or more characters (short keywords match everywhere and defeat the prefilter)`);
  let entropy: number | undefined;
  if (raw.entropy !== undefined) {
    if (typeof raw.entropy !== 'number' || raw.entropy < 0 || raw.entropy > 8) fail(loc, id, 'entropy', '`entropy` must be a number between 0 and 8');
    entropy = raw.entropy;
  }
  let path: string | undefined;
  if (raw.path !== undefined) path = checkRegex(raw.path, loc, id, 'path');
  let validator: string | undefined;
  if (raw.validator !== undefined) {
    if (typeof raw.validator !== 'string' || !KNOWN_VALIDATORS.has(raw.validator))
      fail(loc, id, 'validator', `unknown validator \`${String(raw.validator)}\` (known: ${[...KNOWN_VALIDATORS].join(', ')})`);
    validator = raw.validator;
  }
  const sev = raw.severity ?? 'high';
  if (sev !== 'high' && sev !== 'medium' && sev !== 'low') fail(loc, id, 'severity', '`severity` must be high, medium or low');
  for (const b of ['multiline', 'skip_global_allowlist'] as const)
    if (raw[b] !== undefined && typeof raw[b] !== 'boolean') fail(loc, id, b, `\`${b}\` must be true or false`);
  if (raw.priority !== undefined && (typeof raw.priority !== 'number' || !Number.isFinite(raw.priority))) fail(loc, id, 'priority', '`priority` must be a number');
  const migrate = migration(raw.migrate, loc, id);
  if (raw.verify !== undefined && (typeof raw.verify !== 'string' || !isVerifierId(raw.verify)))
    fail(loc, id, 'verify', `unknown verifier \`${quoteUserText(String(raw.verify))}\` (known: ${Object.keys(VERIFIERS).join(', ')})`);
  const spec: RuleSpec = {
    id,
    description: raw.description as string,
    regex,
    secret_group: secretGroup,
    keywords,
    entropy,
    path,
    validator,
    allowlist: allowlists(raw.allowlist, loc, id),
    tags: stringList(raw.tags, loc, id, 'tags'),
    references: stringList(raw.references, loc, id, 'references'),
    severity: sev,
    multiline: raw.multiline === true,
    skip_global_allowlist: raw.skip_global_allowlist === true,
    priority: (raw.priority as number | undefined) ?? 50,
    examples: examples(raw.examples, loc, id, 'examples', false),
    negative_examples: examples(raw.negative_examples, loc, id, 'negative_examples', true),
    origin: `${loc.file}:${loc.line}`,
  };
  if (migrate) spec.migrate = migrate;
  if (raw.verify !== undefined) spec.verify = raw.verify as string;
  return spec;
}

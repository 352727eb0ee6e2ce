/**
 * Secrets Manager references in environment variables, and the `.env` reader that `secret-sweep run`
 * and the .env rewriter share.
 *
 * Reference syntax (what the .env rewriter writes and `run` resolves):
 *   KEY=sm://NAME#JSONKEY        the value of JSONKEY in the JSON secret NAME
 *   KEY=sm://NAME                the whole SecretString of NAME (a plain-text secret)
 *   KEY=prefix${sm://NAME#JSONKEY}suffix
 *                                a template: each ${sm://...} is replaced, the rest kept
 *                                (e.g. DATABASE_URL=postgresql://etl:${sm://prod/etl/db#password}@db:5432/app)
 * NAME uses Secrets Manager's name characters (letters, digits, /_+=.@-); JSONKEY letters, digits, _.@+-
 * The `sm:` scheme is case-sensitive. A `$` that should stay literal before `{sm://` can't be written;
 * no real value needs that.
 *
 * Pure apart from the `fetch` function passed in: no values are ever put into an error message.
 */
import { SweepError } from '../errors.js';

/**
 * The committed file of references at the repository root: `VAR=sm://NAME#KEY` lines (names and keys,
 * never values) for the files migrate rewrote to read `${VAR}`. `secret-sweep run` reads it from the
 * root whatever folder it starts in; `verify-refs` checks it.
 */
export const REFS_FILE = 'secret-sweep.refs';
export const REFS_HEADER = [
  '# Secrets Manager references for `secret-sweep run -- COMMAND` (written by secret-sweep migrate).',
  '# Names and keys only, never values: commit this file. Check it with `secret-sweep verify-refs`.',
];

export const SM_NAME = '[A-Za-z0-9/_+=.@-]{1,512}';
export const SM_KEY = '[A-Za-z0-9_.@+-]{1,256}';
const WHOLE_RE = new RegExp(`^sm://(${SM_NAME})(?:#(${SM_KEY}))?$`);
const TEMPLATE_RE = new RegExp(`\\$\\{sm://(${SM_NAME})(?:#(${SM_KEY}))?\\}`, 'g');

/** `sm://NAME#KEY` (or `sm://NAME` when key is undefined). */
export function smReference(secretName: string, jsonKey?: string): string {
  return jsonKey ? `sm://${secretName}#${jsonKey}` : `sm://${secretName}`;
}

export function isValidRefPart(s: string, part: 'name' | 'key'): boolean {
  return new RegExp(`^${part === 'name' ? SM_NAME : SM_KEY}$`).test(s);
}

export interface ParsedRef {
  secretName: string;
  jsonKey?: string;
}

/** The references in one value: a whole-value reference, or the `${sm://...}` placeholders of a template. */
export function referencesIn(value: string): ParsedRef[] {
  const whole = WHOLE_RE.exec(value);
  if (whole) return [{ secretName: whole[1]!, ...(whole[2] ? { jsonKey: whole[2] } : {}) }];
  const out: ParsedRef[] = [];
  for (const m of value.matchAll(TEMPLATE_RE)) out.push({ secretName: m[1]!, ...(m[2] ? { jsonKey: m[2] } : {}) });
  return out;
}

// ---------------------------------------------------------------------------------------------------
// .env files

export interface EnvLine {
  /** 1-based line of the assignment. */
  line: number;
  key: string;
  /** The value as a program sees it (quotes removed, escapes of double-quoted values decoded). */
  value: string;
  quote: '' | "'" | '"';
  /** Offsets of the raw value between its quotes (end exclusive). */
  valueStart: number;
  valueEnd: number;
  exported: boolean;
}

const ASSIGN_RE = /^([ \t]*)(export[ \t]+)?([A-Za-z_][A-Za-z0-9_.-]*)[ \t]*=[ \t]*/;
const DQ_ESCAPES: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/**
 * Read a .env file as python-dotenv does (where readers disagree, the plan stores python-dotenv's reading
 * and leaves values that Node's readers read otherwise): `KEY=value`, optional `export `, `#` comments,
 * single quotes literal but for \' and \\, double quotes with \\ \' \" \a \b \f \n \r \t \v escapes
 * (and spanning lines), unquoted values trimmed and cut at ` #`.
 */
export function parseEnvText(text: string): EnvLine[] {
  const out: EnvLine[] = [];
  let pos = 0;
  let line = 1;
  while (pos < text.length) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = text.length;
    const raw = text.slice(pos, nl).replace(/\r$/, '');
    const m = ASSIGN_RE.exec(raw);
    let consumedTo = nl;
    let linesUsed = 1;
    if (m) {
      const vs = pos + m[0].length;
      const q = text[vs];
      if (q === '"' || q === "'") {
        let j = vs + 1;
        let value = '';
        let closed = false;
        for (; j < text.length; j++) {
          const c = text[j]!;
          if (c === q) {
            closed = true;
            break;
          }
          if (c === '\\' && j + 1 < text.length) {
            // python-dotenv's escapes (the plan stores its reading): in single quotes only \' and \\;
            // an unknown one keeps its backslash.
            const e = text[j + 1]!;
            const known = q === '"' ? DQ_ESCAPES[e] : e === "'" || e === '\\' ? e : undefined;
            if (known !== undefined || q === '"') {
              value += known ?? c + e;
              j++;
              continue;
            }
          }
          value += c;
        }
        if (closed) {
          out.push({ line, key: m[3]!, value: value.replace(/\r\n/g, '\n'), quote: q, valueStart: vs + 1, valueEnd: j, exported: Boolean(m[2]) });
          const after = text.indexOf('\n', j);
          consumedTo = after < 0 ? text.length : after;
          linesUsed = 1 + (text.slice(pos, j).match(/\n/g)?.length ?? 0);
        }
      } else {
        const rest = raw.slice(m[0].length);
        const hash = /(^|[ \t])#/.exec(rest);
        const body = (hash ? rest.slice(0, hash.index) : rest).replace(/[ \t]+$/, '');
        out.push({ line, key: m[3]!, value: body, quote: '', valueStart: vs, valueEnd: vs + body.length, exported: Boolean(m[2]) });
      }
    }
    pos = consumedTo + 1;
    line += linesUsed;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Resolution

/** Why a reference could not be resolved; the message names the variable and the secret, never a value. */
export class RunEnvError extends SweepError {
  constructor(message: string) {
    super(message);
    this.name = 'RunEnvError';
  }
}

/** Fetch one secret's SecretString (throws a SweepError naming the secret on failure). */
export type FetchSecret = (secretName: string) => Promise<string>;

/**
 * Resolve every reference in `env`'s values, fetching each secret once. Returns a new environment;
 * variables without references are passed through unchanged.
 */
export async function resolveEnv(env: Readonly<Record<string, string | undefined>>, fetch: FetchSecret): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const users = new Map<string, string>(); // secret -> first variable using it (for error messages)
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) continue;
    out[k] = v;
    if (!v.includes('sm://')) continue;
    for (const r of referencesIn(v)) if (!users.has(r.secretName)) users.set(r.secretName, k);
  }
  if (users.size === 0) return out;

  const values = new Map<string, string>();
  await Promise.all([...users].map(async ([name, variable]) => {
    try {
      values.set(name, await fetch(name));
    } catch (e) {
      const why = e instanceof SweepError ? e.oneLine() : `could not read secret ${name}: ${String((e as Error)?.name ?? 'error')}`;
      throw new RunEnvError(`${variable}: ${why}`);
    }
  }));
  const parsed = new Map<string, Record<string, unknown> | undefined>();
  const lookup = (variable: string, r: ParsedRef): string => {
    const raw = values.get(r.secretName)!;
    if (r.jsonKey === undefined) return raw;
    if (!parsed.has(r.secretName)) {
      let obj: unknown;
      try {
        obj = JSON.parse(raw);
      } catch {
        obj = undefined;
      }
      parsed.set(r.secretName, obj && typeof obj === 'object' && !Array.isArray(obj) ? (obj as Record<string, unknown>) : undefined);
    }
    const obj = parsed.get(r.secretName);
    if (!obj) throw new RunEnvError(`${variable}: secret ${r.secretName} is not a JSON object, so it has no key "${r.jsonKey}" (use sm://${r.secretName} for the whole value)`);
    if (!Object.prototype.hasOwnProperty.call(obj, r.jsonKey)) throw new RunEnvError(`${variable}: secret ${r.secretName} has no key "${r.jsonKey}"`);
    const v = obj[r.jsonKey];
    return typeof v === 'string' ? v : JSON.stringify(v);
  };
  for (const [k, v] of Object.entries(out)) {
    if (!v.includes('sm://')) continue;
    const whole = WHOLE_RE.exec(v);
    if (whole) out[k] = lookup(k, { secretName: whole[1]!, ...(whole[2] ? { jsonKey: whole[2] } : {}) });
    else out[k] = v.replace(TEMPLATE_RE, (_m, name: string, key?: string) => lookup(k, { secretName: name, ...(key ? { jsonKey: key } : {}) }));
  }
  return out;
}

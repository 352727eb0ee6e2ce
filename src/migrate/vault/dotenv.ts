/**
 * The dotenv backend, for users without AWS: each secret becomes variables in a git-ignored `.env`
 * in the repository root, under a comment line naming the secret, and the same variables with empty
 * values go to a committed `.env.example`.
 *
 *   # secret-sweep: prod/etl/db keys=password,user
 *   PROD_ETL_DB__PASSWORD=...
 *   PROD_ETL_DB__USER=etl
 *
 * Lines that secret-sweep did not write are kept as they are. No versions, tags or rotation: a value
 * is replaced in place, and its version id is a hash of the content.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import {
  VaultError,
  type CreateInput,
  type GetOptions,
  type ListedSecret,
  type PutInput,
  type SecretDescription,
  type SecretValue,
  type Tags,
  type Vault,
  type VaultCapabilities,
  type VaultStats,
  type WriteResult,
} from './vault.js';
import { writeFileAtomic as writeAtomic } from '../../fs/write-file.js';
import { envVarPrefix } from '../backend/env-names.js';
import { testCrashPoint } from '../journal.js';

export interface DotenvVaultOptions {
  /** The repository root. */
  root: string;
  envFile?: string;
  exampleFile?: string;
}

const MARKER = '# secret-sweep: ';
const NAME_RE = /^[A-Za-z0-9/_+=.@-]{1,512}$/; // the same names Secrets Manager accepts
const MAX_VALUE_BYTES = 65536;

export { envVarPrefix };

export interface EnvVar {
  /** The JSON key, or undefined when the secret is a plain string. */
  key?: string;
  variable: string;
  value: string;
  /** The key held a number, boolean, object or array, stored as JSON text. */
  json?: boolean;
}

/** The variables a secret value becomes: one per key of a JSON object, else one for the whole value. */
export function envVarsFor(name: string, value: string): EnvVar[] {
  const prefix = envVarPrefix(name);
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    parsed = undefined;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return [{ variable: prefix, value }];
  const vars = Object.entries(parsed as Record<string, unknown>).map(([key, v]) => ({
    key,
    variable: `${prefix}__${envVarPrefix(key)}`,
    value: typeof v === 'string' ? v : JSON.stringify(v),
    ...(typeof v === 'string' ? {} : { json: true }),
  }));
  const seen = new Map<string, string>();
  for (const v of vars) {
    const other = seen.get(v.variable);
    if (other !== undefined) {
      throw new VaultError('InvalidParameter',
        `keys "${other}" and "${v.key}" of ${name} would both become ${v.variable} in .env`, { secretName: name });
    }
    seen.set(v.variable, v.key);
  }
  return vars;
}

/**
 * Quote only when needed, in the forms python-dotenv and Node's dotenv read alike: bare, then single
 * quotes (literal), then double quotes with backslash escapes for what single quotes cannot hold.
 */
export function encodeEnvValue(v: string): string {
  if (/^[A-Za-z0-9_\-.,/:@+=%~^]*$/.test(v)) return v;
  if (!/['\\\n\r]/.test(v)) return `'${v}'`;
  return `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r')}"`;
}

export function decodeEnvValue(raw: string): string {
  const s = raw.trim();
  if (s.length >= 2 && s.startsWith("'") && s.endsWith("'")) return s.slice(1, -1);
  if (s.length >= 2 && s.startsWith('"') && s.endsWith('"')) {
    const esc: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };
    return s.slice(1, -1).replace(/\\(.)/g, (m, c: string) => esc[c] ?? m);
  }
  return s;
}

interface Block {
  name: string;
  /** Keys in order, each marked json when its value was not a string; undefined for a plain value. */
  keys?: Array<{ key: string; json: boolean }>;
  start: number; // index of the marker line
  end: number; // one past the last line of the block
  vars: Map<string, string>; // variable -> raw right-hand side
}

const assignment = (line: string) => /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$/.exec(line);

function parseBlocks(lines: string[]): Block[] {
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].startsWith(MARKER)) continue;
    const [name, keyPart] = lines[i].slice(MARKER.length).trim().split(/\s+keys=/);
    const keys = keyPart?.split(',').filter(Boolean).map((k) => {
      const json = k.endsWith(':json');
      return { key: decodeURIComponent(json ? k.slice(0, -5) : k), json };
    });
    const prefix = envVarPrefix(name);
    const block: Block = { name, keys: keyPart === undefined ? undefined : keys ?? [], start: i, end: i + 1, vars: new Map() };
    // Only the variables the marker declares belong to the block; anything after it is the user's.
    const own = new Set(block.keys ? block.keys.map((k) => `${prefix}__${envVarPrefix(k.key)}`) : [prefix]);
    for (let j = i + 1; j < lines.length; j++) {
      const m = assignment(lines[j]);
      if (!m || !own.has(m[1]) || block.vars.has(m[1])) break;
      block.vars.set(m[1], m[2]);
      block.end = j + 1;
    }
    blocks.push(block);
    i = block.end - 1;
  }
  return blocks;
}

/** The variables of a `.env` text that this backend wrote (its `# secret-sweep:` blocks). */
export function vaultVariableNames(text: string): Set<string> {
  return new Set(parseBlocks(text.split(/\r?\n/)).flatMap((b) => [...b.vars.keys()]));
}

function renderBlock(name: string, vars: EnvVar[], withValues: boolean): string[] {
  const plain = vars.length === 1 && vars[0].key === undefined;
  const keys = plain ? '' : ` keys=${vars.map((v) => encodeURIComponent(v.key ?? '') + (v.json ? ':json' : '')).join(',')}`;
  return [`${MARKER}${name}${keys}`, ...vars.map((v) => `${v.variable}=${withValues ? encodeEnvValue(v.value) : ''}`)];
}

function blockValue(b: Block): string {
  const prefix = envVarPrefix(b.name);
  if (!b.keys) return decodeEnvValue(b.vars.get(prefix) ?? '');
  const obj: Record<string, unknown> = {};
  for (const { key, json } of b.keys) {
    const raw = decodeEnvValue(b.vars.get(`${prefix}__${envVarPrefix(key)}`) ?? '');
    obj[key] = json ? JSON.parse(raw) : raw;
  }
  return JSON.stringify(obj);
}

const versionOf = (value: string) => createHash('sha256').update(value).digest('hex').slice(0, 32);

/** Atomic (src/fs/write-file.ts), with the journal's crash points for the kill -9 tests. */
function writeFileAtomic(file: string, content: string, mode: number): void {
  writeAtomic(file, content, { mode, onStep: testCrashPoint });
}

async function readText(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** A text file as lines, remembering its line ending so a rewrite keeps it. */
class Lines {
  constructor(readonly lines: string[], readonly eol: string, readonly original: string | undefined) {}
  static parse(text: string | undefined): Lines {
    const t = text ?? '';
    const eol = t.includes('\r\n') ? '\r\n' : '\n';
    const lines = t === '' ? [] : t.split(/\r?\n/);
    if (lines.length && lines[lines.length - 1] === '') lines.pop();
    return new Lines(lines, eol, text);
  }
  toString(): string {
    return this.lines.length ? this.lines.join(this.eol) + this.eol : '';
  }
  /** Replace a secret's block in place, or append it after a blank line. */
  setBlock(name: string, rendered: string[]): void {
    const b = parseBlocks(this.lines).find((x) => x.name === name);
    if (b) {
      this.lines.splice(b.start, b.end - b.start, ...rendered);
    } else {
      if (this.lines.length && this.lines[this.lines.length - 1].trim() !== '') this.lines.push('');
      this.lines.push(...rendered);
    }
  }
}

export class DotenvVault implements Vault {
  readonly kind = 'dotenv';
  readonly capabilities: VaultCapabilities = { versions: false, tags: false, rotation: false, kms: false };
  readonly envPath: string;
  readonly examplePath: string;
  private readonly root: string;
  private readonly envRel: string;
  private queue: Promise<unknown> = Promise.resolve();
  private calls = 0;

  constructor(opts: DotenvVaultOptions) {
    this.root = path.resolve(opts.root);
    this.envPath = path.resolve(this.root, opts.envFile ?? '.env');
    this.examplePath = path.resolve(this.root, opts.exampleFile ?? '.env.example');
    this.envRel = path.relative(this.root, this.envPath).split(path.sep).join('/');
  }

  stats(): VaultStats {
    return { calls: this.calls, retries: 0 };
  }

  /** One operation at a time, so two writes in one run cannot lose each other's changes. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    this.calls++;
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private ref(name: string): string {
    return `dotenv:${this.envRel}#${name}`;
  }

  private async load(): Promise<{ env: Lines; blocks: Block[] }> {
    const env = Lines.parse(await readText(this.envPath));
    return { env, blocks: parseBlocks(env.lines) };
  }

  private check(action: string, name: string, value?: string): void {
    if (!NAME_RE.test(name)) {
      throw new VaultError('InvalidParameter',
        `invalid secret name for ${action}: ${name} (use up to 512 letters, digits and /_+=.@-)`, { action, secretName: name });
    }
    if (value !== undefined && Buffer.byteLength(value) > MAX_VALUE_BYTES) {
      throw new VaultError('InvalidParameter', `the value for ${name} is larger than 64 KiB (${action})`, { action, secretName: name });
    }
  }

  private async write(action: string, name: string, value: string, mustExist: boolean): Promise<WriteResult> {
    this.check(action, name, value);
    const vars = envVarsFor(name, value);
    const { env, blocks } = await this.load();
    const mine = blocks.find((b) => b.name === name);
    if (mustExist && !mine) {
      throw new VaultError('NotFound', `secret ${name} not found in ${this.envRel} (${action})`, { action, secretName: name });
    }
    if (!mustExist && mine && blockValue(mine) !== value) {
      throw new VaultError('Exists', `a secret named ${name} already exists in ${this.envRel} (${action})`, { action, secretName: name });
    }
    const clash = blocks.find((b) => b.name !== name && envVarPrefix(b.name) === envVarPrefix(name));
    if (clash) {
      throw new VaultError('InvalidParameter',
        `${name} and ${clash.name} would share the variables ${envVarPrefix(name)}* in ${this.envRel} (${action}): rename one`,
        { action, secretName: name });
    }
    // A variable the user wrote by hand outside our blocks would shadow or be shadowed by ours.
    const managed = new Set(blocks.flatMap((b) => [...Array(b.end - b.start).keys()].map((k) => b.start + k)));
    const wanted = new Set(vars.map((v) => v.variable));
    const handWritten = env.lines.findIndex((l, i) => !managed.has(i) && wanted.has(assignment(l)?.[1] ?? ''));
    if (handWritten >= 0) {
      throw new VaultError('Exists',
        `${this.envRel}:${handWritten + 1} already sets ${assignment(env.lines[handWritten])?.[1]}, which ${name} needs (${action}): remove that line or pick another name`,
        { action, secretName: name });
    }

    // Ignored before the values are written: a run killed in between never leaves them un-ignored.
    await this.ensureIgnored();
    env.setBlock(name, renderBlock(name, vars, true));
    const envText = env.toString();
    if (envText !== env.original) writeFileAtomic(this.envPath, envText, 0o600);

    const example = Lines.parse(await readText(this.examplePath));
    example.setBlock(name, renderBlock(name, vars, false));
    await this.writeIfChanged(this.examplePath, example);
    return { arn: this.ref(name), versionId: versionOf(value) };
  }

  private async writeIfChanged(file: string, lines: Lines): Promise<void> {
    const text = lines.toString();
    if (text === lines.original) return;
    const mode = await fs.stat(file).then((s) => s.mode & 0o777, () => 0o644);
    writeFileAtomic(file, text, mode);
  }

  /** Make sure git ignores the .env file (adds a line to .gitignore when nothing covers it). */
  private async ensureIgnored(): Promise<void> {
    const file = path.join(this.root, '.gitignore');
    const gi = Lines.parse(await readText(file));
    const rel = this.envRel;
    const base = path.posix.basename(rel);
    const covering = rel === base ? [base, `/${base}`, `**/${base}`, '*.env', '.env*'] : [`/${rel}`, rel, `**/${base}`];
    if (gi.lines.some((l) => covering.includes(l.trim()))) return;
    gi.lines.push(rel === base ? base : `/${rel}`);
    await this.writeIfChanged(file, gi);
  }

  describe(name: string): Promise<SecretDescription> {
    return this.serial(async () => {
      const b = (await this.load()).blocks.find((x) => x.name === name);
      if (!b) return { name, exists: false };
      return { name, exists: true, arn: this.ref(name), versionId: versionOf(blockValue(b)), tags: {} };
    });
  }

  create(input: CreateInput): Promise<WriteResult> {
    return this.serial(() => this.write('create', input.name, input.value, false));
  }

  put(input: PutInput): Promise<WriteResult> {
    return this.serial(() => this.write('put', input.name, input.value, true));
  }

  get(name: string, opts: GetOptions = {}): Promise<SecretValue> {
    return this.serial(async () => {
      const b = (await this.load()).blocks.find((x) => x.name === name);
      if (!b) throw new VaultError('NotFound', `secret ${name} not found in ${this.envRel} (get)`, { action: 'get', secretName: name });
      const value = blockValue(b);
      const versionId = versionOf(value);
      if ((opts.versionStage && opts.versionStage !== 'AWSCURRENT') || (opts.versionId && opts.versionId !== versionId)) {
        throw new VaultError('NotFound',
          `${name}: ${this.envRel} keeps only the current value, not ${opts.versionStage ?? `version ${opts.versionId}`} (get)`,
          { action: 'get', secretName: name });
      }
      return { value, versionId, arn: this.ref(name), versionStages: ['AWSCURRENT'] };
    });
  }

  /** Tags have nowhere to go in a .env file; accepted and dropped (capabilities.tags is false). */
  tag(_name: string, _tags: Tags): Promise<void> {
    return this.serial(async () => undefined);
  }

  rotate(name: string): Promise<void> {
    return this.serial(async () => {
      throw new VaultError('Unsupported',
        `rotation is not available for ${name} with the dotenv backend: use --backend aws`, { action: 'rotate', secretName: name });
    });
  }

  list(prefix = ''): Promise<ListedSecret[]> {
    return this.serial(async () =>
      (await this.load()).blocks
        .filter((b) => b.name.startsWith(prefix))
        .map((b) => ({ name: b.name, arn: this.ref(b.name), tags: {} })));
  }
}

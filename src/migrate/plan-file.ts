/**
 * Saving and loading plans (`--plan-out FILE`, `--plan FILE --apply`).
 *
 * A plan file holds NO secret values: names, JSON keys, locations and fingerprints only (and the
 * constants a plan derives, such as `engine: postgres` or a default port). At apply time every value is
 * re-read from its file (or, for history-only values, from the git blob), re-detected and checked
 * against the fingerprint the plan recorded; a file that changed since is an error naming it, never a
 * guess. Locations must stay inside the repository: a plan naming `../x`, an absolute path or a
 * symlink that leads out of the repository is refused.
 */
import { DEFAULT_MAX_FILE_SIZE } from '../engine/scanner.js';
import { readFileSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, resolve, sep } from 'node:path';
import { SweepError } from '../errors.js';
import { secretOf, type Finding } from '../findings/finding.js';
import { fingerprint as hmacFingerprint, DEFAULT_SALT } from '../findings/fingerprint.js';
import { quoteUserText, redact } from '../findings/redact.js';
import { createDetector, type DetectorOptions } from '../detect/detector.js';
import type { RuleSpec } from '../rules/rule.js';
import { readFileFragment } from '../sources/read-file.js';
import { decodeText } from '../sources/decode-text.js';
import { runGit } from '../sources/git/run.js';
import { valueAt } from './plan/occurrences.js';
import { configparserFilesOf } from './rewrite/config-file-readers.js';
import { migrationFacts } from './plan/rule-facts.js';
import { writePrivateFile } from '../cli/output.js';
import {
  MAX_SECRET_BYTES,
  spanText,
  validatePart,
  validateSecretName,
  validateTemplate,
  valueKey,
  type Plan,
  type ValueDecode,
  type PlannedField,
  type PlannedSecret,
  type PlanValues,
  type Span,
  type ValueLocation,
  type ValueSource,
} from './plan.js';

export const PLAN_FORMAT = 'secret-sweep-plan';
const MAX_PLAN_BYTES = 64 << 20;

/** The plan as saved: no values, no redacted prefixes. */
export function serializePlan(plan: Plan): string {
  const out = {
    format: PLAN_FORMAT,
    version: 1,
    note: 'No secret values: locations and fingerprints only. Apply with `secret-sweep migrate --plan FILE --apply`.',
    app: plan.app,
    env: plan.env,
    nameTemplate: plan.nameTemplate,
    secrets: plan.secrets.map((s) => ({
      name: s.name,
      resource: s.resource,
      kind: s.kind,
      action: s.action,
      fields: s.fields.map((f) => ({
        key: f.key,
        secret: f.secret,
        type: f.type,
        ...(f.rule ? { rule: f.rule } : {}),
        fingerprint: f.fingerprint,
        source: f.source,
        locations: f.locations,
      })),
    })),
    skipped: plan.skipped,
    warnings: plan.warnings,
    edits: plan.edits,
  };
  return JSON.stringify(out, null, 2) + '\n';
}

export function savePlan(file: string, plan: Plan): void {
  writePrivateFile(file, serializePlan(plan));
}

// ---------------------------------------------------------------------------------------------------

export interface LoadOptions {
  /** The repository root: every location must be inside it. */
  root: string;
  rules: RuleSpec[];
  detector?: DetectorOptions;
  maxFileSize?: number;
  /** Read a blob of history (commit:path); defaults to `git cat-file blob`. */
  readBlob?: (commit: string, path: string) => Promise<string | undefined>;
  /**
   * Files an interrupted run of this plan began to write: where a value is gone from one of them, that
   * run stored it and rewrote the place, so the value is read as committed (HEAD) and the place dropped.
   */
  resumedFiles?: ReadonlySet<string>;
}

const bad = (file: string, what: string): never => {
  throw new SweepError(`not a secret-sweep plan: ${what}`, file);
};

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const posInt = (v: unknown) => Number.isInteger(v) && (v as number) >= 1;

/** Refuse a location outside the repository (absolute, `..`, or a symlink leading out). */
export function checkInsideRepo(root: string, rel: string, planFile: string): void {
  const refuse = () => {
    throw new SweepError(`refusing plan: location ${JSON.stringify(rel.slice(0, 200))} is outside the repository`, planFile);
  };
  if (typeof rel !== 'string' || rel === '' || rel.includes('\0') || rel.includes('\\') || isAbsolute(rel)) refuse();
  if (rel.split('/').some((p) => p === '..' || p === '')) refuse();
  const rootReal = realpathSync(root);
  const abs = resolve(rootReal, rel);
  if (!abs.startsWith(rootReal + sep)) refuse();
  // The deepest part of the path that exists must resolve (through symlinks) inside the repository;
  // a missing file is reported later, when it is read.
  for (let p = abs; p.length >= rootReal.length; p = dirname(p)) {
    let real: string;
    try {
      real = realpathSync(p);
    } catch {
      continue;
    }
    if (real !== rootReal && !real.startsWith(rootReal + sep)) refuse();
    return;
  }
}

function checkSpan(v: unknown, file: string, what: string): Span {
  if (!isObj(v) || typeof v.file !== 'string' || !posInt(v.line) || !posInt(v.column) || !posInt(v.endLine) || !posInt(v.endColumn)) {
    return bad(file, `${what}: a location needs file, line, column, endLine, endColumn`);
  }
  if (v.commit !== undefined && (typeof v.commit !== 'string' || !/^[0-9a-f]{7,64}$/.test(v.commit))) return bad(file, `${what}: bad commit`);
  const s: Span = { file: v.file, line: v.line as number, column: v.column as number, endLine: v.endLine as number, endColumn: v.endColumn as number };
  if (v.commit) s.commit = v.commit as string;
  return s;
}

/** Parse and validate a plan file's JSON (structure only; values are not read here). */
export function parsePlan(text: string, file: string, root: string): Plan {
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch {
    return bad(file, 'not valid JSON');
  }
  if (!isObj(j) || j.format !== PLAN_FORMAT) return bad(file, `missing "format": "${PLAN_FORMAT}"`);
  if (j.version !== 1) return bad(file, `unsupported version ${quoteUserText(String(j.version))} (this secret-sweep reads version 1)`);
  if (typeof j.app !== 'string' || typeof j.env !== 'string' || typeof j.nameTemplate !== 'string') return bad(file, 'app, env and nameTemplate are required');
  validatePart('plan app', j.app);
  validatePart('plan env', j.env);
  validateTemplate(j.nameTemplate);
  if (!Array.isArray(j.secrets)) return bad(file, 'secrets must be a list');
  const names = new Set<string>();
  const secrets: PlannedSecret[] = j.secrets.map((s: unknown, i: number): PlannedSecret => {
    const at = `secrets[${i}]`;
    if (!isObj(s) || typeof s.name !== 'string' || !Array.isArray(s.fields) || s.fields.length === 0) return bad(file, `${at}: name and fields are required`);
    validateSecretName(s.name);
    if (names.has(s.name)) return bad(file, `${at}: ${s.name} appears twice`);
    names.add(s.name);
    const kinds = ['database', 'url', 'aws-keypair', 'config-block', 'single', 'whole-file'];
    if (!kinds.includes(String(s.kind))) return bad(file, `${at}: unknown kind`);
    const keys = new Set<string>();
    const fields: PlannedField[] = s.fields.map((f: unknown, k: number): PlannedField => {
      const fat = `${at}.fields[${k}]`;
      if (!isObj(f) || typeof f.key !== 'string' || !f.key || typeof f.secret !== 'boolean' || typeof f.fingerprint !== 'string') {
        return bad(file, `${fat}: key, secret and fingerprint are required`);
      }
      if (keys.has(f.key)) return bad(file, `${fat}: key ${f.key} appears twice`);
      keys.add(f.key);
      if (f.secret && typeof f.rule !== 'string') return bad(file, `${fat}: a secret field needs its rule`);
      const src = f.source;
      let source: ValueSource;
      if (isObj(src) && src.kind === 'literal') {
        // Constants only (engine names, default ports); a secret is never stored in a plan.
        if (f.secret || typeof src.value !== 'string' || !/^[A-Za-z0-9._-]{0,64}$/.test(src.value)) return bad(file, `${fat}: a literal may only be a short constant of a non-secret field`);
        source = { kind: 'literal', value: src.value };
      } else if (isObj(src) && src.kind === 'span') {
        const span = checkSpan(src, file, fat);
        checkInsideRepo(root, span.file, file);
        if (src.decode !== undefined && !['uri', 'literal', 'literal+uri'].includes(src.decode as string)) return bad(file, `${fat}: unknown decode`);
        source = { kind: 'span', ...span, ...(src.decode ? { decode: src.decode as ValueDecode } : {}) };
      } else return bad(file, `${fat}: source must be a span or a literal`);
      const locations: ValueLocation[] = (Array.isArray(f.locations) ? f.locations : []).map((l: unknown) => {
        const span = checkSpan(l, file, fat);
        checkInsideRepo(root, span.file, file);
        const o = l as Json;
        const loc: ValueLocation = { ...span, fingerprint: String(o.fingerprint ?? ''), historyOnly: o.historyOnly === true };
        if (typeof o.rule === 'string') loc.rule = o.rule;
        if (typeof o.key === 'string') loc.key = o.key;
        return loc;
      });
      return {
        key: f.key, secret: f.secret, type: f.type === 'number' ? 'number' : 'string',
        ...(typeof f.rule === 'string' ? { rule: f.rule } : {}),
        fingerprint: f.fingerprint, redacted: '…', source, locations,
      };
    });
    return { name: s.name, resource: String(s.resource ?? ''), kind: s.kind as PlannedSecret['kind'], fields, action: 'create' };
  });
  return {
    version: 1, app: j.app, env: j.env, nameTemplate: j.nameTemplate, secrets,
    skipped: Array.isArray(j.skipped) ? (j.skipped as Plan['skipped']) : [],
    edits: [],
    warnings: Array.isArray(j.warnings) ? j.warnings.filter((w): w is string => typeof w === 'string') : [],
  };
}

async function gitBlob(root: string, commit: string, path: string): Promise<string | undefined> {
  const r = await runGit(root, ['cat-file', 'blob', `${commit}:${path}`]);
  if (r.code !== 0) return undefined;
  const d = decodeText(r.stdout);
  return 'text' in d ? d.text : undefined;
}

/**
 * Load a plan and re-read its values from the repository, checking each against its fingerprint.
 * Throws a one-line SweepError naming the file that changed.
 */
export async function loadPlan(planFile: string, opts: LoadOptions): Promise<{ plan: Plan; values: PlanValues }> {
  let text: string;
  try {
    const buf = readFileSync(planFile);
    if (buf.length > MAX_PLAN_BYTES) return bad(planFile, 'larger than 64 MiB');
    text = buf.toString('utf8');
  } catch (e) {
    throw new SweepError(`cannot read the plan (${(e as NodeJS.ErrnoException).code ?? 'error'})`, planFile);
  }
  const plan = parsePlan(text, planFile, opts.root);
  const salt = opts.detector?.salt ?? DEFAULT_SALT;
  const detector = createDetector(opts.rules, opts.detector);
  const readBlob = opts.readBlob ?? ((c: string, p: string) => gitBlob(opts.root, c, p));
  const maxFileSize = opts.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;

  // Each file (or blob) read and scanned once.
  const texts = new Map<string, Promise<string | undefined>>();
  const findings = new Map<string, Promise<Finding[]>>();
  const id = (s: Span) => `${s.commit ?? ''}\u0000${s.file}`;
  const where = (s: Span) => (s.commit ? `${s.file} (commit ${s.commit.slice(0, 10)})` : s.file);
  const textOf = (s: Span): Promise<string | undefined> => {
    const k = id(s);
    let p = texts.get(k);
    if (!p) {
      p = s.commit
        ? readBlob(s.commit, s.file)
        : Promise.resolve().then(() => {
          const r = readFileFragment(opts.root, s.file, maxFileSize);
          return 'fragment' in r ? r.fragment.text : undefined;
        });
      texts.set(k, p);
    }
    return p;
  };
  const findingsOf = (s: Span): Promise<Finding[]> => {
    const k = id(s);
    let p = findings.get(k);
    if (!p) {
      p = textOf(s).then((t) => (t === undefined ? [] : detector.detect({ text: t, provenance: { kind: s.commit ? 'git-blob' : 'file', path: s.file, commit: s.commit } })));
      findings.set(k, p);
    }
    return p;
  };
  const changed = (s: Span, why: string): never => {
    throw new SweepError(`changed since the plan was made (${why}); make a new plan with --plan-out`, `${where(s)}:${s.line}`);
  };
  const migration = migrationFacts(opts.rules);
  let iniFiles: Set<string> | undefined;
  const configparserFiles = () => (iniFiles ??= configparserFilesOf(opts.root, plan.secrets.flatMap((x) => x.fields.flatMap((f) => (f.source.kind === 'span' ? [f.source.file] : [])))));
  // A place an interrupted run rewrote: read as committed, decoded as in the working tree.
  const rewrittenPlace = async (s: Span, fp: string) => !s.commit && opts.resumedFiles?.has(s.file)
    && (await findingsOf({ ...s, commit: 'HEAD' })).some((x) => x.line === s.line && x.fingerprint === fp);
  const done = new Set<Span>();
  /** The value the program reads at a span, read as the plan was built (see plan/occurrences.ts valueAt). */
  const readAt = async (s: Span, fp: string): Promise<{ raw: string; value: string }> => {
    const head = done.has(s);
    const text = await textOf(head ? { ...s, commit: 'HEAD' } : s);
    if (text === undefined) changed(s, s.commit ? 'the commit or file is not in this repository' : 'missing or unreadable');
    // The finding is the span, or lies inside it: a literal read whole, or a file that is the secret (whose
    // span runs to the file's end, past the finding's last line when blank lines follow it).
    const inside = (x: Finding) => (x.line > s.line || (x.line === s.line && x.column >= s.column))
      && (x.endLine < s.endLine || (x.endLine === s.endLine && x.endColumn <= s.endColumn));
    const f = (await findingsOf(head ? { ...s, commit: 'HEAD' } : s)).find((x) => inside(x) && x.fingerprint === fp);
    if (!f && !head && await rewrittenPlace(s, fp)) {
      done.add(s);
      return readAt(s, fp);
    }
    if (!f) return changed(s, 'the value the plan recorded is no longer there');
    const at = valueAt(f, secretOf(f), s.commit ? undefined : text, migration(f.rule), !s.commit && configparserFiles().has(s.file));
    if ('skip' in at || at.span.line !== s.line || at.span.column !== s.column || at.span.endLine !== s.endLine || at.span.endColumn !== s.endColumn) return changed(s, 'the value around it is no longer the one the plan recorded');
    return { raw: at.raw, value: at.value };
  };
  const secretAt = async (s: Span, fp: string): Promise<string> => (await readAt(s, fp)).raw;

  const values: PlanValues = new Map();
  for (const s of plan.secrets) {
    let bytes = 0;
    for (const f of s.fields) {
      let value: string;
      let raw: string[] = [];
      if (f.source.kind === 'literal') value = f.source.value;
      else if (f.secret) {
        const r = await readAt(f.source, f.fingerprint);
        value = r.value;
        raw = [r.raw];
        // Every other place the plan will refer to must still hold the same value.
        for (const l of f.locations) {
          if (l.historyOnly || (l.file === f.source.file && l.line === f.source.line && l.column === f.source.column)) continue;
          const other = await secretAt(l, l.fingerprint);
          if (!raw.includes(other)) raw.push(other);
        }
      } else {
        const source = f.source;
        const contextAt = async (src: Span): Promise<string | undefined> => {
          const t = await textOf(src);
          const got = t === undefined ? undefined : spanText(t, source);
          if (got === undefined || source.decode !== 'uri') return got;
          try {
            return decodeURIComponent(got);
          } catch {
            return got; // as found
          }
        };
        let got = await contextAt(source);
        // Beside a value an interrupted run took out of the same file: as committed.
        if ((got === undefined || hmacFingerprint('context', got, salt) !== f.fingerprint) && !source.commit && opts.resumedFiles?.has(source.file)) {
          got = await contextAt({ ...source, commit: 'HEAD' });
        }
        if (got === undefined) return changed(source, 'missing or shorter than the plan says');
        value = got;
        if (hmacFingerprint('context', value, salt) !== f.fingerprint) return changed(source, `the ${f.key} value differs`);
      }
      bytes += Buffer.byteLength(value);
      f.redacted = f.secret ? redact(value) : f.source.kind === 'literal' ? value : redact(value);
      values.set(valueKey(s.name, f.key), { value, raw });
    }
    if (bytes > MAX_SECRET_BYTES) throw new SweepError(`${s.name} would be larger than 64 KiB`, planFile);
  }
  if (!done.size) return { plan, values };
  // The places the interrupted run rewrote are done; a secret with no place left is the earlier run's.
  const same = (a: Span, b: Span) => a.file === b.file && a.line === b.line && a.column === b.column && !a.commit && !b.commit;
  const isDone = (l: Span) => [...done].some((d) => same(d, l));
  const secrets = plan.secrets.flatMap((s) => {
    const fields = s.fields.map((f) => (f.secret ? { ...f, locations: f.locations.filter((l) => !isDone(l)) } : f));
    return fields.some((f) => f.secret && f.locations.length) ? [{ ...s, fields }] : [];
  });
  for (const s of plan.secrets) if (!secrets.some((x) => x.name === s.name)) for (const f of s.fields) values.delete(valueKey(s.name, f.key));
  return { plan: { ...plan, secrets }, values };
}

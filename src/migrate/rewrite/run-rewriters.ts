/**
 * Orchestration of the code rewriters for `migrate`: plan -> sites per file -> the first rewriter of the
 * registry (registry.ts) that applies -> edits, written through the central fixer (or only computed, for a dry run).
 *
 * - Sites come from the plan: every location of every field (secret and context) that is not
 *   history-only. A file no rewriter understands keeps all its secret sites as "manual".
 * - Rewriters run one file at a time in path order; Terraform files see their siblings' current text
 *   (so a data source added to one file is reused by the next).
 * - Then what the backend's capabilities call for: its generated helpers (Python `secret_sweep_secrets.py`,
 *   JS `secret-sweep-secrets.*`) and the `.env` references (`VAR=sm://NAME#KEY`) that `secret-sweep run`
 *   resolves for the code that now reads `process.env.VAR` / `${VAR}`.
 * - Nothing here sees a secret value; summaries name variables, secrets and keys only.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { Plan } from '../plan.js';
import { parseEnvText, smReference } from '../run-env.js';
import { backendFor } from '../backend/backends.js';
import { writeFileAtomic } from '../../fs/write-file.js';
import { testCrashPoint } from '../journal.js';
import { applyEdits, checkedPath, detectEol, writeEdits, writeNewFile } from './fixer.js';
import type { PlannedEdit, RewriteResult, RewriteSite } from './rewriter.js';
import { createRewriters, rewriterFor } from './registry.js';
import type { PythonRewriter } from './python.js';
import type { JavaScriptRewriter } from './javascript.js';
import type { EnvReference } from './sites.js';
import { appendGitignoreLine, untrackAndIgnore, wholeFilesOf, type WholeFile } from '../whole-files.js';

/** A site left for a human: where, which secret and key, why, and what to write instead. */
export interface ManualSite {
  file: string;
  line: number;
  column: number;
  secretName: string;
  jsonKey: string;
  reason: string;
  suggestion?: string;
}

export interface RewriteRunOptions {
  root: string;
  plan: Plan;
  backend: string;
  region?: string;
  /** false: compute everything in memory, touch nothing (dry run). */
  write: boolean;
  /** Called right after a file's edits are on disk (the journal's `file-rewritten`). */
  onFileWritten?: (file: string, rewriter: string, sites: number) => void;
  /** Called right after a generated file (helper, `.env`, `.gitignore`) is written. */
  onGenerated?: (file: string) => void;
  /** Called right before any file is written (the journal's `file-begin`: a kill -9 may stop the write). */
  onBeforeWrite?: (file: string) => void;
}

export interface RewriteRunResult {
  /** One per file with edits (summaries only, no values). */
  edits: PlannedEdit[];
  manual: ManualSite[];
  notes: string[];
  /** Generated or extended files: helpers, `.env`, `.gitignore`. */
  generated: string[];
  envRefs: EnvReference[];
  /** Files stored whole: untracked and ignored (with `write`), started under `secret-sweep run --file`. */
  wholeFiles: WholeFile[];
}

/** The rewrite sites of a plan, by file (path order). */
export function sitesFromPlan(plan: Plan): Map<string, RewriteSite[]> {
  const byFile = new Map<string, RewriteSite[]>();
  for (const s of plan.secrets) {
    for (const f of s.fields) {
      for (const l of f.locations) {
        if (l.historyOnly || l.commit) continue;
        const site: RewriteSite = {
          file: l.file, line: l.line, column: l.column, endLine: l.endLine, endColumn: l.endColumn,
          fingerprint: l.fingerprint, ...(l.rule ?? f.rule ? { rule: l.rule ?? f.rule } : {}),
          ...(l.key ? { assignedTo: l.key } : {}),
          kind: f.secret ? 'secret' : 'context',
          ref: { secretName: s.name, jsonKey: f.key },
        };
        const list = byFile.get(l.file) ?? [];
        if (!list.some((x) => x.line === site.line && x.column === site.column && x.endLine === site.endLine && x.endColumn === site.endColumn)) list.push(site);
        byFile.set(l.file, list);
      }
    }
  }
  return new Map([...byFile].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

type AnyResult = RewriteResult & {
  unhandled: Array<RewriteSite & { reason?: string; suggestion?: string }>;
  envRefs?: EnvReference[];
  uses?: { helper: boolean; os: boolean };
  helper?: { path: string; kind: string };
};

/** The `type` of the package.json nearest to `file` (inside the root), when there is one. */
function packageTypeFinder(root: string): (file: string) => string | undefined {
  const cache = new Map<string, string | undefined>();
  const find = (dir: string): string | undefined => {
    if (cache.has(dir)) return cache.get(dir);
    let t: string | undefined;
    const pj = path.join(root, dir, 'package.json');
    if (existsSync(pj)) {
      try {
        const v = (JSON.parse(readFileSync(pj, 'utf8')) as { type?: unknown }).type;
        t = typeof v === 'string' ? v : 'commonjs';
      } catch {
        t = undefined;
      }
    } else if (dir !== '.' && dir !== '') t = find(path.posix.dirname(dir));
    cache.set(dir, t);
    return t;
  };
  return (file) => find(path.posix.dirname(file.split(path.sep).join('/')));
}

function manualOf(u: RewriteSite & { reason?: string; suggestion?: string }, fallback: string): ManualSite {
  return {
    file: u.file, line: u.line, column: u.column, secretName: u.ref.secretName, jsonKey: u.ref.jsonKey,
    reason: u.reason ?? fallback, ...(u.suggestion ? { suggestion: u.suggestion } : {}),
  };
}

function summaryOf(file: string, rewriter: string, sites: RewriteSite[], unhandled: readonly RewriteSite[]): string {
  const left = new Set(unhandled.map((u) => `${u.line}:${u.column}`));
  const refs = [...new Set(sites.filter((s) => s.kind === 'secret' && !left.has(`${s.line}:${s.column}`)).map((s) => `${s.ref.secretName}#${s.ref.jsonKey}`))];
  return `${file} (${rewriter}): ${refs.length === 1 ? '' : `${refs.length} references: `}${refs.join(', ')}`;
}

/**
 * Run the rewriters over the plan's sites. With `write`, edits go to disk through the fixer (each file
 * checked to still hold the text the edits were computed from); without it, nothing is written.
 */
export async function runRewriters(opts: RewriteRunOptions): Promise<RewriteRunResult> {
  const { root, plan } = opts;
  const backend = backendFor(opts.backend);
  const out: RewriteRunResult = { edits: [], manual: [], notes: [], generated: [], envRefs: [], wholeFiles: wholeFilesOf(plan) };
  const byFile = sitesFromPlan(plan);
  // A file stored whole is not edited: it leaves git (after the code edits below).
  for (const w of out.wholeFiles) byFile.delete(w.file);
  if (byFile.size === 0) return finishWholeFiles(opts, out);

  // Current text of each file as this run sees it (after its own in-memory edits).
  const texts = new Map<string, string>();
  const read = (file: string): string | undefined => {
    if (texts.has(file)) return texts.get(file);
    try {
      return readFileSync(path.join(root, file), 'utf8');
    } catch {
      return undefined;
    }
  };
  const siblings = (file: string): string[] => {
    const dir = path.posix.dirname(file);
    const names = new Set<string>();
    try {
      for (const n of readdirSync(path.join(root, dir))) if (/\.tf$/i.test(n)) names.add(dir === '.' ? n : `${dir}/${n}`);
    } catch {
      /* no folder */
    }
    for (const f of texts.keys()) if (path.posix.dirname(f) === dir && /\.tf$/i.test(f)) names.add(f);
    names.delete(file);
    return [...names].sort().map((f) => read(f)).filter((t): t is string => t !== undefined);
  };

  const rewriters = await createRewriters({ packageType: packageTypeFinder(root), siblings });
  // The two whose generated helper modules are written below.
  const python = rewriters.find((r) => r.id === 'python') as PythonRewriter;
  const javascript = rewriters.find((r) => r.id === 'javascript') as JavaScriptRewriter;

  const pyHelperFiles: string[] = [];
  const jsResults: AnyResult[] = [];
  const pending: Array<{ file: string; rewriter: string; text: string; edits: RewriteResult['edits']; sites: number }> = [];
  for (const [file, sites] of byFile) {
    const text = read(file);
    if (text === undefined) {
      for (const s of sites) if (s.kind === 'secret') out.manual.push(manualOf(s, 'the file could not be read'));
      continue;
    }
    const rw = rewriterFor(rewriters, file, text);
    if (!rw) {
      for (const s of sites) {
        if (s.kind === 'secret') out.manual.push(manualOf(s, 'no rewriter for this kind of file'));
      }
      continue;
    }
    const res = rw.rewrite({ file, text, sites, backend: backend.id, region: opts.region }) as AnyResult;
    for (const u of res.unhandled) out.manual.push(manualOf(u, 'the rewriter could not change it safely'));
    out.notes.push(...res.notes.filter((n) => !/: left for you: /.test(n)));
    if (res.edits.length === 0) continue;
    const after = applyEdits(text, res.edits, file);
    if (after === text) continue;
    texts.set(file, after);
    pending.push({ file, rewriter: rw.id, text, edits: res.edits, sites: sites.length });
    out.edits.push({ file, rewriter: rw.id, summary: summaryOf(file, rw.id, sites, res.unhandled), sites });
    for (const e of res.envRefs ?? []) if (!out.envRefs.some((x) => x.variable === e.variable)) out.envRefs.push(e);
    if (res.uses?.helper) pyHelperFiles.push(file);
    if (res.helper) jsResults.push(res);
  }

  // What the rewritten code needs goes to disk first (helpers, .env references): a run killed halfway
  // never leaves code that refers to a helper or variable that is not there. A resumed run finds the
  // values left in the files not yet rewritten, and rewrites only those.
  let envText: string | undefined;
  if (backend.capabilities.helpers) {
    const helpers = [
      ...python.helperFiles(pyHelperFiles, (dir) => existsSync(path.join(root, dir, '__init__.py')), backend),
      ...javascript.helperFiles(jsResults as Array<{ helper?: { path: string; kind: 'mjs' | 'cjs' | 'ts' } }>, backend),
    ];
    for (const h of helpers) {
      if (opts.write) {
        opts.onBeforeWrite?.(h.path);
        const r = await writeNewFile(root, h.path, h.content);
        if (r.changed) opts.onGenerated?.(h.path);
      }
      out.generated.push(h.path);
    }
  }
  if (backend.capabilities.runReferences && out.envRefs.length) {
    const env = await addEnvReferences(root, out.envRefs, { write: opts.write, before: opts.onBeforeWrite });
    envText = env.text;
    for (const n of env.notes) out.notes.push(n);
    for (const f of env.written) opts.onGenerated?.(f);
    if (env.changed && !out.generated.includes('.env')) out.generated.push('.env');
  }
  if (opts.write) {
    for (const p of pending) {
      // References appended to .env above sit after every edit of .env itself.
      const expected = p.file === '.env' && envText !== undefined ? envText : p.text;
      opts.onBeforeWrite?.(p.file);
      await writeEdits(root, p.file, p.edits, { expectedText: expected });
      opts.onFileWritten?.(p.file, p.rewriter, p.sites);
    }
  }
  return finishWholeFiles(opts, out);
}

function finishWholeFiles(opts: RewriteRunOptions, out: RewriteRunResult): RewriteRunResult {
  for (const w of out.wholeFiles) {
    out.notes.push(`${w.file}: stored whole in ${w.secretName} (key ${w.jsonKey}); untracked and git-ignored (your local copy stays): start what reads it with \`${w.command}\``);
    if (!opts.write) continue;
    const r = untrackAndIgnore(opts.root, w.file, opts.onBeforeWrite);
    if (r.ignored) {
      opts.onGenerated?.('.gitignore');
      if (!out.generated.includes('.gitignore')) out.generated.push('.gitignore');
    }
  }
  return out;
}

/**
 * Add `VAR=sm://NAME#KEY` lines to the repository's `.env` for variables it does not set yet (the
 * format `secret-sweep run` reads, see run-env.ts), keeping every existing line and the file's line
 * ending; a new `.env` is mode 0600. Makes sure git ignores `.env` (adds it to `.gitignore` when
 * `git check-ignore` says it is not ignored and it is not tracked). A variable the file already sets to
 * something else is left alone and noted.
 */
export async function addEnvReferences(
  root: string,
  refs: readonly EnvReference[],
  opts: { write: boolean; before?: (file: string) => void },
): Promise<{ written: string[]; notes: string[]; changed: boolean; text?: string }> {
  const written: string[] = [];
  const notes: string[] = [];
  const real = await checkedPath(root, '.env', { mustExist: false });
  let text: string | undefined;
  let mode = 0o600;
  try {
    text = readFileSync(real, 'utf8');
    mode = statSync(real).mode & 0o7777;
  } catch {
    text = undefined;
  }
  const existing = new Map(parseEnvText(text ?? '').map((l) => [l.key, l.value]));
  const add: string[] = [];
  for (const r of refs) {
    const want = smReference(r.ref.secretName, r.ref.jsonKey);
    const have = existing.get(r.variable);
    if (have === undefined) {
      add.push(`${r.variable}=${want}`);
      existing.set(r.variable, want);
    } else if (have !== want) {
      notes.push(`.env already sets ${r.variable}; it was left as it is (the rewritten code expects ${want})`);
    }
  }
  if (add.length === 0) {
    // Every reference is there already, e.g. a run killed between writing .env and ignoring it: the
    // ignore line is still due.
    if (opts.write && text !== undefined && await ensureEnvIgnored(root, opts.before)) written.push('.gitignore');
    return { written, notes, changed: false, text };
  }
  const eol = detectEol(text ?? '');
  const base = text ?? '';
  const next = base + (base === '' || base.endsWith('\n') ? '' : eol) + add.join(eol) + eol;
  notes.push(`.env: added ${add.length} reference(s) for \`secret-sweep run\`: ${add.map((l) => l.split('=')[0]).join(', ')}`);
  if (!opts.write) return { written, notes, changed: true, text: next };
  opts.before?.('.env');
  writeFileAtomic(real, next, { mode, onStep: testCrashPoint });
  written.push('.env');
  if (await ensureEnvIgnored(root, opts.before)) written.push('.gitignore');
  return { written, notes, changed: true, text: next };
}

/** True when `.gitignore` was extended. A tracked `.env` (holding only references now) is left tracked. */
async function ensureEnvIgnored(root: string, before?: (file: string) => void): Promise<boolean> {
  const git = (args: string[]) => {
    try {
      execFileSync('git', args, { cwd: root, stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  };
  if (!existsSync(path.join(root, '.git'))) return false;
  if (git(['check-ignore', '-q', '--', '.env'])) return false;
  if (git(['ls-files', '--error-unmatch', '--', '.env'])) return false;
  appendGitignoreLine(root, '.env', before);
  return true;
}

/**
 * A migrate session: what one `migrate` run reads before it plans, each read once. The config (its
 * warnings printed once), the rules, the detector options (allowlists and salt), the findings of the
 * working tree and, with --include-history, of history (through the same allowlists, gitleaks path and
 * commit allowlists included), and the journal of earlier runs.
 */
import type { SweepConfig } from '../config/config.js';
import { createDetector, type DetectorOptions } from '../detect/detector.js';
import { decodeText } from '../sources/decode-text.js';
import { historyOnly as onlyInHistory, type Finding, type Provenance } from '../findings/finding.js';
import { pathFindings } from '../findings/detected-text.js';
import { pathExcluder } from '../sources/path-filter.js';
import type { RuleSpec } from '../rules/rule.js';
import { execFileSync } from 'node:child_process';
import { readFileFragment } from '../sources/read-file.js';
import type { Plan } from './plan/types.js';
import { configAndRules } from '../cli/common.js';
import { createScanner, DEFAULT_MAX_FILE_SIZE, detectorOptions } from '../engine/scanner.js';
import { scanLoaded } from '../cli/commands/scan.js';
import { readJournal, type JournalSnapshot } from './journal.js';
import type { Tags } from './vault/vault.js';

/** What the command line asks of a migrate run (flags already checked). */
export interface MigrateRequest {
  root: string;
  app?: string;
  env?: string;
  nameTemplate?: string;
  backend: string;
  region?: string;
  profile?: string;
  endpointUrl?: string;
  kmsKeyId?: string;
  tags: Tags;
  /** Save the plan here (--plan-out). */
  planOut?: string;
  /** Apply exactly this saved plan (--plan). */
  planIn?: string;
  apply: boolean;
  yes: boolean;
  allowDirty: boolean;
  includeHistory: boolean;
  /** --update-existing NAME, once per secret the user confirms may be overwritten. */
  updateExisting: string[];
  rotation?: { lambdaArn: string; days: number };
  concurrency: number;
  /** --config. */
  configPath?: string;
  debug: boolean;
  /** --verify: the report's rotate list puts credentials their issuer says work first (src/verify). */
  verify?: boolean;
}

export interface MigrateSession {
  readonly request: MigrateRequest;
  readonly root: string;
  readonly config: SweepConfig;
  readonly rules: RuleSpec[];
  readonly detector: DetectorOptions;
  /** The journal as the run found it (see journalSince for the re-check under the lock). */
  readonly journal: JournalSnapshot;
}

export function openSession(request: MigrateRequest): MigrateSession {
  const { config, rules } = configAndRules(request.root, request.configPath);
  return { request, root: request.root, config, rules, detector: detectorOptions(config, { debug: request.debug }), journal: readJournal(request.root) };
}

/**
 * The findings of the whole history (allowlists applied), or undefined when `root` is not a git work tree
 * with a commit. Every migrate run reads history: a value that was ever committed is burned, stored or
 * not, and goes into the report (rotate) and the filter-repo replacements file (scrub).
 */
export async function historyFindingsOf(session: MigrateSession): Promise<Finding[] | undefined> {
  const { root, config, rules, request } = session;
  if (!hasCommits(root)) return undefined;
  const { runGitScan } = await import('../scan/git-modes.js');
  // Not a gate (a blob too large is skipped as in a tree scan), and every finding of a blob: each is a value to rotate.
  const scanner = createScanner({ rules, config, debug: request.debug, maxFindingsPerFile: 0 });
  const hist = await runGitScan(scanner, {
    root, mode: 'history', allLines: false, progress: false, excludePaths: config.allowlist.paths, allowCommits: config.allowlist.commits, messages: false,
  });
  const known = new Set(hist.findings.map((f) => f.fingerprint));
  // Messages and commit headers too (runGitScan reads files only), ref names and what refs name outside commits: each is in every clone.
  const { messageFindings } = await import('./message-findings.js');
  const inMessages = await messageFindings(root, rules, session.detector, known);
  for (const f of inMessages) known.add(f.fingerprint);
  const { refFindings } = await import('./ref-findings.js');
  const inRefs = refFindings(root, rules, session.detector, known);
  return [...hist.findings, ...inMessages, ...inRefs, ...historyPathFindings(session, hist.paths ?? [], known)];
}

/**
 * Tokens in file names (`creds/AKIA….txt`): every commit that had the file publishes the name; the scan
 * command reports them (withPathFindings), runGitScan does not. `presentAtHead`: the file is still in the tree.
 */
function historyPathFindings(session: MigrateSession, paths: readonly string[], known: ReadonlySet<string>): Finding[] {
  const excluded = pathExcluder(session.config.allowlist.paths);
  let atHead: Set<string>;
  try {
    atHead = new Set(execFileSync('git', ['ls-tree', '-r', '-z', '--name-only', 'HEAD'], { cwd: session.root, stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 30 }).toString('utf8').split('\0'));
  } catch {
    return [];
  }
  const out: Finding[] = [];
  for (const p of new Set(paths)) {
    if (excluded?.(p)) continue;
    const found = pathFindings([p], session.detector.salt).filter((f) => !known.has(f.fingerprint));
    if (!found.length) continue;
    // The commits that added the file under that name (oldest first), for the report's locations.
    const added = execFileSync('git', ['log', '--all', '--reverse', '--format=%H', '--diff-filter=A', '--', p], { cwd: session.root, stdio: ['ignore', 'pipe', 'ignore'] }).toString().split('\n').filter(Boolean);
    const places = added.map((commit): Provenance => ({ kind: 'git-blob', path: found[0]!.file, commit }));
    for (const f of found) out.push(Object.assign(f, { seen: { ...(places[0] ? { at: places[0] } : {}), places, presentAtHead: atHead.has(p) } }));
  }
  return out;
}

function hasCommits(root: string): boolean {
  try {
    const top = execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    execFileSync('git', ['rev-parse', '--verify', '-q', 'HEAD'], { cwd: root, stdio: 'ignore' });
    return Boolean(top);
  } catch {
    return false;
  }
}

export interface SessionFindings {
  /** What the plan is built from: the working tree, plus history-only values with --include-history. */
  findings: Finding[];
  /** History-only values the plan does not store (without --include-history): reported and scrubbed only. */
  historyOnly: Finding[];
  /** Keys in the names of files still in the tree: nothing to rewrite; rotated, renamed by hand, scrubbed. */
  inFileNames: Finding[];
  /** Values committed at HEAD that the working tree no longer has (an interrupted run rewrote them): rotate and scrub. */
  goneFromTree: Finding[];
}

/** Working-tree findings, and history-only ones (stored with --include-history, else reported only). */
export async function findingsOf(session: MigrateSession): Promise<SessionFindings> {
  const { root, config, rules, request } = session;
  const res = await scanLoaded({ path: root, format: 'json', gitignore: true, debug: request.debug }, { root, config, rules });
  const findings = res.findings;
  const historyOnly: Finding[] = [];
  const inFileNames: Finding[] = [];
  const goneFromTree: Finding[] = [];
  const hist = await historyFindingsOf(session);
  const fromTouched = goneFromTouched(session, findings);
  const covered = new Set(fromTouched.map((f) => f.fingerprint));
  // Values still in the working tree keep their working-tree location (and gain their history places);
  // values only in history come in as history-only locations (rotate and scrub; nothing to rewrite).
  const atHead = new Map(findings.map((f) => [f.fingerprint, f]));
  (request.includeHistory ? findings : goneFromTree).push(...fromTouched);
  for (const h of hist ?? []) {
    const head = atHead.get(h.fingerprint);
    if (head) {
      if (request.includeHistory && h.seen?.places.length) head.seen = { places: h.seen.places };
    } else if (onlyInHistory(h)) (request.includeHistory ? findings : historyOnly).push(h);
    else if (h.decodedFrom === 'path') inFileNames.push(h);
    else if (h.seen && !covered.has(h.fingerprint)) {
      // Committed at HEAD but gone from the working tree (a killed run's rewrites took it out, or an
      // uncommitted edit): for migrate it is a history-only value, still to rotate and scrub.
      h.seen = { ...h.seen, presentAtHead: false };
      (request.includeHistory ? findings : goneFromTree).push(h);
    }
  }
  return { findings, historyOnly, inFileNames, goneFromTree };
}

/**
 * Each value committed at HEAD in a file an unfinished run began to write that the file no longer holds
 * (that run stored it and rewrote the place), where it was: the resumed run's report lists every place,
 * also of a value still found elsewhere (history findings are one per value, not per place).
 */
function goneFromTouched(session: MigrateSession, tree: readonly Finding[]): Finding[] {
  const { root, journal } = session;
  if (!journal.prior.touched.length || !hasCommits(root)) return [];
  const detector = createDetector(session.rules, session.detector);
  const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  const out: Finding[] = [];
  for (const file of journal.prior.touched) {
    let bytes: Buffer;
    try {
      bytes = execFileSync('git', ['cat-file', 'blob', `HEAD:${file}`], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 30 });
    } catch {
      continue; // not committed (a generated file)
    }
    const d = decodeText(bytes);
    if (!('text' in d)) continue;
    const here = new Set(tree.filter((f) => f.file === file).map((f) => f.fingerprint));
    for (const f of detector.detect({ text: d.text, provenance: { kind: 'file', path: file } })) {
      if (f.suppressed || here.has(f.fingerprint)) continue;
      const at = { kind: 'git-blob' as const, path: file, commit: head };
      out.push(Object.assign(f, { seen: { at, places: [at], presentAtHead: false } }));
    }
  }
  return out;
}

/** The history-only findings whose values a plan does not store (a saved plan, or one made without history). */
export function notStoredIn(plan: Plan, historyOnly: readonly Finding[]): Finding[] {
  const stored = new Set(plan.secrets.flatMap((s) => s.fields.flatMap((f) => (f.secret ? [f.fingerprint, ...f.locations.map((l) => l.fingerprint)] : []))));
  return historyOnly.filter((f) => !stored.has(f.fingerprint));
}

/** The text of each working-tree file with a finding, for the plan's context (block keys, URIs). */
export function textsOf(root: string, findings: Finding[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const f of findings) {
    if (onlyInHistory(f) || files.has(f.file) || f.file === '-') continue;
    const r = readFileFragment(root, f.file, DEFAULT_MAX_FILE_SIZE * 4);
    if ('fragment' in r) files.set(f.file, r.fragment.text);
  }
  return files;
}

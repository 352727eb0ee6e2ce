/**
 * The migration journal and lock, in `.secret-sweep/` at the repository root (git-ignored by its own
 * `.gitignore` containing `*`).
 *
 * - `journal.jsonl` (mode 0600): one JSON record per step, fsync'd before the step is acted on. It holds
 *   names, actions, version ids, ARNs, request tokens and per-key value digests (HMACs with the
 *   token key), never a secret value.
 * - `lock`: the pid and host of the running migrate; a second run is refused while that process lives,
 *   and a lock left by a killed run is detected as stale and taken over.
 * - `token-key`: a random key (mode 0600) for the ClientRequestTokens, so a token (which becomes the
 *   version id AWS shows to anyone allowed to DescribeSecret) cannot be used to guess a weak value.
 *
 * Test-only crash point: with `SECRET_SWEEP_TEST_CRASH_AT=<step>` (or `<step>@<n>` for the n-th such
 * record) the process kills itself with SIGKILL right after that record is on disk (or at the n-th
 * `temp-written`: see testCrashPoint).
 */
import {
  closeSync, existsSync, fchmodSync, fsyncSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeFileSync,
  writeSync, chmodSync, linkSync, rmSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { SweepError } from '../errors.js';

export const STATE_DIR = '.secret-sweep';
export const JOURNAL_FILE = 'journal.jsonl';
export const LOCK_FILE = 'lock';

export const STEPS = [
  'run-start', 'preflight-done', 'secret-begin', 'secret-written', 'secret-verified', 'secret-rotated',
  'file-begin', 'file-generated', 'file-rewritten', 'report-written', 'run-done', 'run-failed',
] as const;
export type Step = (typeof STEPS)[number];

export interface JournalRecord {
  t: string;
  run: string;
  step: Step;
  name?: string;
  action?: string;
  token?: string;
  arn?: string;
  versionId?: string;
  /** run-start: how many secrets, which run it resumes; run-failed: the one-line error. */
  detail?: string;
  resumes?: string;
  /** file-begin / file-generated / file-rewritten: the repository-relative path (a path, never content). */
  file?: string;
  rewriter?: string;
  /**
   * file-begin / file-rewritten of an edit: the report's line for it (secret names and keys, never values), whether the file
   * now holds references `secret-sweep run` resolves, and whether it is code resolving a .env itself: a
   * resumed run's report lists what the killed run changed as the clean run's would.
   */
  summary?: string;
  runFile?: boolean;
  resolvesEnv?: boolean;
  pid?: number;
  /** secret-verified: JSON key -> keyed digest of its value (an HMAC like the tokens, never the value). */
  fields?: Record<string, string>;
}

/** Create `.secret-sweep/` (0700) with a `.gitignore` of `*`. */
export function ensureStateDir(root: string): string {
  const dir = join(root, STATE_DIR);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const gi = join(dir, '.gitignore');
  if (!existsSync(gi)) writeFileSync(gi, '*\n', { mode: 0o644 });
  return dir;
}

/** The key for request tokens: created once per repository, mode 0600. */
export function tokenKey(root: string): Buffer {
  const file = join(ensureStateDir(root), 'token-key');
  try {
    const hex = readFileSync(file, 'utf8').trim();
    if (/^[0-9a-f]{64}$/.test(hex)) return Buffer.from(hex, 'hex');
  } catch {
    /* first run */
  }
  const key = randomBytes(32);
  try {
    writeFileSync(file, key.toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
    return key;
  } catch {
    // Another process wrote it first (or it was malformed): use what is there, or replace a bad one.
    const hex = readFileSync(file, 'utf8').trim();
    if (/^[0-9a-f]{64}$/.test(hex)) return Buffer.from(hex, 'hex');
    writeFileSync(file, key.toString('hex') + '\n', { mode: 0o600 });
    chmodSync(file, 0o600);
    return key;
  }
}

function crashPoint(): { step: string; nth: number } | undefined {
  const v = process.env.SECRET_SWEEP_TEST_CRASH_AT;
  if (!v) return undefined;
  const [step, n] = v.split('@');
  return { step: step!, nth: n ? Math.max(1, Number(n) || 1) : 1 };
}

const pointsSeen = new Map<string, number>();
/**
 * Test-only, like the journal's crash point, for moments that are not journal records: `temp-written`
 * (an atomic write's temp file is complete, not yet renamed over the file) and `temp-renamed` (renamed,
 * not yet journaled).
 */
export function testCrashPoint(point: string): void {
  const c = crashPoint();
  if (!c || c.step !== point) return;
  const n = (pointsSeen.get(point) ?? 0) + 1;
  pointsSeen.set(point, n);
  if (n === c.nth) process.kill(process.pid, 'SIGKILL');
}

export class Journal {
  readonly path: string;
  readonly run: string;
  private fd: number;
  private readonly crash = crashPoint();
  private seen = 0;

  private constructor(path: string, fd: number, run: string) {
    this.path = path;
    this.fd = fd;
    this.run = run;
  }

  /** Open (append) the journal of the repository at `root`. */
  static open(root: string): Journal {
    const dir = ensureStateDir(root);
    const path = join(dir, JOURNAL_FILE);
    const fd = openSync(path, 'a', 0o600);
    fchmodSync(fd, 0o600);
    return new Journal(path, fd, randomUUID());
  }

  /** Every record so far (a torn last line from a killed run is ignored). */
  static read(root: string): JournalRecord[] {
    let text: string;
    try {
      text = readFileSync(join(root, STATE_DIR, JOURNAL_FILE), 'utf8');
    } catch {
      return [];
    }
    const out: JournalRecord[] = [];
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        const r = JSON.parse(line) as JournalRecord;
        if (r && typeof r.run === 'string' && typeof r.step === 'string') out.push(r);
      } catch {
        /* torn write */
      }
    }
    return out;
  }

  /** Append one record and fsync it. */
  append(rec: Omit<JournalRecord, 't' | 'run'>): void {
    const full: JournalRecord = { t: new Date().toISOString(), run: this.run, ...rec };
    writeSync(this.fd, JSON.stringify(full) + '\n');
    fsyncSync(this.fd);
    if (this.crash && this.crash.step === rec.step && ++this.seen === this.crash.nth) {
      process.kill(process.pid, 'SIGKILL');
    }
  }

  close(): void {
    if (this.fd >= 0) {
      closeSync(this.fd);
      this.fd = -1;
    }
  }
}

/** The journal's state as read once, with a stamp that tells whether another run has written it since. */
export interface JournalSnapshot {
  prior: PriorState;
  stamp: string;
}

function journalStamp(root: string): string {
  try {
    const st = statSync(join(root, STATE_DIR, JOURNAL_FILE), { bigint: true });
    return `${st.size}:${st.mtimeNs}`;
  } catch {
    return 'none';
  }
}

/** Read and parse the journal. */
export function readJournal(root: string): JournalSnapshot {
  const stamp = journalStamp(root);
  return { prior: priorState(Journal.read(root)), stamp };
}

/** `snap` when the journal is as it was then; read again only when another run wrote to it since. */
export function journalSince(root: string, snap: JournalSnapshot): JournalSnapshot {
  return journalStamp(root) === snap.stamp ? snap : readJournal(root);
}

/** What earlier runs left: the last run that did not finish, and the tokens it began writing with. */
export interface PriorState {
  interrupted?: { run: string; lastStep: Step; at: string };
  /** name -> token of a write an unfinished run began. */
  begun: Map<string, string>;
  /**
   * name -> { JSON key -> digest of its value } of the secrets unfinished runs stored and read back, so a
   * resumed run can give a value the name and key its code references already use (see adoptPriorNames).
   */
  stored: Map<string, Record<string, string>>;
  /**
   * The same for every run, finished or not (the latest record of each name): a later run gives a value
   * the name it already has, whatever else was found this time (names never follow detection order).
   */
  known: Map<string, Record<string, string>>;
  /** Files an unfinished run began to write, rewrote or generated (they are its changes, not the user's). */
  touched: string[];
  /** What unfinished runs rewrote and generated, for the resumed run's report. */
  rewritten: Array<{ file: string; rewriter: string; summary?: string; runFile?: boolean; resolvesEnv?: boolean }>;
  generated: string[];
  /** Files any run, finished or not, rewrote (a saved plan applied again finds its values gone there). */
  everRewritten: string[];
  /** Secrets an unfinished run wrote and read back (name -> where it is), for the resumed run's report. */
  verified: Map<string, { action: string; arn: string; versionId: string }>;
  finishedRuns: number;
}

export function priorState(records: JournalRecord[]): PriorState {
  const runs = new Map<string, JournalRecord[]>();
  for (const r of records) runs.set(r.run, [...(runs.get(r.run) ?? []), r]);
  const begun = new Map<string, string>();
  const stored: PriorState['stored'] = new Map();
  const known: PriorState['known'] = new Map();
  for (const r of records) if (r.step === 'secret-verified' && r.name && r.fields && typeof r.fields === 'object') known.set(r.name, r.fields);
  const touched = new Set<string>();
  const everRewritten = new Set(records.filter((r) => r.step === 'file-rewritten' && r.file).map((r) => r.file!));
  const rewritten = new Map<string, PriorState['rewritten'][number]>();
  const generated = new Set<string>();
  const verified: PriorState['verified'] = new Map();
  let interrupted: PriorState['interrupted'];
  let finishedRuns = 0;
  // A run that a later run resumed and finished is done too.
  const finished = new Set<string>();
  for (const [run, recs] of runs) if (recs.some((r) => r.step === 'run-done')) finished.add(run);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [run, recs] of runs) {
      if (!finished.has(run)) continue;
      for (const r of recs) if (r.resumes && !finished.has(r.resumes)) grew = Boolean(finished.add(r.resumes));
    }
  }
  for (const [run, recs] of runs) {
    const last = recs[recs.length - 1]!;
    if (recs.some((r) => r.step === 'run-done')) {
      finishedRuns++;
      continue;
    }
    if (finished.has(run)) continue;
    for (const r of recs) if (r.step === 'secret-begin' && r.name && r.token) begun.set(r.name, r.token);
    for (const r of recs) if ((r.step === 'file-begin' || r.step === 'file-rewritten' || r.step === 'file-generated') && r.file) touched.add(r.file);
    for (const r of recs) {
      // file-begin carries them too (a kill after the rename, before file-rewritten); a begun file whose
      // write did not land still holds its values, and the resumed run's own edit of it comes first.
      if ((r.step === 'file-rewritten' || (r.step === 'file-begin' && r.summary)) && r.file) {
        rewritten.set(r.file, { file: r.file, rewriter: r.rewriter ?? '', summary: r.summary, runFile: r.runFile, resolvesEnv: r.resolvesEnv });
      }
      if (r.step === 'file-generated' && r.file) generated.add(r.file);
    }
    for (const r of recs) {
      // A secret one killed run created and the next (also killed) found there was created by them.
      const was = verified.get(r.name ?? '')?.action;
      const action = r.action === 'reuse' && (was === 'create' || was === 'update') ? was : r.action ?? 'reuse';
      if (r.step === 'secret-verified' && r.name) verified.set(r.name, { action, arn: r.arn ?? '', versionId: r.versionId ?? '' });
      if (r.step === 'secret-verified' && r.name && r.fields && typeof r.fields === 'object') stored.set(r.name, r.fields);
    }
    if (last.step !== 'run-failed') interrupted = { run, lastStep: last.step, at: last.t };
  }
  return { interrupted, begun, stored, known, touched: [...touched], rewritten: [...rewritten.values()], generated: [...generated], everRewritten: [...everRewritten], verified, finishedRuns };
}

// ---------------------------------------------------------------------------------------------------
// Lock

interface LockInfo {
  pid: number;
  host: string;
  started: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  // A reused pid belongs to some other program: on Linux, check it is a node process.
  try {
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return /node|secret-sweep/.test(cmd);
  } catch {
    return true;
  }
}

/**
 * Create `path` with `text` in one step, or fail with EEXIST: the text goes to a private temporary file
 * first, which is then hard-linked into place (link never replaces). A run killed at any point leaves no
 * empty lock behind (with open + write it did, and the next run had to wait to judge it stale). Where
 * the file system has no hard links, exclusive create and write.
 */
function createComplete(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.${Date.now().toString(36)}.tmp`;
  createExclusive(tmp, text);
  try {
    linkSync(tmp, path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw e;
    createExclusive(path, text);
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** Create `path` (EEXIST if it exists), write `text`, flush it to disk. */
function createExclusive(path: string, text: string): void {
  const fd = openSync(path, 'wx', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export class Lock {
  private released = false;
  private readonly onExit = () => this.release();

  private constructor(readonly path: string) {
    process.once('exit', this.onExit);
  }

  /** Take `.secret-sweep/lock`, or throw a one-line SweepError naming the run that holds it. */
  static acquire(root: string): Lock {
    const path = join(ensureStateDir(root), LOCK_FILE);
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        createComplete(path, JSON.stringify({ pid: process.pid, host: hostname(), started: new Date().toISOString() } satisfies LockInfo) + '\n');
        return new Lock(path);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
          throw new SweepError(`cannot create the lock file (${(e as NodeJS.ErrnoException).code ?? 'error'})`, `${STATE_DIR}/${LOCK_FILE}`);
        }
      }
      let info: LockInfo | undefined;
      try {
        info = JSON.parse(readFileSync(path, 'utf8')) as LockInfo;
      } catch {
        info = undefined;
      }
      if (info && typeof info.pid === 'number') {
        if (info.host !== hostname()) {
          throw new SweepError(`another secret-sweep migrate holds ${STATE_DIR}/${LOCK_FILE} (pid ${info.pid} on ${info.host}, since ${info.started}); if that run is gone, delete the file and run again`);
        }
        if (alive(info.pid)) {
          throw new SweepError(`another secret-sweep migrate is running in this repository (pid ${info.pid}, since ${info.started}): wait for it to finish`);
        }
      } else {
        // Unreadable: a run killed between creating and writing it, or one doing so right now.
        let age = Infinity;
        try {
          age = Date.now() - statSync(path).mtimeMs;
        } catch {
          /* gone */
        }
        if (age < 5000) throw new SweepError(`another secret-sweep migrate is starting in this repository (${STATE_DIR}/${LOCK_FILE} was just created): wait for it to finish`);
      }
      // Stale: the run that held it is gone.
      try {
        unlinkSync(path);
      } catch {
        /* someone else removed it */
      }
    }
    throw new SweepError(`could not take ${STATE_DIR}/${LOCK_FILE}: another run keeps taking it`);
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    process.removeListener('exit', this.onExit);
    try {
      const info = JSON.parse(readFileSync(this.path, 'utf8')) as LockInfo;
      if (info.pid === process.pid) unlinkSync(this.path);
    } catch {
      /* already gone */
    }
  }
}

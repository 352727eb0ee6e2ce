/**
 * Repositories for gate bypass tests (test/scan/gate-bypass-*.test.ts): a `main` base and a checked-out
 * `pr` branch built by the attacker's commits, and the built CLI run on them in a gate mode.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runCli } from './cli.js';

export const GIT_ENV = { GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_AUTHOR_DATE: '2024-01-01T00:00:00Z', GIT_COMMITTER_DATE: '2024-01-01T00:00:00Z' };

export function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, ...GIT_ENV } });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

export function write(dir: string, files: Record<string, string | Buffer>): void {
  for (const [name, data] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), data);
  }
}

export function commitAll(dir: string, files: Record<string, string | Buffer>, msg: string): string {
  write(dir, files);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '--no-verify', '-m', msg);
  return git(dir, 'rev-parse', 'HEAD');
}

/** `main` holds `base` (and a README); `pr` (checked out) commits each of `prCommits` in turn. */
export function repoWith(base: Record<string, string | Buffer>, ...prCommits: Array<Record<string, string | Buffer>>): { dir: string; base: string; head: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ss-bypass-'));
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'user.name', 'Gate Test');
  git(dir, 'config', 'user.email', 'gate-test@example.invalid');
  const baseSha = commitAll(dir, { 'README.md': '# demo\n', ...base }, 'base');
  git(dir, 'checkout', '-q', '-b', 'pr');
  let head = baseSha;
  prCommits.forEach((files, i) => (head = commitAll(dir, files, `pr ${i + 1}`)));
  return { dir, base: baseSha, head };
}

export interface GateRec {
  rule: string;
  file: string;
  line?: number;
  commit?: string;
}

export interface GateRun {
  code: number;
  stderr: string;
  findings: GateRec[];
  skipped: Array<{ path: string; reason: string; detail?: string }>;
}

/** The built CLI, `scan DIR --format json ARGS`; the document's findings and unread skips. */
export function gateScan(dir: string, args: string[], env: Record<string, string> = {}): GateRun {
  const r = runCli(['scan', dir, '--format', 'json', ...args], { cwd: dir, env });
  let doc: { findings?: GateRec[]; skipped?: GateRun['skipped'] } = {};
  try {
    doc = JSON.parse(r.stdout);
  } catch {
    // no document (exit 2 before the report): the assertion on `code` says why
  }
  return { code: r.code, stderr: r.stderr, findings: doc.findings ?? [], skipped: doc.skipped ?? [] };
}

/** A GitHub Actions environment for `scan --ci`, with its event payload written to a file. */
export function githubEnv(event: string, payload: unknown, sha: string): Record<string, string> {
  const path = join(mkdtempSync(join(tmpdir(), 'ss-bypass-ev-')), 'event.json');
  writeFileSync(path, JSON.stringify(payload));
  return { GITHUB_ACTIONS: 'true', GITHUB_EVENT_NAME: event, GITHUB_EVENT_PATH: path, GITHUB_SHA: sha, GITLAB_CI: '' };
}

/** The gate reported a leak in `file` (exit 1), or refused to pass (exit 2); never a clean pass. */
export function caughtOrRefused(r: GateRun, file: string): void {
  if (r.code === 2) return;
  if (r.code !== 1 || !r.findings.some((f) => f.file === file)) throw new Error(`gate passed a leak in ${file}: exit ${r.code}, findings ${JSON.stringify(r.findings.map((f) => f.file))}\n${r.stderr}`);
}

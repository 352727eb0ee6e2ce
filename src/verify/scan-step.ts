/**
 * The post-processing step `scan --verify` adds after a scan: read each finding's text again (the file in
 * the tree, the blob in git), verify, count, and with --only-verified keep the live ones. The only I/O of
 * verification besides the calls themselves.
 */
import { execFile } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { promisify } from 'node:util';
import { commitOf, type Finding } from '../findings/finding.js';
import type { RuleSpec } from '../rules/rule.js';
import { bytesToText } from '../sources/decode-text.js';
import type { SourceStats } from '../sources/source.js';
import { checkRedirects } from './redirects.js';
import { verificationCounts } from './counts.js';
import { verifyFindings, type VerifyLimits } from './scheduler.js';

/** Larger texts are not read again (the detector's hidden value still serves the secret). */
const MAX_TEXT = 64 << 20;

export interface VerifyStepOptions {
  root: string;
  /** Where the findings came from: files under root, commits of the repository at root, or stdin. */
  source: 'tree' | 'git' | 'stdin';
  onlyVerified: boolean;
  /** The config's fingerprint salt (the text read again must match each finding's fingerprint). */
  salt?: string;
  limits?: Partial<VerifyLimits>;
  signal?: AbortSignal;
}

export async function verifyScanResult(res: { findings: Finding[]; stats: SourceStats }, rules: RuleSpec[], opts: VerifyStepOptions): Promise<void> {
  checkRedirects(process.env);
  const byRule = new Map(rules.filter((r) => r.verify).map((r) => [r.id, r.verify!]));
  const textOf = opts.source === 'tree' ? treeText(opts.root) : opts.source === 'git' ? gitText(opts.root) : async () => undefined;
  const t0 = Date.now();
  const verified = await verifyFindings(res.findings, { verifierOf: (id) => byRule.get(id), textOf, limits: opts.limits, signal: opts.signal, salt: opts.salt });
  const n = verificationCounts(verified);
  const asked = verified.filter((f) => f.verification?.verifier).length;
  res.stats.notes.push(`verification: ${n.live} live, ${n.invalid} invalid, ${n.unknown} unknown (${verified.length - asked} without a verifier; ${Date.now() - t0} ms)`);
  res.findings = opts.onlyVerified ? verified.filter((f) => f.verification?.status === 'live') : verified;
  const hidden = verified.length - res.findings.length;
  if (hidden > 0) res.stats.notes.push(`--only-verified: ${hidden} finding${hidden === 1 ? '' : 's'} not verified live not listed`);
  // Unknown is not dead: a gate refuses to pass them (scanExitCode), a tree scan lists only the live ones.
  if (opts.onlyVerified && n.unknown > 0) res.stats.notVerified = n.unknown;
}

/** A file of the tree, read as the scan decoded it. */
export function treeText(root: string): (f: Finding) => Promise<string | undefined> {
  return async (f) => {
    if (f.file === '-' || isAbsolute(f.file) || f.file.split('/').includes('..')) return undefined;
    const path = join(root, f.file);
    const st = statSync(path, { throwIfNoEntry: false });
    if (!st?.isFile() || st.size > MAX_TEXT) return undefined;
    return bytesToText(readFileSync(path));
  };
}

/** The blob a git-mode finding came from (its commit and path). */
export function gitText(root: string): (f: Finding) => Promise<string | undefined> {
  const run = promisify(execFile);
  return async (f) => {
    const commit = commitOf(f);
    if (!commit || !/^[0-9a-f]{7,64}$/.test(commit)) return undefined;
    const { stdout } = await run('git', ['-C', root, 'cat-file', 'blob', `${commit}:${f.file}`], { encoding: 'buffer', maxBuffer: MAX_TEXT });
    return bytesToText(stdout);
  };
}


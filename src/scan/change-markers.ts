/**
 * Inline allow markers (`gitleaks:allow`, `pragma: allowlist secret`, `secret-sweep:allow`, ...) in a range
 * gate (`--range`, `--ci`). A marker on a line the change adds is an ignore the change writes for itself,
 * which the gate does not let a change do (config, ignores and baselines come from the base). So a finding a
 * marker suppresses stays suppressed only when the base already held the same secret under a marker at one
 * of the paths where the range has it; otherwise it is reported like any other, saying why.
 * The base config's `inline_allow: true` trusts every marker (the caller does not call this then);
 * `inline_allow: false` turns them all off (the detector reports them as findings).
 */
import { createDetector, type Detector, type DetectorOptions } from '../detect/detector.js';
import { attachSecret, lineTextOf, secretOf, type Finding } from '../findings/finding.js';
import type { RuleSpec } from '../rules/rule.js';
import { detectBlob } from '../engine/detect-blob.js';
import { binaryText, hidesBinary } from '../sources/binary-text.js';
import { skipReason } from '../sources/decode-text.js';
import { openRepo, type RepoInfo } from '../sources/git/repo.js';
import { firstGitLine, runGit } from '../sources/git/run.js';
import { SweepError } from '../errors.js';

export const UNTRUSTED_MARKER = 'an inline allow marker added by the change is not trusted (put an allowlist or baseline entry in the base branch\'s config, or `inline_allow: true` there to trust markers)';

/** The blob of each of `paths` that `commit` holds (regular files and symlinks); absent paths are left out. */
async function blobsAt(repo: RepoInfo, commit: string, paths: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (paths.length === 0) return out;
  const ls = await runGit(repo.root, ['--literal-pathspecs', 'ls-tree', '-z', '--full-tree', commit, '--', ...paths]);
  if (ls.code !== 0) throw new SweepError(`cannot list ${paths.length} path${paths.length === 1 ? '' : 's'} at the base ${commit.slice(0, 12)}: ${firstGitLine(ls.stderr) || 'git ls-tree failed'}`);
  for (const e of ls.stdout.toString('utf8').split('\0')) {
    const tab = e.indexOf('\t');
    if (tab < 0) continue;
    const [, type, sha] = e.slice(0, tab).split(' ');
    if (type === 'blob') out.set(e.slice(tab + 1), sha!);
  }
  return out;
}

/** Fingerprints an inline marker suppresses in this blob (read as the range's blobs are: binary gives its strings). */
async function markedAt(repo: RepoInfo, detector: Detector, sha: string, path: string): Promise<Set<string>> {
  const r = await runGit(repo.root, ['cat-file', 'blob', sha]);
  if (r.code !== 0) throw new SweepError(`cannot read ${path} at the base (blob ${sha.slice(0, 12)}): ${firstGitLine(r.stderr) || 'git cat-file failed'}`);
  let data: Buffer = r.stdout;
  const why = skipReason(data);
  if (why === 'binary' || (why === undefined && hidesBinary(data))) {
    const bin = binaryText(data);
    if ('unscanned' in bin) return new Set();
    data = Buffer.from(bin.text, 'utf8');
  } else if (why) return new Set();
  const found = detectBlob(detector, { sha, path, data })?.findings ?? [];
  return new Set(found.filter((f) => f.suppressed !== undefined).map((f) => f.fingerprint));
}

/**
 * The range's findings with the suppressions of markers the change added lifted (`base`: the commit the
 * gate trusts; undefined: none, so no marker is trusted). `count`: how many were lifted.
 */
export async function distrustChangeMarkers(opts: {
  root: string;
  base: string | undefined;
  findings: Finding[];
  rules: RuleSpec[];
  detector: DetectorOptions;
}): Promise<{ findings: Finding[]; count: number }> {
  const marked = opts.findings.filter((f) => f.suppressed !== undefined);
  if (marked.length === 0) return { findings: opts.findings, count: 0 };
  const pathsOf = (f: Finding) => [...new Set([f.file, ...(f.seen?.places ?? []).map((p) => p.path)])];
  const atBase = new Map<string, Set<string>>();
  if (opts.base) {
    const repo = await openRepo(opts.root);
    const blobs = await blobsAt(repo, opts.base, [...new Set(marked.flatMap(pathsOf))]);
    if (blobs.size > 0) {
      const { onDrop: _d, accepted: _a, ...options } = opts.detector;
      const detector = createDetector(opts.rules, { ...options, inlineAllow: 'report' });
      for (const [path, sha] of blobs) atBase.set(path, await markedAt(repo, detector, sha, path));
    }
  }
  let count = 0;
  const findings = opts.findings.map((f) => {
    if (f.suppressed === undefined || pathsOf(f).some((p) => atBase.get(p)?.has(f.fingerprint))) return f;
    count++;
    const { suppressed: _s, ...rest } = f;
    return attachSecret({ ...rest, description: `${f.description}; ${UNTRUSTED_MARKER}` }, secretOf(f), lineTextOf(f));
  });
  return { findings, count };
}

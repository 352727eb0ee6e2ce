/** `secret-sweep scan [PATH]`: find credentials, report them, exit 1 when there are any. */
import { availableParallelism } from 'node:os';
import type { CommandModule } from 'yargs';
import { quoteUserText } from '../../findings/redact.js';
import { RE2 } from '../../detect/re2.js';
import { SweepError } from '../../errors.js';
import { readAnyBaseline } from '../../findings/baseline.js';
import { cloneFinding } from '../../findings/finding.js';
import { gitleaksIgnoreEntry, loadGitleaksIgnore, GITLEAKSIGNORE } from '../../config/gitleaks-ignore.js';
import { pathFindings, redactNamesIn } from '../../findings/detected-text.js';
import { sortFindings, startTreeWorkersEarly } from '../../engine/run-source.js';
import { createScanner, DEFAULT_MAX_FILE_SIZE, defaultJobs, type ScanResult, type Scanner } from '../../engine/scanner.js';
import { loadReporter, FORMATS } from '../../report/index.js';
import { formatSize, visible } from '../../report/text.js';
import { writePrivateFile } from '../output.js';
import { configAndRules, loadRootConfig, notice, parseSize, reportContext, resolveRoot, wantColor, warn, withoutSecrets } from '../common.js';
import { statSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import type { SweepConfig } from '../../config/config.js';
import type { DetectorOptions } from '../../detect/detector.js';
import type { Finding } from '../../findings/finding.js';
import type { RuleSpec } from '../../rules/rule.js';
import { incompleteText, unreadSkips, unreadText } from '../../report/incomplete.js';
import { environmentRepository, openRepo, type RepoInfo } from '../../sources/git/repo.js';
import type { StagedIndex } from '../../sources/git/staged.js';
import { pathExcluder } from '../../sources/path-filter.js';
import { ciTarget, runGitScan, type CiTarget } from '../../scan/git-modes.js';
import { capNote, DEFAULT_MAX_FINDINGS_PER_FILE } from '../../engine/findings-cap.js';
import { checkRedirects } from '../../verify/redirects.js';

export interface ScanArgs {
  path: string;
  /** Every PATH given (`scan a.ini b/ c.py`); undefined or one folder: `path` is the root. */
  paths?: string[];
  /** --exclude GLOB (repeatable): gitignore-style, relative to the root, like config allowlist.paths. */
  exclude?: string[];
  staged?: boolean;
  /** --commit-msg FILE: the message file a commit-msg hook gets (git passes it as $1). */
  'commit-msg'?: string;
  history?: boolean;
  range?: string;
  ci?: boolean;
  branch?: string[];
  'all-lines'?: boolean;
  format: string;
  output?: string;
  config?: string;
  baseline?: string;
  'max-file-size'?: string | number;
  'max-findings-per-file'?: number;
  'show-secrets'?: boolean;
  color?: boolean;
  gitignore?: boolean;
  'include-vendored'?: boolean;
  'allow-skips'?: boolean;
  debug?: boolean;
  jobs?: string | number;
  'trust-head-config'?: boolean;
  /** --ci: fetch the commits a shallow clone lacks (default true; --no-fetch). */
  fetch?: boolean;
  verify?: boolean;
  'only-verified'?: boolean;
  'verify-timeout'?: number;
  'verify-jobs'?: number;
  'verify-rate'?: number;
}

/** Every `scan` option (a function: some texts use constants declared further down). */
const scanOptionTable = (): ReadonlyArray<[string, import('yargs').Options]> => [
  ['exclude', { type: 'string', array: true, describe: 'Skip paths matching this gitignore-style glob, relative to the root (repeatable)' }],
  ['staged', { type: 'boolean', describe: 'Scan what is staged in the index (pre-commit)' }],
  ['commit-msg', { type: 'string', describe: 'Scan the commit message file FILE (a commit-msg hook: git passes it as $1); config from HEAD as --staged' }],
  ['all-lines', { type: 'boolean', describe: 'With --staged: report whole staged files, not only added lines' }],
  ['history', { type: 'boolean', describe: 'Scan every commit reachable from all refs (or --branch)' }],
  ['branch', { type: 'string', array: true, describe: 'With --history: revisions to walk instead of all refs' }],
  ['range', { type: 'string', describe: 'Scan what the commits A..B introduced' }],
  ['ci', { type: 'boolean', describe: 'Work out the range from the CI environment' }],
  ['fetch', { type: 'boolean', describe: 'With --ci in a shallow clone: fetch the commits the range needs from the remote (default; --no-fetch fails instead, naming what to set)' }],
  ['format', { type: 'string', default: 'text', choices: [...FORMATS], describe: 'Report format' }],
  ['output', { alias: 'o', type: 'string', describe: 'Write the report to FILE (mode 0600)' }],
  ['config', { alias: 'c', type: 'string', describe: 'Config file (default: PATH/.secret-sweep.yaml)' }],
  ['baseline', { type: 'string', describe: 'Report only findings not in this baseline file' }],
  ['trust-head-config', { type: 'boolean', describe: 'With --staged/--range/--ci: read the config (and .gitleaksignore) from the work tree, not from HEAD or the base of the range (the change can then configure its own scan)' }],
  ['max-file-size', { type: 'string', describe: `Skip files larger than this (default ${DEFAULT_MAX_FILE_SIZE} bytes, 1 GiB in git modes; 10mb works); files over 8 MB are scanned in 8 MB windows, so e.g. 2gb is safe` }],
  ['allow-skips', { type: 'boolean', describe: 'Git modes: exit 0/1 even when some file or blob could not be read (too large, unreadable, missing); by default that is exit 2' }],
  ['max-findings-per-file', { type: 'number', describe: `Report at most N findings per file, with a warning past that (default ${DEFAULT_MAX_FINDINGS_PER_FILE}; 0 = no limit)` }],
  ['show-secrets', { type: 'boolean', describe: 'Print secrets in plaintext (never the default)' }],
  ['color', { type: 'boolean', describe: 'Colour the text report (--no-color to turn off)' }],
  ['jobs', { alias: 'j', type: 'string', describe: `Worker threads for detection (default: CPU count; 1 = in-process; at most ${MAX_JOBS_PER_CPU}× the CPU count)` }],
  ['verify', { type: 'boolean', describe: 'Ask each credential\'s own issuer whether it works (sends each secret to its issuer only; not with --staged)' }],
  ['only-verified', { type: 'boolean', describe: 'Report only credentials verified live (implies --verify)' }],
  ['verify-timeout', { type: 'number', describe: 'With --verify: milliseconds per call before the finding is unknown (default 5000)' }],
  ['verify-jobs', { type: 'number', describe: 'With --verify: calls in flight at once (default 8; at most 4 per host)' }],
  ['verify-rate', { type: 'number', describe: 'With --verify: calls started per second to one issuer host (default 10)' }],
  ['gitignore', { type: 'boolean', default: true, describe: 'Skip untracked files that .gitignore matches (--no-gitignore to scan them)' }],
  ['include-vendored', { type: 'boolean', describe: 'Outside git (or with --no-gitignore): also scan installed third-party code (node_modules, .venv, venv, vendor/ of Go and Composer), skipped by default' }],
];

/**
 * The report's options (format, colour, plaintext, the baseline it filters by; `baseline` defines its own
 * --output) and --verify's. `baseline` writes fingerprints, so it leaves these out: its help does not list
 * them and, the CLI being strict, giving one is a usage error (exit 2), not silently ignored.
 */
export const REPORT_ONLY_OPTIONS: readonly string[] = ['format', 'output', 'baseline', 'show-secrets', 'color', 'verify', 'only-verified', 'verify-timeout', 'verify-jobs', 'verify-rate'];

export function scanOptions<T>(y: import('yargs').Argv<T>, omit: readonly string[] = []) {
  let out = y.positional('path', { type: 'string', default: '.', describe: 'Folders and files to scan (default .), or - for standard input' });
  for (const [name, spec] of scanOptionTable()) if (!omit.includes(name)) out = out.option(name, spec);
  return out;
}

/**
 * `forReport` (default true): the result goes into a report, so tokens in paths become findings and paths
 * and identities are redacted. migrate passes false (through scanLoaded): it edits the files its findings name.
 */
export async function executeScan(args: ScanArgs, { forReport = true }: { forReport?: boolean } = {}): Promise<ScanResult & { suppressed: Finding[]; rules: RuleSpec[]; root: string; baselineSuppressed: number; salt?: string }> {
  const modes = [args.staged, args.history, args.range !== undefined, args.ci, args['commit-msg'] !== undefined].filter(Boolean).length;
  if (modes > 1) throw new SweepError('choose one of --staged, --commit-msg, --history, --range, --ci');
  if (args['commit-msg'] !== undefined && args['commit-msg'].trim() === '') throw new SweepError('--commit-msg needs the message file (a commit-msg hook gets it as $1)');
  if ((args.staged || args['commit-msg'] !== undefined) && (args.verify || args['only-verified']))
    throw new SweepError(`--verify is not available with ${args.staged ? '--staged' : '--commit-msg'}: a commit hook does not send secrets over the network (run \`secret-sweep scan --verify\` on the tree)`);
  verifyLimits(args);
  if (args.verify || args['only-verified']) checkRedirects(process.env);
  const stdin = args.path === '-' || args.path === '\u0000stdin';
  const targets = fileTargets(args);
  const root = stdin ? process.cwd() : targets ? targets.root : resolveRoot(args.path);
  if (!stdin) sayWhichRepository(root, isGateMode(args));
  // A large tree's worker threads start now, while the config and rules load and git lists the files.
  if (!stdin && !targets && !isGateMode(args) && !args.debug) await startTreeWorkersEarly(root, earlyJobs(args.jobs));
  const gate = await gateSetup(args, root, stdin);
  const { config, rules } = configAndRules(root, args.config, gate.config, { forScan: true });
  // Suppressions are listed in every report, apart from the findings (see the partition in scanLoaded).
  return scanLoaded(args, { root, config, rules, inlineAllow: config.inlineAllow === false ? 'off' : 'report', gate, forReport });
}

/** The scan `args` ask for, with the config and rules already loaded (migrate loads them once). */
export async function scanLoaded(
  args: ScanArgs,
  loaded: { root: string; config: SweepConfig; rules: RuleSpec[]; inlineAllow?: DetectorOptions['inlineAllow']; gate?: GateSetup; forReport?: boolean },
): Promise<ScanResult & { suppressed: Finding[]; rules: RuleSpec[]; root: string; baselineSuppressed: number; salt?: string }> {
  const { root, config, rules } = loaded;
  const gate = loaded.gate ?? { findings: [] };
  const stdin = args.path === '-' || args.path === '\u0000stdin';
  const scanner = createScanner({
    rules,
    config,
    gate: isGateMode(args),
    inlineAllow: loaded.inlineAllow,
    debug: args.debug,
    baseline: args.baseline ? readAnyBaseline(args.baseline) : undefined,
    maxFileSize: parseSize(args['max-file-size']),
    maxFindingsPerFile: findingsLimit(args['max-findings-per-file']),
    jobs: jobsOption(args.jobs),
  });
  const { maxFileSize, maxFindingsPerFile } = scanner.limits;
  const gitleaksIgnore = stdin ? undefined : gitleaksIgnoreFor(args, root);
  const excludePaths = [...config.allowlist.paths, ...(args.exclude ?? [])];
  let scanned: ScanResult & { baselineSuppressed: number };
  if (args.staged || args.history || args.range !== undefined || args.ci) {
    if (stdin) throw new SweepError('git modes need a repository path, not -');
    const raw = await runGitScan(scanner, {
      root,
      mode: args.staged ? 'staged' : args.history ? 'history' : args.range !== undefined ? 'range' : 'ci',
      range: args.range,
      revs: args.branch,
      allLines: args['all-lines'] ?? false,
      excludePaths,
      allowCommits: config.allowlist.commits,
      progress: Boolean(process.stderr.isTTY) && !process.env.CI,
      ci: gate.ci,
      staged: gate.staged,
      repo: gate.repo,
    });
    if (gate.markers && config.inlineAllow === undefined) {
      // Markers the change added are its own ignores: reported, unless the base already held them.
      const { distrustChangeMarkers } = await import('../../scan/change-markers.js');
      const d = await distrustChangeMarkers({ root, base: gate.markers.base, findings: raw.findings, rules, detector: scanner.detector });
      raw.findings = d.findings;
      if (d.count > 0) raw.stats.notes.push(`${d.count} finding${d.count === 1 ? '' : 's'} under an inline allow marker that the base ${gate.markers.base ? gate.markers.base.slice(0, 12) : '(none)'} did not have: reported (markers added by the change are not trusted; config \`inline_allow: true\` in the base trusts them)`);
    }
    scanned = scanner.applyBaseline(raw);
  } else if (args['commit-msg'] !== undefined) {
    const { CommitMessageSource } = await import('../../sources/commit-message.js');
    scanned = await scanner.scan(new CommitMessageSource(resolve(args['commit-msg']), maxFileSize));
  } else if (stdin) {
    // Loaded here, not at the top: a pre-commit (--staged) run needs neither.
    const { StdinSource } = await import('../../sources/stdin.js');
    scanned = await scanner.scan(new StdinSource(process.stdin, maxFileSize));
  } else {
    const { WorkingTreeSource } = await import('../../sources/working-tree.js');
    scanned = await scanner.scan(new WorkingTreeSource({ root, gitignore: args.gitignore !== false, maxFileSize, excludePaths, targets: fileTargets(args)?.paths, onWarning: warn, includeVendored: args['include-vendored'] === true }));
  }
  const { baselineSuppressed, ...scanResult } = scanned;
  let result: ScanResult = scanResult;
  // Said in every report's notes: the count, and that a baseline matches the secret wherever it appears.
  if (baselineSuppressed > 0)
    result.stats.notes.push(`${baselineSuppressed} finding${baselineSuppressed === 1 ? '' : 's'} accepted by the baseline ${args.baseline} (not listed; matched by secret, so also where an accepted secret was copied)`);
  // What inline markers suppressed is reported apart (ctx.suppressed); changes to the files the gate trusts
  // are findings, listed first (they can be why something else was not found).
  let found = result.findings;
  if (gitleaksIgnore)
    found = found.map((f) => {
      const entry = f.suppressed === undefined ? gitleaksIgnoreEntry(gitleaksIgnore, f) : undefined;
      return entry ? cloneFinding(f, { suppressed: `listed in ${entry.at}` }) : f;
    });
  const suppressed = found.filter((f) => f.suppressed !== undefined);
  result.findings = [...gate.findings, ...found.filter((f) => f.suppressed === undefined)];
  if (loaded.forReport) result = withPathFindings(result, scanner, config.allowlist);
  warnUnread(result.stats);
  for (const path of result.stats.findingsCapped ?? []) warn(visible(capNote(path, maxFindingsPerFile)));
  return { ...result, suppressed, rules, root, baselineSuppressed, salt: config.fingerprintSalt };
}

/**
 * gitleaks' `.gitleaksignore` at the root. Not in --staged/--range/--ci (unless --trust-head-config): there it would
 * be the change under review deciding what its own scan reports; said on stderr so it is not a silent skip.
 */
function gitleaksIgnoreFor(args: ScanArgs, root: string) {
  const gate = (args.range !== undefined || args.ci || args.staged || args['commit-msg'] !== undefined) && args['trust-head-config'] !== true;
  const ignore = loadGitleaksIgnore(root);
  if (ignore && gate) {
    warn(`${GITLEAKSIGNORE} not read in --staged/--range/--ci (the change under review could edit it): use --baseline from the base branch, or --trust-head-config`);
    return undefined;
  }
  return ignore;
}

/** The summary and notes for stderr (no finding details: those are in the report), one line each. */
export function stderrSummary(res: { findings: Finding[]; suppressed: Finding[]; stats: ScanResult['stats'] }, output?: string): string {
  const n = res.findings.length;
  const files = new Set(res.findings.map((f) => f.file)).size;
  const scanned = `${res.stats.files} file${res.stats.files === 1 ? '' : 's'} scanned, ${formatSize(res.stats.bytes)}`;
  const head = n === 0 ? `no leaks found (${scanned})` : `${n} finding${n === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'}; ${scanned}`;
  const lines = [`${head}${output ? `; report written to ${visible(output)}` : ''}`];
  if (res.stats.skipped.length) lines.push(`skipped ${res.stats.skipped.length} file${res.stats.skipped.length === 1 ? '' : 's'} (listed in the report)`);
  if (res.suppressed.length) lines.push(`${res.suppressed.length} suppressed (listed in the report)`);
  for (const note of res.stats.notes) lines.push(`note: ${visible(note)}`);
  return lines.map((l) => `secret-sweep: ${l}\n`).join('');
}

/**
 * `scan a.ini b/ c.py` (lint-staged, editors, pre-commit's pass_filenames): the root is the current folder
 * (its config applies; findings are named relative to it), or the folder holding every PATH when some lie
 * outside it. Undefined for the usual single folder, which is the root itself.
 */
export function fileTargets(args: ScanArgs): { root: string; paths: string[] } | undefined {
  const list = args.paths ?? [args.path];
  if (list.some((p) => p === '-' || p === '\u0000stdin')) {
    if (list.length > 1) throw new SweepError('- (standard input) cannot be combined with other paths');
    return undefined;
  }
  const resolved = list.map((p) => {
    try {
      return { abs: resolve(p), dir: statSync(resolve(p)).isDirectory() };
    } catch {
      throw new SweepError('no such file or folder', withoutSecrets(p));
    }
  });
  if (resolved.length === 1 && resolved[0]!.dir) return undefined;
  if (args.staged || args.history || args.range !== undefined || args.ci)
    throw new SweepError('file arguments apply to a working-tree scan; --staged, --history, --range and --ci take one repository folder');
  const inside = (root: string, p: string) => p === root || p.startsWith(root.endsWith(sep) ? root : root + sep);
  let root = process.cwd();
  if (!resolved.every((r) => inside(root, r.abs))) {
    root = resolved[0]!.dir ? resolved[0]!.abs : dirname(resolved[0]!.abs);
    while (!resolved.every((r) => inside(root, r.abs))) root = dirname(root);
  }
  return { root, paths: resolved.map((r) => relative(root, r.abs).split(sep).join('/') || '.') };
}

interface GateSetup {
  /** The config a gate reads from the base of its range; undefined: read it as a tree scan does. */
  config?: SweepConfig;
  /** Findings for changes to the files the gate trusts (gate-config.ts). */
  findings: Finding[];
  /** --ci: what to scan, worked out before the config (the range's base decides which config). */
  ci?: CiTarget;
  /** --staged: the repository and staged diff the gate read, scanned as they are (not read again). */
  staged?: StagedIndex;
  /**
   * `--range`/`--ci`: inline allow markers are trusted only where this commit already held them (undefined
   * base: nowhere), unless the config says `inline_allow: true` (change-markers.ts). Absent: markers as before.
   */
  markers?: { base: string | undefined };
  /** --history, --range: the repository, opened once by the gate and scanned as it is. */
  repo?: RepoInfo;
}

/**
 * `--range` and `--ci`: the change under review cannot configure its own scan, so the config comes from the
 * base of the range and changes to it in the range are findings (gate-config.ts), unless --trust-head-config.
 */
async function gateSetup(args: ScanArgs, root: string, stdin: boolean): Promise<GateSetup> {
  const trustHead = args['trust-head-config'] === true;
  if (trustHead && args.range === undefined && !args.ci && !args.staged && args['commit-msg'] === undefined) throw new SweepError('--trust-head-config applies only to --staged, --commit-msg, --range and --ci');
  if (args['commit-msg'] !== undefined) {
    if (stdin) throw new SweepError('--commit-msg needs a repository path, not -');
    // The message of the commit being made: HEAD's config, as --staged (the pre-commit hook reports a staged change to it).
    if (trustHead || args.config) return { config: loadRootConfig(root, args.config), findings: [] };
    const [{ configAtBase }, { defaultConfig }] = await Promise.all([import('../../scan/gate-config.js'), import('../../config/config.js')]);
    const repo = await openRepo(root);
    return { config: repo.head ? await configAtBase(repo, root, repo.head) : defaultConfig(), findings: [], repo };
  }
  if (args.staged && !stdin) {
    // The staged changes cannot configure their own scan either: HEAD's config, staged changes to it are findings.
    // The repository and the staged diff are read once, here, for the gate and then the scan.
    const [{ stagedGateConfig }, { readStaged }] = await Promise.all([import('../../scan/gate-config.js'), import('../../sources/git/staged.js')]);
    const staged = await readStaged(root, { allLines: args['all-lines'] });
    const g = await stagedGateConfig({ root, explicitConfig: args.config, trustHead, headConfig: () => loadRootConfig(root, args.config), staged });
    for (const w of g.warnings) warn(visible(w));
    return { config: g.config, findings: g.findings, staged };
  }
  // --history and --range open the repository once, here; the history source takes it (`repo`).
  let repo: RepoInfo | undefined;
  if (!stdin && (args.history || args.range !== undefined)) {
    const { shallowGateGap } = await import('../../scan/ci-history.js');
    repo = await openRepo(root);
    if (args.history && !args.branch?.length) {
      // The whole history's `git log` starts now: its walk overlaps the checks below and the loading of
      // config and rules. Unclaimed (a check fails), it ends with this process (run.ts, spawnGitEarly).
      const [{ spawnGitEarly }, { logArgs, HISTORY_LOG }] = await Promise.all([import('../../sources/git/run.js'), import('../../sources/git/history.js')]);
      spawnGitEarly(repo.root, logArgs(['--all'], HISTORY_LOG));
    }
    // A shallow clone lacks part of what these scan: stop, naming what to fetch, or (--allow-skips) say so.
    const gap = await shallowGateGap(repo.root, args.range !== undefined ? { range: args.range } : { history: true }, repo.shallow);
    if (gap && (!gap.cutOff || !args['allow-skips'])) throw new SweepError(gap.cutOff ? `${gap.message}; --allow-skips scans what is there` : gap.message);
    if (gap) warn(visible(gap.message));
  }
  if (!stdin && args.history && !args.branch?.length) {
    // Every ref: one that names a tree or blob holds content no commit walk reaches.
    const { nonCommitRefs } = await import('../../scan/history-refs.js');
    const refs = await nonCommitRefs(root, repo);
    if (refs.length) {
      const line = `--history: ${refs.length === 1 ? 'a ref names' : `${refs.length} refs name`} a tree or blob, not a commit, and their content is not walked: ${refs.slice(0, 3).join(', ')}${refs.length > 3 ? ', …' : ''}`;
      if (!args['allow-skips']) throw new SweepError(`${line}; --allow-skips scans the rest`);
      warn(visible(line));
    }
  }
  if (stdin || (args.range === undefined && !args.ci)) return { findings: [], repo };
  const ci = args.ci && args.range === undefined ? await ciTarget(process.env) : undefined;
  if (ci) {
    // A shallow clone (GitHub's default checkout) lacks the base: fetch it, or stop saying what to set.
    const [{ completeCiHistory }, { branchPushRange, emptyPushRange }] = await Promise.all([import('../../scan/ci-history.js'), import('../../scan/ci-push-range.js')]);
    const complete = async () => {
      const fetched = await completeCiHistory(root, ci, { fetch: args.fetch !== false, platform: ci.platform ?? 'generic' });
      if (fetched) ci.note += `; ${fetched}`;
    };
    // A push's "before" can be set by hand (GitLab pipeline variables): a push to a feature branch scans all
    // of its commits not on the default branch, and a push range with no commits the whole history.
    const branchWide = await branchPushRange(root, ci, args.fetch !== false);
    // A push kept as pushed (the default branch's `before..after`): merging `after` into a force-push's
    // `before` is no commit anyone makes, and it would bring back what the push removed.
    if (ci.push && !branchWide) ci.pushed = true;
    await complete();
    if (!branchWide && (await emptyPushRange(root, ci))) await complete();
    // A request's base on one of its own commits (or at its head) would leave commits unscanned.
    const { checkCiBase } = await import('../../scan/ci-base-check.js');
    await checkCiBase(root, ci, args.fetch !== false);
  }
  const range = args.range ?? ci?.range;
  if (range === undefined) {
    if (!ci?.revs?.length) return { findings: [], ci };
    // Whole histories (no base commit in the CI environment): the checked-out config is the change's own, so
    // it comes from the default branch, else the defaults (gate-config.ts). Said in the --ci note.
    if (trustHead) {
      ci.note += '; no base commit, and --trust-head-config: the config is read from the checked-out tree';
      return { findings: [], ci, markers: { base: undefined } };
    }
    const { wholeHistoryConfig } = await import('../../scan/gate-config.js');
    const g = await wholeHistoryConfig({ root, head: ci.revs[0]!, defaultBranch: ci.defaultBranch, fetch: args.fetch !== false, explicitConfig: args.config, explicitBaseline: args.baseline, headConfig: () => loadRootConfig(root, args.config) });
    ci.note += `; ${g.note}`;
    return { config: g.config, findings: g.findings, ci, markers: { base: g.base } };
  }
  const { gateConfig, ciConfigRef, originTip } = await import('../../scan/gate-config.js');
  // --ci: the config of the target (or default) branch's tip, not of a base the change could pick.
  const at = ci && !trustHead && !args.config ? await ciConfigRef(root, ci, args.fetch !== false) : undefined;
  if (at && ci) ci.note += `; the config is read from ${at.name} (${at.sha.slice(0, 12)})`;
  // A request lands on its target's tip: what merging into it commits is scanned (merge-results.ts).
  if (ci?.request?.target) ci.mergeInto = at?.sha ?? (await originTip(root, ci.request.target, false));
  const g = await gateConfig({ root, range, explicitConfig: args.config, explicitBaseline: args.baseline, trustHead, headConfig: () => loadRootConfig(root, args.config), configAt: at?.sha });
  for (const w of g.warnings) warn(visible(w));
  return { config: g.config, findings: g.findings, ci, markers: { base: g.base }, repo };
}

/** Gate modes: a run that could not read everything fails (exit 2) unless --allow-skips. */
export function isGateMode(args: Pick<ScanArgs, 'staged' | 'history' | 'range' | 'ci' | 'commit-msg'>): boolean {
  return Boolean(args.staged || args.history || args.range !== undefined || args.ci || args['commit-msg'] !== undefined);
}

/** One warning line per file or blob that could not be read (too large, unreadable, missing), named. */
function warnUnread(stats: ScanResult['stats']): void {
  for (const s of unreadSkips(stats)) warn(visible(unreadText(s, s.path)));
}

/**
 * The exit code a finished scan earns: 2 when a gate mode could not read everything (unless
 * --allow-skips), else 1 for findings, 0 for none. The report is written before this is decided.
 */
export function scanExitCode(args: ScanArgs, res: ScanResult): number {
  const unread = unreadSkips(res.stats).length;
  if (unread > 0 && isGateMode(args) && !args['allow-skips']) {
    process.stderr.write(`secret-sweep: ${incompleteText(unread)}; a gate does not pass an incomplete scan (--allow-skips accepts it)\n`);
    return 2;
  }
  // A capped file was not read to its end. With findings the gate fails anyway; without any (what the cap
  // kept were all suppressed: a thousand marked decoys before the real secret), it did not read everything.
  const capped = res.stats.findingsCapped?.length ?? 0;
  if (capped > 0 && res.findings.length === 0 && isGateMode(args) && !args['allow-skips']) {
    process.stderr.write(`secret-sweep: ${capped} file${capped === 1 ? '' : 's'} reached the findings cap with only suppressed findings kept, so the rest ${capped === 1 ? 'was' : 'were'} not read; a gate does not pass an incomplete scan (raise --max-findings-per-file, 0 for no limit; --allow-skips accepts it)\n`);
    return 2;
  }
  // --only-verified drops what the issuer could not judge (no verifier: every generic password; no
  // companion key id; timeouts, rate limits): in a gate that is a leak passed unread, not a dead credential.
  const unknown = res.stats.notVerified ?? 0;
  if (unknown > 0 && res.findings.length === 0 && isGateMode(args) && !args['allow-skips']) {
    process.stderr.write(`secret-sweep: --only-verified: ${unknown} finding${unknown === 1 ? '' : 's'} could not be verified (no verifier, no companion value, or no answer from the issuer) and ${unknown === 1 ? 'is' : 'are'} not listed; a gate does not pass what it could not check (--verify lists them; --allow-skips accepts it)\n`);
    return 2;
  }
  return res.findings.length > 0 ? 1 : 0;
}

/**
 * GIT_DIR / GIT_WORK_TREE that move the scan to another repository are named on stderr; when they name
 * none, git modes stop (exit 2) and a folder scan warns and walks the folder.
 */
function sayWhichRepository(root: string, gitMode: boolean): void {
  const env = environmentRepository(root);
  if (!env) return;
  if (env.failed && gitMode) throw new SweepError(env.message);
  if (env.failed) warn(env.message);
  else notice(env.message);
}

/**
 * Tokens in paths (any path read, or one a finding or a skip names) become findings of their own, and
 * every path and git identity in the result is redacted where the built-in rules detect a secret in it.
 */
function withPathFindings(result: ScanResult, scanner: Scanner, allow: { paths: string[]; pathRegexes?: string[] }): ScanResult {
  const regexes = (allow.pathRegexes ?? []).map((r) => new RE2(r));
  const excluded = pathExcluder(allow.paths);
  const allowed = (p: string) => regexes.some((re) => re.test(p)) || (excluded?.(p) ?? false);
  const paths = [...(result.paths ?? []), ...result.findings.flatMap((f) => [f.file, ...(f.seen?.places ?? []).map((p) => p.path)]), ...result.stats.skipped.map((s) => s.path)];
  const inPaths = scanner.dropBaselined(pathFindings(paths.filter((p) => !allowed(p)), scanner.detector.salt));
  redactNamesIn(result.findings, result.stats);
  return { ...result, findings: inPaths.length ? sortFindings([...result.findings, ...inPaths]) : result.findings };
}

/** More threads than this many per CPU only cost memory (each holds the compiled rules): -j 10000 took 12.5 GB. */
const MAX_JOBS_PER_CPU = 4;

/** --jobs: a whole number >= 1, capped at MAX_JOBS_PER_CPU × the CPU count with a note. */
/** --jobs for starting workers early: a bad value starts none (the scanner's own reading reports it, in its turn). */
function earlyJobs(v: string | number | undefined): number {
  try {
    return jobsOption(v) ?? defaultJobs();
  } catch {
    return 1;
  }
}

function jobsOption(v: string | number | undefined): number | undefined {
  if (v === undefined) return undefined;
  const text = String(v).trim();
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new SweepError(`--jobs: not a whole number >= 1: ${quoteUserText(text)}`);
  const max = MAX_JOBS_PER_CPU * availableParallelism();
  const n = Number(text);
  if (n <= max) return n;
  notice(`--jobs ${n} capped at ${max} (${MAX_JOBS_PER_CPU} per CPU)`);
  return max;
}

/** --verify-timeout / --verify-jobs / --verify-rate: whole numbers >= 1. */
function verifyLimits(args: ScanArgs): { timeoutMs?: number; concurrency?: number; perHostPerSecond?: number } {
  const out: { timeoutMs?: number; concurrency?: number; perHostPerSecond?: number } = {};
  for (const [flag, key] of [['verify-timeout', 'timeoutMs'], ['verify-jobs', 'concurrency'], ['verify-rate', 'perHostPerSecond']] as const) {
    const v = args[flag];
    if (v === undefined) continue;
    if (!Number.isInteger(v) || v < 1) throw new SweepError(`--${flag}: not a whole number >= 1: ${quoteUserText(String(v))}`);
    out[key] = v;
  }
  return out;
}

function findingsLimit(v: number | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!Number.isInteger(v) || v < 0) throw new SweepError(`--max-findings-per-file: not a whole number >= 0: ${v}`);
  return v;
}

export function scanCommand(setCode: (c: number) => void): CommandModule<object, ScanArgs> {
  return {
    command: 'scan [path..]',
    describe: 'Scan a folder, stdin, the staged changes or git history for credentials',
    builder: (y) =>
      scanOptions(y)
        // `scan [path..]`: yargs gives a list; `path` stays the first (what single-folder code and the hook fast path use).
        .middleware((a) => {
          const paths = ([] as unknown[]).concat(a.path ?? '.').map(String);
          Object.assign(a, { path: paths[0] ?? '.', paths });
        })
        .example('$0 scan .', 'scan the working tree')
        .example('$0 scan --staged', 'pre-commit: scan what is about to be committed')
        .example('$0 scan --commit-msg .git/COMMIT_EDITMSG', 'commit-msg hook: scan the message being committed')
        .example('$0 scan --history --format sarif -o leaks.sarif', 'scan every commit, write SARIF')
        .example('$0 scan . --only-verified', 'ask each credential\'s issuer; report only live ones (docs/verify.md)')
        .example('$0 scan config.ini src/ --exclude "*.min.js"', 'scan some files and folders (lint-staged, editors)')
        .example('cat file | $0 scan -', 'scan standard input') as never,
    handler: async (args) => {
      const res = await executeScan(args);
      if (args.verify || args['only-verified']) {
        const { verifyScanResult } = await import('../../verify/scan-step.js');
        const source = args.path === '-' || args.path === '\u0000stdin' ? 'stdin' : isGateMode(args) ? 'git' : 'tree';
        await verifyScanResult(res, res.rules, { root: res.root, source, onlyVerified: args['only-verified'] === true, limits: verifyLimits(args), salt: res.salt });
      }
      const reporter = await loadReporter(args.format);
      const ctx = reportContext({
        root: res.root,
        rules: res.rules,
        stats: res.stats,
        showSecrets: args['show-secrets'] === true,
        color: args.format === 'text' && wantColor(args.color, Boolean(args.output)),
        startedAt: res.startedAt,
        finishedAt: res.finishedAt,
        suppressed: res.suppressed,
      });
      const out = reporter(res.findings, ctx);
      if (args.output) writePrivateFile(args.output, out);
      else process.stdout.write(out.endsWith('\n') || out === '' ? out : out + '\n');
      // A report in a file (every format): the CI log still gets the count, the --ci range and the notes.
      if (args.output) process.stderr.write(stderrSummary(res, args.output));
      setCode(scanExitCode(args, res));
    },
  };
}

/**
 * The scan engine: `createScanner(config)` owns everything every scan shares — the detector options
 * (allowlists, salt, inline markers, the baseline's fingerprints), the limits (file size, findings per
 * file, worker threads) with one default each, and the baseline filtering after the scan. Sources say
 * what to read; reporters say how to print; the engine turns one into findings for the other.
 */
import { availableParallelism } from 'node:os';
import { defaultConfig, type SweepConfig } from '../config/config.js';
import type { DetectorOptions } from '../detect/detector.js';
import { inBaseline, type AnyBaseline } from '../findings/baseline.js';
import { isDetectSecretsHashLine } from '../findings/detect-secrets-baseline.js';
import type { Finding } from '../findings/finding.js';
import { offerBuiltLiterals } from '../rules/built-literals.js';
import type { RuleSpec } from '../rules/rule.js';
import type { Source, SourceStats } from '../sources/source.js';
import { DEFAULT_MAX_FINDINGS_PER_FILE } from './findings-cap.js';

/** --max-file-size default of a folder, file or stdin scan (and of migrate's reads). */
export const DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024;

/**
 * --max-file-size default in gate modes (--staged, --range, --ci, --history): large text is scanned in
 * windows there, not skipped; only past this (blobs are read whole from git) is a file not scanned, and
 * that makes the run incomplete (exit 2 unless --allow-skips).
 */
export const GATE_MAX_FILE_SIZE = 1 << 30;

/** Threads that read and detect when --jobs is not given: one per CPU, at most 8 (more only cost memory). */
export function defaultJobs(): number {
  return Math.max(1, Math.min(8, availableParallelism()));
}

export interface ScannerConfig {
  rules: RuleSpec[];
  /** The loaded config: allowlists, fingerprint salt, max_file_size, max_findings_per_file (default: none). */
  config?: Pick<SweepConfig, 'allowlist' | 'fingerprintSalt' | 'maxFileSize' | 'maxFindingsPerFile'>;
  /** A gate mode (--staged, --history, --range, --ci): a larger default file size (GATE_MAX_FILE_SIZE). */
  gate?: boolean;
  /** Inline allow markers: honoured silently (default), reported as suppressed, or ignored. */
  inlineAllow?: DetectorOptions['inlineAllow'];
  /** --debug: say on stderr why each candidate was dropped (scans then stay on the main thread). */
  debug?: boolean;
  /** --baseline: findings it accepts are not reported (counted in `baselineSuppressed`). */
  baseline?: AnyBaseline;
  /** Explicit limits (flags); each falls back to the config, then to its one default. */
  maxFileSize?: number;
  maxFindingsPerFile?: number;
  jobs?: number;
}

export interface ScanLimits {
  /** Files (blobs) larger than this are skipped; files over the window size are scanned in windows. */
  maxFileSize: number;
  /** Findings kept per file (per blob in history modes); 0 = no limit. */
  maxFindingsPerFile: number;
  /** Threads that read and detect, the main thread included; 1 = the main thread alone. */
  jobs: number;
}

export interface ScanResult {
  findings: Finding[];
  stats: SourceStats;
  startedAt: string;
  finishedAt: string;
  /** Every path read, when the source lists them (a token in a path is a finding too: detected-text.ts). */
  paths?: string[];
}

export interface Scanner {
  readonly rules: RuleSpec[];
  /** The one detector options object every detector of this scan (main thread and workers) is built from. */
  readonly detector: DetectorOptions;
  readonly limits: Readonly<ScanLimits>;
  /** The baseline's accepted fingerprints (ours), for findings made outside a source (tokens in paths). */
  readonly accepted?: Set<string>;
  /** Scan one source: findings with the baseline applied (`baselineSuppressed` counts what it dropped). */
  scan(source: Source): Promise<ScanResult & { baselineSuppressed: number }>;
  /** The baseline step on findings made elsewhere (gate findings, tokens in paths). */
  dropBaselined(findings: Finding[]): Finding[];
  /** The baseline step on a finished scan (for git modes, which run through runGitScan). */
  applyBaseline<R extends ScanResult>(result: R): R & { baselineSuppressed: number };
}

/** What the detector takes from the config (allowlists, salt); with debug, why each candidate was dropped. */
export function detectorOptions(
  config: Pick<SweepConfig, 'allowlist' | 'fingerprintSalt'>,
  opts: { debug?: boolean; inlineAllow?: DetectorOptions['inlineAllow']; accepted?: Set<string> } = {},
): DetectorOptions {
  return {
    allowlist: { regexes: config.allowlist.regexes, stopwords: config.allowlist.stopwords, paths: config.allowlist.pathRegexes },
    salt: config.fingerprintSalt,
    ...(opts.inlineAllow ? { inlineAllow: opts.inlineAllow } : {}),
    ...(opts.accepted ? { accepted: opts.accepted } : {}),
    onDrop: opts.debug ? (id: string, why: string) => process.stderr.write(`debug: ${id}: candidate dropped: ${why}\n`) : undefined,
  };
}

/** Detector options that can be cloned into a worker thread (no callbacks). */
export type PortableDetectorOptions = Omit<DetectorOptions, 'onDrop'>;

export function portableOptions(o: DetectorOptions | undefined): PortableDetectorOptions {
  if (!o) return {};
  const { onDrop: _drop, ...rest } = o;
  return rest;
}

export function createScanner(cfg: ScannerConfig): Scanner {
  // The built-in rules' literals worked out at build time (read only when a rule first needs them).
  offerBuiltLiterals();
  const config = cfg.config ?? defaultConfig();
  const limits: ScanLimits = {
    maxFileSize: cfg.maxFileSize ?? config.maxFileSize ?? (cfg.gate ? GATE_MAX_FILE_SIZE : DEFAULT_MAX_FILE_SIZE),
    maxFindingsPerFile: cfg.maxFindingsPerFile ?? config.maxFindingsPerFile ?? DEFAULT_MAX_FINDINGS_PER_FILE,
    jobs: cfg.jobs ?? defaultJobs(),
  };
  // Fingerprints are applied in the detector (marked, so the findings cap counts only new ones); a
  // detect-secrets baseline (SHA-1 of secrets) after the scan. Both are counted for the summary.
  const accepted = cfg.baseline?.kind === 'fingerprints' ? cfg.baseline.fingerprints : undefined;
  const detector = detectorOptions(config, { debug: cfg.debug, inlineAllow: cfg.inlineAllow, accepted });
  // A gate does not let a file's name (`x.min.js`, `yarn.lock`) switch generic rules off: the change picks it.
  if (cfg.gate) detector.pathExclusions = false;
  const baseline = cfg.baseline;

  function applyBaseline<R extends ScanResult>(result: R): R & { baselineSuppressed: number } {
    // A detect-secrets baseline's own `"hashed_secret"` values are hashes, not credentials.
    let found = result.findings.filter((f) => !isDetectSecretsHashLine(f));
    const before = found.length;
    found = found.filter((f) => !f.baselined);
    if (baseline) found = found.filter((f) => f.suppressed !== undefined || !inBaseline(baseline, f));
    return { ...result, findings: found, baselineSuppressed: before - found.length };
  }

  const scanner: Scanner = {
    rules: cfg.rules,
    detector,
    limits,
    accepted,
    async scan(source) {
      const { runSource } = await import('./run-source.js');
      return applyBaseline(await runSource(source, scanner));
    },
    dropBaselined: (findings) => (accepted ? findings.filter((f) => !accepted.has(f.fingerprint)) : findings),
    applyBaseline,
  };
  return scanner;
}

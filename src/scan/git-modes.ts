/** Git scan modes (--staged, --history, --range, --ci): dispatch to the git sources. */
import type { DetectorOptions } from '../detect/detector.js';
import { SweepError } from '../errors.js';
import type { RuleSpec } from '../rules/rule.js';
import type { ScanResult } from './run-scan.js';

export interface GitScanRequest {
  root: string;
  mode: 'staged' | 'history' | 'range' | 'ci';
  range?: string;
  revs?: string[];
  allLines: boolean;
  rules: RuleSpec[];
  detector: DetectorOptions;
  maxFileSize: number;
  excludePaths: string[];
  baseline?: Set<string>;
}

export async function runGitScan(req: GitScanRequest): Promise<ScanResult> {
  throw new SweepError(`--${req.mode} is not available in this build yet`);
}

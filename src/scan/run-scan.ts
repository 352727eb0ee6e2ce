/**
 * Orchestration for a scan: a source streams fragments, the detector turns each into findings, then the
 * post-processing chain (baseline, sort). No output here: the CLI hands the result to a reporter.
 */
import { createDetector, type DetectorOptions } from '../detect/detector.js';
import type { Finding } from '../findings/finding.js';
import { filterBaseline } from '../findings/baseline.js';
import type { RuleSpec } from '../rules/rule.js';
import type { Source, SourceStats } from '../sources/source.js';

export interface ScanResult {
  findings: Finding[];
  stats: SourceStats;
  startedAt: string;
  finishedAt: string;
}

export interface ScanOptions {
  rules: RuleSpec[];
  detector?: DetectorOptions;
  baseline?: Set<string>;
}

export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line || a.column - b.column || a.rule.localeCompare(b.rule));
}

export async function scanSource(source: Source, opts: ScanOptions): Promise<ScanResult> {
  const startedAt = new Date().toISOString();
  const detector = createDetector(opts.rules, opts.detector);
  let findings: Finding[] = [];
  for await (const fragment of source.fragments()) {
    for (const f of detector.detect(fragment)) findings.push(f);
  }
  if (opts.baseline) findings = filterBaseline(findings, opts.baseline);
  return { findings: sortFindings(findings), stats: source.stats(), startedAt, finishedAt: new Date().toISOString() };
}

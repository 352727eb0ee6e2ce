import type { Finding } from '../findings/finding.js';

/**
 * One finding per span: when rules overlap, the most specific (lowest priority number, then the
 * narrower span) wins. Findings that do not overlap are all kept.
 */
export function dedupeSpans(findings: Finding[]): Finding[] {
  if (findings.length < 2) return findings;
  const prio = (f: Finding) => (f as Finding & { priority?: number }).priority ?? 50;
  const ordered = [...findings].sort((a, b) => prio(a) - prio(b) || (a.end - a.start) - (b.end - b.start) || a.start - b.start);
  const kept: Finding[] = [];
  for (const f of ordered) {
    const clash = kept.some((k) => f.start < k.end && k.start < f.end && (prio(k) < prio(f) || (k.start === f.start && k.end === f.end)));
    if (!clash) kept.push(f);
  }
  for (const k of kept) delete (k as Finding & { priority?: number }).priority;
  return kept.sort((a, b) => a.start - b.start || a.rule.localeCompare(b.rule));
}

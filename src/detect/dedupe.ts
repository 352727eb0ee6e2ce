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
  // A finding clashes with a kept one of a lower priority number that overlaps it, or of the same priority
  // with the same span. Kept findings of earlier priority levels are indexed by start with a running
  // maximum end, so each check is a binary search: comparing every pair was quadratic, minutes for a file
  // with 100k findings.
  let starts: number[] = [];
  let maxEnds: number[] = [];
  let level: number | undefined;
  let levelFrom = 0;
  const sameLevel = new Set<string>();
  const overlapsEarlier = (s: number, e: number): boolean => {
    let lo = 0;
    let hi = starts.length - 1;
    let i = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid]! < e) { i = mid; lo = mid + 1; } else hi = mid - 1;
    }
    return i >= 0 && maxEnds[i]! > s;
  };
  for (const f of ordered) {
    const p = prio(f);
    if (p !== level) {
      if (kept.length > levelFrom) {
        const spans = kept.map((k) => [k.start, k.end] as const).sort((a, b) => a[0] - b[0]);
        starts = spans.map((x) => x[0]);
        let m = -Infinity;
        maxEnds = spans.map((x) => (m = Math.max(m, x[1])));
      }
      level = p;
      levelFrom = kept.length;
      sameLevel.clear();
    }
    const span = `${f.start}:${f.end}`;
    if (sameLevel.has(span) || overlapsEarlier(f.start, f.end)) continue;
    sameLevel.add(span);
    kept.push(f);
  }
  for (const k of kept) delete (k as Finding & { priority?: number }).priority;
  return kept.sort((a, b) => a.start - b.start || a.rule.localeCompare(b.rule));
}

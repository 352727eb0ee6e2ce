/**
 * Runs a rule's own examples: every positive must be found by the rule (with the pinned secret, when
 * given) and no negative may be. Used by `rules test`, by loading of user rule files and by the test suite.
 */
import { createDetector } from '../detect/detector.js';
import { secretOf } from '../findings/finding.js';
import { redact, scrub } from '../findings/redact.js';
import type { RuleSpec } from './rule.js';

export interface ExampleFailure {
  rule: string;
  origin: string;
  kind: 'missed' | 'wrong-secret' | 'false-positive';
  index: number;
  message: string;
}

function preview(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > 60 ? one.slice(0, 57) + '...' : one;
}

export function checkRuleExamples(spec: RuleSpec): ExampleFailure[] {
  const failures: ExampleFailure[] = [];
  const drops: string[] = [];
  const detector = createDetector([spec], { onDrop: (_id, reason) => drops.push(reason) });
  const run = (text: string, path?: string) => {
    drops.length = 0;
    return detector.detect({ text, provenance: { kind: 'file', path: path ?? 'example.txt' } }).filter((f) => f.rule === spec.id);
  };
  spec.examples.forEach((ex, i) => {
    const found = run(ex.text, ex.path);
    if (found.length === 0) {
      const why = drops.length ? ` (dropped: ${[...new Set(drops)].join('; ')})` : ' (regex did not match)';
      failures.push({ rule: spec.id, origin: spec.origin, kind: 'missed', index: i + 1, message: `example #${i + 1} is not found by its rule${why}` });
    } else if (ex.secret !== undefined && !found.some((f) => secretOf(f) === ex.secret)) {
      // Examples are fake, but keep the habit: show only redacted values.
      const got = found.map((f) => f.redacted).join(', ');
      failures.push({ rule: spec.id, origin: spec.origin, kind: 'wrong-secret', index: i + 1, message: `example #${i + 1} extracts ${got}, expected ${redact(ex.secret)} (${ex.secret.length} chars)` });
    }
  });
  spec.negative_examples.forEach((ex, i) => {
    const found = run(ex.text, ex.path);
    if (found.length > 0)
      failures.push({ rule: spec.id, origin: spec.origin, kind: 'false-positive', index: i + 1, message: `negative example #${i + 1} ("${ex.reason}") is matched: ${preview(scrub(ex.text, found.map(secretOf))).slice(0, 20)}…` });
  });
  return failures;
}

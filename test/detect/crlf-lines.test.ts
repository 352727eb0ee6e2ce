/**
 * A file saved with CRLF line ends holds the same secrets as the LF file: every built-in rule's examples,
 * rewritten with CRLF, give the same secrets (a PEM body keeps its own line ends), and its negative
 * examples stay clean. RE2's multi-line `$` stops only before `\n`, so rules ending at the end of a line
 * (quoted-password-assignment, jwt-signing-secret) missed every CRLF line, and allowlists anchored with `$`
 * no longer applied.
 */
import { describe, expect, it } from 'vitest';
import { createDetector } from '../../src/detect/detector.js';
import { crlfAwareEnds } from '../../src/detect/line-end.js';
import { secretOf } from '../../src/findings/finding.js';
import { builtinRulesDir, loadRulesDir } from '../../src/rules/load.js';

const rules = loadRulesDir(builtinRulesDir());
const asLf = (t: string) => (t.endsWith('\n') ? t : t + '\n');
const asCrlf = (t: string) => asLf(t).replace(/\r?\n/g, '\r\n');

describe('CRLF files', () => {
  it('every rule example gives the same secrets as its LF form; negatives stay clean', () => {
    const wrong: string[] = [];
    for (const r of rules) {
      const det = createDetector([r]);
      const run = (text: string, path?: string) =>
        det.detect({ text, provenance: { kind: 'file', path: path ?? 'example.txt' } }).filter((f) => f.rule === r.id).map((f) => secretOf(f).replace(/\r\n/g, '\n')).sort();
      r.examples.forEach((ex, i) => {
        const lf = run(asLf(ex.text), ex.path);
        if (JSON.stringify(run(asCrlf(ex.text), ex.path)) !== JSON.stringify(lf)) wrong.push(`${r.id} example #${i + 1}`);
      });
      r.negative_examples.forEach((ex, i) => {
        if (run(asCrlf(ex.text), ex.path).length) wrong.push(`${r.id} negative example #${i + 1}`);
      });
    }
    expect(wrong).toEqual([]);
  }, 300_000);

  it('a bare $ ends at \\r\\n too; escaped and class dollars are left alone', () => {
    expect(crlfAwareEnds('a$')).toBe('a(?:\\r?$)');
    expect(crlfAwareEnds('\\$[$]x[]$]$')).toBe('\\$[$]x[]$](?:\\r?$)');
    expect(crlfAwareEnds('[^]$]+')).toBe('[^]$]+');
    expect(crlfAwareEnds('^(?:a|$)')).toBe('^(?:a|(?:\\r?$))');
  });
});

/**
 * `Fragment.onlyLines` (--staged reports the lines a commit adds): the detector skips keyword windows that
 * hold none of those lines, and encoded spans that start on none of them. What it reports must be exactly
 * the findings on those lines: the same as detecting the whole text and keeping those lines (in texts
 * where findings on different lines do not overlap, so the choice between overlapping spans is the same).
 */
import { describe, expect, it } from 'vitest';
import { createDetector } from '../../src/detect/detector.js';
import { loadBuiltinRules } from '../../src/rules/load.js';
import { secretOf, type Finding } from '../../src/findings/finding.js';
import type { Fragment } from '../../src/sources/source.js';
import { awsKeyId, githubToken, password } from '../support/fake-secrets.js';

const detector = createDetector(loadBuiltinRules());
const b64 = (s: string) => Buffer.from(s).toString('base64');
const row = (f: Finding) => `${f.line}:${f.column}:${f.rule}:${secretOf(f)}:${f.decodedFrom ?? ''}`;

/** Thirty lines: code with common keywords (windows open everywhere), secrets plain and encoded on some. */
function text(): string {
  const lines: string[] = [];
  for (let i = 1; i <= 30; i++) lines.push(`token_count_${i} = compute(key, secret, ${i})  # auth pass`);
  lines[2] = `aws_access_key_id = "${awsKeyId(401)}"`;
  lines[6] = `GITHUB_TOKEN = "${githubToken(402)}"`;
  lines[7] = `db_password = "${password(403)}"`;
  lines[14] = `deploy_token_b64: "${b64(githubToken(404))}"`;
  lines[15] = `redirect = "https%3A%2F%2Fci.internal%2Fhook%3Ftoken%3D${githubToken(405)}"`;
  lines[29] = `last = "${githubToken(406)}"`;
  return lines.join('\n') + '\n';
}

describe('onlyLines: the findings on those lines, no more, no fewer', () => {
  const t = text();
  const all = detector.detect({ text: t, provenance: { kind: 'staged', path: 'app/settings.py' } });

  it('the bed has findings on six lines, two of them from decoded text', () => {
    expect(new Set(all.map((f) => f.line))).toEqual(new Set([3, 7, 8, 15, 16, 30]));
    expect(all.filter((f) => f.decodedFrom).length).toBeGreaterThanOrEqual(2);
  });

  const sets: number[][] = [[1], [2], [3], [4], [7, 8], [8], [14], [15], [16], [17], [29, 30], [30], [1, 2, 4, 5, 6], [3, 15], []];
  for (const only of sets) {
    it(`lines ${only.join(',') || '(none)'}`, () => {
      const got = detector.detect({ text: t, provenance: { kind: 'staged', path: 'app/settings.py' }, onlyLines: new Set(only) });
      expect(got.map(row).sort()).toEqual(all.filter((f) => only.includes(f.line)).map(row).sort());
    });
  }

  it('in a window of a larger input (lines numbered in the whole input)', () => {
    // The text as the window of an input whose first 100 lines came before it.
    const shift = 100;
    const fragment: Fragment = { text: t, provenance: { kind: 'staged', path: 'app/settings.py' }, window: { offset: 5000, line: shift + 1, column: 1, from: 0, to: t.length } };
    for (const only of [[3], [7, 8], [15, 16], [30], [1, 2]]) {
      const got = detector.detect({ ...fragment, onlyLines: new Set(only.map((l) => l + shift)) });
      expect(got.map((f) => `${f.line - shift}:${f.rule}:${secretOf(f)}`).sort()).toEqual(all.filter((f) => only.includes(f.line)).map((f) => `${f.line}:${f.rule}:${secretOf(f)}`).sort());
    }
  });
});

// The built rules files (npm run build; the package ships them, a pre-commit hook reads one on every start):
// the full file holds every rule field but the examples, the scan file what a scan reads (no `migrate`
// facts); both in masked JSON, which no text scanner reads a character of and which reads back as written.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDetector } from '../../src/detect/detector.js';
import { builtinRulesDir, builtRulesFiles, loadRulesDir, writeBuiltRules } from '../../src/rules/load.js';
import { fromMasked, maskedJson } from '../../src/rules/safe-json.js';
import { bytesToText } from '../../src/sources/decode-text.js';
import type { RuleSpec } from '../../src/rules/rule.js';

const temps: string[] = [];
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

function builtFiles() {
  const dir = mkdtempSync(join(tmpdir(), 'ss-built-rules-'));
  temps.push(dir);
  const files = builtRulesFiles(dir);
  const rules = writeBuiltRules(builtinRulesDir(), files);
  const read = (f: string) => fromMasked(readFileSync(f)) as { key: string; rules: RuleSpec[] };
  return { rules, files, full: read(files.full), scan: read(files.scan) };
}

describe('masked JSON', () => {
  it('reads back the value written, escapes and non-ASCII included, and holds no ASCII byte', () => {
    const value = { regex: '(?i)\\b(?:token|pass)\\s*[:=]\\s*"([a-z0-9]{32})"', text: 'naïve — ключ 🔑', n: [1, 2.5, null, true], nested: { q: '"\\\n\t' } };
    const bytes = maskedJson(value);
    expect(bytes.every((b) => b >= 0x80)).toBe(true);
    expect(fromMasked(Buffer.from(bytes))).toEqual(value);
  });
});

describe('the built rules files', () => {
  it('full: every rule as rules/*.yaml defines it, without examples; scan: the same without `migrate` but a URL rule\'s `grouping`', () => {
    const { full, scan } = builtFiles();
    const fromYaml = loadRulesDir(builtinRulesDir());
    expect(full.rules.length).toBe(fromYaml.length);
    expect(full.rules).toEqual(fromYaml.map((r) => ({ ...r, examples: [], negative_examples: [] })));
    expect(fromYaml.some((r) => r.migrate)).toBe(true);
    const urlRule = (g: unknown) => g === 'uri' || g === 'database-uri';
    expect(scan.rules).toEqual(full.rules.map(({ migrate: m, ...r }) => (urlRule(m?.grouping) ? { ...r, migrate: { grouping: m!.grouping } } : r)));
    expect(scan.rules.filter((r) => r.migrate).length).toBeGreaterThan(1);
    expect(scan.key).toBe(full.key);
  });

  it('read as the scanner reads a file, neither holds an ASCII character, so no rule can report anything in them', () => {
    const { files, rules } = builtFiles();
    const detector = createDetector(rules);
    for (const f of [files.full, files.scan]) {
      const text = bytesToText(readFileSync(f));
      expect(/[\x00-\x7f]/.test(text), f).toBe(false);
      expect(detector.detect({ text, provenance: { kind: 'file', path: 'node_modules/secret-sweep/dist/x.bin' } }).map((x) => x.rule), f).toEqual([]);
    }
  });
});

/**
 * The held-out scorer (bench/peer-examples.mjs) reads trufflehog's detector pattern tests and Kingfisher's
 * rule YAML at run time. These tests pin what the readers take from such files, on small trees written here
 * (shapes of the peers' files; no peer text): what counts as a positive, a negative, an identifier, and
 * what is left out rather than guessed.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-ignore -- plain ESM modules shared with bench/peer-examples.mjs (no type declarations)
import { evalGo } from '../../bench/lib/go-source.mjs';
// @ts-ignore
import { peerTree } from '../../bench/lib/peer-tree.mjs';
// @ts-ignore
import { kingfisherExamples, trufflehogExamples } from '../../bench/lib/peers.mjs';

interface Example { rule: string; kind: string; text: string; identifier?: boolean; contextOnly?: boolean }

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'ss-peer-'));
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), text);
  }
  return root;
}

describe('evalGo', () => {
  const env: Record<string, string> = { keyword: 'acme', value: 'Zq81' };
  const lookup = (n: string) => env[n];
  it('evaluates literals, names, + and fmt.Sprintf', () => {
    expect(evalGo('fmt.Sprintf("%s token = \'%s\'", keyword, value)', lookup)).toBe("acme token = 'Zq81'");
    expect(evalGo('keyword + "-" + strings.Repeat("x", 3)', lookup)).toBe('acme-xxx');
    expect(evalGo('`raw\\n` + "esc\\n"', lookup)).toBe('raw\\nesc\n');
  });
  it('is undefined for what it cannot evaluate (so the caller leaves the example out)', () => {
    expect(evalGo('makeToken(value)', lookup)).toBeUndefined();
    expect(evalGo('unknownName + "x"', lookup)).toBeUndefined();
    expect(evalGo('fmt.Sprintf("%s %s", keyword)', lookup)).toBeUndefined();
  });
});

describe('trufflehog pattern tests', () => {
  const src = [
    'package acme',
    '',
    'var (',
    '\tvalidPattern = "acme_Qx81Lm02Zr"',
    '\tinvalidPattern = "acme_Qx81"',
    '\tkeyword = "acme"',
    ')',
    '',
    'func TestAcme_Pattern(t *testing.T) {',
    '\ttests := []struct {',
    '\t\tname  string',
    '\t\tinput string',
    '\t\twant  []string',
    '\t}{',
    '\t\t{',
    '\t\t\tname:  "valid",',
    '\t\t\tinput: fmt.Sprintf("%s token = \'%s\'", keyword, validPattern),',
    '\t\t\twant:  []string{validPattern},',
    '\t\t},',
    '\t\t{',
    '\t\t\tname:  "too short",',
    '\t\t\tinput: fmt.Sprintf("%s token = \'%s\'", keyword, invalidPattern),',
    '\t\t\twant:  nil,',
    '\t\t},',
    '\t\t{',
    '\t\t\tname:  "no keyword nearby",',
    '\t\t\tinput: "token = " + validPattern,',
    '\t\t\twant:  []string{},',
    '\t\t},',
    '\t\t{',
    '\t\t\tname:  "built at run time",',
    '\t\t\tinput: makeInput(validPattern),',
    '\t\t\twant:  []string{validPattern},',
    '\t\t},',
    '\t}',
    '}',
  ].join('\n');

  it('reads each table element with an input and a want: non-empty want positive, nil/empty negative', () => {
    const root = tree({
      'pkg/detectors/acme/acme_test.go': src,
      'pkg/detectors/acme/acme_integration_test.go': src.replace('TestAcme_Pattern', 'TestAcme_FromChunk'),
      'pkg/detectors/other/other_test.go': '//go:build detectors\n' + src,
    });
    const out = trufflehogExamples(peerTree(root)) as Example[] & { skipped: number };
    expect(out.map((e) => [e.rule, e.kind, e.text])).toEqual([
      ['acme', 'positive', "acme token = 'acme_Qx81Lm02Zr'"],
      ['acme', 'negative', "acme token = 'acme_Qx81'"],
      ['acme', 'negative', 'token = acme_Qx81Lm02Zr'],
    ]);
    // A negative that holds a value the detector's own positives want reported is negative for its context.
    expect(out.map((e) => e.contextOnly)).toEqual([undefined, false, true]);
    expect(out.skipped).toBe(1);
  });
});

describe('Kingfisher rules', () => {
  it('takes examples and negative_examples; a rule hidden from users finds identifiers', () => {
    const root = tree({
      'data/rules/acme.yml': [
        'rules:',
        '  - name: Acme API key',
        '    id: kingfisher.acme.1',
        '    pattern: x',
        "    examples: ['ACME_KEY=acme_Qx81Lm02Zr']",
        "    negative_examples: ['ACME_KEY=acme_xxxx']",
        '  - name: Acme client id',
        '    id: kingfisher.acme.2',
        '    pattern: x',
        '    visible: false',
        "    examples: ['ACME_CLIENT=cl-8812']",
      ].join('\n'),
    });
    const out = kingfisherExamples(peerTree(root)) as Example[];
    expect(out.map((e) => [e.rule, e.kind, e.text, e.identifier ?? false])).toEqual([
      ['kingfisher.acme.1', 'positive', 'ACME_KEY=acme_Qx81Lm02Zr', false],
      ['kingfisher.acme.1', 'negative', 'ACME_KEY=acme_xxxx', false],
      ['kingfisher.acme.2', 'positive', 'ACME_CLIENT=cl-8812', true],
    ]);
  });
});

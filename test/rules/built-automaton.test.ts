// The keyword automaton built ahead (npm run build) is used only for the very keyword list it was built
// from; stale, missing or damaged files fall back to building it, with the same hits.
import { mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KeywordMatcher } from '../../src/detect/aho-corasick.js';
import { createDetector, keywordIndex } from '../../src/detect/detector.js';
import { loadBuiltinRules } from '../../src/rules/load.js';
import { builtAutomatonFiles, offerBuiltAutomaton, writeBuiltAutomaton } from '../../src/rules/built-automaton.js';
import type { RuleSpec } from '../../src/rules/rule.js';

const temps: string[] = [];
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

// Each case its own keywords: a process keeps the automata it has built (aho-corasick.ts).
let n = 0;
function rulesAndFiles() {
  const tag = `k${++n}x`;
  const rules = [{ keywords: [`${tag}token`, `${tag}pass`] }, { keywords: [`${tag}pass`, `${tag}secret`] }] as RuleSpec[];
  const dir = mkdtempSync(join(tmpdir(), 'ss-automaton-'));
  temps.push(dir);
  return { tag, rules, keywords: [...keywordIndex(rules).keys()], files: builtAutomatonFiles(dir) };
}

/** Trie edges of rulesAndFiles' keywords (tag + token, pass, secret: one path for the tag, then three). */
const edgesOf = (tag: string) => tag.length + 'token'.length + 'pass'.length + 'secret'.length;

function hits(m: KeywordMatcher, text: string): string[] {
  const out: string[] = [];
  m.scan(text, (id, end) => out.push(`${m.keywords[id]}@${end}`));
  return out;
}

describe('the built keyword automaton', () => {
  it('is read for the keyword list it was built from: the sparse form for small scans, the table past a megabyte', () => {
    const { tag, rules, keywords, files } = rulesAndFiles();
    writeBuiltAutomaton(rules, files);
    offerBuiltAutomaton(files);
    const text = `x ${tag}TOKEN y ${tag}secret`;
    // The files as built: the same hits as a fresh build.
    const m = new KeywordMatcher(keywords);
    expect(hits(m, text)).toEqual([`${tag}token@${2 + tag.length + 5}`, `${tag}secret@${text.length}`]);
    const long = `${'.'.repeat(1 << 20)} ${tag}pass`;
    expect(hits(m, long)).toEqual([`${tag}pass@${long.length}`]);

    // A table with no transitions (same size): small scans never read it; past a megabyte it is read.
    const other = rulesAndFiles();
    writeBuiltAutomaton(other.rules, other.files);
    writeFileSync(other.files.table, Buffer.alloc(statSync(other.files.table).size));
    offerBuiltAutomaton(other.files);
    const zeroed = new KeywordMatcher(other.keywords);
    expect(hits(zeroed, `${other.tag}token`)).toEqual([`${other.tag}token@${other.tag.length + 5}`]);
    expect(hits(zeroed, `${'.'.repeat(1 << 20)} ${other.tag}token`)).toEqual([]);

    // A sparse form whose root edge spells j for k (still well formed): the walk finds what it spells.
    const third = rulesAndFiles();
    writeBuiltAutomaton(third.rules, third.files);
    const sparse = readFileSync(third.files.sparse);
    sparse[sparse.length - edgesOf(third.tag)] = 0x6a; // the root's one edge (the tag's k), the chars' first
    writeFileSync(third.files.sparse, sparse);
    offerBuiltAutomaton(third.files);
    const spelled = new KeywordMatcher(third.keywords);
    const jtag = third.tag.replace('k', 'j');
    expect(hits(spelled, `${third.tag}token`)).toEqual([]);
    expect(hits(spelled, `${jtag}token`)).toEqual([`${third.tag}token@${jtag.length + 5}`]);
  });

  it('is not used for another keyword list (rules edited, a config that disables or adds rules)', () => {
    const { tag, rules, keywords, files } = rulesAndFiles();
    writeBuiltAutomaton(rules, files);
    writeFileSync(files.table, Buffer.alloc(statSync(files.table).size)); // would find nothing
    offerBuiltAutomaton(files);
    const fewer = keywords.slice(0, 2);
    expect(hits(new KeywordMatcher(fewer), `${tag}pass ${tag}token`)).toEqual([`${tag}pass@${tag.length + 4}`, `${tag}token@${2 * tag.length + 10}`]);
  });

  it('missing, truncated or with a damaged head or sparse form: built as before', () => {
    const damages = ['no table', 'truncated', 'bad head', 'no head', 'no sparse', 'sparse truncated', 'sparse state out of range', 'sparse char not ASCII'] as const;
    for (const damage of damages) {
      const { tag, rules, keywords, files } = rulesAndFiles();
      writeBuiltAutomaton(rules, files);
      const sparse = readFileSync(files.sparse);
      if (damage === 'no table') rmSync(files.table);
      if (damage === 'truncated') truncateSync(files.table, 128 * 4);
      if (damage === 'bad head') writeFileSync(files.head, '{"keywords": [');
      if (damage === 'no head') rmSync(files.head);
      if (damage === 'no sparse') rmSync(files.sparse);
      if (damage === 'sparse truncated') truncateSync(files.sparse, sparse.length - 1);
      // The first edge's target (`to` follows `first`, states + 1 entries).
      const to0 = 4 * (edgesOf(tag) + 2);
      if (damage === 'sparse state out of range') writeFileSync(files.sparse, Buffer.concat([sparse.subarray(0, to0), Buffer.from(new Int32Array([1e6]).buffer), sparse.subarray(to0 + 4)]));
      if (damage === 'sparse char not ASCII') writeFileSync(files.sparse, Buffer.concat([sparse.subarray(0, -1), Buffer.from([0xc3])]));
      offerBuiltAutomaton(files);
      const m = new KeywordMatcher(keywords);
      expect(hits(m, `${tag}secret`), damage).toEqual([`${tag}secret@${tag.length + 6}`]);
      expect(hits(m, `${'.'.repeat(1 << 20)}${tag}secret`), damage).toEqual([`${tag}secret@${(1 << 20) + tag.length + 6}`]);
    }
  });
});

describe('the built head file', () => {
  it('reads as no credential to the built-in rules (the package ships it; a keyword list read as key and value)', () => {
    const rules = loadBuiltinRules();
    const dir = mkdtempSync(join(tmpdir(), 'ss-automaton-'));
    temps.push(dir);
    const files = builtAutomatonFiles(dir);
    writeBuiltAutomaton(rules, files);
    const text = readFileSync(files.head, 'utf8');
    expect(createDetector(rules).detect({ text, provenance: { kind: 'file', path: 'node_modules/secret-sweep/dist/builtin-automaton.json' } }).map((f) => f.rule)).toEqual([]);
  });
});

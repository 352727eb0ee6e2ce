// The keyword automaton built ahead (npm run build) is used only for the very keyword list it was built
// from; stale, missing or damaged files fall back to building it, with the same hits.
import { mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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

function hits(m: KeywordMatcher, text: string): string[] {
  const out: string[] = [];
  m.scan(text, (id, end) => out.push(`${m.keywords[id]}@${end}`));
  return out;
}

describe('the built keyword automaton', () => {
  it('is read for the keyword list it was built from (a zeroed table finds nothing: the file was used)', () => {
    const { tag, rules, keywords, files } = rulesAndFiles();
    writeBuiltAutomaton(rules, files);
    offerBuiltAutomaton(files);
    const text = `x ${tag}TOKEN y ${tag}secret`;
    // The file as built: the same hits as a fresh build.
    expect(hits(new KeywordMatcher(keywords), text)).toEqual([`${tag}token@${2 + tag.length + 5}`, `${tag}secret@${text.length}`]);

    const other = rulesAndFiles();
    writeBuiltAutomaton(other.rules, other.files);
    writeFileSync(other.files.narrowed, Buffer.alloc(statSync(other.files.narrowed).size)); // same size, no transitions
    offerBuiltAutomaton(other.files);
    const table = new KeywordMatcher(other.keywords);
    expect(hits(table, `${other.tag}token`)).toEqual([]);
    expect(table.anyIn(Buffer.from(`${other.tag}token`))).toBe(false);
  });

  it('a scan walks the narrowed table without reading the wide one; a damaged narrowed table: the wide one, same hits', () => {
    const { tag, rules, keywords, files } = rulesAndFiles();
    writeBuiltAutomaton(rules, files);
    rmSync(files.table); // never read by a scan while the narrowed table is whole
    offerBuiltAutomaton(files);
    const text = `a ${tag}Pass b ${tag}secret`.repeat(3000); // past the first stretch: the four walks too
    const expected = hits(new KeywordMatcher(keywords.map((k) => k)).narrow(true), text);
    const m = new KeywordMatcher(keywords);
    expect(hits(m, text)).toEqual(expected);
    expect(m.anyIn(Buffer.from(`\u00e9${tag}PASS`))).toBe(true);

    const other = rulesAndFiles();
    writeBuiltAutomaton(other.rules, other.files);
    truncateSync(other.files.narrowed, 64);
    offerBuiltAutomaton(other.files);
    expect(hits(new KeywordMatcher(other.keywords), `x ${other.tag}token`)).toEqual([`${other.tag}token@${2 + other.tag.length + 5}`]);

    // The head's character classes damaged: worked out from the keywords again, same hits.
    const third = rulesAndFiles();
    writeBuiltAutomaton(third.rules, third.files);
    const head = JSON.parse(readFileSync(third.files.head, 'utf8'));
    expect(head.classes.rep[0]).toBe(0);
    head.classes.rep = [0, 300];
    writeFileSync(third.files.head, JSON.stringify(head));
    offerBuiltAutomaton(third.files);
    expect(hits(new KeywordMatcher(third.keywords), `x ${third.tag}Secret`)).toEqual([`${third.tag}secret@${2 + third.tag.length + 6}`]);
  });

  it('is not used for another keyword list (rules edited, a config that disables or adds rules)', () => {
    const { tag, rules, keywords, files } = rulesAndFiles();
    writeBuiltAutomaton(rules, files);
    writeFileSync(files.table, Buffer.alloc(statSync(files.table).size)); // would find nothing
    offerBuiltAutomaton(files);
    const fewer = keywords.slice(0, 2);
    expect(hits(new KeywordMatcher(fewer), `${tag}pass ${tag}token`)).toEqual([`${tag}pass@${tag.length + 4}`, `${tag}token@${2 * tag.length + 10}`]);
  });

  it('missing, truncated or with a damaged head: built as before', () => {
    for (const damage of ['no table', 'truncated', 'bad head', 'no head'] as const) {
      const { tag, rules, keywords, files } = rulesAndFiles();
      writeBuiltAutomaton(rules, files);
      if (damage === 'no table') rmSync(files.table);
      if (damage === 'truncated') truncateSync(files.table, 128 * 4);
      if (damage === 'bad head') writeFileSync(files.head, '{"keywords": [');
      if (damage === 'no head') rmSync(files.head);
      offerBuiltAutomaton(files);
      expect(hits(new KeywordMatcher(keywords), `${tag}secret`), damage).toEqual([`${tag}secret@${tag.length + 6}`]);
    }
  });
});

describe('the narrowed table entries', () => {
  it('16-bit for the built-in rules; 32-bit past 32,768 states, built and read back, with the hits of the wide loop', () => {
    const builtin = builtAutomatonFiles(fileURLToPath(new URL('../../dist/', import.meta.url))); // npm run build's
    const head = JSON.parse(readFileSync(builtin.head, 'utf8'));
    expect(head.narrowBytes).toBe(2);
    expect(statSync(builtin.narrowed).size).toBe(head.states * 2 * 2 ** Math.ceil(Math.log2(head.classes.rep.length)));

    // ~1,600 keywords of 24 letters share few prefixes: ~35,000 states.
    let seed = 7;
    const letter = () => String.fromCharCode(97 + ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % 26));
    const keywords = Array.from({ length: 1600 }, () => Array.from({ length: 24 }, letter).join(''));
    const { files } = rulesAndFiles();
    writeBuiltAutomaton([{ keywords }] as RuleSpec[], files);
    const big = JSON.parse(readFileSync(files.head, 'utf8'));
    expect(big.states).toBeGreaterThan(32768);
    expect(big.narrowBytes).toBe(4);
    offerBuiltAutomaton(files);
    // Keywords in any case among random letters, past the first stretch (the four walks too).
    const parts: string[] = [];
    for (let i = 0; i < 3000; i++) parts.push(Array.from({ length: 90 }, letter).join(''), i % 3 ? keywords[i % 1600]! : keywords[i % 1600]!.toUpperCase());
    const text = parts.join(' ');
    const expected = hits(new KeywordMatcher(keywords.map((k) => k)).narrow(false), text);
    expect(expected.length).toBeGreaterThanOrEqual(3000);
    expect(hits(new KeywordMatcher(keywords), text)).toEqual(expected);
    expect(hits(new KeywordMatcher(keywords.map((k) => k)).narrow(true), text)).toEqual(expected);
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

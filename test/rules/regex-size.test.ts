/**
 * No rule can make the scanner crawl: a pattern whose counted repetitions expand into a huge RE2 program
 * (each scanned byte pays for every instruction once RE2's DFA gives up) is refused with a one-line
 * error naming the file, the line and the rule. Built-in rules stay well under the limit.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadBuiltinRules } from '../../src/rules/load.js';
import { MAX_REGEX_PROGRAM, regexProgramSize } from '../../src/rules/regex-size.js';
import { runCli } from '../support/cli.js';

const work = mkdtempSync(join(tmpdir(), 'sweep-regex-size-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** ~20 KB of nested counted repetitions, each piece valid for RE2 on its own. */
const HUGE = '(?:[a-z0-9]{1,30}[-_]?){1,30}'.repeat(700);
/** Twice the limit, yet RE2 compiles it: before the check it was accepted and run. */
const OVER = '(?:[a-z0-9]{1,30}[-_]?){1,30}'.repeat(20);

describe('regexProgramSize', () => {
  it.each([
    ['abc', 3],
    ['a{1000}', 1000],
    ['[a-z]{10,20}', 30],
    ['(?i)(?:ab|cd)+', 8],
    ['(?P<secret>[0-9a-f]{40})', 42],
    ['\\Qa{9}\\E', 4],
    ['[{}]{2}x\\{3}', 6],
  ])('%s ~ %i', (p, n) => expect(regexProgramSize(p)).toBe(n));

  it('multiplies nested counts', () => {
    expect(regexProgramSize('(?:(?:a{1,10}){1,10}){1,10}')).toBeGreaterThanOrEqual(1000);
    expect(regexProgramSize(HUGE)).toBeGreaterThan(MAX_REGEX_PROGRAM * 10);
  });

  it('every built-in rule is under a quarter of the limit', () => {
    for (const r of loadBuiltinRules()) expect(regexProgramSize(r.regex), r.id).toBeLessThan(MAX_REGEX_PROGRAM / 4);
  });
});

describe('a custom rule that is too large', () => {
  it('in the config: one line naming file, line and rule, exit 2', () => {
    const dir = mkdtempSync(join(work, 'cfg-'));
    writeFileSync(join(dir, '.secret-sweep.yaml'), `rules:\n  - id: acme-token\n    description: ACME\n    regex: "acme_${OVER}"\n    keywords: [acme_]\n`);
    writeFileSync(join(dir, 'input.txt'), ('acme_' + 'abc-def_'.repeat(1250) + '\n').repeat(1));
    const r = runCli(['scan', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^secret-sweep: \S*\.secret-sweep\.yaml:4: rule `acme-token`: `regex` is too large once its repetitions are expanded \(about \d+\+? steps, limit 20000;[^\n]*\)\n$/);
  });

  it('in a rules file (`rules test`)', () => {
    const file = join(work, 'rules.yaml');
    writeFileSync(file, `rules:\n  - id: acme-token\n    description: ACME\n    regex: "acme_${'(?:[a-z]{1,30}x?){1,30}'.repeat(30)}"\n`);
    const r = runCli(['rules', 'test', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/rules\.yaml:4: rule `acme-token`: `regex` is too large/);
  });

  it('in the allowlist', () => {
    const dir = mkdtempSync(join(work, 'cfg-'));
    writeFileSync(join(dir, '.secret-sweep.yaml'), `allowlist:\n  regexes: ["${OVER}"]\n`);
    const r = runCli(['scan', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\.secret-sweep\.yaml:2: invalid regex in allowlist\.regexes: too large/);
  });
});

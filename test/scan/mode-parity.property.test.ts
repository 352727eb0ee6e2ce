/**
 * The same content gives the same findings in every mode: a tree scan, a one-commit `--range` and
 * `--history` over generated files that mix plain, JSON-\u-escaped, %-encoded and Basic-auth-encoded
 * credentials with filler. (History modes pre-filter blobs on their bytes; encoded secrets carry no
 * keyword in their bytes, and were missed.)
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBuiltinRules } from '../../src/rules/load.js';
import type { RuleSpec } from '../../src/rules/rule.js';
import type { Finding } from '../../src/findings/finding.js';
import { scanHistory } from '../../src/scan/history-scan.js';
import { createScanner } from '../../src/engine/scanner.js';
import { WorkingTreeSource } from '../../src/sources/working-tree.js';
import { githubToken, stripeKey } from '../support/fake-secrets.js';
import { cleanup, commit, fakeKey, makeRepo } from '../sources/git/helpers.js';

let rules: RuleSpec[];
beforeAll(() => {
  rules = loadBuiltinRules();
});
afterAll(cleanup);

const jsonEscape = (s: string) => [...s].map((c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')).join('');
const percent = (s: string) => [...s].map((c) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')).join('');

const secret = fc.tuple(fc.constantFrom('aws', 'github', 'stripe'), fc.nat(10_000)).map(([kind, n]) =>
  kind === 'aws' ? fakeKey(n) : kind === 'github' ? githubToken(n) : stripeKey(n),
);
const line = fc.oneof(
  secret.map((s) => `key = "${s}"`),
  secret.map((s) => `{"value": "${jsonEscape(s)}"}`),
  secret.map((s) => `url: https://files.example.test/get?t=${percent(s)}`),
  secret.map((s) => `Authorization: Basic ${Buffer.from('deploy:' + s).toString('base64')}`),
  fc.string({ maxLength: 40 }).map((s) => s.replace(/[\r\n]/g, ' ')),
);
const files = fc.dictionary(fc.constantFrom('a.json', 'b.txt', 'conf/c.yaml', 'd.env'), fc.array(line, { minLength: 1, maxLength: 6 }).map((l) => l.join('\n') + '\n'), {
  minKeys: 1,
  maxKeys: 3,
});

const ids = (fs: Finding[]) => fs.map((f) => `${f.file}:${f.line}:${f.column} ${f.rule} ${f.fingerprint}`).sort();

describe('mode parity', () => {
  it('tree mode, a one-commit --range and --history find the same, encoded forms included', async () => {
    await fc.assert(
      fc.asyncProperty(files, async (content) => {
        const r = makeRepo();
        const base = commit(r, { 'README.md': 'demo\n' });
        commit(r, content);
        const tree = await createScanner({ rules, maxFileSize: 1 << 20, jobs: 1 }).scan(new WorkingTreeSource({ root: r, gitignore: true, maxFileSize: 1 << 20, excludePaths: [] }));
        const range = await scanHistory({ path: r, range: `${base}..HEAD`, specs: rules, progress: false, maxFileSize: 10 << 20, workers: 0 });
        const history = await scanHistory({ path: r, specs: rules, progress: false, maxFileSize: 10 << 20, workers: 0 });
        expect(ids(range.findings)).toEqual(ids(tree.findings));
        expect(ids(history.findings)).toEqual(ids(tree.findings));
      }),
      { numRuns: 15, seed: 1414 },
    );
  }, 120_000);

  it('an encoded key alone in a file is found in every mode', async () => {
    const r = makeRepo();
    const base = commit(r, { 'README.md': 'demo\n' });
    commit(r, { 'a.json': `{"value": "${jsonEscape(fakeKey(3))}"}\n`, 'b.txt': `t=${percent(fakeKey(4))}\n` });
    const range = await scanHistory({ path: r, range: `${base}..HEAD`, specs: rules, progress: false, maxFileSize: 10 << 20, workers: 0 });
    expect(range.findings.map((f) => f.file).sort()).toEqual(['a.json', 'b.txt']);
  });
});

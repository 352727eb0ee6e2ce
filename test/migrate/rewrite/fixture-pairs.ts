/**
 * Fixture pairs for the rewriters: test/fixtures/rewrite/<case>/ holds `input.<ext>`, `expected.<ext>`
 * and `case.json` (the repository path the input plays, the backend, and the sites: each names a
 * `match` string in the input, its occurrence `nth`, and the reference it now has).
 * `UPDATE_FIXTURES=1` writes `expected.<ext>` from the current output (review the diff before keeping it).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { applyEdits } from '../../../src/migrate/rewrite/fixer.js';
import type { Rewriter, RewriteResult, RewriteSite } from '../../../src/migrate/rewrite/rewriter.js';

export const FIXTURES = fileURLToPath(new URL('../../fixtures/rewrite/', import.meta.url));

export interface CaseSite {
  match: string;
  nth?: number;
  secretName: string;
  jsonKey: string;
  kind?: 'secret' | 'context';
  rule?: string;
  assignedTo?: string;
}

export interface CaseSpec {
  file: string;
  backend?: string;
  packageType?: string;
  expectUnhandled?: number;
  sites: CaseSite[];
  [k: string]: unknown;
}

export interface LoadedCase {
  name: string;
  dir: string;
  spec: CaseSpec;
  inputPath: string;
  expectedPath: string;
  input: string;
  sites: RewriteSite[];
}

export function casesWith(prefix: string): string[] {
  return readdirSync(FIXTURES).filter((d) => d.startsWith(prefix) && existsSync(path.join(FIXTURES, d, 'case.json'))).sort();
}

/** 1-based line/column (endColumn inclusive) of [start, end) in text. */
function span(text: string, start: number, end: number) {
  const pos = (off: number) => {
    const before = text.slice(0, off);
    const line = before.split('\n').length;
    const col = off - (before.lastIndexOf('\n') + 1) + 1;
    return { line, col };
  };
  const a = pos(start);
  const b = pos(end - 1);
  return { line: a.line, column: a.col, endLine: b.line, endColumn: b.col };
}

export function sitesFor(text: string, file: string, sites: CaseSite[]): RewriteSite[] {
  return sites.map((s) => {
    let at = -1;
    for (let i = 0; i <= (s.nth ?? 0); i++) {
      at = text.indexOf(s.match, at + 1);
      if (at < 0) throw new Error(`fixture: ${s.match} #${s.nth ?? 0} not found in ${file}`);
    }
    return {
      file,
      ...span(text, at, at + s.match.length),
      fingerprint: `fp-${s.match}-${s.nth ?? 0}`,
      kind: s.kind ?? 'secret',
      ...(s.rule ? { rule: s.rule } : {}),
      ...(s.assignedTo ? { assignedTo: s.assignedTo } : {}),
      ref: { secretName: s.secretName, jsonKey: s.jsonKey },
    };
  });
}

export function loadCase(name: string): LoadedCase {
  const dir = path.join(FIXTURES, name);
  const spec = JSON.parse(readFileSync(path.join(dir, 'case.json'), 'utf8')) as CaseSpec;
  const inputName = readdirSync(dir).find((f) => f.startsWith('input.'));
  if (!inputName) throw new Error(`fixture ${name}: no input.*`);
  const inputPath = path.join(dir, inputName);
  const input = readFileSync(inputPath, 'utf8');
  return {
    name, dir, spec, inputPath, input,
    expectedPath: path.join(dir, inputName.replace(/^input/, 'expected')),
    sites: sitesFor(input, spec.file, spec.sites),
  };
}

export interface CaseRun<R extends RewriteResult> {
  c: LoadedCase;
  result: R;
  output: string;
  expected: string;
}

export function runCase<R extends RewriteResult>(name: string, make: (c: LoadedCase) => Rewriter & { rewrite(i: never): R }): CaseRun<R> {
  const c = loadCase(name);
  const rw = make(c);
  const result = (rw.rewrite as (i: unknown) => R)({ file: c.spec.file, text: c.input, sites: c.sites, backend: c.spec.backend ?? 'aws' });
  const output = applyEdits(c.input, result.edits);
  if (process.env.UPDATE_FIXTURES === '1') writeFileSync(c.expectedPath, output);
  const expected = existsSync(c.expectedPath) ? readFileSync(c.expectedPath, 'utf8') : c.input;
  return { c, result, output, expected };
}

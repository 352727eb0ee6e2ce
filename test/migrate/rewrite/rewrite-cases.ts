/**
 * Fixture pairs for the rewriters: test/fixtures/rewrite/<case>/ holds `input.<ext>`, `expected.<ext>`
 * and `case.json` (the file's repository path, the backend, the sites as text matches, and how many
 * sites the rewriter must leave for a human). UPDATE_FIXTURES=1 writes `expected.<ext>` from the
 * current output (review the diff!).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import type { RewriteSite } from '../../../src/migrate/rewrite/rewriter.js';

export const FIXTURES = fileURLToPath(new URL('../../fixtures/rewrite/', import.meta.url));

export interface SiteSpec {
  match: string;
  nth?: number;
  secretName: string;
  jsonKey: string;
  kind?: 'secret' | 'context';
  rule?: string;
  assignedTo?: string;
}

export interface FixtureCase {
  name: string;
  dir: string;
  ext: string;
  file: string;
  backend: string;
  input: string;
  expected: string | undefined;
  expectedPath: string;
  sites: RewriteSite[];
  unhandled: number;
}

/** Sites from text matches: the nth (0-based) occurrence of `match` in `text`. */
export function sitesFor(file: string, text: string, specs: SiteSpec[]): RewriteSite[] {
  return specs.map((s, i) => {
    let at = -1;
    for (let n = 0; n <= (s.nth ?? 0); n++) {
      at = text.indexOf(s.match, at + 1);
      if (at < 0) throw new Error(`${file}: occurrence ${s.nth ?? 0} of ${JSON.stringify(s.match)} not found`);
    }
    const pos = (o: number) => {
      const before = text.slice(0, o);
      const line = before.split('\n').length;
      return { line, column: o - (before.lastIndexOf('\n') + 1) + 1 };
    };
    const a = pos(at);
    const b = pos(at + s.match.length - 1);
    return {
      file,
      line: a.line,
      column: a.column,
      endLine: b.line,
      endColumn: b.column,
      fingerprint: `fp-${i}`,
      kind: s.kind ?? 'secret',
      ...(s.rule ? { rule: s.rule } : {}),
      ...(s.assignedTo ? { assignedTo: s.assignedTo } : {}),
      ref: { secretName: s.secretName, jsonKey: s.jsonKey },
    };
  });
}

export function loadCases(prefix: string): FixtureCase[] {
  return readdirSync(FIXTURES)
    .filter((d) => d.startsWith(prefix) && existsSync(join(FIXTURES, d, 'case.json')))
    .sort()
    .map((name) => {
      const dir = join(FIXTURES, name);
      const inputName = readdirSync(dir).find((f) => f.startsWith('input.'))!;
      const ext = inputName.slice('input.'.length);
      const c = JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8')) as { file: string; backend: string; sites: SiteSpec[]; unhandled?: number };
      const input = readFileSync(join(dir, inputName), 'utf8');
      const expectedPath = join(dir, `expected.${ext}`);
      return {
        name, dir, ext, file: c.file, backend: c.backend, input,
        expected: existsSync(expectedPath) ? readFileSync(expectedPath, 'utf8') : undefined,
        expectedPath,
        sites: sitesFor(c.file, input, c.sites),
        unhandled: c.unhandled ?? 0,
      };
    });
}

/** Compare with the expected file, or write it when UPDATE_FIXTURES=1. */
export function expectedOrUpdate(c: FixtureCase, actual: string): string | undefined {
  if (process.env.UPDATE_FIXTURES === '1') {
    writeFileSync(c.expectedPath, actual);
    return actual;
  }
  return c.expected;
}

export const PYTHON = '/usr/bin/python3';
export const hasPython = existsSync(PYTHON);

/** Undefined when `source` parses with Python's own `ast`, else the error. */
export function pythonParseError(source: string): string | undefined {
  const r = spawnSync(PYTHON, ['-c', 'import ast,sys; ast.parse(sys.stdin.read())'], { input: source, encoding: 'utf8' });
  return r.status === 0 ? undefined : (r.stderr || `exit ${r.status}`).trim().split('\n').pop();
}

/** Many sources in one interpreter (the machine is shared: one process, not one per file). */
export function pythonParseErrors(sources: Record<string, string>): Record<string, string> {
  const script = 'import ast,json,sys\nsrc=json.load(sys.stdin)\nout={}\nfor k,v in src.items():\n  try: ast.parse(v)\n  except SyntaxError as e: out[k]=str(e)\nprint(json.dumps(out))';
  const r = spawnSync(PYTHON, ['-c', script], { input: JSON.stringify(sources), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as Record<string, string>;
}

/**
 * The Python/notebook/.env rewriter tests' view of the fixture pairs (loaded by fixture-pairs.ts): the
 * expected text or UPDATE_FIXTURES=1, how many sites must be left for a human, and Python parse checks.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import { spawnSync } from 'node:child_process';
import type { RewriteSite } from '../../../src/migrate/rewrite/rewriter.js';
import { casesWith, loadCase } from './fixture-pairs.js';

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

export function loadCases(prefix: string): FixtureCase[] {
  return casesWith(prefix).map((name) => {
    const c = loadCase(name);
    return {
      name,
      dir: c.dir,
      ext: extname(c.inputPath).slice(1),
      file: c.spec.file,
      backend: c.spec.backend as string,
      input: c.input,
      expected: existsSync(c.expectedPath) ? readFileSync(c.expectedPath, 'utf8') : undefined,
      expectedPath: c.expectedPath,
      sites: c.sites,
      unhandled: (c.spec.unhandled as number | undefined) ?? 0,
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

/**
 * The Python rewriter: fixture pairs (input / expected) per call-site kind, untouched files stay
 * byte-identical, and every rewritten file parses with Python's own `ast`.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { applyEdits } from '../../../src/migrate/rewrite/fixer.js';
import { createPythonRewriter, PYTHON_HELPER, type PythonRewriter } from '../../../src/migrate/rewrite/python.js';
import { expectedOrUpdate, hasPython, loadCases, pythonParseErrors } from './rewrite-cases.js';

let py: PythonRewriter;
beforeAll(async () => {
  py = await createPythonRewriter();
});

const cases = loadCases('py-');
const outputs: Record<string, string> = {};

describe('python rewriter fixture pairs', () => {
  it('has cases', () => expect(cases.length).toBeGreaterThan(10));
  for (const c of cases) {
    it(c.name, () => {
      expect(py.appliesTo(c.file, c.input)).toBe(true);
      const res = py.rewrite({ file: c.file, text: c.input, sites: c.sites, backend: c.backend });
      const out = applyEdits(c.input, res.edits, c.file);
      outputs[c.name] = out;
      const expected = expectedOrUpdate(c, out);
      expect(expected, `${c.name}: no expected file (run with UPDATE_FIXTURES=1 and review)`).toBeDefined();
      expect(out).toBe(expected);
      expect(res.unhandled.length).toBe(c.unhandled);
      for (const u of res.unhandled) expect(u.reason).toBeTruthy();
      if (res.edits.length === 0) expect(out).toBe(c.input);
      // No secret-looking fixture value survives a rewrite that handled everything.
      if (c.unhandled === 0) for (const s of c.sites) if (s.kind === 'secret') expect(out).not.toContain(siteText(c.input, s));
    });
  }
  it.skipIf(!hasPython)('every output and the helper module parse with /usr/bin/python3', () => {
    expect(Object.keys(outputs).length).toBe(cases.length);
    expect(pythonParseErrors({ ...outputs, helper: PYTHON_HELPER })).toEqual({});
  });
});

function siteText(text: string, s: { line: number; column: number; endColumn: number }): string {
  const line = text.split('\n')[s.line - 1]!;
  return line.slice(s.column - 1, s.endColumn);
}

describe('python rewriter details', () => {
  it('no sites: no edits', () => {
    const text = 'X = "a"\n';
    expect(py.rewrite({ file: 'a.py', text, sites: [], backend: 'aws' })).toMatchObject({ edits: [], unhandled: [] });
  });
  it('applies to .py files and python scripts without an extension', () => {
    expect(py.appliesTo('a/b.py', '')).toBe(true);
    expect(py.appliesTo('bin/etl', '#!/usr/bin/env python3\nprint(1)\n')).toBe(true);
    expect(py.appliesTo('bin/run', '#!/bin/sh\n')).toBe(false);
    expect(py.appliesTo('a.ipynb', '{}')).toBe(false);
  });
  it('a value inside a %-formatted or str.format()-ed literal: an f-string the formatting still applies to, unless the value holds format syntax', () => {
    const site = (text: string, value: string) => {
      const line = text.split('\n').findIndex((l) => l.includes(value)) + 1;
      const column = text.split('\n')[line - 1]!.indexOf(value) + 1;
      return { file: 'a.py', line, column, endLine: line, endColumn: column + value.length - 1, fingerprint: 'f', kind: 'secret' as const, ref: { secretName: 'prod/db', jsonKey: 'password' } };
    };
    const run = (text: string, value: string) => {
      const res = py.rewrite({ file: 'a.py', text, backend: 'aws', sites: [site(text, value)] });
      return { out: applyEdits(text, res.edits, 'a.py'), unhandled: res.unhandled.map((u) => u.reason) };
    };
    const pct = run('URL = "postgresql://%s:fake-pw-0001@db/%s" % (user, db)\n', 'fake-pw-0001'); // secret-sweep:allow (a fake URL password)
    expect(pct.unhandled).toEqual([]);
    expect(pct.out).toContain('URL = f"postgresql://%s:{get_secret(\'prod/db\')[\'password\']}@db/%s" % (user, db)');
    const fmt = run('URL = "mysql://{}:fake-pw-0001@db/{}".format(user, db)\n', 'fake-pw-0001'); // secret-sweep:allow (a fake URL password)
    expect(fmt.unhandled).toEqual([]);
    expect(fmt.out).toContain('URL = f"mysql://{{}}:{get_secret(\'prod/db\')[\'password\']}@db/{{}}".format(user, db)');
    expect(run('URL = "postgresql://%s:fake%%pw01@db" % user\n', 'fake%%pw01').unhandled).toEqual([expect.stringMatching(/holds `%` and the string is %-formatted/)]); // secret-sweep:allow (a fake URL password)
    expect(run('URL = "mysql://{}:fake{{pw01@db".format(user)\n', 'fake{{pw01').unhandled).toEqual([expect.stringMatching(/holds `\{` or `\}`/)]);
    expect(run('URL = "x" + "postgresql://u:fake-pw-0001@db"\n', 'fake-pw-0001').unhandled).toEqual([expect.stringMatching(/computed expression \(binary_operator\)/)]); // secret-sweep:allow (a fake URL password)
  });
  it('a file that does not parse is left alone', () => {
    const text = 'def (:\nPW = "fake-pw-0001"\n';
    const res = py.rewrite({ file: 'a.py', text, backend: 'aws', sites: [{ file: 'a.py', line: 2, column: 7, endLine: 2, endColumn: 18, fingerprint: 'f', kind: 'secret', ref: { secretName: 'a/b', jsonKey: 'password' } }] });
    expect(res.edits).toEqual([]);
    expect(res.unhandled[0]!.reason).toMatch(/parse/);
  });
  it('a second secret in a file that already has the package-aware import adds no second import', () => {
    const site = (text: string, match: string) => {
      const line = text.split('\n').findIndex((l) => l.includes(match));
      const col = text.split('\n')[line]!.indexOf(match) + 1;
      return { file: 'pkg/mod.py', line: line + 1, column: col, endLine: line + 1, endColumn: col + match.length - 1, fingerprint: 'f', kind: 'secret' as const, ref: { secretName: 'prod/a', jsonKey: 'k' } };
    };
    const first = 'import os\n\nA = "fake-pw-0001"\nB = "fake-pw-0002"\n';
    const res1 = py.rewrite({ file: 'pkg/mod.py', text: first, backend: 'aws', sites: [site(first, 'fake-pw-0001')] });
    // The report's note names the file and reads as Markdown: code spans closed, the parenthesis too.
    expect(res1.notes).toContain("pkg/mod.py: added `from .secret_sweep_secrets import get_secret` (else `from secret_sweep_secrets import get_secret`, else the file `pkg/secret_sweep_secrets.py` found from this file's folder, its callers' or the working folder)");
    const once = applyEdits(first, res1.edits);
    expect(once.match(/import get_secret$/gm)).toHaveLength(2);
    const twice = applyEdits(once, py.rewrite({ file: 'pkg/mod.py', text: once, backend: 'aws', sites: [site(once, 'fake-pw-0002')] }).edits);
    expect(twice.match(/import get_secret$/gm)).toHaveLength(2);
    expect(twice).not.toContain('fake-pw-0002');
  });
  it('a helper file goes beside each rewritten module (its package-aware import finds it there)', () => {
    const files = py.helperFiles(['etl/load.py', 'etl/sub/x.py', 'src/app/db/conn.py', 'top.py', 'nb/a.ipynb', 'etl/other.py']);
    expect(files.map((f) => f.path)).toEqual(['secret_sweep_secrets.py', 'etl/secret_sweep_secrets.py', 'etl/sub/secret_sweep_secrets.py', 'nb/secret_sweep_secrets.py', 'src/app/db/secret_sweep_secrets.py']);
    expect(files[1]!.content).toBe(PYTHON_HELPER);
  });
});

/**
 * The notebook rewriter: fixture pairs; the JSON layout is kept (nbformat's 1-space indent), unchanged
 * lines byte for byte; outputs showing a migrated value are cleared; every code cell still parses.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { applyEdits } from '../../../src/migrate/rewrite/fixer.js';
import { createNotebookRewriter, parseJsonWithSpans, type NotebookRewriter } from '../../../src/migrate/rewrite/notebook.js';
import { expectedOrUpdate, hasPython, loadCases, pythonParseErrors } from './rewrite-cases.js';

let nbr: NotebookRewriter;
beforeAll(async () => {
  nbr = await createNotebookRewriter();
});

interface Nb { cells: Array<{ cell_type: string; source: string | string[]; outputs?: unknown[]; execution_count?: number | null }>; nbformat: number }

const cases = loadCases('nb-');
const cellSources: Record<string, string> = {};

describe('notebook rewriter fixture pairs', () => {
  for (const c of cases) {
    it(c.name, () => {
      expect(nbr.appliesTo(c.file)).toBe(true);
      const res = nbr.rewrite({ file: c.file, text: c.input, sites: c.sites, backend: c.backend });
      const out = applyEdits(c.input, res.edits, c.file);
      const expected = expectedOrUpdate(c, out);
      expect(expected, `${c.name}: no expected file (run with UPDATE_FIXTURES=1 and review)`).toBeDefined();
      expect(out).toBe(expected);
      expect(res.unhandled.length).toBe(c.unhandled);
      // Still a notebook of the same shape, in nbformat's own layout.
      const before = JSON.parse(c.input) as Nb;
      const after = JSON.parse(out) as Nb;
      expect(after.cells.length).toBe(before.cells.length);
      expect(JSON.stringify(after, null, 1) + '\n').toBe(out);
      after.cells.forEach((cell, i) => {
        expect(typeof cell.source).toBe(typeof before.cells[i]!.source);
        if (cell.cell_type === 'code') cellSources[`${c.name}#${i}`] = Array.isArray(cell.source) ? cell.source.join('') : cell.source;
      });
      for (const s of c.sites) if (s.kind === 'secret' && c.unhandled === 0) expect(out).not.toContain(c.input.split('\n')[s.line - 1]!.slice(s.column - 1, s.endColumn));
    });
  }
  it.skipIf(!hasPython)('every code cell parses with /usr/bin/python3', () => {
    expect(Object.keys(cellSources).length).toBeGreaterThan(0);
    expect(pythonParseErrors(cellSources)).toEqual({});
  });
});

describe('notebook details', () => {
  it('clears outputs that displayed a secret and says so', () => {
    const c = cases.find((x) => x.name === 'nb-list')!;
    const res = nbr.rewrite({ file: c.file, text: c.input, sites: c.sites, backend: c.backend });
    const after = JSON.parse(applyEdits(c.input, res.edits)) as Nb;
    expect(after.cells[2]!.outputs).toEqual([]);
    expect(after.cells[2]!.execution_count).toBeNull();
    expect(after.cells[3]!.outputs!.length).toBe(1); // nothing secret in it: kept
    expect(res.notes.some((n) => /cleared the outputs of cell 3/.test(n))).toBe(true);
    expect(res.unhandled[0]!.reason).toMatch(/markdown cell/);
    // The import went once, into the first code cell.
    expect((after.cells[1]!.source as string[]).filter((l) => l.includes('import get_secret')).length).toBe(1);
    expect(after.cells.slice(2).some((c) => (c.source as string[]).some((l) => l.includes('secret_sweep_secrets')))).toBe(false);
  });
  it('reads JSON with positions', () => {
    const t = '{"a": ["x\\n", "y"], "b": null}';
    const n = parseJsonWithSpans(t);
    expect(n.t).toBe('object');
    if (n.t !== 'object') return;
    const a = n.entries[0]!.value;
    expect(a.t === 'array' && a.items.map((i) => t.slice(i.start, i.end))).toEqual(['"x\\n"', '"y"']);
    expect(() => parseJsonWithSpans('{"a": }')).toThrow(/invalid JSON/);
  });
});

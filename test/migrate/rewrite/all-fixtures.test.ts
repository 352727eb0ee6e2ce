/**
 * Every rewriter of the registry against every fixture pair under test/fixtures/rewrite/: a folder's name
 * starts with its rewriter's fixture prefix (`py-`, `yaml-`, ...), the rewriter is made through the
 * registry as a migrate run makes it, and its output must equal `expected.*` (the input when there is
 * none; `UPDATE_FIXTURES=1` writes it) with exactly the declared number of sites left for a human, and
 * every secret it took gone from the file. A registered rewriter without a case,
 * or a folder no rewriter claims, fails.
 * The per-rewriter tests add what only their language can check (parsing with Python, tsc, terraform fmt).
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createRewriters, REWRITERS, rewriterFor } from '../../../src/migrate/rewrite/registry.js';
import { applyEdits } from '../../../src/migrate/rewrite/fixer.js';
import type { Rewriter } from '../../../src/migrate/rewrite/rewriter.js';
import { FIXTURES, loadCase } from './fixture-pairs.js';

const folders = readdirSync(FIXTURES).filter((d) => existsSync(path.join(FIXTURES, d, 'case.json'))).sort();
/** One set of rewriters for all cases, as one migrate run has; the case's package.json type is swapped in. */
let rewriters: Rewriter[] | undefined;
let packageType: string | undefined;
const entryOf = (folder: string) => REWRITERS.find((e) => e.fixturePrefixes.some((p) => folder.startsWith(p)));

describe('the rewriter registry and its fixture cases', () => {
  it('every registered rewriter has at least one fixture case, and every case names a registered rewriter', () => {
    const withoutCase = REWRITERS.filter((e) => !folders.some((f) => entryOf(f) === e)).map((e) => e.id);
    expect(withoutCase).toEqual([]);
    expect(folders.filter((f) => !entryOf(f))).toEqual([]);
  });

  it('every rewriter declares the readers of the files it handles', () => {
    for (const e of REWRITERS) {
      expect(e.kinds.length, e.id).toBeGreaterThan(0);
      for (const k of e.kinds) {
        expect(k.reader.name, `${e.id}/${k.id}`).toBeTruthy();
        // Never a form the reader takes literally (issue 13, defect 3): an unknown reader resolves nothing.
        if (k.writes) expect(k.reader.referenceForms, `${e.id}/${k.id} writes ${k.writes}`).toContain(k.writes);
      }
    }
  });

  for (const folder of folders) {
    it(folder, async () => {
      const entry = entryOf(folder)!;
      const c = loadCase(folder);
      packageType = c.spec.packageType;
      rewriters ??= await createRewriters({ packageType: () => packageType, siblings: () => [] });
      // The registry hands the file to this folder's rewriter, as a migrate run would.
      const rw = rewriterFor(rewriters, c.spec.file, c.input);
      expect(rw?.id).toBe(entry.id);
      const result = rw!.rewrite({ file: c.spec.file, text: c.input, sites: c.sites, backend: c.spec.backend ?? 'aws' });
      const output = applyEdits(c.input, result.edits, c.spec.file);
      if (process.env.UPDATE_FIXTURES === '1' && output !== c.input) writeFileSync(c.expectedPath, output); // review the diff
      const expected = existsSync(c.expectedPath) ? readFileSync(c.expectedPath, 'utf8') : c.input;
      expect(output).toBe(expected);
      const unhandled = (c.spec.expectUnhandled ?? c.spec.unhandled ?? 0) as number;
      expect(result.unhandled.length).toBe(unhandled);
      const secrets = c.spec.sites.filter((s) => (s.kind ?? 'secret') === 'secret');
      if (unhandled === secrets.length) expect(result.edits).toEqual([]);
      // Every secret the rewriter took is gone from the file.
      const left = new Set(result.unhandled.map((u) => u.fingerprint));
      for (const s of secrets) if (!left.has(`fp-${s.match}-${s.nth ?? 0}`)) expect(output).not.toContain(s.match);
    });
  }
});

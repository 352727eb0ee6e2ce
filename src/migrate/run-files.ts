/**
 * `secret-sweep run --file PATH=sm://NAME[#KEY]`: whole-file secrets (a key file, a service-account
 * JSON, .netrc, .npmrc, ...) written for the command's lifetime, then removed (issue 13, defect 11).
 *
 * A file is created new, mode 0600, never through a link, holding the secret's bytes exactly (the stored
 * text, trailing newline included). A file already there with the same bytes (a developer's local copy)
 * is used and kept; one with other bytes is refused (exit 2) rather than overwritten. Folders made for a
 * file (mode 0700) are removed again when empty. A kill -9 of `run` itself leaves the files: they are
 * git-ignored by the migration that untracked them.
 */
import { existsSync, mkdirSync, readFileSync, rmdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { SweepError } from '../errors.js';
import { writeFileAtomic } from '../fs/write-file.js';
import { isValidRefPart, type ParsedRef } from './run-env.js';

export interface FileMapping {
  /** As given (relative to the working folder). */
  path: string;
  ref: ParsedRef;
}

/** `PATH=sm://NAME[#KEY]` -> mapping; a SweepError naming the argument otherwise. */
export function parseFileMapping(arg: string): FileMapping {
  const m = /^(.+?)=sm:\/\/([^#]+)(?:#(.+))?$/.exec(arg);
  if (!m || !isValidRefPart(m[2]!, 'name') || (m[3] !== undefined && !isValidRefPart(m[3], 'key'))) {
    throw new SweepError('--file wants PATH=sm://NAME or PATH=sm://NAME#KEY', arg.replace(/=.*/s, '=…'));
  }
  return { path: m[1]!, ref: { secretName: m[2]!, ...(m[3] !== undefined ? { jsonKey: m[3] } : {}) } };
}

/** What `materializeFiles` did, to be undone by `removeFiles`. */
export interface Materialized {
  files: string[];
  dirs: string[];
}

/**
 * Write each file (contents already resolved, same order as `mappings`). On any error, whatever was
 * written is removed again before the SweepError is thrown.
 */
export function materializeFiles(cwd: string, mappings: readonly FileMapping[], contents: readonly string[]): Materialized {
  const done: Materialized = { files: [], dirs: [] };
  try {
    mappings.forEach((m, i) => {
      const abs = path.resolve(cwd, m.path);
      const want = Buffer.from(contents[i]!, 'utf8');
      let have: Buffer | undefined;
      try {
        have = readFileSync(abs);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new SweepError(`cannot read the existing file (${(e as NodeJS.ErrnoException).code ?? 'error'})`, m.path);
      }
      if (have !== undefined) {
        if (have.equals(want)) return; // the local copy: used as it is, and kept
        throw new SweepError(`the file exists with other contents than ${m.ref.secretName}: refusing to overwrite it (move it away, or drop this --file)`, m.path);
      }
      // Folders that do not exist yet, outermost first.
      const missing: string[] = [];
      for (let d = path.dirname(abs); !existsSync(d) && path.dirname(d) !== d; d = path.dirname(d)) missing.unshift(d);
      for (const d of missing) {
        mkdirSync(d, { mode: 0o700 });
        done.dirs.unshift(d);
      }
      writeFileAtomic(abs, want, { private: true, exclusive: true });
      done.files.push(abs);
    });
  } catch (e) {
    removeFiles(done);
    throw e;
  }
  return done;
}

/** Remove what `materializeFiles` wrote (files, then the folders it made, innermost first, when empty). */
export function removeFiles(m: Materialized): void {
  for (const f of m.files) rmSync(f, { force: true });
  for (const d of m.dirs) {
    try {
      rmdirSync(d);
    } catch {
      /* not empty: something else was put there, keep it */
    }
  }
}

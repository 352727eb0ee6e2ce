/**
 * Escapes that a config file's own reader undoes, on a value found in the file as text: what the program
 * reads is the unescaped value, so that is what is stored (the file itself is never rewritten: ini.ts,
 * and no rewriter for .pgpass).
 * - configparser (`ConfigParser()`, `logging.config.fileConfig`) interpolates: `%%` is one `%` and
 *   `%(name)s` reads another option. A bare `%` is an error there, so a value holding one is read by a
 *   raw parser (`RawConfigParser`, `interpolation=None`) and taken as written.
 * - libpq reads a password file's `\:` as `:` and `\\` as `\`.
 */
import path from 'node:path';
import type { ValueAt } from './occurrences.js';
import type { ValueDecode } from './types.js';

export function isPgpassPath(file: string): boolean {
  return /^(\.pgpass|pgpass\.conf)$/.test(path.posix.basename(file));
}

type Found = Exclude<ValueAt, { skip: string }>;

const decoded = (at: Found, value: string): ValueAt => {
  if (value === at.value) return at;
  const decode: ValueDecode = at.decode === 'uri' || at.decode === 'literal+uri' ? 'literal+uri' : 'literal';
  return { ...at, value, decode };
};

/** The value configparser's interpolation reads from an INI value. */
export function configparserInterpolated(at: Found): ValueAt {
  if (!at.value.includes('%')) return at;
  const bare = at.value.replace(/%%/g, '').replace(/%\([^)]*\)s/g, '');
  if (bare.includes('%')) return at; // only a raw parser reads it
  if (/%\(/.test(at.value.replace(/%%/g, ''))) {
    return { skip: 'configparser interpolates %(name)s in this value from other options: the stored value would differ from what the program reads; move it to the vault by hand' };
  }
  return decoded(at, at.value.replace(/%%/g, '%'));
}

/** The value libpq reads from a password file's field. */
export function pgpassUnescaped(at: Found): ValueAt {
  return decoded(at, at.value.replace(/\\(.)/g, '$1'));
}

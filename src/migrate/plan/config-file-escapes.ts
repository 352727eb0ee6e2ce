/**
 * Escapes that a config file's own reader undoes, on a value found in the file as text: what the program
 * reads is the unescaped value, so that is what is stored (the file itself is never rewritten: ini.ts,
 * and no rewriter for .pgpass).
 * - configparser (`ConfigParser()`, `logging.config.fileConfig`) interpolates: `%%` is one `%` and
 *   `%(name)s` reads another option. A bare `%` is an error there, so a value holding one is read by a
 *   raw parser (`RawConfigParser`, `interpolation=None`) and taken as written.
 * - libpq reads a password file's `\:` as `:` and `\\` as `\`.
 * - An XML parser reads `&amp;` as `&` (and the other predefined and numeric character references), in
 *   element text and attribute values alike, except inside `<![CDATA[...]]>`.
 * - SQL reads a single-quoted string's `''` as one `'` (`CREATE USER … PASSWORD 'it''s'`).
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

/** An XML file (settings.xml, app.config, web.config): by its name and its first character. */
export function isXmlText(file: string, text: string | undefined): boolean {
  return /\.(xml|config)$/i.test(file) && text !== undefined && /^\uFEFF?\s*</.test(text);
}

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** The value an XML parser reads from a value found in element text or an attribute (`line` holds it). */
export function xmlUnescaped(at: Found, line: string | undefined): ValueAt {
  if (!at.value.includes('&')) return at;
  const before = line?.slice(0, at.span.column - 1) ?? '';
  if (before.lastIndexOf('<![CDATA[') > before.lastIndexOf(']]>')) return at; // CDATA is read as written
  let unknown = false;
  const value = at.value.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z]+);/g, (m, e: string) => {
    if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    if (XML_ENTITIES[e] !== undefined) return XML_ENTITIES[e]!;
    unknown = true;
    return m;
  });
  if (unknown) return { skip: 'the XML value uses an entity its DTD defines: the stored value would differ from what the program reads; move it to the vault by hand' };
  return decoded(at, value);
}

/** The password a SQL statement sets from a single-quoted literal (`line` holds it): `''` is one `'`. */
export function sqlUnquoted(at: Found, line: string | undefined): ValueAt {
  if (!at.value.includes("''") || !(line?.slice(0, at.span.column - 1) ?? '').endsWith("'")) return at;
  return decoded(at, at.value.replace(/''/g, "'"));
}

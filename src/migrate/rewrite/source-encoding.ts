/**
 * Python sources in latin-1 or cp1252: a PEP 263 coding line (`# -*- coding: latin-1 -*-`, `# vim: set
 * fileencoding=iso-8859-1 :`, `# -*- coding: cp1252 -*-`) on line 1, or on line 2 below a comment or
 * blank line, makes Python decode the file in that encoding. Such a file is edited as latin-1 text (one
 * character per byte) and written back as latin-1, so every byte the edits leave is the byte it was, and
 * the coding line must still be where Python looks for it. cp1252 differs from latin-1 only in how it
 * reads bytes 0x80–0x9F, which an edit never writes (a rewriter inserts code, not C1 control characters),
 * so carrying its bytes as latin-1 is exact.
 *
 * The scanner read the bytes as UTF-8, each invalid byte one U+FFFD, and the plan's spans are columns of
 * that reading. They hold in the one-byte-per-character reading only when no run of bytes formed one
 * UTF-8 character, which is when both readings have the same length (a byte gives at most one UTF-16 unit
 * either way, and exactly one only on its own). Otherwise the file stays as it is.
 */

/** Python's names of latin-1 (codecs aliases of latin_1, and what its tokenizer maps to iso-8859-1), normalized. */
const LATIN1 = /^(latin_?1|latin|l1|iso_?8859_1(_1987)?|iso_?latin_1|8859|cp819|iso_ir_100|csisolatin1)$/;

/** The encoding a PEP 263 coding line names, lowercased with `-` read as `_`; undefined without one. */
export function codingOf(head: string): string | undefined {
  const [l1 = '', l2 = ''] = head.split('\n', 2);
  const cookie = (l: string) => /^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)/.exec(l)?.[1]?.toLowerCase().replace(/-/g, '_');
  return cookie(l1) ?? (/^[ \t\f]*(#.*)?\r?$/.test(l1) ? cookie(l2) : undefined);
}

/** Python's names of cp1252 (codecs aliases `windows_1252`, `1252`), normalized. */
const CP1252 = /^(cp_?1252|windows_1252|1252)$/;

/** Whether a coding line's encoding is one whose bytes the latin-1 reading keeps exactly (see above). */
const isLatin1Name = (name: string | undefined) => name !== undefined && (LATIN1.test(name) || CP1252.test(name) || /^(latin_1|iso_8859_1|iso_latin_1)_/.test(name));

/**
 * The text of a Python source that is not UTF-8 but declares latin-1 or cp1252 (read one character per byte), when the plan's spans hold in it
 * (see above); undefined otherwise.
 */
export function latin1PythonText(bytes: Uint8Array): string | undefined {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = buf.toString('latin1');
  if (!isLatin1Name(codingOf(text.slice(0, 400)))) return undefined;
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes).length === text.length ? text : undefined;
}

/** The latin-1 bytes of an edited text, or undefined when a character has none or the coding line moved from where Python reads it. */
export function latin1Bytes(text: string): Buffer | undefined {
  // eslint-disable-next-line no-control-regex
  if (/[^\u0000-\u00ff]/.test(text) || !isLatin1Name(codingOf(text.slice(0, 400)))) return undefined;
  return Buffer.from(text, 'latin1');
}

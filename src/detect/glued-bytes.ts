/**
 * Bytes a reader does not show, glued to the front of a token so that a rule's left boundary fails
 * (round 9, docs/gate.md):
 * - a double-byte legacy encoding (Shift-JIS, Big5, GBK) read as UTF-8: a character may end in an ASCII
 *   byte (Shift-JIS `、` is 81 41 `A`, `：` 81 46 `F`), so `トークン：ghp_…` reads `…\uFFFDFghp_…`, while an
 *   editor, or Python with `# coding: shift_jis`, shows the token after the colon. GB18030's four-byte
 *   characters (an emoji) end in a digit.
 * - escape sequences: ISO-2022-JP text (mail) switches back to ASCII with `ESC ( B` right before the
 *   token; a terminal log colours it with `ESC [ 32 m`. A terminal, a mail reader shows the token alone.
 * - a one-letter string escape (`"a\tghp_…"`, `'\r\nghp_…'`: the program reads a tab or a line break,
 *   then the token) before a run of 16+ token characters, after an even number of backslashes only
 *   (`\\n` is a backslash and an `n`); JSON's own escapes are decoded elsewhere.
 * - Markdown emphasis with underscores (`_ghp_…_`, shown as the token in italics).
 * Each line holding one is read again with those characters as blanks (same length, so offsets hold).
 * The original line is still read: where the byte before was itself a trail byte, the blank is wrong,
 * and the plain reading stands.
 */
export interface GluedLine {
  start: number;
  end: number;
  text: string;
}

// What selects a line: an invalid UTF-8 byte and the ASCII trail of its character; a CSI sequence; another
// escape sequence; a one-letter string escape before a long run; underscores opening a long run that
// underscores close (Markdown emphasis; bounded, so a run of `-_` pairs stays linear).
const TRIGGER = String.raw`\uFFFD[\x30-\x39\x40-\x7E]|\x1B\[[\x30-\x3F]*[\x20-\x2F]*[\x40-\x7E]|\x1B[\x20-\x2F]*[\x30-\x7E]|(?<!\\)(?:\\\\)*\\[abefnrtv0](?=[A-Za-z0-9_+/=-]{16})|(?<![A-Za-z0-9_])_{1,2}(?=[A-Za-z0-9][A-Za-z0-9_+/=.-]{15,200}?_{1,2}(?![A-Za-z0-9_]))`;
const TRIGGERS = new RegExp(TRIGGER, 'g');
// What is blanked on such a line: the same, and underscores closing a run.
const BLANKS = new RegExp(String.raw`${TRIGGER}|(?<=[A-Za-z0-9])_{1,2}(?![A-Za-z0-9_])`, 'g');

export function gluedLines(text: string, push: (l: GluedLine) => void): void {
  let done = -1;
  for (const m of text.matchAll(TRIGGERS)) {
    if (m.index < done) continue;
    const start = text.lastIndexOf('\n', m.index - 1) + 1;
    let end = text.indexOf('\n', m.index);
    if (end === -1) end = text.length;
    done = end;
    push({ start, end, text: text.slice(start, end).replace(BLANKS, (b) => (b[0] === '\uFFFD' ? '\uFFFD ' : ' '.repeat(b.length))) });
  }
}

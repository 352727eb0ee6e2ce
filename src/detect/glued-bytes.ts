/**
 * Bytes a reader does not show, glued to the front of a token so that a rule's left boundary fails
 * (round 9, docs/gate.md):
 * - a double-byte legacy encoding (Shift-JIS, Big5, GBK) read as UTF-8: a character may end in an ASCII
 *   byte (Shift-JIS `、` is 81 41 `A`, `：` 81 46 `F`), so `トークン：ghp_…` reads `…\uFFFDFghp_…`, while an
 *   editor, or Python with `# coding: shift_jis`, shows the token after the colon. GB18030's four-byte
 *   characters (an emoji) end in a digit.
 * - escape sequences: ISO-2022-JP text (mail) switches back to ASCII with `ESC ( B` right before the
 *   token; a terminal log colours it with `ESC [ 32 m`. A terminal, a mail reader shows the token alone.
 * Each line holding such a pair is read again with those bytes as blanks (same length, so offsets hold).
 * The original line is still read: where the byte before was itself a trail byte, the blank is wrong,
 * and the plain reading stands.
 */
export interface GluedLine {
  start: number;
  end: number;
  text: string;
}

// An invalid UTF-8 byte and the ASCII trail of its character; a CSI sequence; another escape sequence.
const GLUED = /\uFFFD[\x30-\x39\x40-\x7E]|\x1B\[[\x30-\x3F]*[\x20-\x2F]*[\x40-\x7E]|\x1B[\x20-\x2F]*[\x30-\x7E]/;
const GLUED_ALL = new RegExp(GLUED.source, 'g');

export function gluedLines(text: string, push: (l: GluedLine) => void): void {
  if (!text.includes('\uFFFD') && !text.includes('\x1B')) return;
  for (let start = 0; start < text.length; ) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const line = text.slice(start, end);
    if (GLUED.test(line)) push({ start, end, text: line.replace(GLUED_ALL, (m) => (m[0] === '\uFFFD' ? '\uFFFD ' : ' '.repeat(m.length))) });
    start = end + 1;
  }
}

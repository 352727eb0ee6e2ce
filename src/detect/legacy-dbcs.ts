/**
 * Text in a double-byte legacy encoding (Shift-JIS, Big5, GBK) read as UTF-8. Their two-byte characters may
 * end in an ASCII byte (0x40–0x7E): Shift-JIS `、` is 81 41 (`A`), `：` 81 46 (`F`), `ソ` 83 5C (`\`).
 * Decoded as UTF-8 the lead byte becomes U+FFFD and the trail byte a letter glued to what follows, so
 * `トークン：ghp_…` reads `…\uFFFDFghp_…` and a token rule's left boundary fails; an editor, or Python with
 * `# coding: shift_jis`, shows the token after the colon (round 9, docs/gate.md). Each line where an
 * invalid byte is followed by such a character is read again with that character as a blank (same length,
 * so offsets hold). The original line is still read: where the byte before was the trail of another
 * character, the blank is wrong, and the plain reading stands.
 */
export interface DbcsLine {
  start: number;
  end: number;
  text: string;
}

const TRAIL = /\uFFFD[\x40-\x7E]/;
const TRAILS = /\uFFFD[\x40-\x7E]/g;

export function dbcsLines(text: string, push: (l: DbcsLine) => void): void {
  if (!text.includes('\uFFFD')) return;
  for (let start = 0; start < text.length; ) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const line = text.slice(start, end);
    if (TRAIL.test(line)) push({ start, end, text: line.replace(TRAILS, '\uFFFD ') });
    start = end + 1;
  }
}

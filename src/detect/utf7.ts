/**
 * Text that declares itself UTF-7 (a Python `# -*- coding: utf-7 -*-` cookie, XML `encoding="UTF-7"`, an
 * HTML `charset=utf-7`): what the program or parser reads is the decoded text, so `image = "+AGcAaABw…-"` is
 * a token to Python while the bytes show none (round 7, docs/gate.md). Each line holding a `+…` shift
 * sequence is decoded (RFC 2152: modified base64 of UTF-16BE, up to a `-`, which is dropped, or any other
 * character); nothing happens without the declaration, since `+abc` is ordinary text elsewhere.
 */
export interface Utf7Line {
  start: number;
  end: number;
  text: string;
}

const DECLARED = /(?:coding[:=]\s*|charset\s*=\s*|encoding\s*=\s*)["']?utf[-_]?7(?![0-9])/i;
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** One line decoded from UTF-7 (unchanged when it holds no shift sequence). */
export function decodeUtf7(line: string): string {
  let out = '';
  for (let i = 0; i < line.length; ) {
    const c = line[i]!;
    if (c !== '+') {
      out += c;
      i++;
      continue;
    }
    let j = i + 1;
    if (line[j] === '-') {
      out += '+';
      i = j + 1;
      continue;
    }
    let bits = 0;
    let n = 0;
    const units: number[] = [];
    for (; j < line.length; j++) {
      const v = B64.indexOf(line[j]!);
      if (v < 0) break;
      bits = ((bits << 6) | v) & 0xffffff;
      n += 6;
      if (n >= 16) {
        n -= 16;
        units.push((bits >> n) & 0xffff);
      }
    }
    out += String.fromCharCode(...units);
    i = line[j] === '-' ? j + 1 : j;
  }
  return out;
}

/**
 * Whether `utf7` / `utf-7` / `utf_7` occurs in any case, which every declaration holds: found from each
 * `7` (indexOf, native) instead of running DECLARED's leading alternation over every character of every
 * text (a fifth of a source tree's detection time, for a declaration almost no file has).
 */
function mentionsUtf7(text: string): boolean {
  for (let p = text.indexOf('7', 3); p !== -1; p = text.indexOf('7', p + 1)) {
    const c = text.charCodeAt(p - 1);
    const f = c === 45 || c === 95 ? p - 2 : p - 1;
    if ((text.charCodeAt(f) | 32) === 102 && (text.charCodeAt(f - 1) | 32) === 116 && (text.charCodeAt(f - 2) | 32) === 117) return true;
  }
  return false;
}

/** The lines of a text that declares UTF-7, decoded, where decoding changes them. */
export function utf7Lines(text: string, push: (l: Utf7Line) => void): void {
  if (!mentionsUtf7(text) || !DECLARED.test(text)) return;
  for (let start = 0; start < text.length; ) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const line = text.slice(start, end);
    if (line.includes('+')) {
      const decoded = decodeUtf7(line);
      if (decoded !== line) push({ start, end, text: decoded });
    }
    start = end + 1;
  }
}

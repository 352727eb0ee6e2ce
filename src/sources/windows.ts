/**
 * Large inputs in windows: the text is cut into pieces of a fixed size, each scanned with some context
 * either side, so memory stays a constant times the window size however large the file (a 1 GB file, a
 * 100 MB line). The detector stays whole-text: it gets each window as a fragment with `window` set (where
 * the text sits in the input, and which part of it the window reports; see `FragmentWindow`).
 *
 * Layout of window k (offsets in UTF-16 code units of the decoded text):
 *
 *     |<- >= overlap ->|<-------- own part: `window` chars -------->|<- >= overlap ->|
 *   text start        from                                        to             text end
 *
 * A finding belongs to the window whose own part holds the first character of its secret; the own parts
 * tile the input, so each finding is reported once. The context either side means every match of up to
 * `overlap` characters is seen whole, with the lines around it, by the window that reports it.
 * The text edges are moved outwards to a line break when there is one within `snap` characters, so
 * windows start and end on whole lines (`^`/`$` anchors and "the line before" behave as in a whole file);
 * on a huge single line they fall mid-line and the window's first column is carried in `column`.
 *
 * Why the overlap is 64 K characters: it must hold the longest match a rule can make plus the context the
 * detector reads around it. The longest built-in matches are multi-line blocks: PEM private keys (a
 * 4096-bit RSA key is ~3.3 KB, a 16384-bit one ~12.5 KB), PGP private key blocks (a few KB), Kubernetes
 * Secret manifests (<= 70 lines), PuTTY keys; the detector looks at most 4096 characters either side of
 * a secret on its line (LONG_LINE in detect/detector.ts) and 6 lines around it. 64 K covers all of that
 * several times over, for about 2% more text scanned with 8 M windows (two edges of 64 K + 16 K).
 */
import { bytesToText, ChunkDecoder } from './decode-text.js';
import type { Provenance } from '../findings/finding.js';
import type { Fragment, FragmentWindow } from './source.js';

export interface WindowSizes {
  /** Characters in a window's own part. */
  window: number;
  /** Characters of context at least, either side. */
  overlap: number;
  /** How far beyond the overlap an edge may move to reach a line break. */
  snap: number;
}

export const DEFAULT_WINDOW_SIZES: WindowSizes = { window: 8 << 20, overlap: 64 << 10, snap: 16 << 10 };

/** Files larger than this (bytes) are read and scanned in windows; smaller ones whole. */
export const WINDOWED_ABOVE = 8 << 20;

export interface TextWindow extends FragmentWindow {
  text: string;
}

/**
 * The windows of a text that arrives in pieces (`next` returns the next decoded piece, undefined at the
 * end). Holds at most about window + 2 × (overlap + snap) characters plus one piece.
 */
export function* textWindows(next: () => string | undefined, sizes: WindowSizes = DEFAULT_WINDOW_SIZES): Generator<TextWindow> {
  const { window, overlap, snap } = sizes;
  if (window < 2 * (overlap + snap)) throw new Error('window too small for its overlap');
  let buf = '';
  /** Offset, line and column of buf[0] in the whole text. */
  let bufStart = 0;
  let line = 1;
  let column = 1;
  let ownFrom = 0;
  let eof = false;
  for (;;) {
    while (!eof && bufStart + buf.length < ownFrom + window + overlap + snap) {
      const piece = next();
      if (piece === undefined) eof = true;
      else buf += piece;
    }
    const bufEnd = bufStart + buf.length;
    const last = eof && bufEnd <= ownFrom + window + overlap;
    const ownTo = last ? bufEnd : ownFrom + window;
    const textTo = last ? bufEnd : lineEndFrom(buf, bufStart, Math.min(bufEnd, ownTo + overlap), snap);
    yield { text: buf.slice(0, textTo - bufStart), offset: bufStart, line, column, from: ownFrom - bufStart, to: ownTo - bufStart };
    if (last) return;
    // The next window's text starts `overlap` before its own part, moved back to a line start if near.
    const nextStart = lineStartBefore(buf, bufStart, ownTo - overlap, snap);
    const upto = nextStart - bufStart;
    const { breaks, lineStart } = countBreaks(buf, upto);
    line += breaks;
    column = lineStart < 0 ? column + upto : upto - lineStart + 1;
    buf = buf.slice(upto);
    bufStart = nextStart;
    ownFrom = ownTo;
  }
}

/** The end of the line holding position p (just after its "\n") if within `snap`, else p. */
function lineEndFrom(buf: string, bufStart: number, p: number, snap: number): number {
  const i = buf.indexOf('\n', p - bufStart);
  return i !== -1 && i < p - bufStart + snap ? bufStart + i + 1 : p;
}

/** The start of the line holding position p if within `snap` before it, else p. */
function lineStartBefore(buf: string, bufStart: number, p: number, snap: number): number {
  if (p - bufStart <= 0) return p;
  const i = buf.lastIndexOf('\n', p - bufStart - 1);
  return i !== -1 && i + 1 >= p - bufStart - snap ? bufStart + i + 1 : p;
}

/**
 * Line breaks in s[0, upto) as LineIndex counts them ("\n", "\r\n" once, a lone "\r"), and where the
 * last line starts (-1 when there is no break). A "\r" just before `upto` is judged by the character at
 * `upto` (a "\r\n" cut in two counts once, at its "\n").
 */
function countBreaks(s: string, upto: number): { breaks: number; lineStart: number } {
  let breaks = 0;
  let lineStart = -1;
  const cr = s.lastIndexOf('\r', upto - 1);
  if (cr === -1) {
    for (let i = s.indexOf('\n'); i !== -1 && i < upto; i = s.indexOf('\n', i + 1)) {
      breaks++;
      lineStart = i + 1;
    }
    return { breaks, lineStart };
  }
  for (let i = 0; i < upto; i++) {
    const c = s.charCodeAt(i);
    if (c === 10 || (c === 13 && s.charCodeAt(i + 1) !== 10)) {
      breaks++;
      lineStart = i + 1;
    }
  }
  return { breaks, lineStart };
}

/** A window as a fragment for the detector. */
export function windowFragment(w: TextWindow, provenance: Provenance): Fragment {
  return { text: w.text, provenance, window: { offset: w.offset, line: w.line, column: w.column, from: w.from, to: w.to } };
}

/**
 * The windows of text held as bytes (a git blob read whole): decoded a megabyte at a time, so besides the
 * bytes only about one window of text is in memory.
 */
export function* bytesWindows(data: Uint8Array, sizes: WindowSizes = DEFAULT_WINDOW_SIZES): Generator<TextWindow> {
  const PIECE = 1 << 20;
  const decoder = new ChunkDecoder(data.subarray(0, PIECE));
  let pos = 0;
  const next = (): string | undefined => {
    if (pos >= data.length) return undefined;
    const end = Math.min(pos + PIECE, data.length);
    const text = decoder.decode(data.subarray(pos, end), end === data.length);
    pos = end;
    return text;
  };
  yield* textWindows(next, sizes);
}

/** Text held as bytes (a git blob) as fragments: whole up to WINDOWED_ABOVE bytes, in windows above. */
export function bytesFragments(data: Uint8Array, provenance: Provenance): Iterable<Fragment> {
  if (data.length <= WINDOWED_ABOVE) return [{ text: bytesToText(data), provenance }];
  return (function* () {
    for (const w of bytesWindows(data)) yield windowFragment(w, provenance);
  })();
}

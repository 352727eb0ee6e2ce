/** Offsets <-> 1-based lines for one text, built once per fragment (only when a rule had a hit). */
export class LineIndex {
  private readonly starts: number[];

  constructor(private readonly text: string) {
    const starts = [0];
    if (text.indexOf('\r') === -1) {
      let i = -1;
      while ((i = text.indexOf('\n', i + 1)) !== -1) starts.push(i + 1);
    } else {
      // CRLF counts once; a lone CR (classic Mac) ends a line too.
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) starts.push(i + 1);
      }
    }
    this.starts = starts;
  }

  get count(): number {
    return this.starts.length;
  }

  /** Length of the indexed text. */
  get length(): number {
    return this.text.length;
  }

  /** 1-based line of an offset. */
  lineOf(offset: number): number {
    const s = this.starts;
    let lo = 0;
    let hi = s.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (s[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  startOf(line: number): number {
    return this.starts[line - 1] ?? this.text.length;
  }

  /** End of a line, excluding its line break ("\n", "\r\n" or a lone "\r"). */
  endOf(line: number): number {
    if (line >= this.starts.length) return this.text.length;
    let e = this.starts[line]! - 1;
    if (this.text.charCodeAt(e) === 10 && e > this.startOf(line) && this.text.charCodeAt(e - 1) === 13) e--;
    return e;
  }

  lineText(line: number): string {
    return this.text.slice(this.startOf(line), this.endOf(line));
  }

  /** Offset where the line after `line` starts; Infinity for the last line. */
  nextStart(line: number): number {
    return line < this.starts.length ? this.starts[line]! : Infinity;
  }

  /**
   * Merged [start, end) windows covering the lines of each position, `context` lines either side.
   * Positions arrive in ascending order (the keyword scan is left to right).
   */
  windows(positions: number[], context: number): Array<readonly [number, number]> {
    const locator = new IndexedLocator(this);
    const b = new WindowBuilder(() => locator, context);
    for (const p of positions) b.add(p);
    return b.windows();
  }
}

/**
 * What a WindowBuilder asks about lines: the bounds of the line holding an offset, and its neighbours'.
 * `LineIndex` answers from its table; `LineBounds` answers an LF-only text by searching around the offset,
 * so a text whose keyword hits never become a candidate is not indexed at all.
 */
export interface LineLocator {
  /**
   * For the line holding offset `q`: [start of line - context, start of line, start of the next line
   * (the length + 1 for the last line), end of line + context's next start (at most the length)], as
   * `LineIndex` numbers lines (context 0 or 1).
   */
  around(q: number, context: number): readonly [number, number, number, number];
}

/** A `LineLocator` over a `LineIndex` (any line breaks). */
class IndexedLocator implements LineLocator {
  private readonly out: [number, number, number, number] = [0, 0, 0, 0];
  constructor(private readonly lines: LineIndex) {}
  around(q: number, context: number): readonly [number, number, number, number] {
    const lines = this.lines;
    const line = lines.lineOf(q);
    const o = this.out;
    o[0] = lines.startOf(Math.max(1, line - context));
    o[1] = lines.startOf(line);
    // Small integers only in these answers (not Infinity): one double made every window offset a
    // double, and the detector's optimized code bailed out on it and was compiled again.
    o[2] = line < lines.count ? lines.startOf(line + 1) : lines.length + 1;
    const last = Math.min(lines.count, line + context);
    o[3] = last < lines.count ? lines.startOf(last + 1) : lines.length;
    return o;
  }
}

/**
 * Line bounds of an LF-only text found by searching for "\n" around each offset: the same answers as a
 * `LineIndex` of the text, without indexing it (most texts with a keyword hit have no candidate, and only
 * a candidate needs line numbers). A text holding "\r" (CRLF, lone CR) takes the index instead.
 * Each line is searched a bounded number of times as offsets ascend, so a long line is not rescanned per hit.
 */
export class LineBounds implements LineLocator {
  private readonly out: [number, number, number, number] = [0, 0, 0, 0];
  private indexed: IndexedLocator | undefined;
  /** The last line asked about: [start, next start (the length + 1 past the last line)) and its answers by context (0, 1). */
  private from = 0;
  private to = -1;
  private prev = 0;
  private after = 0;

  constructor(private readonly text: string, private readonly index: () => LineIndex) {
    if (text.indexOf('\r') !== -1) this.indexed = new IndexedLocator(index());
  }

  around(q: number, context: number): readonly [number, number, number, number] {
    if (this.indexed) return this.indexed.around(q, context);
    const text = this.text;
    if (!(q >= this.from && q < this.to)) {
      // Start of q's line: after the last "\n" before q (a "\n" at q ends q's own line).
      const from = q === 0 ? 0 : text.lastIndexOf('\n', q - 1) + 1;
      const nl = text.indexOf('\n', q);
      this.from = from;
      this.to = nl === -1 ? text.length + 1 : nl + 1;
      // The line before starts after the "\n" before the one that ends it (none: the first line).
      this.prev = from < 2 ? 0 : text.lastIndexOf('\n', from - 2) + 1;
      // The line after ends at its own "\n" (then the next line starts after it) or at the end of the text.
      const nl2 = nl === -1 ? -1 : text.indexOf('\n', nl + 1);
      this.after = nl2 === -1 ? text.length : Math.min(nl2 + 1, text.length);
    }
    const o = this.out;
    o[1] = this.from;
    o[2] = this.to;
    if (context === 0) {
      o[0] = this.from;
      o[3] = this.to > text.length ? text.length : this.to;
    } else {
      o[0] = this.prev;
      o[3] = this.after;
    }
    return o;
  }
}

/**
 * The windows of `LineIndex.windows`, built one position at a time (ascending): only the merged windows
 * are kept, and a position on the same line as the one before costs one comparison. A text with millions
 * of keyword hits (a 100 MB line of them) then holds a handful of windows instead of every hit offset.
 * The line locator is asked for only when the first position arrives.
 */
export class WindowBuilder {
  /** Merged windows, flat: start0, end0, start1, end1, ... */
  private readonly spans: number[] = [];
  /** [lineFrom, lineTo): the line of the previous position. */
  private lineFrom = 0;
  private lineTo = -1;

  /** `context`: lines either side, 0 or 1. */
  constructor(private readonly linesOf: () => LineLocator, private readonly context: number) {}

  get empty(): boolean {
    return this.spans.length === 0;
  }

  /** Add the window around the character before `position` (an exclusive end offset). */
  add(position: number): void {
    const q = Math.max(0, position - 1);
    if (q >= this.lineFrom && q < this.lineTo) return;
    const b = this.linesOf().around(q, this.context);
    const ws = b[0];
    const we = b[3];
    this.lineFrom = b[1];
    this.lineTo = b[2];
    const n = this.spans.length;
    if (n > 0 && ws <= this.spans[n - 1]!) this.spans[n - 1] = Math.max(this.spans[n - 1]!, we);
    else this.spans.push(ws, we);
  }

  windows(): Array<readonly [number, number]> {
    const out: Array<readonly [number, number]> = [];
    for (let i = 0; i < this.spans.length; i += 2) out.push([this.spans[i]!, this.spans[i + 1]!]);
    return out;
  }
}

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
    const b = new WindowBuilder(() => this, context);
    for (const p of positions) b.add(p);
    return b.windows();
  }
}

/**
 * The windows of `LineIndex.windows`, built one position at a time (ascending): only the merged windows
 * are kept, and a position on the same line as the one before costs one comparison. A text with millions
 * of keyword hits (a 100 MB line of them) then holds a handful of windows instead of every hit offset.
 * The line index is asked for only when the first position arrives.
 */
export class WindowBuilder {
  /** Merged windows, flat: start0, end0, start1, end1, ... */
  private readonly spans: number[] = [];
  /** [lineFrom, lineTo): the line of the previous position. */
  private lineFrom = 0;
  private lineTo = -1;

  constructor(private readonly linesOf: () => LineIndex, private readonly context: number) {}

  get empty(): boolean {
    return this.spans.length === 0;
  }

  /** Add the window around the character before `position` (an exclusive end offset). */
  add(position: number): void {
    const q = Math.max(0, position - 1);
    if (q >= this.lineFrom && q < this.lineTo) return;
    const lines = this.linesOf();
    const line = lines.lineOf(q);
    this.lineFrom = lines.startOf(line);
    this.lineTo = lines.nextStart(line);
    const ws = lines.startOf(Math.max(1, line - this.context));
    const we = Math.min(lines.nextStart(Math.min(lines.count, line + this.context)), lines.length);
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

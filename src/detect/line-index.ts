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

  /**
   * Merged [start, end) windows covering the lines of each position, `context` lines either side.
   * Positions arrive in ascending order (the keyword scan is left to right).
   */
  windows(positions: number[], context: number): Array<readonly [number, number]> {
    const out: Array<[number, number]> = [];
    for (const p of positions) {
      const line = this.lineOf(Math.max(0, p - 1));
      const first = Math.max(1, line - context);
      const last = Math.min(this.starts.length, line + context);
      const ws = this.startOf(first);
      const we = last < this.starts.length ? this.starts[last]! : this.text.length;
      const prev = out[out.length - 1];
      if (prev && ws <= prev[1]) prev[1] = Math.max(prev[1], we);
      else out.push([ws, we]);
    }
    return out;
  }
}

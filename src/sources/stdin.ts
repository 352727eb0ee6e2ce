/** Standard input as one fragment (`scan -`), shown as file "-". */
import type { Fragment, TextSource, SourceStats } from './source.js';
import { emptyStats } from './source.js';
import { decodeText } from './decode-text.js';

export class StdinSource implements TextSource {
  readonly name = 'stdin';
  private readonly st: SourceStats = emptyStats();

  constructor(private readonly input: NodeJS.ReadableStream = process.stdin, private readonly maxSize = Infinity) {}

  stats(): SourceStats {
    return this.st;
  }

  async *fragments(): AsyncIterable<Fragment> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of this.input) {
      const b = typeof c === 'string' ? Buffer.from(c) : (c as Buffer);
      size += b.length;
      if (size > this.maxSize) {
        this.st.skipped.push({ path: '-', reason: 'too-large', detail: `over ${this.maxSize} bytes` });
        return;
      }
      chunks.push(b);
    }
    const dec = decodeText(Buffer.concat(chunks));
    if ('binary' in dec) {
      this.st.skipped.push({ path: '-', reason: 'binary' });
      return;
    }
    this.st.files = 1;
    this.st.bytes = size;
    yield { text: dec.text, provenance: { kind: 'stdin', path: '-' } };
  }
}

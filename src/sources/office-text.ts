/**
 * The text of an office document's XML part as the program shows it. Word, Excel, PowerPoint and
 * LibreOffice store a paragraph as runs (`<w:r><w:t>ghp_ab</w:t></w:r><w:r><w:t>cd…</w:t></w:r>`): an
 * edit, a spell-check mark or a revision id splits a run anywhere, also inside a token the document
 * shows whole, and no rule matches the halves (round 8, docs/gate.md). So the runs of each paragraph are
 * joined (tags dropped, one line per paragraph, the five XML entities and numeric references decoded) and
 * read beside the XML as written.
 */

/** Parts that hold text runs: WordprocessingML `w:t`, DrawingML `a:t`, SpreadsheetML `<t>`, ODF `text:`. */
const RUNS = /<(?:w:t|a:t|t|text:[a-z]+)[\s>]/;
/** Where a paragraph (a line of the shown text) ends. */
const PARAGRAPH_END = /<\/(?:w:p|a:p|si|text:p|text:h)>|<(?:w:br|w:tab|text:line-break|text:tab)\b[^>]*\/>/g;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function holdsRuns(xml: string): boolean {
  return RUNS.test(xml);
}

export function officeText(xml: string): string {
  return xml
    .replace(PARAGRAPH_END, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(?:#x([0-9a-fA-F]{1,6})|#([0-9]{1,7})|(amp|lt|gt|quot|apos));/g, (m, hex?: string, dec?: string, name?: string) => {
      if (name) return ENTITIES[name]!;
      const code = hex ? parseInt(hex, 16) : Number(dec);
      return code <= 0x10ffff ? String.fromCodePoint(code) : m;
    })
    .split('\n')
    .filter((l) => l.trim() !== '')
    .join('\n');
}

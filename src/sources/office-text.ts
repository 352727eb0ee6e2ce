/**
 * The text of an office document's XML part as the program shows it. Word, Excel, PowerPoint and
 * LibreOffice store a paragraph as runs (`<w:r><w:t>ghp_ab</w:t></w:r><w:r><w:t>cd…</w:t></w:r>`): an
 * edit, a spell-check mark or a revision id splits a run anywhere, also inside a token the document
 * shows whole, and no rule matches the halves (round 8, docs/gate.md). So the runs of each paragraph are
 * joined (tags dropped, one line per paragraph, the five XML entities and numeric references decoded) and
 * read beside the XML as written, for every XML entry of a zip (an .epub's XHTML, a jar's XML too).
 */

/**
 * An XML part: markup with a closing tag. Looked at by content, not by name: a document's parts are
 * named by its `[Content_Types].xml` (a main part at `word/doc.bin` opens in Word), and a namespace prefix
 * is the author's choice (`<q:t>` is `<w:t>` when `q` names WordprocessingML).
 */
const XML = /^\s*</;
/** Where a paragraph (a line of the shown text) ends, whatever the prefix: `p` (Word, DrawingML, ODF), `si` (a shared string), `h` (an ODF heading), breaks and tabs. */
const PARAGRAPH_END = /<\/(?:[\w.-]+:)?(?:p|si|h)\s*>|<(?:[\w.-]+:)?(?:br|cr|tab|line-break)\b[^>]*\/>/g;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function holdsRuns(text: string): boolean {
  return XML.test(text) && text.includes('</');
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

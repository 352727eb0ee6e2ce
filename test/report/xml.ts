/**
 * A tiny, strict XML 1.0 well-formedness checker for the JUnit tests: prolog, elements, attributes,
 * character data, comments, and the five predefined entities plus numeric character references. No DTDs,
 * no CDATA (the reporter emits neither). Throws with the offset on the first error; returns the tree.
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const NAME_START = /[A-Za-z_:]/;
const NAME_CHAR = /[A-Za-z0-9_:.-]/;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function isXmlChar(cp: number): boolean {
  return cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

export function parseXml(src: string): XmlElement {
  let i = 0;
  const fail = (msg: string): never => {
    throw new Error(`XML not well-formed at offset ${i}: ${msg} (near ${JSON.stringify(src.slice(Math.max(0, i - 20), i + 20))})`);
  };

  for (const ch of src) {
    const cp = ch.codePointAt(0)!;
    if (!isXmlChar(cp)) fail(`character U+${cp.toString(16)} is not allowed in XML 1.0`);
  }

  const ws = () => {
    while (i < src.length && ' \t\r\n'.includes(src[i]!)) i++;
  };
  const name = (): string => {
    const s = i;
    if (!NAME_START.test(src[i] ?? '')) fail('expected a name');
    i++;
    while (i < src.length && NAME_CHAR.test(src[i]!)) i++;
    return src.slice(s, i);
  };
  const decode = (raw: string, inAttr: boolean): string => {
    let out = '';
    for (let k = 0; k < raw.length; k++) {
      const c = raw[k]!;
      if (c === '<') fail('raw "<" in ' + (inAttr ? 'attribute' : 'text'));
      if (c === '&') {
        const semi = raw.indexOf(';', k);
        if (semi < 0) fail('unterminated entity');
        const ent = raw.slice(k + 1, semi);
        if (ent.startsWith('#x')) {
          if (!/^#x[0-9A-Fa-f]+$/.test(ent)) fail(`bad reference &${ent};`);
          out += String.fromCodePoint(parseInt(ent.slice(2), 16));
        } else if (ent.startsWith('#')) {
          if (!/^#[0-9]+$/.test(ent)) fail(`bad reference &${ent};`);
          out += String.fromCodePoint(parseInt(ent.slice(1), 10));
        } else if (ent in ENTITIES) {
          out += ENTITIES[ent];
        } else {
          fail(`unknown entity &${ent};`);
        }
        k = semi;
      } else {
        out += c;
      }
    }
    return out;
  };
  const skipComment = () => {
    const end = src.indexOf('-->', i + 4);
    if (end < 0) fail('unterminated comment');
    if (src.slice(i + 4, end).includes('--')) fail('"--" inside a comment');
    i = end + 3;
  };

  const element = (): XmlElement => {
    if (src[i] !== '<') fail('expected "<"');
    i++;
    const el: XmlElement = { name: name(), attrs: {}, children: [], text: '' };
    for (;;) {
      const before = i;
      ws();
      if (src.startsWith('/>', i)) {
        i += 2;
        return el;
      }
      if (src[i] === '>') {
        i++;
        break;
      }
      if (i === before) fail('expected whitespace before an attribute');
      const an = name();
      ws();
      if (src[i] !== '=') fail('expected "="');
      i++;
      ws();
      const q = src[i];
      if (q !== '"' && q !== "'") fail('expected a quoted attribute value');
      const end = src.indexOf(q!, i + 1);
      if (end < 0) fail('unterminated attribute value');
      if (an in el.attrs) fail(`duplicate attribute ${an}`);
      el.attrs[an] = decode(src.slice(i + 1, end), true);
      i = end + 1;
    }
    for (;;) {
      if (i >= src.length) fail(`unclosed <${el.name}>`);
      if (src.startsWith('</', i)) {
        i += 2;
        const closing = name();
        if (closing !== el.name) fail(`</${closing}> closes <${el.name}>`);
        ws();
        if (src[i] !== '>') fail('expected ">"');
        i++;
        return el;
      }
      if (src.startsWith('<!--', i)) {
        skipComment();
        continue;
      }
      if (src.startsWith('<!', i) || src.startsWith('<?', i)) fail('unsupported markup');
      if (src[i] === '<') {
        el.children.push(element());
        continue;
      }
      const next = src.indexOf('<', i);
      const raw = src.slice(i, next < 0 ? src.length : next);
      if (raw.includes(']]>')) fail('"]]>" in text');
      el.text += decode(raw, false);
      i += raw.length;
    }
  };

  if (src.startsWith('<?xml')) {
    const end = src.indexOf('?>');
    if (end < 0) fail('unterminated XML declaration');
    if (!/^<\?xml version="1\.[0-9]"( encoding="[A-Za-z0-9._-]+")?\s*\?>$/.test(src.slice(0, end + 2))) fail('bad XML declaration');
    i = end + 2;
  }
  ws();
  while (src.startsWith('<!--', i)) {
    skipComment();
    ws();
  }
  const root = element();
  ws();
  while (src.startsWith('<!--', i)) {
    skipComment();
    ws();
  }
  if (i !== src.length) fail('content after the root element');
  return root;
}

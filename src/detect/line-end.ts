/**
 * RE2's multi-line `$` matches only before `\n`, so a rule that ends its match at the end of a line
 * (`password = "…"$`) misses every line of a CRLF file. Each bare `$` (not escaped, not in a character
 * class) becomes `\r?$`: the match may take the line's `\r`, never a capture group that ends before it.
 */
export function crlfAwareEnds(source: string): string {
  if (!source.includes('$')) return source;
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') {
      out += c + (source[i + 1] ?? '');
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
      out += c;
    } else if (c === '[') {
      inClass = true;
      out += c;
      // `[]…]` and `[^]…]`: a `]` first in the class is a literal
      if (source[i + 1] === '^') out += source[++i];
      if (source[i + 1] === ']') out += source[++i];
    } else if (c === '$') {
      out += '(?:\\r?$)';
    } else {
      out += c;
    }
  }
  return out;
}

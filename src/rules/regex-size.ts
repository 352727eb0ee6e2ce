/**
 * How big a regex gets once RE2 expands its counted repetitions: `(?:(?:x{1,100}){1,100}){1,100}` is a few
 * bytes of pattern and a million instructions of program. RE2 stays linear in the input, but its cost per
 * byte grows with the program (its DFA gives up on a huge one and the NFA walks every instruction): a 20 KB
 * pattern of nested counts ran 80 s on a 10 KB file. The npm `re2` binding does not expose RE2's program
 * size, so it is estimated here from the pattern: one unit per literal, class or escape, times the
 * upper count of each repetition around it.
 */

/** Estimated program size above which a pattern is refused (built-in rules stay under a tenth of it). */
export const MAX_REGEX_PROGRAM = 20_000;

/** An upper estimate of the instructions RE2 compiles `pattern` into (saturates past the limit). */
export function regexProgramSize(pattern: string): number {
  let i = 0;
  const cap = (n: number) => Math.min(n, MAX_REGEX_PROGRAM * 1000);

  function alternation(): number {
    let total = sequence();
    while (pattern[i] === '|') {
      i++;
      total = cap(total + sequence() + 1);
    }
    return total;
  }

  function sequence(): number {
    let total = 0;
    while (i < pattern.length && pattern[i] !== '|' && pattern[i] !== ')') total = cap(total + repeated(atom()));
    return total;
  }

  function atom(): number {
    const c = pattern[i]!;
    if (c === '(') {
      i++;
      if (pattern[i] === '?') {
        // (?:…) (?i) (?i:…) (?P<name>…) (?<name>…): skip to the group body, or a bare flag group is empty.
        i++;
        if (pattern[i] === 'P' || pattern[i] === '<') {
          while (i < pattern.length && pattern[i] !== '>') i++;
          i++;
        } else {
          while (i < pattern.length && pattern[i] !== ':' && pattern[i] !== ')') i++;
          if (pattern[i] === ')') {
            i++;
            return 0;
          }
          i++;
        }
      }
      const inner = alternation();
      if (pattern[i] === ')') i++;
      return inner + 2;
    }
    if (c === '[') return charClass();
    if (c === '\\') return escape();
    i++;
    return 1;
  }

  function escape(): number {
    i++; // the backslash
    const c = pattern[i++];
    if (c === 'Q') {
      // \Q…\E: each literal character is an instruction.
      const end = pattern.indexOf('\\E', i);
      const n = (end < 0 ? pattern.length : end) - i;
      i = end < 0 ? pattern.length : end + 2;
      return n;
    }
    if ((c === 'p' || c === 'P' || c === 'x') && pattern[i] === '{') i = skipPast('}');
    else if (c === 'p' || c === 'P') i++;
    else if (c === 'x') i += 2;
    return 1;
  }

  function charClass(): number {
    i++; // [
    if (pattern[i] === '^') i++;
    if (pattern[i] === ']') i++;
    while (i < pattern.length && pattern[i] !== ']') {
      if (pattern[i] === '\\') i += 2;
      else if (pattern[i] === '[' && pattern[i + 1] === ':') i = skipPast(']');
      else i++;
    }
    i++;
    return 1;
  }

  function skipPast(ch: string): number {
    const end = pattern.indexOf(ch, i);
    return end < 0 ? pattern.length : end + 1;
  }

  function repeated(size: number): number {
    for (;;) {
      const c = pattern[i];
      if (c === '*' || c === '+' || c === '?') {
        i++;
        size = cap(size + 1);
      } else if (c === '{') {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i, i + 16));
        if (!m) return size; // a literal brace
        i += m[0].length;
        const lo = Number(m[1]);
        const hi = m[2] === undefined ? lo : m[3] === '' ? lo + 1 : Number(m[3]);
        size = cap(size * Math.max(hi, 1) + (hi - lo));
      } else return size;
      if (pattern[i] === '?') i++; // lazy
    }
  }

  let total = 0;
  while (i < pattern.length) {
    total = cap(total + alternation());
    if (pattern[i] === ')') i++; // unbalanced: RE2 rejects it anyway
  }
  return total;
}

/** Throws when the pattern's estimated program is over MAX_REGEX_PROGRAM (the message has no `: `, see regexErrorMessage). */
export function checkRegexSize(pattern: string): void {
  const size = regexProgramSize(pattern);
  if (size > MAX_REGEX_PROGRAM)
    throw new Error(`too large once its repetitions are expanded (about ${size >= MAX_REGEX_PROGRAM * 1000 ? `${MAX_REGEX_PROGRAM * 1000}+` : size} steps, limit ${MAX_REGEX_PROGRAM}; nested counts such as {1,100} multiply)`);
}

// Just enough Go to read peers' test data: string literals, statements, composite-literal elements, and
// a small evaluator for the string expressions test tables build their inputs from (literals, named
// constants, `+`, fmt.Sprintf, strings.Repeat/Join/ToUpper/ToLower/TrimSpace). Anything else evaluates to
// undefined, and the caller drops that example rather than guess.

/** Decodes one Go string literal (interpreted "..." or raw `...`). */
export function goString(lit) {
  if (lit.startsWith('`')) return lit.slice(1, -1).replace(/\r/g, '');
  const body = lit.slice(1, -1);
  return body.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{3}|.)/g, (_, e) => {
    const simple = { n: '\n', t: '\t', r: '\r', '"': '"', "'": "'", '\\': '\\', a: '\x07', b: '\b', f: '\f', v: '\v' };
    if (e in simple) return simple[e];
    if (/^[xuU]/.test(e)) return String.fromCodePoint(parseInt(e.slice(1), 16));
    if (/^[0-7]{3}$/.test(e)) return String.fromCharCode(parseInt(e, 8));
    return e;
  });
}

/** Reads a Go expression starting at `i`, up to the end of the statement; returns its end index. */
export function statementEnd(src, i) {
  let depth = 0;
  for (; i < src.length; i++) {
    const c = src[i];
    if (c === '"' || c === '`' || c === "'") i = literalEnd(src, i) - 1;
    else if (c === '/' && src[i + 1] === '/') i = src.indexOf('\n', i) - 1;
    else if (c === '/' && src[i + 1] === '*') i = src.indexOf('*/', i) + 1;
    else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
    else if (c === '\n' && depth === 0) return i;
    if (depth < 0) return i;
  }
  return i;
}

export function literalEnd(src, i) {
  const q = src[i];
  for (let j = i + 1; j < src.length; j++) {
    if (q !== '`' && src[j] === '\\') j++;
    else if (src[j] === q) return j + 1;
  }
  return src.length;
}

/** Splits the elements of the outermost brackets of `expr` at depth 1 (comments dropped). */
export function topLevelElements(expr) {
  const out = [];
  let depth = 0;
  let cur = '';
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i];
    if (c === '"' || c === '`' || c === "'") {
      const e = literalEnd(expr, i);
      if (depth >= 1) cur += expr.slice(i, e);
      i = e - 1;
    } else if (c === '/' && expr[i + 1] === '/') {
      const nl = expr.indexOf('\n', i);
      i = (nl < 0 ? expr.length : nl) - 1;
    } else if ('([{'.includes(c)) {
      if (depth >= 1) cur += c;
      depth++;
    } else if (')]}'.includes(c)) {
      depth--;
      if (depth >= 1) cur += c;
      else if (depth === 0) {
        out.push(cur.trim());
        cur = '';
      }
    } else if (c === ',' && depth === 1) {
      out.push(cur.trim());
      cur = '';
    } else if (depth >= 1) cur += c;
  }
  return out.filter(Boolean);
}

/** Tokens of a Go expression: string literals, numbers, (dotted) identifiers, punctuation. */
function tokens(expr) {
  const out = [];
  for (let i = 0; i < expr.length; ) {
    const c = expr[i];
    if (/\s/.test(c)) i++;
    else if (c === '/' && expr[i + 1] === '/') i = expr.indexOf('\n', i) < 0 ? expr.length : expr.indexOf('\n', i);
    else if (c === '"' || c === '`' || c === "'") {
      const e = literalEnd(expr, i);
      out.push({ t: c === "'" ? 'rune' : 'str', v: expr.slice(i, e) });
      i = e;
    } else if (/[0-9]/.test(c)) {
      const m = expr.slice(i).match(/^[0-9]+/)[0];
      out.push({ t: 'num', v: Number(m) });
      i += m.length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = expr.slice(i).match(/^[A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)*/)[0];
      out.push({ t: 'id', v: m });
      i += m.length;
    } else {
      out.push({ t: 'p', v: c });
      i++;
    }
  }
  return out;
}

function sprintf(format, args) {
  let k = 0;
  let bad = false;
  const s = format.replace(/%([-+# 0]*\d*(?:\.\d+)?)([svqdx%])/g, (_, _flags, verb) => {
    if (verb === '%') return '%';
    const a = args[k++];
    if (a === undefined) bad = true;
    if (verb === 'q') return JSON.stringify(String(a));
    return String(a);
  });
  return bad ? undefined : s;
}

/**
 * Evaluates a Go string expression. `lookup(name)` returns the value of a named constant or variable
 * (or undefined). Returns a string, a number, an array of strings (for `[]string{...}`), or undefined.
 */
export function evalGo(expr, lookup) {
  const ts = tokens(expr);
  let i = 0;
  const peek = (v) => ts[i] && ts[i].v === v;
  function list(close) {
    const items = [];
    while (i < ts.length && !peek(close)) {
      items.push(sum());
      if (peek(',')) i++;
      else break;
    }
    if (!peek(close)) throw new Error('unbalanced');
    i++;
    return items;
  }
  function atom() {
    const t = ts[i++];
    if (!t) throw new Error('end');
    if (t.t === 'str') return goString(t.v);
    if (t.t === 'num') return t.v;
    if (t.t === 'p' && t.v === '(') {
      const v = sum();
      if (!peek(')')) throw new Error('unbalanced');
      i++;
      return v;
    }
    if (t.t === 'p' && t.v === '[' && peek(']')) {
      // []string{...} or []byte(x)
      i++;
      const elem = ts[i++];
      if (elem?.v === 'string' && peek('{')) {
        i++;
        return list('}');
      }
      if (elem?.v === 'byte' && peek('(')) {
        i++;
        return list(')')[0];
      }
      throw new Error('type');
    }
    if (t.t === 'id') {
      if (peek('(')) {
        i++;
        const args = list(')');
        if (args.some((a) => a === undefined)) return undefined;
        switch (t.v) {
          case 'fmt.Sprintf': return typeof args[0] === 'string' ? sprintf(args[0], args.slice(1)) : undefined;
          case 'strings.Repeat': return typeof args[0] === 'string' && typeof args[1] === 'number' ? args[0].repeat(args[1]) : undefined;
          case 'strings.Join': return Array.isArray(args[0]) && typeof args[1] === 'string' ? args[0].join(args[1]) : undefined;
          case 'strings.ToUpper': return typeof args[0] === 'string' ? args[0].toUpperCase() : undefined;
          case 'strings.ToLower': return typeof args[0] === 'string' ? args[0].toLowerCase() : undefined;
          case 'strings.TrimSpace': return typeof args[0] === 'string' ? args[0].trim() : undefined;
          case 'string': return typeof args[0] === 'string' ? args[0] : undefined;
          default: return undefined;
        }
      }
      if (t.v === 'nil') return null;
      return lookup(t.v);
    }
    throw new Error(`token ${t.v}`);
  }
  function sum() {
    let v = atom();
    while (peek('+')) {
      i++;
      const w = atom();
      v = v === undefined || w === undefined ? undefined : typeof v === 'number' && typeof w === 'number' ? v + w : String(v) + String(w);
    }
    return v;
  }
  try {
    const v = sum();
    return i === ts.length ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Map open-brace index → matching close index, skipping strings and comments. */
export function braces(src) {
  const pairs = new Map();
  const stack = [];
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '"' || c === '`' || c === "'") i = literalEnd(src, i) - 1;
    else if (c === '/' && src[i + 1] === '/') i = src.indexOf('\n', i) < 0 ? src.length : src.indexOf('\n', i);
    else if (c === '/' && src[i + 1] === '*') i = src.indexOf('*/', i) + 1;
    else if (c === '{') stack.push(i);
    else if (c === '}' && stack.length) pairs.set(stack.pop(), i);
  }
  return pairs;
}

/** Positions of `word` outside string literals and comments. */
export function codeIndexes(src, re) {
  const out = [];
  const mask = src.split('');
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    let e = -1;
    if (c === '"' || c === '`' || c === "'") e = literalEnd(src, i);
    else if (c === '/' && src[i + 1] === '/') e = src.indexOf('\n', i) < 0 ? src.length : src.indexOf('\n', i);
    else if (c === '/' && src[i + 1] === '*') e = src.indexOf('*/', i) + 2;
    if (e > i) {
      for (let j = i; j < e; j++) mask[j] = ' ';
      i = e - 1;
    }
  }
  const code = mask.join('');
  for (const m of code.matchAll(re)) out.push(m.index);
  return out;
}

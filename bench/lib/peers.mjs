// Each peer's own examples, read at run time from its tree (bench/lib/peer-tree.mjs): a list of
// { peer, rule, kind: 'positive' | 'negative', text, identifier? } (identifier: the peer itself does not
// report what the rule finds as a secret).
import { basename } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { braces, codeIndexes, evalGo, goString, statementEnd, topLevelElements } from './go-source.mjs';

const LITERAL = /^("(?:[^"\\\n]|\\.)*"|`[^`]*`)$/;
const SAMPLE = /^utils\.GenerateSampleSecrets?\(\s*("(?:[^"\\]|\\.)*")\s*,\s*("(?:[^"\\]|\\.)*"|`[^`]*`)\s*\)(?:\.\.\.)?$/;

// gitleaks: in cmd/generate/config/rules/*.go, every plain string literal in a `tps`/`fps` list is one
// example (true / false positive); `utils.GenerateSampleSecrets(id, "secret")` stands for one sample,
// `{id}Token = "{secret}"`; literals built at run time (fmt.Sprintf, concatenation) are left out.
export function gitleaksExamples(tree) {
  const files = tree.list('cmd/generate/config/rules').filter((n) => n.endsWith('.go') && !n.endsWith('_test.go'));
  if (!files.length) throw new Error(`${tree.label}: not a gitleaks tree (no cmd/generate/config/rules)`);
  const out = [];
  for (const [name, src] of tree.read(files)) {
    const marker = /^\s*(tps|fps)\s*(?::=|=)\s*/gm;
    let m;
    while ((m = marker.exec(src))) {
      const kind = m[1] === 'tps' ? 'positive' : 'negative';
      const start = m.index + m[0].length;
      const end = statementEnd(src, start);
      const expr = src.slice(start, end + 1);
      const ids = [...src.slice(0, m.index).matchAll(/RuleID:\s*"([^"]+)"/g)];
      const rule = ids.length ? ids[ids.length - 1][1] : basename(name, '.go');
      // `[]string{...}` and `append(tps, ...)` list elements; anything else (a call) is one element.
      const listed = /^(\[\]string\s*\{|append\s*\()/.test(expr.trim());
      const elements = listed ? topLevelElements(expr) : [expr.replace(/\/\/.*$/gm, '').trim()];
      for (const el of elements) {
        if (LITERAL.test(el)) out.push({ peer: 'gitleaks', rule, kind, text: goString(el) });
        else {
          const s = el.match(SAMPLE);
          if (s) out.push({ peer: 'gitleaks', rule, kind, text: `${goString(s[1])}Token = "${goString(s[2])}"` });
        }
      }
      marker.lastIndex = end;
    }
  }
  return out;
}

function yamlRules(tree, prefix) {
  const files = tree.list(prefix).filter((n) => /\.ya?ml$/.test(n));
  const out = [];
  for (const [, text] of tree.read(files)) {
    for (const doc of parseAllDocuments(text)) out.push(...(doc.toJS()?.rules ?? []));
  }
  return out;
}

// Nosey Parker: `examples` / `negative_examples` of every rule in its rules YAML.
export function noseyExamples(tree) {
  const prefix = ['crates/noseyparker/data/default/builtin/rules', 'crates/noseyparker/data/default/rules'].find((p) => tree.list(p).length);
  if (!prefix) throw new Error(`${tree.label}: not a Nosey Parker tree`);
  const out = [];
  for (const r of yamlRules(tree, prefix)) {
    for (const t of r.examples ?? []) out.push({ peer: 'noseyparker', rule: r.id, kind: 'positive', text: String(t) });
    for (const t of r.negative_examples ?? []) out.push({ peer: 'noseyparker', rule: r.id, kind: 'negative', text: String(t) });
  }
  return out;
}

// Kingfisher: `examples` / `negative_examples` of every rule in data/rules/*.yml. A rule with
// `visible: false` is never shown to its users (it finds an identifier, e.g. a client id, that another
// rule's validation depends on): its positives are scored apart, as identifiers.
export function kingfisherExamples(tree) {
  if (!tree.list('data/rules').length) throw new Error(`${tree.label}: not a Kingfisher tree (no data/rules)`);
  const out = [];
  for (const r of yamlRules(tree, 'data/rules')) {
    const identifier = r.visible === false;
    for (const t of r.examples ?? []) out.push({ peer: 'kingfisher', rule: r.id, kind: 'positive', text: String(t), identifier });
    for (const t of r.negative_examples ?? []) out.push({ peer: 'kingfisher', rule: r.id, kind: 'negative', text: String(t) });
  }
  return out;
}

// trufflehog: the pattern tests of its detectors, pkg/detectors/**/<name>_test.go (not the
// *_integration_test.go files nor files behind the `detectors` build tag, whose inputs come from a cloud
// secret store). Each element of a test table with an `input:` and a `want:` is one example: positive when
// `want` is a non-empty list (the detector must report something in the input), negative when it is nil or
// empty. Inputs are evaluated from literals, the file's named constants/variables, `+`, fmt.Sprintf and a
// few strings.* calls; an element whose input or want cannot be evaluated that way is left out (counted).
// What this cannot tell apart: a negative may be negative for its shape (wrong length, charset) or only
// for its context (the keyword out of trufflehog's proximity window, one half of a two-part credential),
// and the test table does not say which. `contextOnly` marks negatives that contain a value the same
// detector's positives want reported (so the value itself is a credential to trufflehog). `synthetic` marks
// inputs in a form no real file has (see below).
export function trufflehogExamples(tree) {
  const files = tree.list('pkg/detectors').filter((n) => n.endsWith('_test.go') && !n.endsWith('_integration_test.go'));
  if (!files.length) throw new Error(`${tree.label}: not a trufflehog tree (no pkg/detectors)`);
  const out = [];
  let skipped = 0;
  for (const [path, src] of tree.read(files)) {
    if (/^\/\/go:build\s+detectors/m.test(src.slice(0, 300))) continue;
    const rel = path.slice('pkg/detectors/'.length);
    if (!rel.includes('/')) continue; // shared engine tests, not a detector's
    const rule = rel.slice(0, rel.lastIndexOf('/'));
    const env = goBindings(src);
    const lookup = (name, seen = new Set()) => {
      const defs = env.get(name);
      if (!defs || seen.has(name)) return undefined;
      seen.add(name);
      const vals = defs.map((d) => evalGo(d, (n) => lookup(n, seen)));
      seen.delete(name);
      return vals.every((v) => JSON.stringify(v) === JSON.stringify(vals[0])) ? vals[0] : undefined; // ambiguous → unknown
    };
    const pairs = braces(src);
    const opens = [...pairs.keys()].sort((a, b) => a - b);
    const mine = [];
    for (const at of codeIndexes(src, /\binput\s*:/g)) {
      let open = -1;
      for (const o of opens) if (o < at && pairs.get(o) > at) open = o; // innermost enclosing element
      if (open < 0) continue;
      const fields = new Map();
      for (const el of topLevelElements(src.slice(open, pairs.get(open) + 1))) {
        const f = el.match(/^([A-Za-z_]\w*)\s*:\s*([\s\S]*)$/);
        if (f) fields.set(f[1], f[2].trim());
      }
      if (!fields.has('input') || !fields.has('want')) continue;
      const input = evalGo(fields.get('input'), (n) => lookup(n));
      let want = fields.get('want');
      if (/^[A-Za-z_]\w*$/.test(want) && want !== 'nil' && env.get(want)?.length === 1) want = env.get(want)[0].trim();
      const kind = /^(nil|\[\]string\s*\{\s*\}|\[\]string\(nil\)|\[\]detectors\.Result\s*\{\s*\})$/.test(want)
        ? 'negative'
        : /^\[\][\w.]+\s*\{[\s\S]*\S[\s\S]*\}$/.test(want) ? 'positive' : undefined;
      if (typeof input !== 'string' || !kind) {
        skipped++;
        continue;
      }
      const wanted = kind === 'positive' ? evalGo(want, (n) => lookup(n)) : undefined;
      const e = { peer: 'trufflehog', rule, kind, text: input, wanted: Array.isArray(wanted) ? wanted.filter((w) => typeof w === 'string' && w.length >= 8) : [] };
      // Jenkins keeps a secret as {AQAAABAAAA...} (base64 ciphertext, no spaces); these tests put a plaintext
      // value after the marker and a space, a form Jenkins does not write: scored apart.
      if (/\{AQAAABAAA\s/.test(input)) e.synthetic = true;
      mine.push(e);
    }
    const values = mine.flatMap((e) => e.wanted);
    for (const e of mine) {
      if (e.kind === 'negative') e.contextOnly = values.some((v) => e.text.includes(v));
      delete e.wanted;
      out.push(e);
    }
  }
  out.skipped = skipped;
  return out;
}

/** name → the expressions bound to it anywhere in the file (`x := e`, `x = e`, `var x = e`, const/var blocks). */
function goBindings(src) {
  const env = new Map();
  const re = /^[ \t]*(?:(?:var|const)[ \t]+)?([A-Za-z_]\w*)(?:[ \t]+[\w.\[\]]+)?[ \t]*:?=[ \t]*/gm;
  let m;
  while ((m = re.exec(src))) {
    if (src[m.index + m[0].length] === '=') continue; // ==
    const start = m.index + m[0].length;
    const end = statementEnd(src, start);
    const expr = src.slice(start, end).trim();
    if (!env.has(m[1])) env.set(m[1], []);
    env.get(m[1]).push(expr);
  }
  return env;
}

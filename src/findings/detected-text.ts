/**
 * Text the tool did not write (a command-line argument, a path, an author name, a message quoting either),
 * made fit to print: whatever the built-in rules detect in it is redacted. A token pasted where a path,
 * a revision or a rule id was expected is still a token, and so is one in a file name or a git identity.
 * Compiles the built-in rules on first use, so only error paths and report output call it.
 */
import { createDetector, keywordIndex, type Detector } from '../detect/detector.js';
import { KeywordMatcher } from '../detect/aho-corasick.js';
import { loadBuiltinScanRules } from '../rules/load.js';
import { attachSecret, FILE_START, secretOf, type Finding } from './finding.js';
import { fingerprint } from './fingerprint.js';
import type { SourceStats } from '../sources/source.js';

const memo = new Map<string, Finding[]>();
/** Detectors of the built-in rules whose keywords occur, by rule ids: most paths and names hold none, and compiling all rules costs ~60 ms. */
const detectors = new Map<string, Detector>();

/** All built-in keywords in one automaton, and the rules of each: every scanned path is asked. */
let keywordRules: { matcher: KeywordMatcher; rulesOf: number[][] } | undefined;

function detectorFor(text: string): Detector | undefined {
  const all = loadBuiltinScanRules();
  if (!keywordRules) {
    const ids = keywordIndex(all);
    keywordRules = { matcher: new KeywordMatcher([...ids.keys()]), rulesOf: [...ids.values()] };
  }
  const { matcher, rulesOf } = keywordRules;
  const hit = new Set<number>();
  matcher.scan(text, (id) => {
    for (const i of rulesOf[id]!) hit.add(i);
  });
  if (hit.size === 0) return undefined;
  const specs = all.filter((_, i) => hit.has(i));
  const key = specs.map((r) => r.id).join(' ');
  let d = detectors.get(key);
  if (d === undefined) {
    if (detectors.size >= 100) detectors.clear();
    detectors.set(key, (d = createDetector(specs)));
  }
  return d;
}

/** The built-in rules' findings in one short text (a path, a name, a message). */
export function secretsIn(text: string, path = '(argument)'): Finding[] {
  if (text.length < 8) return [];
  const key = `${path}\u0000${text}`;
  let found = memo.get(key);
  if (found === undefined) {
    found = detectorFor(text)?.detect({ text, provenance: { kind: 'file', path } }) ?? [];
    if (memo.size >= 10_000) memo.clear();
    memo.set(key, found);
  }
  return found;
}

/** `text` with every secret the built-in rules detect in it redacted. */
export function withoutSecrets(text: string): string {
  let out = text;
  for (const f of secretsIn(text)) out = out.split(secretOf(f)).join(f.redacted);
  return out;
}

/**
 * A finding for each secret in a path itself (`config/ghp_….json`): the file name is committed and
 * published like the content. Reported at line 1, column 1 of the file, redacted path, `decodedFrom: "path"`;
 * the fingerprint uses the scan's salt, so a baseline can accept it like any other finding.
 */
export function pathFindings(paths: Iterable<string>, salt?: string): Finding[] {
  const out: Finding[] = [];
  for (const path of new Set(paths)) {
    for (const f of secretsIn(path)) {
      const secret = secretOf(f);
      const pf: Finding = {
        rule: f.rule,
        description: `${f.description} (in the file's path)`,
        file: withoutSecrets(path),
        ...FILE_START,
        redacted: f.redacted,
        fingerprint: fingerprint(f.rule, secret, salt),
        entropy: f.entropy,
        tags: [...f.tags, 'path'],
        severity: f.severity,
        decodedFrom: 'path',
      };
      if (f.verifiedChecksum) pf.verifiedChecksum = true;
      out.push(attachSecret(pf, secret));
    }
  }
  return out;
}

/**
 * Paths and git identities as reports print them: a token in a file name, an author name or an e-mail
 * is redacted in every finding, provenance, skip and note (in place).
 */
export function redactNamesIn(findings: Finding[], stats: SourceStats): void {
  for (const f of findings) {
    f.file = withoutSecrets(f.file);
    for (const p of f.seen ? [...(f.seen.at ? [f.seen.at] : []), ...f.seen.places] : []) {
      p.path = withoutSecrets(p.path);
      if (p.author !== undefined) p.author = withoutSecrets(p.author);
      if (p.email !== undefined) p.email = withoutSecrets(p.email);
    }
  }
  for (const s of stats.skipped) s.path = withoutSecrets(s.path);
  if (stats.findingsCapped) stats.findingsCapped = stats.findingsCapped.map(withoutSecrets);
  stats.notes = stats.notes.map(withoutSecrets);
}

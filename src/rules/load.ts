/**
 * Loading rule files: YAML in, validated RuleSpec[] out, with file:line errors.
 * Pure parsing/validation lives in validate.ts; this file does the file I/O.
 */
import { readFileSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { decodeUtf8Strict } from '../config/utf8.js';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LineCounter, Document, Node } from 'yaml';
import { yamlLib } from '../lazy.js';
import { SweepError } from '../errors.js';
import type { RuleSpec } from './rule.js';
import { validateRule } from './validate.js';
import { checkRuleExamples } from './examples.js';
import { offerBuiltAutomaton } from './built-automaton.js';
import { fromMasked, maskedJson } from './safe-json.js';
import { quoteUserText, yamlMessage } from '../findings/redact.js';

/** The folder of built-in rules: <package>/rules, next to dist/. */
export function builtinRulesDir(): string {
  return fileURLToPath(new URL('../../rules/', import.meta.url));
}

function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') ? rel : file;
}

/** A YAML node's 1-based line, for error messages. */
export function lineOf(node: Node | null | undefined, lc: LineCounter): number {
  const off = node?.range?.[0] ?? 0;
  return lc.linePos(off).line;
}


/** Parse YAML text into a document; a syntax error becomes a one-line SweepError at file:line. */
export function parseYaml(text: string, file: string): { doc: Document.Parsed; lc: LineCounter } {
  const { LineCounter, parseDocument } = yamlLib();
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const line = e.linePos?.[0]?.line ?? lc.linePos(e.pos[0]).line;
    throw new SweepError(`invalid YAML: ${yamlMessage(e.message, text)}`, `${displayPath(file)}:${line}`);
  }
  return { doc, lc };
}

/**
 * Rules from a list node (the `rules:` sequence of a rules file or of a config file).
 * Each rule is validated on its own; the first error aborts loading with file:line and rule id.
 */
export function rulesFromSeq(seq: Node | null | undefined, lc: LineCounter, file: string): RuleSpec[] {
  const shown = displayPath(file);
  const { isMap, isSeq } = yamlLib();
  if (!isSeq(seq)) throw new SweepError('`rules` must be a list of rules', `${shown}:${lineOf(seq, lc)}`);
  const out: RuleSpec[] = [];
  for (const item of seq.items) {
    const line = lineOf(item as Node, lc);
    if (!isMap(item)) throw new SweepError('each rule must be a mapping', `${shown}:${line}`);
    const raw = (item as Node).toJSON() as Record<string, unknown>;
    // Line of each key, so a bad field is reported where it is written.
    const keyLines = new Map<string, number>();
    for (const pair of item.items) {
      const k = (pair.key as Node & { value?: unknown })?.toJSON?.() ?? String(pair.key);
      keyLines.set(String(k), lineOf(pair.key as Node, lc));
    }
    out.push(validateRule(raw, { file: shown, line, keyLines }));
  }
  return out;
}

/** Load one rules file (a mapping with `rules:`). */
export function loadRulesFile(file: string): RuleSpec[] {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new SweepError(`cannot read rules file: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, displayPath(file));
  }
  const text = decodeUtf8Strict(bytes, displayPath(file));
  const { doc, lc } = parseYaml(text, file);
  const root = doc.contents;
  if (!yamlLib().isMap(root)) throw new SweepError('a rules file must be a mapping with a `rules:` list', `${displayPath(file)}:1`);
  for (const pair of root.items) {
    const k = String((pair.key as Node)?.toJSON?.() ?? pair.key);
    if (k !== 'rules') throw new SweepError(`unknown key \`${quoteUserText(k)}\` (expected only \`rules\`)`, `${displayPath(file)}:${lineOf(pair.key as Node, lc)}`);
  }
  return rulesFromSeq(root.get('rules', true) as Node, lc, file);
}

/** Every *.yaml file of a folder, sorted, as rules; duplicate ids across files are an error. */
export function loadRulesDir(dir: string): RuleSpec[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.yaml') || n.endsWith('.yml')).sort();
  } catch {
    throw new SweepError('rules folder not found', dir);
  }
  const all: RuleSpec[] = [];
  for (const n of names) {
    const p = join(dir, n);
    if (statSync(p).isFile()) all.push(...loadRulesFile(p));
  }
  return checkUniqueIds(all);
}

export function checkUniqueIds(rules: RuleSpec[]): RuleSpec[] {
  const seen = new Map<string, string>();
  for (const r of rules) {
    const prev = seen.get(r.id);
    if (prev) throw new SweepError(`duplicate rule id \`${r.id}\` (first defined at ${prev})`, r.origin);
    seen.set(r.id, r.origin);
  }
  return rules;
}

/**
 * The built files `npm run build` writes from rules/*.yaml and the package ships (dist/, in the masked JSON
 * of safe-json.ts): `full`, every rule field but the examples, for `rules` and `migrate`; `scan`, only the
 * fields a scan and its report read (no `migrate` facts), which is what a pre-commit hook parses on every
 * start (a third less to parse than the full file).
 */
export function builtRulesFiles(dir = fileURLToPath(new URL('..', import.meta.url))): { full: string; scan: string } {
  return { full: join(dir, 'builtin-rules.bin'), scan: join(dir, 'builtin-scan-rules.bin') };
}

/**
 * The rule files' names, sizes and modification times: the built file is current when its key matches.
 * Undefined when there is no rules folder (an installed package ships only the built file).
 */
function rulesDirKey(dir: string): string | undefined {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.yaml') || n.endsWith('.yml'));
  } catch {
    return undefined;
  }
  return names
    .sort()
    .map((n) => {
      const st = statSync(join(dir, n));
      return `${n}:${st.size}:${st.mtimeMs}`;
    })
    .join('|');
}

/**
 * Rule examples are fake credentials in real formats (checksum-valid tokens, well-formed keys): shipped,
 * they would make every scanner (this one, GitHub push protection) flag the installed package. The built
 * file leaves them out; `rules test`, `rules explain` in a checkout and the test suite read rules/*.yaml.
 */
function withoutExamples(rules: RuleSpec[]): RuleSpec[] {
  return rules.map((r) => ({ ...r, examples: [], negative_examples: [] }));
}

/**
 * What a scan reads of a rule: all but the `migrate` facts (examples are already out), save `grouping`,
 * which says a rule's value is a URL's password (the detector judges example hosts by it).
 */
function scanFields(rules: RuleSpec[]): RuleSpec[] {
  return rules.map(({ migrate, ...r }) => (migrate?.grouping === 'uri' || migrate?.grouping === 'database-uri' ? { ...r, migrate: { grouping: migrate.grouping } } : r));
}

type Built = 'full' | 'scan';
const builtCache: Partial<Record<Built, RuleSpec[]>> = {};

/** Written whole or not at all: scans running side by side in a checkout may rewrite it at once. */
function writeBuilt(file: string, key: string, rules: RuleSpec[]): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, maskedJson({ key, rules }));
  renameSync(tmp, file);
}

/** Both built files of these rules (examples already out). */
function writeBoth(files: { full: string; scan: string }, key: string, rules: RuleSpec[]): void {
  writeBuilt(files.full, key, rules);
  writeBuilt(files.scan, key, scanFields(rules));
}

/** Parse rules/*.yaml and write the built files (the build step, scripts/build-rules.mjs; stale files at run time). */
export function writeBuiltRules(dir = builtinRulesDir(), files = builtRulesFiles()): RuleSpec[] {
  const key = rulesDirKey(dir);
  if (key === undefined) throw new SweepError('rules folder not found', dir);
  const rules = withoutExamples(loadRulesDir(dir));
  writeBoth(files, key, rules);
  return rules;
}

/**
 * The built-in rules (`which` built file), parsed once per process. Parsing and validating the YAML files
 * costs more than the rest of a pre-commit scan, so the built file is read instead while it matches the
 * rule files (an edited rule file is parsed again and both files rewritten); an installed package has only
 * the built files.
 */
function loadBuilt(which: Built): RuleSpec[] {
  const cached = builtCache[which];
  if (cached) return cached;
  // The scan fields of the full rules already read (migrate reads both): the scan file is written from them.
  if (which === 'scan' && builtCache.full) return (builtCache.scan = scanFields(builtCache.full));
  const dir = builtinRulesDir();
  // Running from TypeScript sources (tests) always parses.
  if (import.meta.url.endsWith('.ts')) {
    const rules = loadRulesDir(dir);
    return (builtCache[which] = which === 'scan' ? scanFields(rules) : rules);
  }
  const files = builtRulesFiles();
  const file = files[which];
  const key = rulesDirKey(dir);
  // The keyword automaton built with the rules, used only if the keywords are still the same.
  offerBuiltAutomaton();
  try {
    const built = fromMasked(readFileSync(file)) as { key: string; rules: RuleSpec[] };
    if (key === undefined || built.key === key) return (builtCache[which] = built.rules);
  } catch (e) {
    // No rules folder to parse instead: the package is damaged.
    if (key === undefined) throw new SweepError(`the built-in rules are missing or damaged (${(e as NodeJS.ErrnoException).code ?? 'not JSON'}): reinstall secret-sweep`, file);
  }
  const rules = withoutExamples(loadRulesDir(dir));
  builtCache.full = rules;
  builtCache.scan = scanFields(rules);
  try {
    writeBoth(files, key!, rules);
  } catch {
    /* read-only install: parse each time */
  }
  return builtCache[which]!;
}

/** The built-in rules with every field (but the examples): for `rules`, `migrate` and the test suite. */
export function loadBuiltinRules(): RuleSpec[] {
  return loadBuilt('full');
}

/** The built-in rules with what a scan reads (no `migrate` facts): the scan path, and redaction of messages. */
export function loadBuiltinScanRules(): RuleSpec[] {
  return loadBuilt('scan');
}

/**
 * Whether `rules` are the built-in scan rules of this process, unchanged and whole (no rule disabled or
 * added): a worker thread then reads them from the built file itself instead of being sent a copy
 * (cloning ~1,100 rules cost the main thread and each worker more than parsing the file).
 */
export function areBuiltinScanRules(rules: readonly RuleSpec[]): boolean {
  const builtin = builtCache.scan;
  return builtin !== undefined && builtin.length === rules.length && builtin.every((r, i) => r === rules[i]);
}

/** A built-in rule with its examples, from rules/*.yaml; undefined when the folder is not there (an installed package). */
export function builtinRuleWithExamples(id: string): RuleSpec | undefined {
  if (rulesDirKey(builtinRulesDir()) === undefined) return undefined;
  return loadRulesDir(builtinRulesDir()).find((r) => r.id === id);
}

/**
 * The rules in use: built-ins (unless the config turns them off; `forScan`: without their `migrate` facts)
 * minus disabled ids, plus the config's own rules. User rules have their examples run here (built-in ones are checked by the test
 * suite, so start-up does not pay for it).
 */
export function loadRuleSpecs(
  config?: {
    useDefaultRules: boolean;
    disable: string[];
    rules: RuleSpec[];
    file?: string;
  },
  { forScan = false }: { forScan?: boolean } = {},
): RuleSpec[] {
  const base = config?.useDefaultRules === false ? [] : forScan ? loadBuiltinScanRules() : loadBuiltinRules();
  const disabled = new Set(config?.disable ?? []);
  const known = new Set([...base, ...(config?.rules ?? [])].map((r) => r.id));
  for (const id of disabled)
    if (!known.has(id)) throw new SweepError(`\`disable\` names an unknown rule \`${quoteUserText(id)}\``, config?.file ? displayPath(config.file) : undefined);
  const extra = config?.rules ?? [];
  for (const r of extra) {
    const failures = checkRuleExamples(r);
    if (failures.length) throw new SweepError(`rule \`${r.id}\`: ${failures[0]!.message}`, r.origin);
  }
  const userIds = new Set(extra.map((r) => r.id));
  // A user rule with a built-in's id replaces it (how users tune a built-in).
  return checkUniqueIds([...base.filter((r) => !disabled.has(r.id) && !userIds.has(r.id)), ...extra.filter((r) => !disabled.has(r.id))]);
}

/**
 * dist/builtin-literals.bin: what every match of each built-in rule's regex and path regex must contain
 * (detect/required-literals.ts), worked out by `npm run build` (scripts/build-rules.mjs). Worked out at run
 * time instead, the regex parse ran cold in every process and worker thread: ~0.15 s of CPU per thread in
 * a tree scan (the rules with keyword hits each parse their regex once).
 *
 * Each answer is keyed by its regex, so it is used only for that very regex: a stale file (rules edited
 * in a checkout) or a config's own rules simply miss and are parsed as before; a missing or damaged file
 * means parsing everything as before. Masked JSON (rules/safe-json.ts): regexes and literals are no
 * credentials, but no scanner should read them as such in an installed package.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { offerPrebuiltLiterals, parseRequiredLiterals, type PrebuiltLiterals, type RequiredLiterals } from '../detect/required-literals.js';
import type { RuleSpec } from './rule.js';
import { fromMasked, maskedJson } from './safe-json.js';

/** Bumped when the parse's answers change meaning (a file of another version is not used). */
const VERSION = 1;

interface LiteralsFile {
  version: number;
  /** [regex, its required literals or null (no useful requirement)]. */
  entries: Array<[string, RequiredLiterals | null]>;
}

export function builtLiteralsFile(dir = fileURLToPath(new URL('..', import.meta.url))): string {
  return join(dir, 'builtin-literals.bin');
}

/** Work out the literals of these rules' regexes and path regexes and write the file (whole or not at all). */
export function writeBuiltLiterals(rules: readonly RuleSpec[], file = builtLiteralsFile()): void {
  const entries = new Map<string, RequiredLiterals | null>();
  for (const r of rules) {
    for (const regex of [r.regex, r.path]) {
      if (regex !== undefined && !entries.has(regex)) entries.set(regex, parseRequiredLiterals(regex) ?? null);
    }
  }
  const body: LiteralsFile = { version: VERSION, entries: [...entries] };
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, maskedJson(body));
  renameSync(tmp, file);
}

/**
 * Offer the file to the detector: read on first use; nothing offered when it is missing or damaged. Each
 * answer is checked when it is looked up: checking all ~2,000 up front, in code not yet compiled, was a
 * tenth of each thread's cold start in a tree scan, for the few dozen rules a scan ever asks about.
 */
export function offerBuiltLiterals(file = builtLiteralsFile()): void {
  offerPrebuiltLiterals(() => {
    try {
      const body = fromMasked(readFileSync(file)) as LiteralsFile;
      if (body?.version !== VERSION || !Array.isArray(body.entries)) return undefined;
      const raw = new Map<unknown, unknown>();
      for (const e of body.entries as unknown[]) if (Array.isArray(e) && e.length === 2) raw.set(e[0], e[1]);
      return checkedOnLookup(raw);
    } catch {
      return undefined;
    }
  });
}

function checkedOnLookup(raw: ReadonlyMap<unknown, unknown>): PrebuiltLiterals {
  return {
    get(regex) {
      const v = raw.get(regex);
      return v !== undefined && wellFormed(v) ? v : undefined;
    },
  };
}

function wellFormed(v: unknown): v is RequiredLiterals | null {
  if (v === null) return true;
  const r = v as RequiredLiterals;
  return typeof r === 'object' && typeof r.caseless === 'boolean' && Array.isArray(r.sets) && r.sets.every((s) => Array.isArray(s) && s.length > 0 && s.every((x) => typeof x === 'string' && x.length > 0));
}

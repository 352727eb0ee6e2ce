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

/** Bumped when the parse's answers change meaning or the file's layout changes (a file of another version is not used). */
const VERSION = 2;
/** The file's first four bytes (then the version, the entry count, the index, the entries). */
const MAGIC = 0xd3cccce9;
/** Bytes before the index: magic, version, count. */
const HEAD = 12;
/** Bytes per index row: the regex's hash, its entry's offset and length. */
const ROW = 12;

/** FNV-1a over the regex's UTF-16 code units: the index's sort key (entries hold their regex, which is compared). */
function hashOf(regex: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < regex.length; i++) h = Math.imul(h ^ regex.charCodeAt(i), 16777619);
  return h >>> 0;
}

export function builtLiteralsFile(dir = fileURLToPath(new URL('..', import.meta.url))): string {
  return join(dir, 'builtin-literals.bin');
}

/**
 * The file for these [regex, answer] entries: a little-endian index of (hash, offset, length) rows sorted by
 * hash, then each entry as masked JSON (rules/safe-json.ts: regexes and literals are no credentials, but no
 * scanner should read them as such in an installed package). A lookup parses only the entries under its
 * hash: a pre-commit scan asks about a few dozen of ~2,000, and parsing them all was a sixth of its detection.
 */
export function literalsFileBytes(entries: ReadonlyArray<readonly [string, unknown]>, version = VERSION): Buffer {
  const rows = entries.map(([regex, answer]) => ({ hash: hashOf(regex), body: maskedJson([regex, answer]) }));
  rows.sort((a, b) => a.hash - b.hash);
  const head = Buffer.alloc(HEAD + ROW * rows.length);
  head.writeUInt32LE(MAGIC, 0);
  head.writeUInt32LE(version, 4);
  head.writeUInt32LE(rows.length, 8);
  let offset = head.length;
  rows.forEach((r, i) => {
    head.writeUInt32LE(r.hash, HEAD + ROW * i);
    head.writeUInt32LE(offset, HEAD + ROW * i + 4);
    head.writeUInt32LE(r.body.length, HEAD + ROW * i + 8);
    offset += r.body.length;
  });
  return Buffer.concat([head, ...rows.map((r) => r.body)]);
}

/** Every entry of a file written by literalsFileBytes, in index order (tests; a scan looks entries up). */
export function readLiteralsEntries(bytes: Buffer): Array<[string, unknown]> {
  const count = bytes.readUInt32LE(8);
  return Array.from({ length: count }, (_, i) => entryAt(bytes, i) as [string, unknown]);
}

function entryAt(bytes: Buffer, i: number): unknown {
  const at = bytes.readUInt32LE(HEAD + ROW * i + 4);
  // A copy: fromMasked may clear the high bits in place.
  return fromMasked(Buffer.from(bytes.subarray(at, at + bytes.readUInt32LE(HEAD + ROW * i + 8))));
}

/** Work out the literals of these rules' regexes and path regexes and write the file (whole or not at all). */
export function writeBuiltLiterals(rules: readonly RuleSpec[], file = builtLiteralsFile()): void {
  const entries = new Map<string, RequiredLiterals | null>();
  for (const r of rules) {
    for (const regex of [r.regex, r.path]) {
      if (regex !== undefined && !entries.has(regex)) entries.set(regex, parseRequiredLiterals(regex) ?? null);
    }
  }
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, literalsFileBytes([...entries]));
  renameSync(tmp, file);
}

/**
 * Offer the file to the detector: read on first use; nothing offered when it is missing or not of this
 * version. Each answer is parsed and checked when it is looked up: checking all ~2,000 up front, in code not
 * yet compiled, was a tenth of each thread's cold start in a tree scan, for the few dozen rules a scan asks about.
 */
export function offerBuiltLiterals(file = builtLiteralsFile()): void {
  offerPrebuiltLiterals(() => {
    try {
      const bytes = readFileSync(file);
      if (bytes.length < HEAD || bytes.readUInt32LE(0) !== MAGIC || bytes.readUInt32LE(4) !== VERSION) return undefined;
      const count = bytes.readUInt32LE(8);
      if (bytes.length < HEAD + ROW * count) return undefined;
      return lookupIn(bytes, count);
    } catch {
      return undefined;
    }
  });
}

/** Lookups in the file's index; a damaged entry (out of bounds, not masked JSON, malformed) is not known. */
function lookupIn(bytes: Buffer, count: number): PrebuiltLiterals {
  const hashAt = (i: number) => bytes.readUInt32LE(HEAD + ROW * i);
  return {
    get(regex) {
      const h = hashOf(regex);
      // The first row with this hash, then each row that shares it.
      let lo = 0;
      let hi = count;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (hashAt(mid) < h) lo = mid + 1;
        else hi = mid;
      }
      for (let i = lo; i < count && hashAt(i) === h; i++) {
        let e: unknown;
        try {
          e = entryAt(bytes, i);
        } catch {
          continue;
        }
        if (Array.isArray(e) && e.length === 2 && e[0] === regex) return wellFormed(e[1]) ? e[1] : undefined;
      }
      return undefined;
    },
  };
}

function wellFormed(v: unknown): v is RequiredLiterals | null {
  if (v === null) return true;
  const r = v as RequiredLiterals;
  return typeof r === 'object' && typeof r.caseless === 'boolean' && Array.isArray(r.sets) && r.sets.every((s) => Array.isArray(s) && s.length > 0 && s.every((x) => typeof x === 'string' && x.length > 0));
}

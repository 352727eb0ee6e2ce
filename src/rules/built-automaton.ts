/**
 * dist/builtin-automaton.json + .bin: the keyword automaton of the built-in rules, built by `npm run build`
 * (scripts/build-rules.mjs) so that a run does not build it at start-up (~4,600 states × 128 transitions,
 * a tenth of a pre-commit hook's time). The JSON holds the keyword list it was built from, the state
 * count, the byte order and each state's keyword ids; the .bin the transition table; the .narrow.bin the
 * same over character classes (aho-corasick.ts `Narrowed`), which is what a scan walks: it is half the
 * size, and making it from the wide table cost each thread ~0.1 s. The wide table is read only if asked.
 *
 * It is used only for exactly the keyword list it was built from (aho-corasick.ts compares): the table
 * depends on nothing else, so a stale file (rules edited in a checkout, a config that disables or adds
 * rules) is simply not used, and a missing or damaged one means building the automaton as before.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { endianness } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAutomaton, classesOf, narrowClasses, narrowedFor, NARROW16_STATES, offerPrebuiltAutomaton, type Automaton, type Narrowed } from '../detect/aho-corasick.js';
import { keywordIndex } from '../detect/detector.js';
import type { RuleSpec } from './rule.js';
import { scannerSafeJson } from './safe-json.js';

interface AutomatonHead {
  /**
   * The keywords joined by NUL: one string, as the escaping leaves it, reads as no credential; a list
   * (`"requirepass","masterauth"`) reads to a generic rule as a value after a key. A keyword holding NUL
   * would split differently: then the list does not match, and the automaton is built.
   */
  keywords: string;
  states: number;
  endianness: string;
  outputs: number[][];
  /** The narrowed table's classes: each class's character (aho-corasick.ts `classesOf`) and the warm-up length. */
  classes?: { rep: number[]; warmUp: number };
  /** Bytes per entry of the narrowed table: 2 (up to NARROW16_STATES states) or 4; absent: 4. */
  narrowBytes?: number;
}

/** The three files, next to the built rules (dist/builtin-rules.bin). */
export function builtAutomatonFiles(dir = fileURLToPath(new URL('..', import.meta.url))): { head: string; table: string; narrowed: string } {
  return { head: join(dir, 'builtin-automaton.json'), table: join(dir, 'builtin-automaton.bin'), narrowed: join(dir, 'builtin-automaton.narrow.bin') };
}

/** Build the automaton of these rules' keywords and write the files (each whole or not at all). */
export function writeBuiltAutomaton(rules: readonly RuleSpec[], files = builtAutomatonFiles()): void {
  const keywords = [...keywordIndex(rules).keys()];
  const { next, outputs } = buildAutomaton(keywords);
  const head: AutomatonHead = { keywords: keywords.join('\u0000'), states: next.length / 128, endianness: endianness(), outputs };
  const write = (file: string, data: string | Buffer) => {
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, data);
    renameSync(tmp, file);
  };
  const { table } = narrowedFor(next, keywords);
  const { rep, warmUp } = narrowClasses(keywords);
  head.classes = { rep, warmUp };
  head.narrowBytes = table.BYTES_PER_ELEMENT;
  write(files.table, Buffer.from(next.buffer, next.byteOffset, next.byteLength));
  write(files.narrowed, Buffer.from(table.buffer, table.byteOffset, table.byteLength));
  write(files.head, scannerSafeJson(head));
}

/**
 * Offer the built automaton to the keyword matcher (aho-corasick.ts): the keyword list is read now, the
 * table only when a matcher asks for that very list. No files, a damaged head: nothing is offered.
 */
export function offerBuiltAutomaton(files = builtAutomatonFiles()): void {
  let head: AutomatonHead;
  try {
    head = JSON.parse(readFileSync(files.head, 'utf8')) as AutomatonHead;
  } catch {
    return;
  }
  if (typeof head?.keywords !== 'string' || !Array.isArray(head.outputs) || head.outputs.length !== head.states || head.endianness !== endianness()) return;
  const keywords = head.keywords.split('\u0000');
  offerPrebuiltAutomaton(keywords, () => readAutomaton(files, head, keywords));
}

/**
 * The narrowed table now, the wide one when first asked for (a matcher walks the narrowed one; the wide
 * one is for tests and a missing narrowed file). Undefined when neither is whole.
 */
function readAutomaton(files: { table: string; narrowed: string }, head: AutomatonHead, keywords: readonly string[]): Automaton | undefined {
  // The classes from the head (a loop over ~60 characters, not over every keyword's), else worked out.
  const c = head.classes;
  const valid = c !== undefined && Array.isArray(c.rep) && c.rep.length > 1 && c.rep.length <= 256 && c.rep.every((x, i) => (i === 0 ? x === 0 : Number.isInteger(x) && x > 0 && x < 128)) && Number.isInteger(c.warmUp);
  const classes = valid ? classesOf(c.rep, c.warmUp) : narrowClasses(keywords);
  // 16-bit entries only where they are what narrowedFor makes (the matcher's walk then always meets one kind).
  const table = head.narrowBytes === 2 && head.states <= NARROW16_STATES ? readShorts(files.narrowed, head.states << classes.shift) : head.narrowBytes === undefined || head.narrowBytes === 4 ? readInts(files.narrowed, head.states << classes.shift) : undefined;
  if (!table) {
    const next = readInts(files.table, head.states * 128);
    return next && { next, outputs: head.outputs };
  }
  const narrowed: Narrowed = { table, classOf: classes.classOf, shift: classes.shift, warmUp: classes.warmUp };
  let next: Int32Array | undefined;
  return {
    get next() {
      // Damaged or missing by now: the same table built here (the narrowed one was built from it).
      next ??= readInts(files.table, head.states * 128) ?? buildAutomaton(keywords).next;
      return next;
    },
    outputs: head.outputs,
    narrowed,
  };
}

/** A file of `count` 32-bit ints in this machine's byte order, or undefined when missing or not that size. */
function readInts(file: string, count: number): Int32Array | undefined {
  const bytes = readSized(file, count * 4);
  if (!bytes) return undefined;
  // Int32Array needs a 4-byte-aligned offset: a file this large has a buffer of its own (offset 0).
  return bytes.byteOffset % 4 === 0 ? new Int32Array(bytes.buffer, bytes.byteOffset, count) : new Int32Array(new Uint8Array(bytes).buffer);
}

/** `readInts` for 16-bit ints. */
function readShorts(file: string, count: number): Int16Array | undefined {
  const bytes = readSized(file, count * 2);
  if (!bytes) return undefined;
  return bytes.byteOffset % 2 === 0 ? new Int16Array(bytes.buffer, bytes.byteOffset, count) : new Int16Array(new Uint8Array(bytes).buffer);
}

function readSized(file: string, size: number): Buffer | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return undefined;
  }
  return bytes.byteLength === size ? bytes : undefined;
}

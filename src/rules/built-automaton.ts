/**
 * dist/builtin-automaton.json + .bin + .sparse.bin: the keyword automaton of the built-in rules, built by
 * `npm run build` (scripts/build-rules.mjs) so that a run does not build it at start-up (~8,700 states × 128
 * transitions, a tenth of a pre-commit hook's time). The JSON holds the keyword list it was built from, the
 * state and edge counts and the byte order; the .bin the dense transition table (4.4 MB), read only when a
 * matcher has walked a megabyte; the .sparse.bin the trie edges, failure links and each state's keyword
 * ids (sparse-automaton.ts, ~165 KB), which is all a pre-commit hook's few files read.
 *
 * It is used only for exactly the keyword list it was built from (aho-corasick.ts compares): the table
 * depends on nothing else, so a stale file (rules edited in a checkout, a config that disables or adds
 * rules) is simply not used, and a missing or damaged one means building the automaton as before.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { endianness } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAutomaton, offerPrebuiltAutomaton } from '../detect/aho-corasick.js';
import { sparseFromDense, sparseOutputs, type SparseAutomaton } from '../detect/sparse-automaton.js';
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
  /** Trie edges (states - 1) and keyword ids over all states: the sizes of the sparse file's parts. */
  edges: number;
  ids: number;
  endianness: string;
}

/** The two files, next to the built rules (dist/builtin-rules.bin). */
export function builtAutomatonFiles(dir = fileURLToPath(new URL('..', import.meta.url))): { head: string; table: string; sparse: string } {
  return { head: join(dir, 'builtin-automaton.json'), table: join(dir, 'builtin-automaton.bin'), sparse: join(dir, 'builtin-automaton.sparse.bin') };
}

/** Build the automaton of these rules' keywords and write both files (each whole or not at all). */
export function writeBuiltAutomaton(rules: readonly RuleSpec[], files = builtAutomatonFiles()): void {
  const keywords = [...keywordIndex(rules).keys()];
  const { next, outputs } = buildAutomaton(keywords);
  const sp = sparseFromDense(keywords, next, outputs);
  const head: AutomatonHead = { keywords: keywords.join('\u0000'), states: sp.states, edges: sp.to.length, ids: sp.outIds.length, endianness: endianness() };
  const write = (file: string, data: string | Buffer) => {
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, data);
    renameSync(tmp, file);
  };
  write(files.table, Buffer.from(next.buffer, next.byteOffset, next.byteLength));
  write(files.sparse, Buffer.concat(sparseParts(sp).map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength))));
  write(files.head, scannerSafeJson(head));
}

/** The sparse file's parts, in order (the Int32 ones first: each starts 4-byte aligned). */
function sparseParts(sp: SparseAutomaton): (Int32Array | Uint8Array)[] {
  return [sp.first, sp.to, sp.fail, sp.outFirst, sp.outIds, sp.chars];
}

/**
 * Offer the built automaton to the keyword matcher (aho-corasick.ts): the keyword list and the sparse form
 * are read now, the dense table only when a matcher that walked a megabyte asks for it. No files, a damaged
 * head or sparse file: nothing is offered (the automaton is built); a damaged table: it is built then.
 */
export function offerBuiltAutomaton(files = builtAutomatonFiles()): void {
  let head: AutomatonHead;
  try {
    head = JSON.parse(readFileSync(files.head, 'utf8')) as AutomatonHead;
  } catch {
    return;
  }
  if (typeof head?.keywords !== 'string' || head.endianness !== endianness() || ![head.states, head.edges, head.ids].every((n) => Number.isSafeInteger(n) && n >= 0) || head.edges !== head.states - 1) return;
  offerPrebuiltAutomaton(head.keywords.split('\u0000'), () => {
    const sparse = readSparse(files.sparse, head);
    return sparse && { outputs: sparseOutputs(sparse), sparse, loadNext: () => readTable(files.table, head) };
  });
}

/** The sparse form, its sizes and every state and keyword id in range checked; undefined when it is not whole. */
function readSparse(file: string, head: AutomatonHead): SparseAutomaton | undefined {
  const { states, edges, ids } = head;
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return undefined;
  }
  const ints = 4 * (states + 1 + edges + states + states + 1 + ids);
  if (bytes.byteLength !== ints + edges) return undefined;
  // A fresh copy: 4-byte aligned whatever offset the read buffer had.
  const all = new Uint8Array(bytes);
  let at = 0;
  const int32 = (n: number) => {
    const a = new Int32Array(all.buffer, at, n);
    at += 4 * n;
    return a;
  };
  const sp: SparseAutomaton = { states, first: int32(states + 1), to: int32(edges), fail: int32(states), outFirst: int32(states + 1), outIds: int32(ids), chars: new Uint8Array(all.buffer, ints, edges) };
  const inRange = (a: Int32Array, max: number) => a.every((v) => v >= 0 && v <= max);
  const ascending = (a: Int32Array) => a.every((v, i) => i === 0 || v >= a[i - 1]!);
  if (sp.first[0] !== 0 || sp.first[states] !== edges || !ascending(sp.first) || sp.outFirst[0] !== 0 || sp.outFirst[states] !== ids || !ascending(sp.outFirst)) return undefined;
  if (!inRange(sp.to, states - 1) || !inRange(sp.fail, states - 1) || !inRange(sp.outIds, head.keywords.split('\u0000').length - 1) || !sp.chars.every((c) => c < 128)) return undefined;
  return sp;
}

function readTable(file: string, head: AutomatonHead): Int32Array | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return undefined;
  }
  if (bytes.byteLength !== head.states * 128 * 4) return undefined;
  // Int32Array needs a 4-byte-aligned offset: a file this large has a buffer of its own (offset 0).
  return bytes.byteOffset % 4 === 0 ? new Int32Array(bytes.buffer, bytes.byteOffset, head.states * 128) : new Int32Array(new Uint8Array(bytes).buffer);
}

/**
 * Small pieces the config/IaC/JS/shell rewriters share: site spans -> offsets, the environment variable
 * a reference becomes, the shape of an unhandled site, and a guard that re-parses a rewritten file.
 */
import { envVarName } from '../backend/env-names.js';
import { applyEdits } from './fixer.js';
import type { RewriteResult, RewriteSite, SecretReference, TextEdit } from './rewriter.js';

/** A site a rewriter left alone, with why and what a human could do (the report lists it as manual). */
/** `keyPath`: the value's keys from the document root, when a YAML/JSON rewriter knows them (for the edit in its reader). */
export type UnhandledSite = RewriteSite & { reason: string; suggestion?: string; keyPath?: Array<string | number> };

/** A variable that `secret-sweep run` must fill: `.env` gets `NAME=sm://secret#key`. */
export interface EnvReference {
  variable: string;
  ref: SecretReference;
}

/** What these rewriters return: the interface's result plus manual reasons and any env references used. */
export interface SiteRewriteResult extends RewriteResult {
  unhandled: UnhandledSite[];
  /** Variables the rewritten file now reads (`process.env.X`, `${X}`); apply adds them to `.env` as `sm://` references. */
  envRefs: EnvReference[];
}

export function emptyResult(): SiteRewriteResult {
  return { edits: [], notes: [], unhandled: [], envRefs: [] };
}

export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** [start, end) UTF-16 offsets of a site (1-based lines/columns, endColumn inclusive), or undefined. */
export function siteOffsets(starts: readonly number[], textLength: number, s: Pick<RewriteSite, 'line' | 'column' | 'endLine' | 'endColumn'>): [number, number] | undefined {
  const a = starts[s.line - 1];
  const b = starts[s.endLine - 1];
  if (a === undefined || b === undefined) return undefined;
  const start = a + s.column - 1;
  const end = b + s.endColumn;
  if (start < 0 || end > textLength || end <= start) return undefined;
  return [start, end];
}

/** 1-based line of an offset. */
export function lineOf(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

/**
 * The environment variable that carries a reference: `prod/etl/db` + `password` -> `PROD_ETL_DB__PASSWORD`,
 * the same names the dotenv backend writes and the Python rewriter reads.
 */
export function envVarFor(ref: SecretReference): string {
  return envVarName(ref.secretName, ref.jsonKey);
}

export function addEnvRef(out: SiteRewriteResult, ref: SecretReference, variable = envVarFor(ref)): string {
  if (!out.envRefs.some((e) => e.variable === variable)) out.envRefs.push({ variable, ref: { secretName: ref.secretName, jsonKey: ref.jsonKey } });
  return variable;
}

/** Rules whose value sits in a URL's userinfo (so it is percent-encoded there). */
export const URI_RULE = /uri|url|jdbc|dsn/i;

/** Secrets Manager names and JSON keys that can be written inside any quoting without escapes. */
export const PLAIN_NAME = /^[A-Za-z0-9/_+=.@-]+$/;
export const PLAIN_KEY = /^[A-Za-z0-9_.@+-]*$/;

/** Site offsets grouped for a rewriter: each located site with its [start, end). */
export interface Located {
  site: RewriteSite;
  start: number;
  end: number;
}

/**
 * Locate every site; sites that cannot be located go to `unhandled` (secret ones only: context values
 * alone are not secrets and stay).
 */
export function locateSites(text: string, sites: readonly RewriteSite[], out: SiteRewriteResult): Located[] {
  const starts = lineStarts(text);
  const found: Located[] = [];
  for (const site of sites) {
    const off = siteOffsets(starts, text.length, site);
    if (!off) {
      if (site.kind === 'secret') out.unhandled.push({ ...site, reason: 'the location is not in the file (did it change?)' });
      continue;
    }
    found.push({ site, start: off[0], end: off[1] });
  }
  return found.sort((a, b) => a.start - b.start || a.end - b.end);
}

/**
 * The safety net every rewriter runs last: apply its edits in memory and re-parse. When the result does
 * not parse (or the edits overlap), no edit is made and every secret site becomes manual.
 */
export function guardParses(text: string, sites: readonly RewriteSite[], out: SiteRewriteResult, parses: (after: string) => string | undefined): SiteRewriteResult {
  if (out.edits.length === 0) return out;
  let problem: string | undefined;
  try {
    problem = parses(applyEdits(text, out.edits));
  } catch (e) {
    problem = (e as Error).message;
  }
  if (problem === undefined) return out;
  const handled = new Set(out.unhandled.map((u) => u.fingerprint + u.line + ':' + u.column));
  const unhandled = [...out.unhandled];
  for (const s of sites) {
    if (s.kind === 'secret' && !handled.has(s.fingerprint + s.line + ':' + s.column)) {
      unhandled.push({ ...s, reason: `the rewritten file would not parse (${problem.split('\n')[0]}); left unchanged` });
    }
  }
  return { edits: [], notes: [], unhandled, envRefs: [] };
}

/** Notes for the report naming each unhandled site. */
export function noteUnhandled(out: SiteRewriteResult): SiteRewriteResult {
  for (const u of out.unhandled) out.notes.push(`${u.file}:${u.line}:${u.column}: left for you: ${u.reason}${u.suggestion ? `; ${u.suggestion}` : ''}`);
  return out;
}

export function edit(start: number, end: number, replacement: string): TextEdit {
  return { start, end, replacement };
}

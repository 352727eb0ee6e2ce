/**
 * jsonl: one finding per line, for scripts (`jq`, `grep`, line-by-line readers).
 *
 * This file also holds the per-finding record and the "what may be printed" helpers that the other
 * reporters share: `shownSecret` is the single place where a reporter decides between the redacted value
 * and the plaintext, so --show-secrets behaves the same in every format.
 */
import { secretOf, type Finding, type Provenance } from '../findings/finding.js';
import type { SourceStats } from '../sources/source.js';
import { verificationCounts } from '../verify/counts.js';
import type { Reporter, ReportContext } from './reporter.js';

/** The value a report may show for a finding: redacted, unless the user passed --show-secrets. */
export function shownSecret(f: Finding, ctx: Pick<ReportContext, 'showSecrets'>): string {
  return ctx.showSecrets ? secretOf(f) : f.redacted;
}

/** How many places the secret was seen (1 when the source does not track provenances). */
export function placeCount(f: Finding): number {
  return f.seen?.places.length ?? 1;
}

/**
 * `decodedFrom` names the encoding the secret was hidden in ("base64", "url", ...). Only a short encoding
 * name is passed through: anything longer could be the encoded secret itself.
 */
export function encodingName(f: Finding): string | undefined {
  const d = f.decodedFrom;
  return d !== undefined && /^[a-z][a-z0-9_-]{0,23}$/.test(d) ? d : undefined;
}

/** A provenance as printed: only its own enumerable, known fields (never anything hidden). */
export function provenanceRecord(p: Provenance): Provenance {
  const out: Provenance = { kind: p.kind, path: p.path };
  if (p.commit !== undefined) out.commit = p.commit;
  if (p.author !== undefined) out.author = p.author;
  if (p.email !== undefined) out.email = p.email;
  if (p.date !== undefined) out.date = p.date;
  if (p.blob !== undefined) out.blob = p.blob;
  return out;
}

/** The keys of one jsonl line / one entry of the json reporter's `findings`. */
export interface FindingRecord {
  rule: string;
  description: string;
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** Redacted, or the plaintext with --show-secrets. */
  match: string;
  fingerprint: string;
  severity: Finding['severity'];
  tags: string[];
  entropy: number;
  key?: string;
  verifiedChecksum?: boolean;
  decodedFrom?: string;
  commit?: string;
  author?: string;
  email?: string;
  date?: string;
  presentAtHead?: boolean;
  count?: number;
  provenances?: Provenance[];
  /** With --verify: what the issuer said (live, invalid, unknown), which verifier asked, who the credential is, why. */
  verification?: 'live' | 'invalid' | 'unknown';
  verifier?: string;
  identity?: Record<string, string>;
  verificationReason?: string;
  /** Only on suppressed entries: true, and why (e.g. `inline allow marker "gitleaks:allow"`). */
  suppressed?: true;
  suppression?: string;
}

/**
 * Build the record field by field (never by spreading the finding), so that a field added to Finding later
 * does not reach the output unless someone decides it is safe to print.
 */
export function findingRecord(f: Finding, ctx: Pick<ReportContext, 'showSecrets'>): FindingRecord {
  const r: FindingRecord = {
    rule: f.rule,
    description: f.description,
    file: f.file,
    line: f.line,
    column: f.column,
    endLine: f.endLine,
    endColumn: f.endColumn,
    match: shownSecret(f, ctx),
    fingerprint: f.fingerprint,
    severity: f.severity,
    tags: [...f.tags],
    entropy: Math.round(f.entropy * 1000) / 1000,
  };
  if (f.key !== undefined) r.key = f.key;
  if (f.verifiedChecksum !== undefined) r.verifiedChecksum = f.verifiedChecksum;
  const enc = encodingName(f);
  if (enc !== undefined) r.decodedFrom = enc;
  const seen = f.seen;
  if (seen !== undefined) {
    const at = seen.at;
    if (at?.commit !== undefined) r.commit = at.commit;
    if (at?.author !== undefined) r.author = at.author;
    if (at?.email !== undefined) r.email = at.email;
    if (at?.date !== undefined) r.date = at.date;
    if (seen.presentAtHead !== undefined) r.presentAtHead = seen.presentAtHead;
    r.count = placeCount(f);
    r.provenances = seen.places.map(provenanceRecord);
  }
  const v = f.verification;
  if (v !== undefined) {
    r.verification = v.status;
    if (v.verifier !== undefined) r.verifier = v.verifier;
    if (v.identity !== undefined) r.identity = { ...v.identity };
    if (v.reason !== undefined) r.verificationReason = v.reason;
  }
  return r;
}

/** A suppressed finding's record: the finding's keys plus `suppressed: true` and the reason. */
export function suppressedRecord(f: Finding, ctx: Pick<ReportContext, 'showSecrets'>): FindingRecord {
  return { ...findingRecord(f, ctx), suppressed: true, suppression: f.suppressed ?? 'suppressed' };
}

/** "live (github: login=octocat, scopes=repo)": a verification on one line, for text-like formats and the migrate report. */
export function verificationText(v: NonNullable<Finding['verification']>): string {
  const who = Object.entries(v.identity ?? {}).map(([k, x]) => `${k}=${x}`).join(', ');
  const detail = [v.verifier !== undefined && who ? `${v.verifier}: ${who}` : v.verifier, v.reason].filter(Boolean).join('; ');
  return detail ? `${v.status} (${detail})` : v.status;
}

export function verificationLine(f: Finding): string | undefined {
  return f.verification === undefined ? undefined : verificationText(f.verification);
}

/** Findings counted by verification status, when any was verified. */
export function verificationTotals(findings: Finding[]): ReturnType<typeof verificationCounts> | undefined {
  return findings.some((f) => f.verification) ? verificationCounts(findings) : undefined;
}

/** Skipped files counted by reason, in a stable (alphabetical) order. */
export function skippedByReason(stats: SourceStats): Array<[reason: string, count: number]> {
  const counts = new Map<string, number>();
  for (const s of stats.skipped) counts.set(s.reason, (counts.get(s.reason) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => a[0].localeCompare(b[0]));
}

/** One finding per line, then one line per suppressed finding (`"suppressed": true`); nothing gives an empty string. */
export const jsonlReporter: Reporter = (findings, ctx) =>
  findings.map((f) => JSON.stringify(findingRecord(f, ctx)) + '\n').join('') +
  (ctx.suppressed ?? []).map((f) => JSON.stringify(suppressedRecord(f, ctx)) + '\n').join('');

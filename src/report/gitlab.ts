/**
 * gitlab: GitLab's secret-detection report (`gl-secret-detection-report.json`, declared in CI as
 * `artifacts: reports: secret_detection`), schema version 15.2.1 of
 * gitlab-org/security-products/security-report-schemas (`dist/secret-detection-report-format.json`).
 *
 * - `raw_source_code_extract` is the REDACTED value (the schema calls it "unsanitized"; we do not send
 *   plaintext to a CI server unless the user passed --show-secrets).
 * - The schema requires `location.commit.sha`. For working-tree and stdin findings, which have no commit,
 *   it is "0000000", as GitLab's own secrets analyzer writes for non-history scans.
 * - `id` is derived from fingerprint, file, line and commit, so the same finding gets the same id in the
 *   next pipeline.
 * - Severity: high -> Critical when a checksum validator confirmed the token's structure, else High;
 *   medium -> Medium; low -> Low.
 * - Times are UTC `yyyy-mm-ddThh:mm:ss` (the schema's pattern has no fraction and no zone).
 */
import { incompleteText, unreadSkips, unreadText } from './incomplete.js';
import { createHash } from 'node:crypto';
import { commitOf, type Finding } from '../findings/finding.js';
import type { Reporter, ReportContext } from './reporter.js';
import { placeCount, shownSecret, skippedByReason, verificationLine } from './jsonl.js';

export const GITLAB_SCHEMA_VERSION = '15.2.1';
export const GITLAB_SCHEMA_URI = `https://gitlab.com/gitlab-org/security-products/security-report-schemas/-/raw/v${GITLAB_SCHEMA_VERSION}/dist/secret-detection-report-format.json`;
export const IDENTIFIER_TYPE = 'secret_sweep_rule_id';
const NO_COMMIT = '0000000';
const INFORMATION_URI = 'https://www.npmjs.com/package/secret-sweep';

type Severity = 'Critical' | 'High' | 'Medium' | 'Low';

function severityOf(f: Finding): Severity {
  // --verify: a live credential is Critical whatever its rule; one its issuer refused is not.
  if (f.verification?.status === 'live') return 'Critical';
  if (f.severity === 'high') return f.verifiedChecksum && f.verification?.status !== 'invalid' ? 'Critical' : 'High';
  return f.severity === 'medium' ? 'Medium' : 'Low';
}

/** A stable UUID-shaped id (not a random UUID: the same finding keeps its id across pipelines). */
function vulnerabilityId(f: Finding): string {
  const h = createHash('sha256').update([f.fingerprint, f.file, f.line, f.column, commitOf(f) ?? ''].join('\u0000')).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

function gitlabTime(iso: string): string {
  const t = Date.parse(iso);
  return new Date(Number.isNaN(t) ? Date.now() : t).toISOString().slice(0, 19);
}

function truncate(s: string, max: number): string {
  return s.length <= max ? s : s.slice(0, max - 1) + '…';
}

function vulnerability(f: Finding, ctx: ReportContext): Record<string, unknown> {
  const at = f.seen?.at;
  const presentAtHead = f.seen?.presentAtHead;
  const commit: Record<string, string> = { sha: at?.commit ?? NO_COMMIT };
  if (at?.author !== undefined) commit['author'] = at.author;
  if (at?.date !== undefined) commit['date'] = at.date;

  const details: Record<string, { name: string; type: 'value'; value: string | number | boolean }> = {
    fingerprint: { name: 'Fingerprint', type: 'value', value: f.fingerprint },
    column: { name: 'Column', type: 'value', value: f.column },
  };
  if (presentAtHead !== undefined) details['present_at_head'] = { name: 'Present at HEAD', type: 'value', value: presentAtHead };
  if (f.seen !== undefined) details['count'] = { name: 'Places seen', type: 'value', value: placeCount(f) };
  const verification = verificationLine(f);
  if (verification !== undefined) details['verification'] = { name: 'Verification', type: 'value', value: verification };

  const where = at?.commit !== undefined ? `${f.file}:${f.line} (commit ${at.commit.slice(0, 12)})` : `${f.file}:${f.line}`;
  return {
    id: vulnerabilityId(f),
    category: 'secret_detection',
    name: truncate(f.description || f.rule, 255),
    description: `${f.description} found in ${where}.${presentAtHead === false ? ' It is no longer at HEAD but remains in the history.' : ''}`,
    severity: severityOf(f),
    solution: 'Revoke or rotate the credential, remove it from the code (and from the git history if it was pushed), and load it from a secret store instead.',
    raw_source_code_extract: shownSecret(f, ctx),
    location: {
      file: f.file,
      start_line: f.line,
      end_line: f.endLine,
      commit,
    },
    identifiers: [{ type: IDENTIFIER_TYPE, name: `secret-sweep rule ${f.rule}`, value: f.rule }],
    details,
  };
}

export const gitlabReporter: Reporter = (findings, ctx) => {
  const tool = { id: 'secret-sweep', name: 'secret-sweep', url: ctx.informationUri ?? INFORMATION_URI, version: ctx.version || '0.0.0', vendor: { name: 'secret-sweep' } };
  const messages: Array<{ level: 'info' | 'warn'; value: string }> = [];
  // Content that could not be read: the scan is reported as failed ("status": "failure"), each file named.
  const unread = unreadSkips(ctx.stats);
  if (unread.length > 0) messages.push({ level: 'warn', value: incompleteText(unread.length) });
  for (const s of unread) messages.push({ level: 'warn', value: unreadText(s) });
  for (const [reason, n] of skippedByReason(ctx.stats)) messages.push({ level: 'info', value: `skipped ${n} file(s): ${reason}` });
  for (const f of ctx.suppressed ?? [])
    messages.push({ level: 'info', value: `suppressed (${f.suppressed ?? 'inline allow marker'}): ${f.file}:${f.line} ${f.rule}${commitOf(f) ? ` (commit ${commitOf(f)!.slice(0, 12)})` : ''}` });
  for (const note of ctx.stats.notes) if (note) messages.push({ level: 'warn', value: note });

  const scan: Record<string, unknown> = {
    analyzer: tool,
    scanner: tool,
    type: 'secret_detection',
    start_time: gitlabTime(ctx.startedAt),
    end_time: gitlabTime(ctx.finishedAt),
    status: unread.length > 0 ? 'failure' : 'success',
  };
  if (messages.length > 0) scan['messages'] = messages;

  const report = {
    version: GITLAB_SCHEMA_VERSION,
    schema: GITLAB_SCHEMA_URI,
    scan,
    vulnerabilities: findings.map((f) => vulnerability(f, ctx)),
  };
  return JSON.stringify(report, null, 2) + '\n';
};

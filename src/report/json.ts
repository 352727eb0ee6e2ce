/**
 * json: one document, `{ version, findings, suppressed, stats }`. `findings` holds the same records as the
 * jsonl format, so a script can switch between the two without renaming keys; `suppressed` (present when there
 * are any) the findings an inline allow marker suppressed, each with `suppressed: true` and the reason.
 */
import type { Reporter } from './reporter.js';
import type { Skipped } from '../sources/source.js';
import { findingRecord, skippedByReason, suppressedRecord, verificationTotals } from './jsonl.js';
import { unreadSkips } from './incomplete.js';

const skipRecord = (s: Skipped) => (s.detail === undefined ? { path: s.path, reason: s.reason } : { path: s.path, reason: s.reason, detail: s.detail });

export const jsonReporter: Reporter = (findings, ctx) => {
  const unread = unreadSkips(ctx.stats);
  const doc = {
    version: ctx.version,
    // False when something could not be read (too large, unreadable, missing blob): listed in `skipped`.
    incomplete: unread.length > 0,
    ...(unread.length > 0 ? { skipped: unread.map(skipRecord) } : {}),
    findings: findings.map((f) => findingRecord(f, ctx)),
    // Only when there are any: documents of scans without suppressions keep their three keys.
    ...(ctx.suppressed?.length ? { suppressed: ctx.suppressed.map((f) => suppressedRecord(f, ctx)) } : {}),
    stats: {
      findings: findings.length,
      suppressed: ctx.suppressed?.length ?? 0,
      files: ctx.stats.files,
      bytes: ctx.stats.bytes,
      skipped: ctx.stats.skipped.map(skipRecord),
      skippedByReason: Object.fromEntries(skippedByReason(ctx.stats)),
      notes: [...ctx.stats.notes],
      ...(verificationTotals(findings) ? { verification: verificationTotals(findings) } : {}),
      startedAt: ctx.startedAt,
      finishedAt: ctx.finishedAt,
    },
  };
  return JSON.stringify(doc, null, 2) + '\n';
};

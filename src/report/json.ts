/**
 * json: one document, `{ version, findings, stats }`. `findings` holds the same records as the jsonl
 * format, so a script can switch between the two without renaming keys.
 */
import type { Reporter } from './reporter.js';
import { findingRecord, skippedByReason } from './jsonl.js';

export const jsonReporter: Reporter = (findings, ctx) => {
  const doc = {
    version: ctx.version,
    findings: findings.map((f) => findingRecord(f, ctx)),
    stats: {
      findings: findings.length,
      files: ctx.stats.files,
      bytes: ctx.stats.bytes,
      skipped: ctx.stats.skipped.map((s) => (s.detail === undefined ? { path: s.path, reason: s.reason } : { path: s.path, reason: s.reason, detail: s.detail })),
      skippedByReason: Object.fromEntries(skippedByReason(ctx.stats)),
      notes: [...ctx.stats.notes],
      startedAt: ctx.startedAt,
      finishedAt: ctx.finishedAt,
    },
  };
  return JSON.stringify(doc, null, 2) + '\n';
};

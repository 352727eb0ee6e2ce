/**
 * junit: JUnit XML for CI test-report panels (GitLab, Jenkins, Azure, CircleCI).
 *
 * Layout choice: ONE TESTCASE PER RULE that ran (every rule in `ctx.rules`, plus any rule a finding names
 * that the context does not know), with one `<failure>` per finding of that rule. A rule with no findings is
 * a passing test, so the panel shows what was checked. (One testcase per file would need the list of
 * scanned files, which the reporter does not get: only their count.) When no rule is known and nothing was
 * found, a single passing `scan` testcase keeps the suite non-empty.
 *
 * Everything is XML-escaped, characters XML 1.0 cannot carry are replaced by U+FFFD, and the secret is the
 * redacted value unless --show-secrets.
 */
import { unreadSkips, unreadText } from './incomplete.js';
import { commitOf, type Finding } from '../findings/finding.js';
import type { Reporter, ReportContext } from './reporter.js';
import { placeCount, shownSecret, skippedByReason, verificationLine } from './jsonl.js';

/** Escape text for XML 1.0 content and attribute values (double-quoted), dropping forbidden characters. */
export function xmlEscape(s: string): string {
  return (
    s
      // Characters outside the XML 1.0 Char production: C0 controls except tab/LF/CR, lone surrogates, U+FFFE/F.
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
      // A literal CR would be normalised away by parsers.
      .replace(/\r/g, '&#13;')
  );
}

/** An attribute value: also keeps tabs and line breaks, which parsers would otherwise turn into spaces. */
function xmlAttr(s: string): string {
  return xmlEscape(s).replace(/\n/g, '&#10;').replace(/\t/g, '&#9;');
}

function attrs(a: Record<string, string | number>): string {
  return Object.entries(a)
    .map(([k, v]) => ` ${k}="${xmlAttr(String(v))}"`)
    .join('');
}

function seconds(ctx: ReportContext): string {
  const t = (Date.parse(ctx.finishedAt) - Date.parse(ctx.startedAt)) / 1000;
  return Number.isFinite(t) && t >= 0 ? t.toFixed(3) : '0';
}

function failureBody(f: Finding, ctx: ReportContext): string {
  const lines = [
    `${f.file}:${f.line}:${f.column}  ${f.rule}  ${f.description}`,
    `match: ${shownSecret(f, ctx)}`,
    `fingerprint: ${f.fingerprint}`,
    `severity: ${f.severity}`,
  ];
  const at = f.seen?.at;
  const presentAtHead = f.seen?.presentAtHead;
  if (at?.commit !== undefined) lines.push(`commit: ${at.commit}`);
  if (at?.author !== undefined) lines.push(`author: ${at.author}`);
  if (at?.date !== undefined) lines.push(`date: ${at.date}`);
  if (presentAtHead !== undefined) lines.push(`present at HEAD: ${presentAtHead ? 'yes' : 'no'}`);
  const verification = verificationLine(f);
  if (verification !== undefined) lines.push(`verification: ${verification}`);
  const others = placeCount(f) - 1;
  if (others > 0) lines.push(`also in ${others} other place${others === 1 ? '' : 's'}`);
  return lines.join('\n');
}

export const junitReporter: Reporter = (findings, ctx) => {
  const byRule = new Map<string, { description: string; findings: Finding[] }>();
  for (const r of ctx.rules.values()) byRule.set(r.id, { description: r.description, findings: [] });
  for (const f of findings) {
    let entry = byRule.get(f.rule);
    if (!entry) {
      entry = { description: f.description, findings: [] };
      byRule.set(f.rule, entry);
    }
    entry.findings.push(f);
  }

  const cases: string[] = [];
  for (const [id, { findings: fs }] of byRule) {
    const head = `    <testcase${attrs({ name: id, classname: 'secret-sweep', time: '0' })}`;
    if (fs.length === 0) {
      cases.push(head + '/>');
      continue;
    }
    const failures = fs.map(
      (f) =>
        `      <failure${attrs({ message: `${f.file}:${f.line}:${f.column} ${f.description}: ${shownSecret(f, ctx)}${f.verification ? ` (${f.verification.status})` : ''}`, type: f.rule })}>` +
        xmlEscape(failureBody(f, ctx)) +
        '</failure>',
    );
    cases.push(`${head}>\n${failures.join('\n')}\n    </testcase>`);
  }
  if (cases.length === 0) cases.push(`    <testcase${attrs({ name: 'scan', classname: 'secret-sweep', time: '0' })}/>`);
  // Each file or blob that could not be read is an error: the run is incomplete.
  const unread = unreadSkips(ctx.stats);
  for (const s of unread) {
    cases.push(
      `    <testcase${attrs({ name: `read ${s.path}`, classname: 'secret-sweep.incomplete', time: '0' })}>\n` +
        `      <error${attrs({ message: unreadText(s), type: s.reason })}/>\n    </testcase>`,
    );
  }

  const tests = Math.max(byRule.size, 1) + unread.length;
  const errors = unread.length;
  const failures = findings.length;
  const time = seconds(ctx);
  const timestamp = Number.isNaN(Date.parse(ctx.startedAt)) ? undefined : new Date(Date.parse(ctx.startedAt)).toISOString().slice(0, 19);

  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  out.push(`<testsuites${attrs({ name: 'secret-sweep', tests, failures, errors, time })}>`);
  out.push(
    `  <testsuite${attrs({ name: 'secret-sweep', tests, failures, errors, skipped: 0, time, ...(timestamp ? { timestamp } : {}) })}>`,
  );
  out.push(
    `    <properties>\n` +
      `      <property${attrs({ name: 'version', value: ctx.version })}/>\n` +
      `      <property${attrs({ name: 'files', value: ctx.stats.files })}/>\n` +
      `      <property${attrs({ name: 'bytes', value: ctx.stats.bytes })}/>\n` +
      `    </properties>`,
  );
  out.push(...cases);
  const sysout: string[] = [];
  for (const [reason, n] of skippedByReason(ctx.stats)) sysout.push(`skipped ${n} file(s): ${reason}`);
  for (const s of ctx.stats.skipped) sysout.push(`skipped (${s.reason}): ${s.path}`);
  for (const f of ctx.suppressed ?? []) sysout.push(`suppressed (${f.suppressed ?? 'inline allow marker'}): ${f.file}:${f.line}:${f.column} ${f.rule}${commitOf(f) ? ` commit ${commitOf(f)}` : ''}`);
  for (const note of ctx.stats.notes) sysout.push(`note: ${note}`);
  if (sysout.length > 0) out.push(`    <system-out>${xmlEscape(sysout.join('\n'))}</system-out>`);
  out.push('  </testsuite>');
  out.push('</testsuites>');
  return out.join('\n') + '\n';
};

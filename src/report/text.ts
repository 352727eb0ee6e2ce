/**
 * text: the human format. One block per finding, then a summary line.
 *
 *   config/app.py:12:9  aws-access-key-id  AWS access key ID
 *     match:        AKIA…
 *     fingerprint:  3f9c…
 *     commit:       1a2b3c4d5e6f (Ada Lovelace, 2024-05-01T10:00:00Z), no longer at HEAD
 *     also in 2 other places
 *
 *   1 finding in 1 file; 42 files scanned, 1.3 MB; skipped 2 files (1 binary, 1 too-large)
 *
 * Colour is plain ANSI SGR codes, used only when `ctx.color`. Everything that comes from the scanned
 * content or the repository (paths, author names, --show-secrets values) has its control characters made
 * visible, so a crafted file name cannot move the cursor or recolour the terminal.
 */
import { incompleteText, unreadSkips } from './incomplete.js';
import { commitOf, type Finding } from '../findings/finding.js';
import type { Reporter, ReportContext } from './reporter.js';
import { placeCount, shownSecret, skippedByReason, verificationLine } from './jsonl.js';

const SGR = {
  reset: '\u001b[0m',
  bold: '\u001b[1m',
  dim: '\u001b[2m',
  red: '\u001b[31m',
  green: '\u001b[32m',
  yellow: '\u001b[33m',
  cyan: '\u001b[36m',
} as const;

type Style = keyof typeof SGR;

function paint(ctx: ReportContext, style: Style | Style[], s: string): string {
  if (!ctx.color) return s;
  const codes = (Array.isArray(style) ? style : [style]).map((k) => SGR[k]).join('');
  return codes + s + SGR.reset;
}

/** Make C0/C1 control characters (ESC, CR, BEL, ...) visible as \xNN / \u{NNNN}. */
export function visible(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => {
    const n = c.charCodeAt(0);
    if (c === '\t') return '\\t';
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    return n <= 0xff ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u{${n.toString(16)}}`;
  });
}

const severityStyle: Record<Finding['severity'], Style> = { high: 'red', medium: 'yellow', low: 'cyan' };

function plural(n: number, one: string, many = one + 's'): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Human-readable size: kB below one megabyte, MB above (decimal units, like `ls -h --si`). */
export function formatSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(1)} kB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

function findingBlock(f: Finding, ctx: ReportContext): string {
  const lines: string[] = [];
  const where = `${visible(f.file)}:${f.line}:${f.column}`;
  lines.push(`${paint(ctx, 'bold', where)}  ${paint(ctx, [severityStyle[f.severity], 'bold'], visible(f.rule))}  ${visible(f.description)}`);
  lines.push(`  match:        ${paint(ctx, severityStyle[f.severity], visible(shownSecret(f, ctx)))}`);
  lines.push(`  fingerprint:  ${paint(ctx, 'dim', f.fingerprint)}`);
  const at = f.seen?.at;
  if (at?.commit !== undefined) {
    const who = [at.author !== undefined ? visible(at.author) : undefined, at.date !== undefined ? visible(at.date) : undefined]
      .filter((x): x is string => x !== undefined)
      .join(', ');
    let line = `  commit:       ${visible(at.commit.slice(0, 12))}${who ? ` (${who})` : ''}`;
    if (f.seen?.presentAtHead === false) line += ', ' + paint(ctx, 'yellow', 'no longer at HEAD (still in history)');
    else if (f.seen?.presentAtHead === true) line += ', still at HEAD';
    lines.push(line);
  } else {
    if (at?.author !== undefined) lines.push(`  author:       ${visible(at.author)}`);
    if (at?.date !== undefined) lines.push(`  date:         ${visible(at.date)}`);
  }
  const verification = verificationLine(f);
  if (verification !== undefined) {
    const style: Style = f.verification!.status === 'live' ? 'red' : f.verification!.status === 'invalid' ? 'green' : 'dim';
    lines.push(`  verification: ${paint(ctx, style, visible(verification))}`);
  }
  const others = placeCount(f) - 1;
  if (others > 0) lines.push(`  also in ${plural(others, 'other place')}`);
  return lines.join('\n');
}

function summary(findings: Finding[], ctx: ReportContext): string[] {
  const scanned = `${plural(ctx.stats.files, 'file')} scanned, ${formatSize(ctx.stats.bytes)}`;
  const out: string[] = [];
  if (findings.length === 0) {
    out.push(`${paint(ctx, ['green', 'bold'], 'no leaks found')} (${scanned})`);
  } else {
    const files = new Set(findings.map((f) => f.file)).size;
    out.push(`${paint(ctx, ['red', 'bold'], plural(findings.length, 'finding'))} in ${plural(files, 'file')}; ${scanned}`);
  }
  const skipped = skippedByReason(ctx.stats);
  if (skipped.length > 0) {
    const detail = skipped.map(([reason, n]) => `${n} ${reason}`).join(', ');
    out.push(`skipped ${plural(ctx.stats.skipped.length, 'file')} (${detail})`);
  }
  out.push(...suppressedLines(ctx));
  for (const note of ctx.stats.notes) out.push(`${paint(ctx, 'yellow', 'note:')} ${visible(note)}`);
  const unread = unreadSkips(ctx.stats).length;
  if (unread > 0) out.push(`${paint(ctx, ['red', 'bold'], incompleteText(unread))} (named in the warnings on stderr)`);
  return out;
}

/** Suppressed entries shown one per line, at most this many (all of them are in json, jsonl and sarif). */
const SUPPRESSED_SHOWN = 20;

/** The count of findings inline markers suppressed, and where they are: a marker a change adds is seen in review. */
function suppressedLines(ctx: ReportContext): string[] {
  const list = ctx.suppressed ?? [];
  if (list.length === 0) return [];
  const out = [`${paint(ctx, 'yellow', `${plural(list.length, 'finding')} suppressed`)} by inline allow markers (not counted; config \`inline_allow: false\` turns markers off):`];
  for (const f of list.slice(0, SUPPRESSED_SHOWN)) {
    const c = commitOf(f);
    const commit = c !== undefined ? ` (commit ${visible(c.slice(0, 12))})` : '';
    out.push(`  ${visible(f.file)}:${f.line}:${f.column}  ${visible(f.rule)}  ${visible(f.suppressed ?? '')}${commit}`);
  }
  if (list.length > SUPPRESSED_SHOWN) out.push(`  and ${list.length - SUPPRESSED_SHOWN} more (listed in --format json, jsonl, sarif)`);
  return out;
}

export const textReporter: Reporter = (findings, ctx) => {
  const blocks = findings.map((f) => findingBlock(f, ctx));
  const parts = blocks.length > 0 ? [blocks.join('\n\n'), ''] : [];
  parts.push(...summary(findings, ctx));
  return parts.join('\n') + '\n';
};

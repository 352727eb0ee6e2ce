/**
 * sarif: SARIF 2.1.0, for GitHub code scanning, Azure DevOps and IDE viewers.
 *
 * - One run; `tool.driver.rules` lists every rule that ran (from `ctx.rules`), plus any rule a finding names
 *   that the context does not know, and results point at their rule by `ruleIndex`.
 * - Locations are relative, '/'-separated URIs against `%SRCROOT%` (declared in `originalUriBaseIds` as the
 *   scanned root). SARIF's `endColumn` is exclusive while a finding's is inclusive: hence the +1.
 * - `partialFingerprints["secretSweep/v1"]` is the finding's fingerprint, so viewers keep tracking an alert
 *   when the line moves.
 * - Skipped files and notes become tool execution notifications of the one invocation.
 * - Findings an inline allow marker suppressed are results too, with `suppressions: [{ kind: "inSource" }]`.
 */
import { incompleteText, unreadSkips } from './incomplete.js';
import { pathToFileURL } from 'node:url';
import type { Finding } from '../findings/finding.js';
import type { Reporter } from './reporter.js';
import { encodingName, placeCount, provenanceRecord, shownSecret } from './jsonl.js';

export const SARIF_SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
export const INFORMATION_URI = 'https://www.npmjs.com/package/secret-sweep';
export const FINGERPRINT_KEY = 'secretSweep/v1';
const SRCROOT = '%SRCROOT%';

type Level = 'error' | 'warning' | 'note';
const levelOf: Record<string, Level> = { high: 'error', medium: 'warning', low: 'note' };
/** GitHub code scanning reads `security-severity` (0.0-10.0) to rank alerts. */
const securitySeverityOf: Record<string, string> = { high: '8.9', medium: '6.5', low: '3.0' };

type RuleMeta = { id: string; description: string; tags: string[]; references: string[]; severity: string };

function isHttpUri(s: string): boolean {
  try {
    const u = new URL(s);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}

/**
 * A relative path as a URI reference: each segment percent-encoded, '/' kept. Paths are already
 * '/'-separated; a backslash is part of a (POSIX) file name and is encoded like any other character.
 */
export function pathToUriReference(path: string): string {
  return path
    .split('/')
    .map((seg) => encodeURIComponent(seg))
    .join('/');
}

function rootUri(root: string): string {
  const href = pathToFileURL(root).href;
  return href.endsWith('/') ? href : href + '/';
}

/** A valid date-time or nothing: SARIF validators reject malformed times. */
function isoOrUndefined(s: string): string | undefined {
  if (!s) return undefined;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

function sarifRule(meta: RuleMeta): Record<string, unknown> {
  const level = levelOf[meta.severity] ?? 'warning';
  const rule: Record<string, unknown> = {
    id: meta.id,
    name: meta.id,
    shortDescription: { text: meta.description || meta.id },
    fullDescription: { text: meta.description || meta.id },
    helpUri: meta.references.find(isHttpUri) ?? INFORMATION_URI,
    help: {
      text:
        `${meta.description || meta.id}. Revoke or rotate the credential, then remove it from the code ` +
        '(and from history if it was ever pushed); keep it in a secret store instead.',
    },
    defaultConfiguration: { level },
    properties: {
      tags: [...new Set(['security', 'secret', ...meta.tags])],
      precision: 'high',
      'security-severity': securitySeverityOf[meta.severity] ?? securitySeverityOf['medium'],
    },
  };
  return rule;
}

function resultProperties(f: Finding): Record<string, unknown> {
  const p: Record<string, unknown> = { tags: [...f.tags], severity: f.severity };
  if (f.key !== undefined) p['key'] = f.key;
  if (f.verifiedChecksum !== undefined) p['verifiedChecksum'] = f.verifiedChecksum;
  const enc = encodingName(f);
  if (enc !== undefined) p['decodedFrom'] = enc;
  const seen = f.seen;
  if (seen !== undefined) {
    const at = seen.at;
    if (at?.commit !== undefined) p['commit'] = at.commit;
    if (at?.author !== undefined) p['author'] = at.author;
    if (at?.email !== undefined) p['email'] = at.email;
    if (at?.date !== undefined) p['date'] = at.date;
    if (seen.presentAtHead !== undefined) p['presentAtHead'] = seen.presentAtHead;
    p['count'] = placeCount(f);
    p['provenances'] = seen.places.map(provenanceRecord);
  }
  const v = f.verification;
  if (v !== undefined) {
    p['verification'] = v.status;
    if (v.verifier !== undefined) p['verifier'] = v.verifier;
    if (v.identity !== undefined) p['identity'] = { ...v.identity };
    if (v.reason !== undefined) p['verificationReason'] = v.reason;
  }
  return p;
}

/**
 * A finding in a commit message or header, a tag message or a pull request's text has no file: its "file"
 * is the place in parentheses (`(commit message)`, `(commit header)`, `(message of tag NAME)`, `(pull
 * request title)`: sources/git/messages.ts, scan/ci-range.ts). Code scanning needs a physical location, so
 * that pseudo-path stays, and the commit, tag or request is named where viewers show it: the message text
 * and a logical location.
 */
const TEXT_PLACE = /^\((commit message|commit header|message of tag (.+)|pull request (?:title|description|branch name))\)$/;

function textPlace(f: Finding): { kind: string; name: string; fqn: string; shown: string } | undefined {
  const m = TEXT_PLACE.exec(f.file);
  if (m === null) return undefined;
  const commit = f.seen?.at?.commit;
  if (m[2] !== undefined) return { kind: 'tag message', name: m[2], fqn: `refs/tags/${m[2]}`, shown: `in the message of tag ${m[2]}` };
  if (m[1]!.startsWith('pull request')) return { kind: m[1]!, name: m[1]!, fqn: m[1]!, shown: `in the ${m[1]}` };
  if (!commit) return undefined;
  return { kind: m[1]!, name: commit, fqn: commit, shown: `in the ${m[1]!.replace('commit ', '')} of commit ${commit.slice(0, 12)}` };
}

function textPlaceText(f: Finding): string {
  const p = textPlace(f);
  return p === undefined ? '' : ` (${p.shown})`;
}

function textLogicalLocation(f: Finding): { logicalLocations?: { kind: string; name: string; fullyQualifiedName: string }[] } {
  const p = textPlace(f);
  return p === undefined ? {} : { logicalLocations: [{ kind: p.kind, name: p.name, fullyQualifiedName: p.fqn }] };
}

export const sarifReporter: Reporter = (findings, ctx) => {
  // Rules: everything that ran, then anything a finding names that the context did not describe.
  const metas: RuleMeta[] = [...ctx.rules.values()];
  const known = new Set(metas.map((m) => m.id));
  for (const f of [...findings, ...(ctx.suppressed ?? [])]) {
    if (!known.has(f.rule)) {
      known.add(f.rule);
      metas.push({ id: f.rule, description: f.description, tags: f.tags, references: [], severity: f.severity });
    }
  }
  const ruleIndex = new Map(metas.map((m, i) => [m.id, i]));

  const result = (f: Finding) => ({
    ruleId: f.rule,
    ruleIndex: ruleIndex.get(f.rule)!,
    level: levelOf[f.severity] ?? 'warning',
    kind: 'fail',
    message: { text: `${f.description}: ${shownSecret(f, ctx)}${textPlaceText(f)}${f.verification ? ` (verification: ${f.verification.status})` : ''}` },
    locations: [
      {
        ...textLogicalLocation(f),
        physicalLocation: {
          artifactLocation: { uri: pathToUriReference(f.file), uriBaseId: SRCROOT },
          region: {
            startLine: f.line,
            startColumn: f.column,
            endLine: f.endLine,
            endColumn: f.endColumn + 1,
          },
        },
      },
    ],
    partialFingerprints: { [FINGERPRINT_KEY]: f.fingerprint },
    properties: resultProperties(f),
  });
  // Suppressed by an inline marker: still a result, with an in-source suppression (viewers show it as such).
  const results = [
    ...findings.map(result),
    ...(ctx.suppressed ?? []).map((f) => ({ ...result(f), suppressions: [{ kind: 'inSource', justification: f.suppressed ?? 'inline allow marker' }] })),
  ];

  const unread = new Set(unreadSkips(ctx.stats));
  const notifications = [
    ...ctx.stats.skipped.map((s) => ({
      // Content that could not be read is an error: the run did not look at everything.
      level: unread.has(s) ? 'error' : 'note',
      message: { text: `skipped (${s.reason}${s.detail ? `: ${s.detail}` : ''}): ${s.path}` },
      locations: [{ physicalLocation: { artifactLocation: { uri: pathToUriReference(s.path), uriBaseId: SRCROOT } } }],
    })),
    ...ctx.stats.notes.map((n) => ({ level: 'warning', message: { text: n } })),
  ];

  const invocation: Record<string, unknown> = { executionSuccessful: unread.size === 0 };
  if (unread.size > 0) notifications.unshift({ level: 'error', message: { text: incompleteText(unread.size) } } as (typeof notifications)[number]);
  const start = isoOrUndefined(ctx.startedAt);
  const end = isoOrUndefined(ctx.finishedAt);
  if (start) invocation['startTimeUtc'] = start;
  if (end) invocation['endTimeUtc'] = end;
  if (notifications.length > 0) invocation['toolExecutionNotifications'] = notifications;

  const log = {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'secret-sweep',
            version: ctx.version,
            informationUri: ctx.informationUri ?? INFORMATION_URI,
            rules: metas.map(sarifRule),
          },
        },
        originalUriBaseIds: { [SRCROOT]: { uri: rootUri(ctx.root) } },
        invocations: [invocation],
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
};

/**
 * What moved where, and what to rotate.
 *
 * - `secret-sweep-migration.md` and `.json` at the repository root (mode 0600): each secret's name, ARN,
 *   version id, every location its values came from (history-only ones included: they cannot be
 *   rewritten), and a **rotate** line for every value, with a provider-specific hint by rule id. A value
 *   that was ever committed is burned, migrated or not.
 * - A `git filter-repo --replace-text` file (`literal:VALUE==>***REMOVED***`, see scrub.ts), created mode
 *   0600 in a fresh private folder OUTSIDE the repository (newReplacementsPath), for users who also scrub
 *   history, with the callbacks scrub-callbacks.ts writes beside it. It is the one file that holds plaintext; the
 *   report says so and where it is, and prints the scrub's commands.
 */
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve, isAbsolute } from 'node:path';
import { SweepError } from '../errors.js';
import { writePrivateFile } from '../cli/output.js';
import { writeFileAtomic } from '../fs/write-file.js';
import { formatLocation, valueKey, type Plan, type PlanValues, type ValueLocation } from './plan.js';
import type { SecretOutcome } from './apply.js';
import { migrationFacts } from './plan/rule-facts.js';
import type { RuleMigration, RuleSpec } from '../rules/rule.js';
import { commitOf, historyOnly, secretOf, type Finding } from '../findings/finding.js';
import { verificationText } from '../report/jsonl.js';
import { withoutSecrets } from '../findings/detected-text.js';
import type { ManualSite, RewriteRunResult } from './rewrite/run-rewriters.js';
import { REFS_FILE } from './run-env.js';
import { lockStepLine, type LockStep } from './lockfiles/lock-step.js';
import { committedValues, replacementLines, shortValueCount, SHORT } from './scrub.js';
import { writeCallbacks } from './scrub-callbacks.js';
import { hostSteps, scrubCommands, scrubContext } from './scrub-commands.js';
import { manualLanguageOf } from './manual-snippets.js';

export const REPORT_MD = 'secret-sweep-migration.md';
export const REPORT_JSON = 'secret-sweep-migration.json';

const GENERIC_HINT = 'issue a new credential at the provider, store it with `aws secretsmanager put-secret-value --secret-id <name>`, then revoke the old one';

let builtinFacts: ((rule: string) => RuleMigration | undefined) | undefined;

/**
 * A rotation hint for a rule id: the rule's `migrate.rotation` (rules/*.yaml; one with `key_regex` only for
 * the JSON keys it matches), else a generic one. `facts`: the rules in use (default: the built-in rules).
 */
export function rotateHint(rule: string | undefined, key?: string, facts?: (rule: string) => RuleMigration | undefined): string {
  const lookup = facts ?? (builtinFacts ??= migrationFacts());
  const r = rule === undefined ? undefined : lookup(rule)?.rotation;
  if (!r) return GENERIC_HINT;
  if (r.key_regex !== undefined && !(key !== undefined && new RegExp(r.key_regex).test(key))) return GENERIC_HINT;
  return r.hint;
}

const MAIL_HINT = 'mail (SMTP): set a new password (or API key) for this SMTP user at the mail provider, store it with `aws secretsmanager put-secret-value --secret-id <name>`, then revoke the old one';

/**
 * The rotate hint of one stored value: the rule's, except that a password rule's database hint is wrong for
 * a password whose secret also holds a mail server (a host smtp.* / mail.*, or port 25, 465, 587, 2525).
 */
function valueRotateHint(secret: string, rule: string | undefined, key: string, values: PlanValues, facts?: (rule: string) => RuleMigration | undefined): string {
  const hint = rotateHint(rule, key, facts);
  if (!hint.startsWith('database:')) return hint;
  const host = values.get(valueKey(secret, 'host'))?.value ?? '';
  const port = values.get(valueKey(secret, 'port'))?.value ?? '';
  return /^(smtp|mail)[.-]/i.test(host) || ['25', '465', '587', '2525'].includes(port.trim()) ? MAIL_HINT : hint;
}

/** The start of the name of the private folder each run's replacements file is created in (see newReplacementsPath). */
export function replacementsDirPrefix(root: string): string {
  const repo = basename(resolve(root)).replace(/[^A-Za-z0-9._-]+/g, '_') || 'repo';
  return join(tmpdir(), `secret-sweep-${repo}-`);
}

/**
 * A new path for the replacements file: in a fresh folder only this user can enter (mkdtemp: a random
 * name, mode 0700), so another local user cannot pre-create the file or a link there, and two
 * repositories with the same folder name never share one.
 */
export function newReplacementsPath(root: string): string {
  const dir = mkdtempSync(replacementsDirPrefix(root));
  chmodSync(dir, 0o700);
  return join(dir, 'replacements.txt');
}

/** Where a value an interrupted run took out of the code was, as an uninterrupted run lists it. */
function wasAt(f: Finding): ValueLocation & { where: string } {
  return {
    file: f.file, line: f.line, column: f.column, endLine: f.endLine, endColumn: f.endColumn,
    rule: f.rule, fingerprint: f.fingerprint, ...(f.key ? { key: f.key } : {}), historyOnly: false,
    where: formatLocation({ file: f.file, line: f.line, historyOnly: false }),
  };
}

/** Where a value the plan does not store was found: the working tree, or each commit and path of history. */
function notStoredLocations(f: Finding): Array<{ file: string; line: number; commit?: string; where: string }> {
  if (!historyOnly(f)) return [{ file: f.file, line: f.line, where: formatLocation({ file: f.file, line: f.line, historyOnly: false }) }];
  const provs = f.seen?.places.length ? f.seen.places : [{ path: f.file, commit: commitOf(f) }];
  const seen = new Set<string>();
  const out: Array<{ file: string; line: number; commit?: string; where: string }> = [];
  for (const p of provs) {
    const k = `${p.path}\0${p.commit ?? ''}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push({ file: p.path, line: f.line, ...(p.commit ? { commit: p.commit } : {}), where: formatLocation({ file: p.path, line: f.line, commit: p.commit, historyOnly: true }) });
  }
  return out;
}

export interface ReportInput {
  root: string;
  plan: Plan;
  values: PlanValues;
  outcomes: SecretOutcome[];
  backend: string;
  region?: string;
  runId: string;
  /** Where the filter-repo replacements go (default: os.tmpdir(); refused inside the repository). */
  replacementsPath?: string;
  /** What the code rewriters did (file edits, generated files, places left for a human). */
  rewrites?: RewriteRunResult;
  /** The rules in use, for their rotation hints (default: the built-in rules). */
  rules?: readonly RuleSpec[];
  /** Committed values the plan does not store (history-only without --include-history, too large): rotate and scrub. */
  notStored?: readonly Finding[];
  /**
   * Secrets an interrupted run stored whose values are no longer in the code (that run rewrote it):
   * listed so the resumed run's report is complete.
   */
  earlier?: Array<{ name: string; action: string; arn: string; versionId: string; values?: Array<{ key: string; finding: Finding }> }>;
  /**
   * Values an interrupted run took out of the code (committed at HEAD, gone from the work tree): listed
   * where they were, under the secret that holds them (see session.ts goneFromTree).
   */
  gone?: readonly Finding[];
  /** migrate --verify: what each value's issuer said, by fingerprint; live ones are listed first. */
  verification?: ReadonlyMap<string, NonNullable<Finding['verification']>>;
}

export interface ReportFiles {
  markdown: string;
  json: string;
  replacements: string;
}

interface JsonReport {
  tool: 'secret-sweep';
  run: string;
  backend: string;
  region?: string;
  app: string;
  env: string;
  replacementsFile: string;
  replacementsNote: string;
  /** The scrub, one shell line each (see scrub-commands.ts): mirror clone, filter-repo, check, mirror push, delete. */
  scrubCommands: string[];
  /** What no command of the scrub reaches (a host's LFS store, pull-request refs, forks): to do by hand or ask for. */
  hostSteps: string[];
  /** Values shorter than SHORT characters: replaced only where they stand alone. */
  shortValues: number;
  secrets: Array<{
    name: string;
    arn: string;
    versionId: string;
    action: string;
    resumed?: boolean;
    rotated?: boolean;
    keys: string[];
    values: Array<{ key: string; rule?: string; fingerprint: string; locations: Array<ValueLocation & { where: string }>; rotate: string; verification?: string }>;
    context: Array<{ key: string; from: string }>;
  }>;
  skipped: Plan['skipped'];
  /** Values found only in git history that were not stored: rotate each, and scrub history. */
  historyOnly: Array<{ rule: string; fingerprint: string; redacted: string; key?: string; locations: Array<{ file: string; line: number; commit?: string; where: string }>; rotate: string; verification?: string }>;
  /** Keys in the names of files still in the tree (`keys/AKIA….pub`): no rewriter renames a file; rotate, rename, scrub. */
  inFileNames: Array<{ rule: string; fingerprint: string; redacted: string; file: string; rotate: string }>;
  /** With --verify: every value its issuer says works (rotate these first), where it was found. */
  rotateFirst?: Array<{ fingerprint: string; rule?: string; where: string; verification: string }>;
  codeEdits: Array<{ file: string; rewriter: string; summary: string }>;
  generated: string[];
  /**
   * Start commands that change: each file that now reads `${VAR}` / `sm://` references, whose program
   * must start under `secret-sweep run -- COMMAND` (which reads the committed secret-sweep.refs).
   * Code that calls the generated helpers starts as before. A file stored whole (`secretName` set) is
   * written by `secret-sweep run --file PATH=sm://NAME#file` for the command's lifetime.
   */
  startCommands: Array<{ file: string; start: string; why: string; secretName?: string }>;
  /** Manifests (package.json, requirements.txt, pyproject.toml, Pipfile) that now declare the helper's SDK. */
  dependencies: Array<{ file: string; package: string; range: string }>;
  /**
   * Lock files that did not pin that SDK: `updated` by this run (package-lock.json), or `manual`: until
   * `command` runs in `cwd`, the project's locked install (`npm ci`, `poetry install`, ...) fails or leaves it out.
   */
  lockfiles: LockStep[];
  /** Places no rewriter could change safely: where, which secret and key, why, and a suggested edit. */
  manual: Array<ManualSite & { where: string }>;
  notes: string[];
  warnings: string[];
}

/** The scrub's commands and host steps; the places of every value, to find those in Git LFS objects. */
function scrubParts(input: ReportInput, replacements: string): Pick<JsonReport, 'scrubCommands' | 'hostSteps'> {
  const places = [
    ...input.plan.secrets.flatMap((s) => s.fields.flatMap((f) => (f.secret ? f.locations.map((l) => ({ path: l.file, commit: l.commit })) : []))),
    ...(input.notStored ?? []).flatMap((f) => (f.seen?.places.length ? f.seen.places.map((p) => ({ path: p.path, commit: p.commit })) : [{ path: f.file, commit: commitOf(f) }])),
  ];
  const ctx = scrubContext(input.root, places, committedValues(input.values, input.plan, input.notStored ?? []));
  return { scrubCommands: scrubCommands(ctx, replacements), hostSteps: hostSteps(ctx) };
}

/**
 * Every `file` and `where` of the report with the keys in paths redacted (`data/AKIA….lfs`), as the scan
 * command prints paths: the report is committed, and a history-only value found in a file whose name holds
 * another key printed that key (the history scan keeps raw paths: migrate reads blobs by them).
 */
function withoutPathSecrets<T>(node: T): T {
  if (Array.isArray(node)) return node.map(withoutPathSecrets) as T;
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, (k === 'file' || k === 'where') && typeof v === 'string' ? withoutSecrets(v) : withoutPathSecrets(v)])) as T;
}

export function buildJsonReport(input: ReportInput, replacements: string): JsonReport {
  return withoutPathSecrets(jsonReport(input, replacements));
}

function jsonReport(input: ReportInput, replacements: string): JsonReport {
  const byName = new Map(input.outcomes.map((o) => [o.name, o]));
  const facts = input.rules ? migrationFacts(input.rules) : undefined;
  const verified = (fp: string) => {
    const v = input.verification?.get(fp);
    return v ? { verification: verificationText(v) } : {};
  };
  const listedUnderEarlier = new Set<Finding>((input.earlier ?? []).flatMap((e) => (e.values ?? []).map((v) => v.finding)));
  const planned = new Set(input.plan.secrets.flatMap((s) => s.fields.filter((f) => f.secret).map((f) => f.fingerprint)));
  for (const g of input.gone ?? []) if (planned.has(g.fingerprint)) listedUnderEarlier.add(g);
  return withLiveFirst({
    tool: 'secret-sweep',
    run: input.runId,
    backend: input.backend,
    ...(input.region ? { region: input.region } : {}),
    app: input.plan.app,
    env: input.plan.env,
    replacementsFile: replacements,
    replacementsNote: 'holds the migrated values and every other committed value in PLAINTEXT (for git filter-repo --replace-text and --replace-message); delete it when done',
    ...scrubParts(input, replacements),
    shortValues: shortValueCount(input.values, input.plan, input.notStored),
    secrets: input.plan.secrets.map((s) => {
      const o = byName.get(s.name);
      return {
        name: s.name,
        arn: o?.arn ?? '',
        versionId: o?.versionId ?? '',
        action: o?.action ?? 'not migrated',
        ...(o?.resumed ? { resumed: true } : {}),
        ...(o?.rotated ? { rotated: true } : {}),
        keys: s.fields.map((f) => f.key),
        values: s.fields.filter((f) => f.secret).map((f) => ({
          key: f.key,
          rule: f.rule,
          fingerprint: f.fingerprint,
          locations: [...f.locations.map((l) => ({ ...l, where: formatLocation(l) })),
            ...(input.gone ?? []).filter((g) => g.fingerprint === f.fingerprint && !f.locations.some((l) => l.file === g.file && l.line === g.line)).map(wasAt)],
          rotate: valueRotateHint(s.name, f.rule, f.key, input.values, facts),
          ...verified(f.fingerprint),
        })),
        context: s.fields.filter((f) => !f.secret).map((f) => ({
          key: f.key,
          from: f.source.kind === 'literal' ? 'derived (engine / default port)' : formatLocation({ ...f.source, historyOnly: Boolean(f.source.commit) }),
        })),
      };
    }).concat((input.earlier ?? []).filter((e) => !input.plan.secrets.some((s) => s.name === e.name)).map((e) => ({
      name: e.name,
      arn: e.arn,
      versionId: e.versionId,
      action: `${e.action === 'reuse' ? 'reused' : e.action === 'create' ? 'created' : e.action === 'update' ? 'updated' : e.action} by an interrupted run, whose rewrites already removed its values from the code`,
      resumed: true,
      keys: [...new Set((e.values ?? []).map((v) => v.key))],
      values: [...new Set((e.values ?? []).map((v) => v.key))].map((key) => {
        const found = (e.values ?? []).filter((v) => v.key === key).map((v) => v.finding);
        const f = found[0]!;
        return {
          key,
          rule: f.rule,
          fingerprint: f.fingerprint,
          locations: found.map(wasAt),
          rotate: valueRotateHint(e.name, f.rule, key, input.values, facts),
          ...verified(f.fingerprint),
        };
      }),
      context: [],
    }))),
    skipped: input.plan.skipped,
    historyOnly: (input.notStored ?? []).filter((f) => historyOnly(f) && !listedUnderEarlier.has(f)).map((f) => ({
      rule: f.rule,
      fingerprint: f.fingerprint,
      redacted: f.redacted,
      ...(f.key ? { key: f.key } : {}),
      locations: notStoredLocations(f),
      rotate: rotateHint(f.rule, f.key, facts),
      ...verified(f.fingerprint),
    })),
    inFileNames: (input.notStored ?? []).filter((f) => !historyOnly(f) && f.decodedFrom === 'path').map((f) => ({
      rule: f.rule, fingerprint: f.fingerprint, redacted: f.redacted, file: f.file, rotate: rotateHint(f.rule, f.key, facts),
    })),
    codeEdits: (input.rewrites?.edits ?? input.plan.edits).map((e) => ({ file: e.file, rewriter: e.rewriter, summary: e.summary })),
    generated: input.rewrites?.generated ?? [],
    startCommands: [
      ...(input.rewrites?.runFiles ?? []).map((file) => {
        const resolvedBy = input.rewrites?.envResolvedBy ?? [];
        const envStyle = /(^|\/)\.env(\.[^/]*)?$|\.env$/.test(file);
        // `run` reads the root's .env and the working folder's; any other env file is named.
        const named = envStyle && file !== '.env';
        const why = !envStyle ? `reads \${VAR} references, listed in ${REFS_FILE}`
          : named ? `its values are sm:// references now (from the repository root; --env-file is relative to the working folder${file.endsWith('/.env') ? `, and in ${file.slice(0, -5)}/ \`secret-sweep run -- COMMAND\` reads it` : ''})`
          : 'its values are sm:// references now';
        // Code that loads it resolves the references itself (get_secret.resolve_environ, resolveEnvSync), as does a
        // `node --env-file` command with its preload (node-env-file.ts): that program
        // starts as before; which .env a loader finds is decided at run time, so other readers are named.
        return {
          file,
          start: named ? `secret-sweep run --env-file ${file} -- COMMAND` : 'secret-sweep run -- COMMAND',
          why: envStyle && resolvedBy.length
            ? `${why}; the code (or \`node --env-file\` command) that loads a .env itself (${resolvedBy.join(', ')}) resolves them and starts as before: start anything else that reads it (a shell \`source\`, \`docker --env-file\`, another language) as shown`
            : why,
        };
      }),
      ...(input.rewrites?.wholeFiles ?? []).map((w) => ({
        file: w.file, secretName: w.secretName, start: w.command,
        why: 'stored whole, untracked and git-ignored: `secret-sweep run --file` writes it (0600) for the command\'s lifetime',
      })),
    ],
    dependencies: input.rewrites?.dependencies ?? [],
    lockfiles: input.rewrites?.lockfiles ?? [],
    manual: (input.rewrites?.manual ?? []).map((m) => ({ ...m, where: `${m.file}:${m.line}:${m.column}` })),
    notes: input.rewrites?.notes ?? [],
    warnings: input.plan.warnings,
  }, input.verification !== undefined);
}

/** --verify: secrets holding a live value first, and the list of live values to rotate first. */
function withLiveFirst(r: JsonReport, verifying: boolean): JsonReport {
  if (!verifying) return r;
  const live = (v: { verification?: string }) => v.verification?.startsWith('live') === true;
  r.secrets = [...r.secrets].sort((a, b) => Number(b.values.some(live)) - Number(a.values.some(live)));
  r.historyOnly = [...r.historyOnly].sort((a, b) => Number(live(b)) - Number(live(a)));
  r.rotateFirst = [
    ...r.secrets.flatMap((s) => s.values.filter(live).map((v) => ({ fingerprint: v.fingerprint, rule: v.rule, where: v.locations[0]?.where ?? s.name, verification: v.verification! }))),
    ...r.historyOnly.filter(live).map((h) => ({ fingerprint: h.fingerprint, rule: h.rule, where: h.locations[0]?.where ?? '', verification: h.verification! })),
  ];
  return r;
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderMarkdown(r: JsonReport): string {
  const L: string[] = [];
  L.push('# secret-sweep migration report', '');
  L.push(`Run \`${r.run}\`, backend \`${r.backend}\`${r.region ? ` (${r.region})` : ''}, app \`${r.app}\`, env \`${r.env}\`.`, '');
  L.push('Every value below was committed to this repository. **Migrating it does not make it safe: rotate each one.**', '');
  if (r.rotateFirst) {
    L.push('## Rotate first: verified live', '');
    if (r.rotateFirst.length === 0) L.push('No value was verified live by its issuer (`--verify`); rotate them all the same.');
    for (const v of r.rotateFirst) L.push(`- ${v.where} (${v.rule ?? 'rule unknown'}): ${v.verification}`);
    L.push('');
  }
  L.push('| secret | keys | action | version | ARN |', '|---|---|---|---|---|');
  for (const s of r.secrets) {
    L.push(`| \`${cell(s.name)}\` | ${cell(s.keys.join(', '))} | ${s.action}${s.resumed ? ' (resumed)' : ''}${s.rotated ? ', rotation on' : ''} | \`${s.versionId}\` | \`${cell(s.arn)}\` |`);
  }
  L.push('');
  for (const s of r.secrets) {
    L.push(`## \`${s.name}\``, '');
    L.push(`- ARN: \`${s.arn}\``, `- version: \`${s.versionId}\``, `- action: ${s.action}${s.resumed ? ' (finished after an interrupted run)' : ''}`);
    for (const v of s.values) {
      L.push(`- \`${v.key}\` (${v.rule ?? 'rule unknown'}), found at:`);
      for (const l of v.locations) L.push(`  - ${l.where}${l.historyOnly ? ' — cannot be rewritten; scrub history or accept it is public' : ''}`);
      L.push(`  - **rotate**: ${v.rotate}${v.verification ? ` — verification: ${v.verification}` : ''}`);
    }
    for (const c of s.context) L.push(`- \`${c.key}\` (not secret) from ${c.from}`);
    L.push('');
  }
  if (r.skipped.length) {
    L.push('## Not migrated', '');
    for (const k of r.skipped) L.push(`- ${formatLocation(k.location)} (${k.location.rule ?? 'unknown rule'}): ${k.reason} — **rotate** it anyway`);
    L.push('');
  }
  if (r.historyOnly.length) {
    L.push('## Only in git history (not stored)', '');
    L.push(`${r.historyOnly.length} value(s) are no longer in the code but are in the repository's history, so anyone with a clone has them.`
      + ' They were not stored (`--include-history` stores them); rotate each one, and scrub history (below).', '');
    for (const h of r.historyOnly) {
      L.push(`- \`${h.redacted}\` (${h.rule}${h.key ? `, \`${cell(h.key)}\`` : ''}), fingerprint \`${h.fingerprint}\`, found at:`);
      for (const l of h.locations) L.push(`  - ${l.where}`);
      L.push(`  - **rotate**: ${h.rotate}${h.verification ? ` — verification: ${h.verification}` : ''}`);
    }
    L.push('');
  }
  L.push('## Code changes', '');
  if (r.codeEdits.length === 0) L.push('No file was rewritten.');
  for (const e of r.codeEdits) L.push(`- ${e.summary}`);
  if (r.generated.length) L.push('', `Generated or extended: ${r.generated.map((g) => `\`${g}\``).join(', ')}.`);
  if (r.startCommands.length) {
    L.push('', `### Start commands that change`, '', `These files now read references (\`VAR=sm://NAME#KEY\`, in the committed \`${REFS_FILE}\` or the file itself): start the program that reads each one as shown (\`secret-sweep run -- COMMAND\` reads the committed references and the root's \`.env\` from any folder of the repository; another env file is named with \`--env-file\`). Code that calls the generated helpers starts as before.`, '');
    if (r.startCommands.some((c) => c.secretName)) L.push('Files stored whole are untracked and git-ignored (your local copy stays); whatever reads one starts as shown, from the repository root.', '');
    for (const c of r.startCommands) L.push(`- \`${c.file}\`: \`${c.start}\` (${c.why})`);
  } else if (r.codeEdits.length && r.backend === 'dotenv') {
    // The dotenv backend writes no helper: the rewritten code reads the environment, which nothing fills
    // unless the program starts with the git-ignored .env loaded.
    L.push('', 'Start commands change: the rewritten code reads its values from the environment, and they are in the git-ignored `.env` at the repository root. Start the program with `secret-sweep run -- COMMAND` (it reads the root `.env` from any folder of the repository), or load that `.env` yourself (docker compose `env_file`, `node --env-file=.env`, python-dotenv\'s `load_dotenv()`).');
  } else if (r.codeEdits.length) {
    L.push('', 'No start command changes: the rewritten code fetches its secrets itself.');
  }
  if (r.dependencies.length) {
    L.push('', '### Dependencies added', '');
    for (const d of r.dependencies) {
      if (d.file.endsWith('package.json')) L.push(`- \`${d.file}\`: \`${d.package}\` \`${d.range}\` — install the project's dependencies again where it runs`);
      else L.push(`- \`${d.file}\`: \`${d.package}\` — install the project's dependencies again where it runs (\`pip install ${d.file.endsWith('requirements.txt') ? `-r ${d.file}` : '.'}\`)`);
    }
  }
  const updatedLocks = r.lockfiles.filter((l) => l.status === 'updated');
  if (updatedLocks.length) {
    L.push('', '### Lock files updated', '');
    for (const l of updatedLocks) L.push(`- ${lockStepLine(l)}`);
  }
  if (r.codeEdits.length || r.generated.length) L.push('', 'Check every reference with `secret-sweep verify-refs`.');
  for (const n of r.notes) L.push(`- note: ${n}`);
  L.push('');
  const manualLocks = r.lockfiles.filter((l) => l.status !== 'updated');
  if (r.manual.length || manualLocks.length) L.push('## Manual: left for you', '');
  if (r.manual.length) {
    L.push('These places still hold a migrated value; no rewriter could change them safely.', '');
    for (const m of r.manual) {
      L.push(`- ${m.where} → \`${m.secretName}\` key \`${m.jsonKey}\`: ${m.reason}${m.suggestion ? `. Suggested edit: ${m.suggestion}` : ''}`);
    }
    L.push('');
    L.push(...otherLanguageSections(r.manual));
  }
  if (manualLocks.length) {
    L.push('### Lock files', '', 'The rewritten code needs a package these lock files do not pin yet: until you run the command (in the folder shown) and commit the result, the project\'s locked install fails or leaves the package out.', '');
    for (const l of manualLocks) L.push(`- \`${l.file}\`: \`${l.command}\` in \`${l.cwd}\` — ${l.why}`);
    L.push('');
  }
  if (r.warnings.length) {
    L.push('## Warnings', '');
    for (const w of r.warnings) L.push(`- ${w}`);
    L.push('');
  }
  L.push('## Scrubbing history (optional)', '');
  const leftAtHead = new Set(r.manual.map((m) => m.file));
  if (leftAtHead.size) {
    // The scrub rewrites the last commit too: a value still in a file would become the marker there.
    L.push(`**Do the manual edits first.** ${r.manual.length} value(s) are still in ${leftAtHead.size} file(s) of the current code (see "Manual: left for you"):`
      + ' the scrub replaces them there too, and whatever reads those files would then read `***REMOVED***`.', '');
  }
  L.push(`\`${r.replacementsFile}\` is a \`git filter-repo --replace-text\` file. **It holds every migrated value in plaintext**`
    + ', and every other value ever committed (history-only ones included), each also as JSON, URL, XML, backslash-escaped and base64 text'
    + ', in a folder only you can read, outside the repository.'
    + ' Commit and push the migration first; then scrub a mirror clone of the shared repository (a plain clone leaves notes behind), check, push every ref back, and delete the file:', '');
  L.push('```sh', ...r.scrubCommands, '```', '');
  L.push('Each value becomes `***REMOVED***` in every file of every commit (a PEM key keeps its BEGIN/END lines, its body is replaced)'
    + ', in commit and tag messages (`--replace-message`), in binary and UTF-16 files (`--blob-callback`, which `--replace-text` alone skips; a binary file that held a value may no longer load)'
    + ', in author, committer and tagger names and emails (`--name-callback`, `--email-callback`), and in file paths and branch and tag names (`--filename-callback`, `--refname-callback`, as `REMOVED`)'
    + '; other commit headers (`gpgsig`, `mergetag`, any extra one) are dropped, and `refs/replace/*` deleted.'
    + ' Rewriting history changes every commit id after the first secret: coordinate with everyone who has a clone, and have them clone again.'
    + ' Your own clone keeps the old commits in its stash and reflog: clone again after the push. Rotation is still required.', '');
  L.push('### What the scrub cannot reach', '', 'No command above removes these; every value is in the rotate list all the same.', '');
  for (const h of r.hostSteps) L.push(`- ${h}`);
  L.push('');
  if (r.shortValues) {
    L.push(`${r.shortValues} value(s) are shorter than ${SHORT} characters: each is replaced only where no letter, digit or \`_\` touches it`
      + ' (as a literal it would also rewrite longer words that contain it); check what the scrub changed with `git log -p` before the push.', '');
  }
  return L.join('\n');
}

/** For each language left manual that has an SDK snippet (manual-snippets.ts): the dependency and the function, once. */
function otherLanguageSections(manual: JsonReport['manual']): string[] {
  const L: string[] = [];
  const seen = new Set<string>();
  for (const m of manual) {
    const lang = manualLanguageOf(m.file);
    if (lang === undefined || seen.has(lang.name) || !m.reason.startsWith('no rewriter for ')) continue;
    seen.add(lang.name);
    L.push(`### Reading secrets in ${lang.name}`, '', `Add the AWS SDK (\`${lang.dependency}\`) and this function; it uses the SDK's default credentials, region and endpoint (\`AWS_ENDPOINT_URL\` included). Each place above names the call that replaces its literal.${lang.note ? ` ${lang.note}` : ''}`, '');
    L.push('```' + lang.fence, lang.helper, '```', '');
  }
  return L;
}

/** Write the three files. Refuses a replacements path inside the repository. */
export function writeReports(input: ReportInput): ReportFiles {
  const root = resolve(input.root);
  const replacements = resolve(input.replacementsPath ?? newReplacementsPath(root));
  const rel = relative(root, replacements);
  if (!rel.startsWith('..') && !isAbsolute(rel)) {
    throw new SweepError('the replacements file holds plaintext values and must not be written inside the repository', replacements);
  }
  const lines = replacementLines(input.values, input.plan, input.notStored);
  try {
    // Created new, never through a link, 0600: it holds every value in plaintext.
    writeFileAtomic(replacements, lines.join('\n') + (lines.length ? '\n' : ''), { private: true, exclusive: true });
    writeCallbacks(replacements);
  } catch (e) {
    if (e instanceof SweepError) throw e;
    throw new SweepError(`cannot write the replacements file (${(e as NodeJS.ErrnoException).code ?? 'error'})`, replacements);
  }
  const report = buildJsonReport(input, replacements);
  const markdown = join(root, REPORT_MD);
  const json = join(root, REPORT_JSON);
  writePrivateFile(json, JSON.stringify(report, null, 2) + '\n');
  writePrivateFile(markdown, renderMarkdown(report));
  return { markdown, json, replacements };
}

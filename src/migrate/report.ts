/**
 * What moved where, and what to rotate.
 *
 * - `secret-sweep-migration.md` and `.json` at the repository root (mode 0600): each secret's name, ARN,
 *   version id, every location its values came from (history-only ones included: they cannot be
 *   rewritten), and a **rotate** line for every value, with a provider-specific hint by rule id. A value
 *   that was ever committed is burned, migrated or not.
 * - A `git filter-repo --replace-text` file (`literal:VALUE==>***REMOVED***`), written mode 0600 OUTSIDE
 *   the repository, for users who also scrub history. It is the one file that holds plaintext; the
 *   report says so and where it is.
 */
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve, isAbsolute } from 'node:path';
import { SweepError } from '../errors.js';
import { writePrivateFile } from '../cli/output.js';
import { writeFileAtomic } from '../fs/write-file.js';
import { formatLocation, valueKey, type Plan, type PlanValues, type ValueLocation } from './plan.js';
import type { SecretOutcome } from './apply.js';
import { migrationFacts } from './plan/rule-facts.js';
import type { RuleMigration, RuleSpec } from '../rules/rule.js';
import type { ManualSite, RewriteRunResult } from './rewrite/run-rewriters.js';

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

export function defaultReplacementsPath(root: string): string {
  const repo = basename(resolve(root)).replace(/[^A-Za-z0-9._-]+/g, '_') || 'repo';
  return join(tmpdir(), `secret-sweep-${repo}-replacements.txt`);
}

function escapeRegex(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|=<>-]/g, (c) => `\\${c}`);
}

/** `git filter-repo --replace-text` lines for every raw value (multi-line values: one line each). */
export function replacementLines(values: PlanValues, plan: Plan): string[] {
  const out = new Set<string>();
  const add = (v: string) => {
    if (v.length < 4) return;
    out.add(v.includes('==>') ? `regex:${escapeRegex(v)}==>***REMOVED***` : `literal:${v}==>***REMOVED***`);
  };
  for (const s of plan.secrets) {
    for (const f of s.fields) {
      if (!f.secret) continue;
      const v = values.get(valueKey(s.name, f.key));
      if (!v) continue;
      for (const raw of new Set([...v.raw, v.value])) {
        if (/[\r\n]/.test(raw)) {
          for (const line of raw.split(/\r?\n/)) if (line.trim().length >= 8 && !/^-----(BEGIN|END) /.test(line.trim())) add(line.trim());
        } else add(raw);
      }
    }
  }
  return [...out].sort();
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
  /**
   * Secrets an interrupted run stored whose values are no longer in the code (that run rewrote it):
   * listed so the resumed run's report is complete.
   */
  earlier?: Array<{ name: string; action: string; arn: string; versionId: string }>;
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
  secrets: Array<{
    name: string;
    arn: string;
    versionId: string;
    action: string;
    resumed?: boolean;
    rotated?: boolean;
    keys: string[];
    values: Array<{ key: string; rule?: string; fingerprint: string; locations: Array<ValueLocation & { where: string }>; rotate: string }>;
    context: Array<{ key: string; from: string }>;
  }>;
  skipped: Plan['skipped'];
  codeEdits: Array<{ file: string; rewriter: string; summary: string }>;
  generated: string[];
  /** Places no rewriter could change safely: where, which secret and key, why, and a suggested edit. */
  manual: Array<ManualSite & { where: string }>;
  /** Programs whose start command changes: a file stored whole is written by `secret-sweep run --file`. */
  startCommands: Array<{ file: string; secretName: string; command: string }>;
  notes: string[];
  warnings: string[];
}

export function buildJsonReport(input: ReportInput, replacements: string): JsonReport {
  const byName = new Map(input.outcomes.map((o) => [o.name, o]));
  const facts = input.rules ? migrationFacts(input.rules) : undefined;
  return {
    tool: 'secret-sweep',
    run: input.runId,
    backend: input.backend,
    ...(input.region ? { region: input.region } : {}),
    app: input.plan.app,
    env: input.plan.env,
    replacementsFile: replacements,
    replacementsNote: 'holds the migrated values in PLAINTEXT (for git filter-repo --replace-text); delete it when done',
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
          locations: f.locations.map((l) => ({ ...l, where: formatLocation(l) })),
          rotate: rotateHint(f.rule, f.key, facts),
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
      keys: [],
      values: [],
      context: [],
    }))),
    skipped: input.plan.skipped,
    codeEdits: (input.rewrites?.edits ?? input.plan.edits).map((e) => ({ file: e.file, rewriter: e.rewriter, summary: e.summary })),
    generated: input.rewrites?.generated ?? [],
    manual: (input.rewrites?.manual ?? []).map((m) => ({ ...m, where: `${m.file}:${m.line}:${m.column}` })),
    startCommands: (input.rewrites?.wholeFiles ?? []).map((w) => ({ file: w.file, secretName: w.secretName, command: w.command })),
    notes: input.rewrites?.notes ?? [],
    warnings: input.plan.warnings,
  };
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderMarkdown(r: JsonReport): string {
  const L: string[] = [];
  L.push('# secret-sweep migration report', '');
  L.push(`Run \`${r.run}\`, backend \`${r.backend}\`${r.region ? ` (${r.region})` : ''}, app \`${r.app}\`, env \`${r.env}\`.`, '');
  L.push('Every value below was committed to this repository. **Migrating it does not make it safe: rotate each one.**', '');
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
      L.push(`  - **rotate**: ${v.rotate}`);
    }
    for (const c of s.context) L.push(`- \`${c.key}\` (not secret) from ${c.from}`);
    L.push('');
  }
  if (r.skipped.length) {
    L.push('## Not migrated', '');
    for (const k of r.skipped) L.push(`- ${formatLocation(k.location)} (${k.location.rule ?? 'unknown rule'}): ${k.reason} — **rotate** it anyway`);
    L.push('');
  }
  L.push('## Code changes', '');
  if (r.codeEdits.length === 0) L.push('No file was rewritten.');
  for (const e of r.codeEdits) L.push(`- ${e.summary}`);
  if (r.generated.length) L.push('', `Generated or extended: ${r.generated.map((g) => `\`${g}\``).join(', ')}.`);
  if (r.codeEdits.length || r.generated.length) {
    L.push('', 'Code that now reads `process.env` / `${VAR}` gets its values from `.env` references (`VAR=sm://NAME#KEY`): start it with `secret-sweep run -- COMMAND`. Check with `secret-sweep verify-refs`.');
  }
  for (const n of r.notes) L.push(`- note: ${n}`);
  L.push('');
  if (r.startCommands.length) {
    L.push('## Start commands that change', '', 'These files are stored whole, untracked and git-ignored (your local copy stays). Whatever reads one starts like this (from the repository root); `secret-sweep run --file` writes the file (0600) before the command and removes it after:', '');
    for (const c of r.startCommands) L.push(`- \`${c.file}\`: \`${c.command}\``);
    L.push('');
  }
  if (r.manual.length) {
    L.push('## Manual: left for you', '', 'These places still hold a migrated value; no rewriter could change them safely.', '');
    for (const m of r.manual) {
      L.push(`- ${m.where} → \`${m.secretName}\` key \`${m.jsonKey}\`: ${m.reason}${m.suggestion ? `. Suggested edit: ${m.suggestion}` : ''}`);
    }
    L.push('');
  }
  if (r.warnings.length) {
    L.push('## Warnings', '');
    for (const w of r.warnings) L.push(`- ${w}`);
    L.push('');
  }
  L.push('## Scrubbing history (optional)', '');
  L.push(`\`${r.replacementsFile}\` is a \`git filter-repo --replace-text\` file. **It holds every migrated value in plaintext**`
    + ' (mode 0600, outside the repository). Use it, then delete it:', '');
  L.push('```sh', `git filter-repo --replace-text '${r.replacementsFile}'`, `shred -u '${r.replacementsFile}'   # or rm`, '```', '');
  L.push('Rewriting history changes every commit id after the first secret: coordinate with everyone who has a clone. Rotation is still required.', '');
  return L.join('\n');
}

/** Write the three files. Refuses a replacements path inside the repository. */
export function writeReports(input: ReportInput): ReportFiles {
  const root = resolve(input.root);
  const replacements = resolve(input.replacementsPath ?? defaultReplacementsPath(root));
  const rel = relative(root, replacements);
  if (!rel.startsWith('..') && !isAbsolute(rel)) {
    throw new SweepError('the replacements file holds plaintext values and must not be written inside the repository', replacements);
  }
  const lines = replacementLines(input.values, input.plan);
  try {
    writeFileAtomic(replacements, lines.join('\n') + (lines.length ? '\n' : ''), { private: true });
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

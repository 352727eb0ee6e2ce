/** The migration plan's types: what is printed and saved (no values), and the values kept beside it. */
import { SweepError } from '../../errors.js';
import type { PlannedEdit } from '../rewrite/rewriter.js';
import type { Finding } from '../../findings/finding.js';
import type { RuleSpec } from '../../rules/rule.js';

export const MAX_SECRET_BYTES = 65536;

export type Action = 'create' | 'reuse' | 'update' | 'skip';
export type GroupKind = 'database' | 'url' | 'aws-keypair' | 'config-block' | 'single' | 'whole-file';
export type FieldType = 'string' | 'number';

/** A span in a file (1-based lines/columns, endColumn inclusive); `commit` set for a history-only blob. */
export interface Span {
  file: string;
  commit?: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** One place a value was found. */
export interface ValueLocation extends Span {
  rule?: string;
  /** The finding's fingerprint (secret fields) or the content digest (context fields). */
  fingerprint: string;
  /** Variable / key the value was assigned to. */
  key?: string;
  /** Found only in git history: it cannot be rewritten, only rotated (and scrubbed). */
  historyOnly: boolean;
}

/** Where apply gets a field's value: re-read from a span (checked against the fingerprint) or a constant. */
/**
 * How the value is read from a span's text: 'literal' decodes the string literal (or unquoted value)
 * the span is, as the file's reader does (plan/literals.ts); 'uri' percent-decodes; 'literal+uri' both.
 */
export type ValueDecode = 'uri' | 'literal' | 'literal+uri';

export type ValueSource =
  | ({ kind: 'span'; decode?: ValueDecode } & Span)
  | { kind: 'literal'; value: string };

export interface PlannedField {
  key: string;
  /** True for a detected secret; false for a plain context value grouped with it (host, port, ...). */
  secret: boolean;
  type: FieldType;
  rule?: string;
  /** Secret fields: the fingerprint of the finding at `source`; context fields: a digest of the value. */
  fingerprint: string;
  /** Safe to print. Not saved in plan files. */
  redacted: string;
  source: ValueSource;
  /** Every place the value was found (the source first). */
  locations: ValueLocation[];
}

export interface PlannedSecret {
  name: string;
  resource: string;
  kind: GroupKind;
  fields: PlannedField[];
  action: Action;
  /** Why the action (set when resolved against the vault). */
  note?: string;
}

export interface SkippedValue {
  location: ValueLocation;
  reason: string;
  /** Not a credential at all (a digest, a public token, a placeholder): not to rotate, not to scrub. */
  notSecret?: true;
}

export interface Plan {
  version: 1;
  app: string;
  env: string;
  nameTemplate: string;
  secrets: PlannedSecret[];
  skipped: SkippedValue[];
  /** Code edits (filled by rewriters, next issue). */
  edits: PlannedEdit[];
  warnings: string[];
}

export interface FieldValue {
  /** The value stored in the secret (URI-decoded for connection-URI passwords). */
  value: string;
  /** The strings as they appear in files and history (for the filter-repo replacements file). */
  raw: string[];
}

/** Plaintext values, keyed by valueKey(secretName, fieldKey). Never serialised. */
export type PlanValues = Map<string, FieldValue>;

export const valueKey = (secretName: string, fieldKey: string) => `${secretName}\u0000${fieldKey}`;

export interface PlanInput {
  findings: readonly Finding[];
  /** Text of each file in the working tree, by the findings' `file` paths. */
  files: ReadonlyMap<string, string>;
  app: string;
  env: string;
  nameTemplate?: string;
  /** Fingerprint salt (config `fingerprint_salt`), used for the digests of context values. */
  salt?: string;
  /** The rules in use, for their `migrate:` facts (default: the built-in rules). */
  rules?: readonly RuleSpec[];
  /** Files not named `.ini`/`.cfg` that a program reads with configparser (`config.conf`): values read as it does. */
  configparserFiles?: ReadonlySet<string>;
}


/** The JSON text stored for a secret: its fields in order, ports as numbers. */
export function secretString(secret: PlannedSecret, values: PlanValues): string {
  const obj: Record<string, string | number> = {};
  for (const f of secret.fields) {
    const v = values.get(valueKey(secret.name, f.key));
    if (!v) throw new SweepError(`internal: no value for ${secret.name} key ${f.key}`);
    obj[f.key] = f.type === 'number' && /^\d{1,15}$/.test(v.value) ? Number(v.value) : v.value;
  }
  return JSON.stringify(obj);
}

/** Every location of a plan's secrets, flattened (for tables and reports). */
export function locationsOf(secret: PlannedSecret): ValueLocation[] {
  return secret.fields.flatMap((f) => (f.secret ? f.locations : []));
}

export function formatLocation(l: Pick<ValueLocation, 'file' | 'line' | 'commit' | 'historyOnly'>): string {
  const at = l.line ? `${l.file}:${l.line}` : l.file;
  return l.historyOnly ? `${at} @${(l.commit ?? '').slice(0, 10)} (history only)` : at;
}

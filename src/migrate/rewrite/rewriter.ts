/**
 * The extension point for code edits (the next issue implements rewriters: python, notebook, javascript,
 * env, yaml, ... one file each under src/migrate/rewrite/).
 *
 * What the plan hands a rewriter: one file's text and the sites in it, each site a span that held a
 * migrated value and the (secret name, JSON key) that now holds it. A rewriter returns range edits;
 * one central fixer applies them bottom-up, never overlapping (ESLint's model). Rewriters run only after
 * every secret of the plan has been written AND read back from the vault and compared; they never see
 * a secret value, only where it was.
 */

/** Where a migrated value now lives. */
export interface SecretReference {
  secretName: string;
  /** The key inside the JSON secret. */
  jsonKey: string;
  /** Filled after apply (AWS ARN, or `dotenv:.env#name`). */
  arn?: string;
}

/** One place in a file that held a value the plan migrates. Lines/columns 1-based, endColumn inclusive. */
export interface RewriteSite {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** Finding fingerprint (secret fields) or content digest (context fields such as host, username). */
  fingerprint: string;
  rule?: string;
  /** The variable or key the value was assigned to, when known (DB_PASSWORD, api_key, ...). */
  assignedTo?: string;
  /** A secret value, or a plain context value that was grouped into the secret (host, port, ...). */
  kind: 'secret' | 'context';
  ref: SecretReference;
}

/** A range edit over the file's text (UTF-16 offsets, end exclusive). */
export interface TextEdit {
  start: number;
  end: number;
  replacement: string;
}

export interface RewriteInput {
  file: string;
  text: string;
  sites: RewriteSite[];
  backend: 'aws' | 'dotenv' | string;
  region?: string;
}

export interface RewriteResult {
  edits: TextEdit[];
  /** Plain-words notes for the report ("added `import boto3`", "left notebook output cells alone"). */
  notes: string[];
  /** Sites the rewriter could not handle; the report lists them for a human. */
  unhandled: RewriteSite[];
}

export interface Rewriter {
  readonly id: string;
  /** True for files this rewriter understands (by path and, if needed, content). */
  appliesTo(file: string, text: string): boolean;
  /** Pure: text in, edits out. Must return no edits when nothing applies. */
  rewrite(input: RewriteInput): RewriteResult;
}

/** A code edit as it appears in a plan (dry run prints them; apply runs them after read-back). */
export interface PlannedEdit {
  file: string;
  rewriter: string;
  /** Short human description, no values ("DB_PASSWORD -> get_secret('prod/etl/db')['password']"). */
  summary: string;
  sites: RewriteSite[];
}

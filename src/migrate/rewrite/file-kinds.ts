/**
 * Who reads each kind of file a rewriter edits, and which reference forms that reader understands.
 *
 * A reference is only as good as the program that reads it: Compose expands `${VAR}` from its
 * environment, CloudFormation resolves `{{resolve:secretsmanager:…}}` in resource properties, a Helm
 * chart or a generic config loader may take `${VAR}` literally. Each file kind declares its reader and
 * the form its rewriter writes; `referenceFormFor` is the one place that decides, per file kind, what
 * goes into the file. Today it keeps the historical behaviour (the declared `writes`, also for readers
 * that are unknown); refusing a form the reader does not list is a change to that function alone.
 */

/** The ways a rewritten file can refer to a stored secret. */
export type ReferenceForm =
  /** Code calls the backend's generated helper (`get_secret(...)`, `await getSecret(...)`). */
  | 'helper-call'
  /** Code reads an environment variable (`os.environ[...]`, `process.env.X`). */
  | 'environment-variable'
  /** `${VAR}` in a file whose reader expands it from its environment. */
  | 'env-expansion'
  /** `VAR=sm://NAME#KEY`, resolved by `secret-sweep run` when the program starts. */
  | 'run-reference'
  /** CloudFormation `{{resolve:secretsmanager:NAME:SecretString:KEY}}`. */
  | 'cloudformation-dynamic-reference'
  /** `${{ env.X }}` set by the aws-secretsmanager-get-secrets step of a GitHub Actions job. */
  | 'github-actions-env'
  /** Terraform `data "aws_secretsmanager_secret_version"` and `jsondecode(...)`. */
  | 'terraform-data-source'
  /** Shell `$(aws secretsmanager get-secret-value ... | jq ...)`. */
  | 'shell-command-substitution';

export interface FileReader {
  /** The program that reads the file when it is deployed or run ('docker compose', 'unknown'). */
  name: string;
  /** The reference forms it resolves; empty when the reader is unknown. */
  referenceForms: readonly ReferenceForm[];
}

export interface FileKind {
  /** Unique within its rewriter (the YAML rewriter's `compose`, `cloudformation`, ...). */
  id: string;
  /** The files, in words and globs (documentation; the rewriter's `appliesTo` and its own detection decide). */
  files: readonly string[];
  reader: FileReader;
  /** The form the rewriter writes into this kind of file; undefined: never rewritten (always manual). */
  writes?: ReferenceForm;
}

const UNKNOWN: FileReader = { name: 'unknown (the program that loads this file)', referenceForms: [] };

/** The YAML/JSON kinds `rewriteStructured` tells apart (yaml.ts `ConfigKind`). */
export const STRUCTURED_KINDS = {
  compose: {
    id: 'compose', files: ['docker-compose*.yml', 'compose*.yaml', 'YAML with services.*.image|build'],
    reader: { name: 'docker compose', referenceForms: ['env-expansion'] }, writes: 'env-expansion',
  },
  'github-actions': {
    id: 'github-actions', files: ['.github/workflows/*.yml'],
    reader: { name: 'GitHub Actions', referenceForms: ['github-actions-env'] }, writes: 'github-actions-env',
  },
  cloudformation: {
    id: 'cloudformation', files: ['YAML/JSON with AWSTemplateFormatVersion or Resources.*.Type AWS::*'],
    reader: { name: 'AWS CloudFormation', referenceForms: ['cloudformation-dynamic-reference'] }, writes: 'cloudformation-dynamic-reference',
  },
  'kubernetes-secret': {
    id: 'kubernetes-secret', files: ['YAML with kind: Secret and apiVersion'],
    reader: { name: 'the Kubernetes API (kubectl apply)', referenceForms: [] },
  },
  generic: {
    id: 'generic', files: ['any other *.yml, *.yaml, *.json'],
    reader: UNKNOWN, writes: 'env-expansion',
  },
} as const satisfies Record<string, FileKind>;

export type StructuredKindId = keyof typeof STRUCTURED_KINDS;

/**
 * The decision point: the reference form to write into a file of `kind`, or undefined for "leave it
 * to a human". Today: the form the rewriter has always written for that kind.
 */
export function referenceFormFor(kind: FileKind): ReferenceForm | undefined {
  return kind.writes;
}

/**
 * Who reads each kind of file a rewriter edits, and which reference forms that reader understands.
 *
 * A reference is only as good as the program that reads it: Compose expands `${VAR}` from its
 * environment, CloudFormation resolves `{{resolve:secretsmanager:…}}` in resource properties, a Helm
 * chart or a generic config loader may take `${VAR}` literally. Each file kind declares its reader and
 * the form its rewriter writes; `referenceFormFor` is the one place that decides, per file kind, what
 * goes into the file: only a form the reader resolves, never one it would take literally. A kind whose
 * reader resolves no reference (Helm values, a Kubernetes Secret, gh's hosts.yml) or whose reader is
 * unknown (generic config) is manual: the value stays and the report carries the exact edit to make.
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
  | 'shell-command-substitution'
  /** Ansible/Jinja `{{ lookup('amazon.aws.aws_secret', NAME) }}` (the amazon.aws collection). */
  | 'ansible-lookup'
  /** dbt's `{{ env_var('X') }}`, rendered from the environment `secret-sweep run` fills. */
  | 'dbt-env-var';

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
  // Ansible templates every variable with Jinja: `{{ lookup('amazon.aws.aws_secret', ...) }}` is
  // resolved on the controller (aws_secret is the collection's name before 6.0 and an alias since).
  ansible: {
    id: 'ansible', files: ['group_vars/**', 'host_vars/**', 'roles/*/vars|defaults/*.yml', 'playbooks (a list of plays with hosts:)'],
    reader: { name: 'Ansible (Jinja templating, amazon.aws collection)', referenceForms: ['ansible-lookup'] }, writes: 'ansible-lookup',
  },
  // dbt renders profiles.yml with Jinja: `{{ env_var('X') }}` reads its environment, and a variable
  // named DBT_ENV_SECRET_* is scrubbed from dbt's logs and usable only in profiles (dbt docs, env_var).
  'dbt-profiles': {
    id: 'dbt-profiles', files: ['profiles.yml with PROFILE.outputs.TARGET maps'],
    reader: { name: 'dbt (Jinja env_var)', referenceForms: ['dbt-env-var'] }, writes: 'dbt-env-var',
  },
  // The Astro CLI copies airflow_settings.yaml into Airflow's metadata database verbatim.
  'airflow-settings': {
    id: 'airflow-settings', files: ['airflow_settings.yaml (Astro CLI: airflow.connections, variables, pools)'],
    reader: { name: 'the Astro CLI (astro dev start / object import; no expansion)', referenceForms: [] },
  },
  // Spring Boot resolves `${VAR}` from the environment, but only when the built jar is started under
  // `secret-sweep run`: a change to how it starts, left to a human (spring.ts gives both edits).
  spring: {
    id: 'spring', files: ['src/main/resources/application*.yml|yaml', 'src/main/resources/bootstrap*.yml|yaml'],
    reader: { name: 'Spring Boot (from the jar; ${VAR} placeholders from the environment)', referenceForms: [] },
  },
  // Helm renders values.yaml into manifests as text: `${VAR}` would be deployed literally.
  'helm-values': {
    id: 'helm-values', files: ['values*.yaml of a Helm chart'],
    reader: { name: 'Helm (values.yaml is taken literally)', referenceForms: [] },
  },
  'docker-config': {
    id: 'docker-config', files: ['.docker/config.json'],
    reader: { name: 'the Docker CLI (reads auths literally; credential helpers instead)', referenceForms: [] },
  },
  'gh-hosts': {
    id: 'gh-hosts', files: ['gh/hosts.yml'],
    reader: { name: 'the GitHub CLI (reads oauth_token literally; GH_TOKEN from the environment instead)', referenceForms: [] },
  },
  // .NET configuration reads `Section__Key` environment variables over appsettings.json, but never
  // expands `${VAR}` inside a value.
  'dotnet-appsettings': {
    id: 'dotnet-appsettings', files: ['appsettings.json', 'appsettings.*.json'],
    reader: { name: '.NET configuration (environment variables Section__Key override the file)', referenceForms: [] },
  },
  // The Serverless Framework deploys `environment:` into the Lambda function's configuration as text;
  // `${env:X}` is resolved at deploy time, so the value would sit in that configuration again.
  serverless: {
    id: 'serverless', files: ['serverless.yml|yaml with provider.name aws'],
    reader: { name: 'the Serverless Framework (environment: goes into the Lambda configuration)', referenceForms: [] },
  },
  // TypeORM 0.2 loads ormconfig.json with JSON.parse; it loads ormconfig.js (a module) the same way.
  'typeorm-config': {
    id: 'typeorm-config', files: ['ormconfig.json'],
    reader: { name: 'TypeORM (JSON.parse; ormconfig.js is a module instead)', referenceForms: [] },
  },
  // sequelize-cli and the models/index.js it generates require the JSON (`use_env_variable` aside).
  'sequelize-config': {
    id: 'sequelize-config', files: ['JSON of environments each with a dialect (config/config.json, the .sequelizerc config)'],
    reader: { name: 'sequelize-cli / models/index.js (require of the JSON; config.js is a module instead)', referenceForms: [] },
  },
  // PM2 parses a JSON ecosystem file and hands each app's env values to it as written; it loads an
  // ecosystem.config.js (a module) the same way.
  'pm2-ecosystem': {
    id: 'pm2-ecosystem', files: ['JSON whose apps each name a script (ecosystem.config.json, process.json)'],
    reader: { name: 'PM2 (JSON.parse; ecosystem.config.js is a module instead)', referenceForms: [] },
  },
  generic: {
    id: 'generic', files: ['any other *.yml, *.yaml, *.json'],
    reader: UNKNOWN,
  },
} as const satisfies Record<string, FileKind>;

export type StructuredKindId = keyof typeof STRUCTURED_KINDS;

/**
 * The decision point: the reference form to write into a file of `kind`, or undefined for "leave it
 * to a human" (the value stays; the report says what to change). A form is written only when the
 * file's reader resolves it: an unknown reader resolves nothing.
 */
export function referenceFormFor(kind: FileKind): ReferenceForm | undefined {
  return kind.writes !== undefined && kind.reader.referenceForms.includes(kind.writes) ? kind.writes : undefined;
}

/**
 * The YAML rewriter (and, through json.ts, JSON config): range edits on each scalar's own source text,
 * so comments, key order, indentation, quoting and line ends stay as the author wrote them.
 *
 * Parser: the `yaml` package's Document API (`parseAllDocuments`), which gives every scalar its exact
 * source range and style (plain, single/double quoted, block). The whole file is re-parsed after the
 * edits; if it would not parse, nothing is changed.
 *
 * What each kind of file gets:
 * - docker-compose: `${PROD_APP_DB__PASSWORD}` (Compose interpolates it from the environment of the
 *   `docker compose` command: start it with `secret-sweep run -- docker compose up`, which resolves the
 *   `sm://` references named in the result's `envRefs`, which migrate writes to the committed `secret-sweep.refs`).
 * - GitHub Actions workflows: the official `aws-actions/aws-secretsmanager-get-secrets@v2` step, added
 *   right after the job's `aws-actions/configure-aws-credentials` step, and `${{ env.ALIAS_KEY }}` where
 *   the value was. Why not a `${{ secrets.X }}` context: that moves the value into GitHub's store, a
 *   second copy that rotation in Secrets Manager never updates. A job without AWS credentials (no
 *   configure-aws-credentials step), or a value in a workflow- or job-level `env:` (evaluated before any
 *   step runs), is left for a human with the snippet to add: we do not invent an IAM role.
 * - CloudFormation (YAML and JSON): `{{resolve:secretsmanager:NAME:SecretString:KEY}}` inside a
 *   resource's `Properties`; elsewhere (Parameters defaults, Outputs, Mappings) dynamic references are
 *   not resolved, so those are left for a human.
 * - Ansible variables (group_vars, host_vars, role vars/defaults, playbooks):
 *   `{{ (lookup('amazon.aws.aws_secret', 'NAME') | from_json)['key'] }}`, which Ansible's Jinja resolves.
 * - dbt's profiles.yml: `{{ env_var('DBT_ENV_SECRET_PROD_APP_DB__PASSWORD') }}` (dbt renders it from its
 *   environment; the prefix keeps it out of dbt's logs): start dbt with `secret-sweep run -- dbt run`,
 *   which resolves the `sm://` references in `secret-sweep.refs`, like Compose.
 * - Astro's airflow_settings.yaml: manual (loaded into Airflow as written); the edit is Airflow's Secrets
 *   Manager secrets backend.
 * - Kubernetes `Secret` manifests and Helm values: never rewritten (Helm renders values literally); the
 *   note carries an `existingSecret` edit and an External Secrets Operator `ExternalSecret`.
 * - `.docker/config.json`, gh's `hosts.yml`, .NET `appsettings*.json`: manual, with the edit their reader
 *   supports (a credential helper, GH_TOKEN, a `Section__Key` environment variable).
 * - Anything else: the reader is unknown, so nothing is written (a `${VAR}` would be read literally by
 *   most loaders); the report suggests the edit.
 */
import type { Document, Node as YNode, ParsedNode, Scalar } from 'yaml';
import { posix as posixPath } from 'node:path';
import { yamlLib } from '../../lazy.js';
import type { RewriteInput, Rewriter, RewriteSite, TextEdit } from './rewriter.js';
import {
  addEnvRef, emptyResult, envVarFor, guardParses, locateSites, noteUnhandled, PLAIN_KEY, PLAIN_NAME, type Located, type SiteRewriteResult,
} from './sites.js';
import { envVarName, envVarPrefix } from '../backend/env-names.js';
import { isSpringConfigPath, springManual } from './spring.js';
import { referenceFormFor, STRUCTURED_KINDS, type StructuredKindId } from './file-kinds.js';

/** The kinds of YAML/JSON file told apart (their readers: file-kinds.ts). */
export type ConfigKind = StructuredKindId;

export const GET_SECRETS_ACTION = 'aws-actions/aws-secretsmanager-get-secrets@v2';
const CONFIGURE_ACTION = /^aws-actions\/configure-aws-credentials@/;

export function isWorkflowPath(file: string): boolean {
  return /(^|\/)\.github\/workflows\/[^/]+\.ya?ml$/i.test(file);
}
export function isComposePath(file: string): boolean {
  return /(^|\/)(docker-)?compose[^/]*\.ya?ml$/i.test(file);
}

/**
 * The env files a compose file hands to its containers (`env_file:` as a string, a list of strings or of
 * `{ path }`), relative to the repository root (`file` is the compose file's path from there). Compose
 * passes their values to the container as written: a `sm://` reference in one would reach it literally.
 */
export function composeEnvFiles(file: string, text: string): string[] {
  let doc: unknown;
  try {
    doc = yamlLib().parse(text);
  } catch {
    return [];
  }
  const services = (doc as { services?: unknown } | null)?.services;
  if (!services || typeof services !== 'object') return [];
  const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '.';
  const out = new Set<string>();
  for (const svc of Object.values(services as Record<string, unknown>)) {
    const ef = (svc as { env_file?: unknown } | null)?.env_file;
    for (const e of Array.isArray(ef) ? ef : [ef]) {
      const p = typeof e === 'string' ? e : typeof (e as { path?: unknown } | null)?.path === 'string' ? (e as { path: string }).path : undefined;
      if (p !== undefined) out.add(posixPath.normalize(posixPath.join(dir, p)));
    }
  }
  return [...out];
}

/** `resolve:` dynamic reference for CloudFormation. */
export function cfnResolve(secretName: string, jsonKey: string | undefined): string {
  return `{{resolve:secretsmanager:${secretName}:SecretString${jsonKey ? `:${jsonKey}` : ''}}}`;
}

/** The env variable aws-secretsmanager-get-secrets sets for a key with `parse-json-secrets: true`. */
export function actionsAlias(secretName: string): string {
  return envVarPrefix(secretName);
}
export function actionsVariable(secretName: string, jsonKey: string | undefined): string {
  return jsonKey ? `${actionsAlias(secretName)}_${envVarPrefix(jsonKey)}` : actionsAlias(secretName);
}

/** Ansible's reference to a key of a JSON secret (or to the whole secret string). */
export function ansibleLookup(secretName: string, jsonKey: string | undefined): string {
  const lookup = `lookup('amazon.aws.aws_secret', '${secretName}')`;
  return jsonKey ? `{{ (${lookup} | from_json)['${jsonKey}'] }}` : `{{ ${lookup} }}`;
}

export function externalSecretSnippet(name: string, refs: Array<{ secretName: string; jsonKey: string; secretKey?: string }>): string {
  const data = refs.map((r) => `    - secretKey: ${r.secretKey ?? r.jsonKey}\n      remoteRef:\n        key: ${r.secretName}\n        property: ${r.jsonKey}`).join('\n');
  return `apiVersion: external-secrets.io/v1beta1
kind: ExternalSecret
metadata:
  name: ${name}
spec:
  refreshInterval: 1h
  secretStoreRef:
    kind: ClusterSecretStore
    name: aws-secrets-manager
  target:
    name: ${name}
  data:
${data}`;
}

interface Hit {
  doc: Document.Parsed;
  scalar: Scalar;
  /** Keys (and seq indexes) from the document root to the scalar. */
  path: Array<string | number>;
  /** The scalar is a mapping key, not a value. */
  isKey: boolean;
  /** Ancestor nodes, root first (maps and seqs). */
  ancestors: YNode[];
}

function findScalar(docs: Document.Parsed[], start: number, end: number): Hit | undefined {
  const Y = yamlLib();
  for (const doc of docs) {
    if (!doc.range || start < doc.range[0] || end > doc.range[2]) continue;
    let hit: Hit | undefined;
    Y.visit(doc, {
      Scalar(key, node, path) {
        const r = node.range;
        if (!r || start < r[0] || end > r[1]) return undefined;
        const keys: Array<string | number> = [];
        const ancestors: YNode[] = [];
        for (let i = 0; i < path.length; i++) {
          const p = path[i];
          if (Y.isPair(p)) {
            const k = p.key;
            keys.push(Y.isScalar(k) ? String(k.value) : '?');
          } else if (Y.isSeq(p)) {
            const next = path[i + 1] ?? node;
            keys.push(p.items.indexOf(next as never));
            ancestors.push(p);
          } else if (Y.isMap(p)) {
            ancestors.push(p);
          }
        }
        hit = { doc, scalar: node, path: keys, isKey: key === 'key', ancestors };
        return Y.visit.BREAK;
      },
    });
    if (hit) return hit;
  }
  return undefined;
}

function detectKind(file: string, doc: Document.Parsed | undefined, json: boolean): ConfigKind {
  const Y = yamlLib();
  const root = doc?.contents;
  const get = (k: string) => (Y.isMap(root) ? root.get(k, true) : undefined);
  if (Y.isMap(root)) {
    if (get('AWSTemplateFormatVersion') !== undefined) return 'cloudformation';
    const res = get('Resources');
    if (Y.isMap(res) && res.items.some((p) => Y.isMap(p.value) && /^(AWS|Custom)::/.test(String((p.value.get('Type') as unknown) ?? '')))) return 'cloudformation';
  }
  if (json) {
    if (/(^|\/)\.?docker\/config\.json$/i.test(file)) return 'docker-config';
    if (/(^|\/)appsettings(\.[^/]+)?\.json$/i.test(file)) return 'dotnet-appsettings';
    if (/(^|\/)ormconfig\.json$/i.test(file)) return 'typeorm-config';
    if (Y.isMap(root) && root.items.some((p) => Y.isMap(p.value) && p.value.has('dialect') && (p.value.has('password') || p.value.has('username')))) return 'sequelize-config';
    const apps = get('apps');
    if (Y.isSeq(apps) && apps.items.length > 0 && apps.items.every((a) => Y.isMap(a) && a.has('script'))) return 'pm2-ecosystem';
    return 'generic';
  }
  if (isWorkflowPath(file)) return 'github-actions';
  if (isComposePath(file)) return 'compose';
  if (isAnsiblePath(file) || isPlaybook(root)) return 'ansible';
  if (/(^|\/)gh\/hosts\.ya?ml$/i.test(file)) return 'gh-hosts';
  if (isDbtProfiles(file, root)) return 'dbt-profiles';
  if (/(^|\/)airflow_settings\.ya?ml$/i.test(file) && Y.isMap(root) && Y.isMap(get('airflow'))) return 'airflow-settings';
  if (/(^|\/)values[^/]*\.ya?ml$/i.test(file)) return 'helm-values';
  if (/(^|\/)serverless\.ya?ml$/i.test(file) && Y.isMap(root) && Y.isMap(get('provider'))) return 'serverless';
  if (isSpringConfigPath(file)) return 'spring';
  if (Y.isMap(root) && Y.isMap(get('services')) && (get('version') !== undefined || Y.isMap(get('services')))) {
    const services = get('services');
    if (Y.isMap(services) && services.items.some((p) => Y.isMap(p.value) && (p.value.has('image') || p.value.has('build')))) return 'compose';
  }
  return 'generic';
}

/** dbt's profiles.yml: `PROFILE: { target?, outputs: { TARGET: { type, ... } } }` (plus an optional `config:`). */
function isDbtProfiles(file: string, root: unknown): boolean {
  const Y = yamlLib();
  if (!/(^|\/)profiles\.ya?ml$/i.test(file) || !Y.isMap(root)) return false;
  return root.items.some((p) => {
    const outputs = Y.isMap(p.value) ? p.value.get('outputs', true) : undefined;
    return Y.isMap(outputs) && outputs.items.some((t) => Y.isMap(t.value) && t.value.has('type'));
  });
}

/** dbt's reference: the variable carries DBT_ENV_SECRET_ so that dbt keeps it out of its logs. */
export function dbtEnvVar(variable: string): string {
  return `{{ env_var('${variable}') }}`;
}
export const DBT_SECRET_PREFIX = 'DBT_ENV_SECRET_';

export function isAnsiblePath(file: string): boolean {
  return /(^|\/)(group_vars|host_vars)\//.test(file) || /(^|\/)roles\/[^/]+\/(vars|defaults)\/[^/]+\.ya?ml$/.test(file);
}

/** A playbook: a list of plays, each a map with `hosts:` and tasks or roles. */
function isPlaybook(root: unknown): boolean {
  const Y = yamlLib();
  return Y.isSeq(root) && root.items.length > 0 && root.items.every((p) => Y.isMap(p) && p.has('hosts') && (p.has('tasks') || p.has('roles') || p.has('vars')));
}

/** A DNS-label name for a Kubernetes object made from a secret name. */
const k8sName = (secretName: string) => secretName.split('/').pop()!.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || 'app-secrets';

/**
 * The edit a human makes in a file whose reader resolves no reference we can write (or is unknown).
 * `path` is the value's key path in the document; `refs` the secrets that held its values.
 */
function manualEdit(kind: ConfigKind, file: string, path: ReadonlyArray<string | number>, refs: ReadonlyArray<{ secretName: string; jsonKey: string }>, doc?: Document.Parsed): { reason: string; suggestion: string } {
  const r = refs[0]!;
  const key = path.length ? String(path[path.length - 1]) : 'value';
  const parent = path.slice(0, -1).join('.');
  const envVar = envVarName(r.secretName, r.jsonKey);
  switch (kind) {
    case 'helm-values': {
      const name = k8sName(r.secretName);
      return {
        reason: 'Helm renders values.yaml literally: a reference written here would be deployed as text',
        suggestion: `in ${file}, replace \`${key}: …\`${parent ? ` under ${parent}` : ''} with \`existingSecret: ${name}\` (the chart must support it: Bitnami charts read \`auth.existingSecret\`; check the key your chart reads), and create that Kubernetes Secret from AWS Secrets Manager with the External Secrets Operator:
${externalSecretSnippet(name, refs.map((x) => ({ ...x, secretKey: key })))}`,
      };
    }
    case 'docker-config':
      return {
        reason: 'the Docker CLI reads auths.*.auth literally',
        suggestion: `remove the \`auths\` entry and log in with a credential helper (\`credsStore\` / \`credHelpers\`, e.g. docker-credential-ecr-login for ECR), or keep the file out of git and write it when the command starts: \`secret-sweep run --file ${file}=sm://${r.secretName}#${r.jsonKey} -- COMMAND\``,
      };
    case 'serverless':
      return {
        reason: 'the Serverless Framework deploys environment: values into the Lambda function\'s configuration as written: a reference here would become the variable\'s value',
        suggestion: `remove \`${key}\`${parent ? ` from ${parent}` : ''} in ${file} and have the handler read ${r.secretName} (key ${r.jsonKey}) itself: \`await getSecret('${r.secretName}', '${r.jsonKey}')\` from the generated secret-sweep-secrets helper (the function's role needs secretsmanager:GetSecretValue on it); \`\${env:${envVar}}\` with \`secret-sweep run -- serverless deploy\` would put the value back into the function's configuration`,
      };
    case 'gh-hosts':
      return {
        reason: 'the GitHub CLI reads oauth_token literally',
        suggestion: `remove \`oauth_token\` from ${file} and give gh the token in the environment, which it reads first: \`GH_TOKEN=sm://${r.secretName}#${r.jsonKey}\` for \`secret-sweep run -- gh …\``,
      };
    case 'dotnet-appsettings': {
      const section = path.map(String).join('__');
      return {
        reason: '.NET configuration does not expand references inside appsettings values',
        suggestion: `set the value to "" in ${file} and provide the environment variable \`${section}\` (the .NET environment provider overrides the file): \`${section}=sm://${r.secretName}#${r.jsonKey}\` for \`secret-sweep run -- dotnet …\``,
      };
    }
    case 'airflow-settings': {
      const connId = path[1] === 'connections' && typeof path[2] === 'number' ? String((doc?.getIn(['airflow', 'connections', path[2], 'conn_id']) as unknown) ?? '') : '';
      const what = connId ? `connection \`${connId}\`` : 'this entry';
      return {
        reason: 'the Astro CLI loads airflow_settings.yaml into Airflow as written: a reference here would become the password',
        suggestion: `remove ${what} (or its \`${key}\`) from ${file} and let Airflow read it from AWS Secrets Manager: set \`AIRFLOW__SECRETS__BACKEND=airflow.providers.amazon.aws.secrets.secrets_manager.SecretsManagerBackend\` (apache-airflow-providers-amazon) with \`AIRFLOW__SECRETS__BACKEND_KWARGS={"connections_prefix": "airflow/connections"}\`, and store the connection${connId ? ` as airflow/connections/${connId}` : ''} (a JSON secret: conn_type, host, login, password, port, schema; ${r.secretName} holds the ${r.jsonKey} and the values found next to it)`,
      };
    }
    case 'spring':
      return springManual(file, r, path.map(String).join('.'));
    // Both tools also load a JavaScript module in the JSON's place, which secret-sweep then rewrites.
    case 'typeorm-config':
      return {
        reason: 'TypeORM reads ormconfig.json as plain JSON: a reference written here would be the password',
        suggestion: `rename ${file} to ormconfig.js with \`module.exports = \` before the same object (TypeORM loads it in the JSON's place) and run secret-sweep migrate again: the value becomes \`getSecretSync('${r.secretName}', '${r.jsonKey}')\` from the generated helper`,
      };
    case 'sequelize-config':
      return {
        reason: 'sequelize-cli and models/index.js require this JSON as it is: a reference written here would be the password',
        suggestion: `rename ${file} to a .js file with \`module.exports = \` before the same object, point .sequelizerc's \`config\` (and models/index.js's require) at it, and run secret-sweep migrate again: the value becomes \`getSecretSync('${r.secretName}', '${r.jsonKey}')\` from the generated helper`,
      };
    case 'pm2-ecosystem': {
      const js = file.replace(/\.json$/i, '.js');
      return {
        reason: 'PM2 reads this file as plain JSON and hands the app its env values as written: a reference here would be the variable\'s value',
        suggestion: `rename ${file} to ${js} with \`module.exports = \` before the same object (PM2 loads it in the JSON's place: update the \`pm2 start\` command that names it) and run secret-sweep migrate again: the value becomes \`getSecretSync('${r.secretName}', '${r.jsonKey}')\` from the generated helper, fetched when PM2 reads the file (where it runs, with AWS credentials)`,
      };
    }
    default: {
      // node-config (the `config` package) loads config/NAME.cjs as well as NAME.json: the module form takes a
      // helper call. .cjs, not .js: in a `"type": "module"` package a .js is an ES module node-config cannot require.
      const nodeConfig = /(^|\/)config\/[^/]+\.json$/i.test(file)
        ? `; if it is node-config's (the \`config\` package), rename it to ${file.replace(/\.json$/i, '.cjs')} with \`module.exports = \` before the same object and run secret-sweep migrate again: the value becomes \`getSecretSync('${r.secretName}', '${r.jsonKey}')\``
        : '';
      return {
        reason: 'the program that loads this file is unknown: a reference it does not expand would be read as the value',
        suggestion: `if that program expands environment variables, replace the value with \`\${${envVar}}\` and start it with \`secret-sweep run -- COMMAND\` (\`${envVar}=sm://${r.secretName}#${r.jsonKey}\`); otherwise have it read ${r.secretName} (key ${r.jsonKey}) from AWS Secrets Manager${nodeConfig}`,
      };
    }
  }
}

/** A scalar's new source text, quoted so that YAML still reads it as one string. */
function quotePlain(body: string): string {
  return body.includes("'") && !/["\\]/.test(body) ? `"${body}"` : `'${body.replace(/'/g, "''")}'`;
}

const isK8sSecret = (doc: Document.Parsed) => {
  const Y = yamlLib();
  const root = doc.contents;
  return Y.isMap(root) && (root.get('kind') as unknown) === 'Secret' && typeof (root.get('apiVersion') as unknown) === 'string';
};

/** PLAIN scalars that would change meaning (or stop parsing) with this text must be quoted. */
function plainNeedsQuotes(s: string): boolean {
  return /^[{[\]}*&!|>'"%@`,?#-]/.test(s) || /: |\s#|:$/.test(s) || /^\s|\s$/.test(s);
}

export interface StructuredOptions {
  json: boolean;
}

/** The shared engine of the YAML and JSON rewriters. */
export function rewriteStructured(input: RewriteInput, opts: StructuredOptions): SiteRewriteResult {
  const out = emptyResult();
  if (input.sites.length === 0) return out;
  const Y = yamlLib();
  const { text, file } = input;
  const docs = Y.parseAllDocuments(text) as Document.Parsed[] | { errors: unknown[] };
  const manual = (site: RewriteSite, reason: string, suggestion?: string, keyPath?: Array<string | number>) => {
    out.unhandled.push({ ...site, reason, ...(suggestion ? { suggestion } : {}), ...(keyPath ? { keyPath } : {}) });
  };
  if (!Array.isArray(docs) || docs.some((d) => d.errors.length) || (opts.json && !parsesAsJson(text))) {
    for (const s of input.sites) if (s.kind === 'secret') manual(s, `the file does not parse as ${opts.json ? 'JSON' : 'YAML'}`);
    return noteUnhandled(out);
  }
  const kind = detectKind(file, docs[0], opts.json);
  const located = locateSites(text, input.sites, out);

  // Group by scalar.
  const groups = new Map<Scalar, { hit: Hit; items: Located[] }>();
  for (const loc of located) {
    const hit = findScalar(docs, loc.start, loc.end);
    if (!hit) {
      if (loc.site.kind === 'secret') manual(loc.site, 'the value is not a YAML/JSON string (a comment or a key?)', 'delete it and rotate the secret');
      continue;
    }
    const g = groups.get(hit.scalar) ?? { hit, items: [] };
    g.items.push(loc);
    groups.set(hit.scalar, g);
  }

  // GitHub Actions: the get-secrets step to add per job (after its configure-aws-credentials step).
  const jobSteps = new Map<string, { insertAt: number; indent: string; secrets: Set<string> }>();
  let composeUsed = false;
  let ansibleUsed = false;
  let cfnUsed = false;
  let dbtUsed = false;

  for (const { hit, items } of groups.values()) {
    const secrets = items.filter((x) => x.site.kind === 'secret');
    if (secrets.length === 0) continue;
    const fail = (reason: string, suggestion?: string) => {
      // The key path only when the value is the whole scalar: an edit that sets the key would otherwise drop the rest.
      const whole = items.length === 1 && text.slice(items[0]!.start, items[0]!.end) === String(hit.scalar.value);
      for (const x of secrets) manual(x.site, reason, suggestion, whole ? hit.path : undefined);
    };
    if (hit.isKey) {
      fail('the secret is a mapping key');
      continue;
    }
    if (items.some((x) => !PLAIN_NAME.test(x.site.ref.secretName) || !PLAIN_KEY.test(x.site.ref.jsonKey ?? ''))) {
      fail('the secret name or key has characters that need escaping');
      continue;
    }
    if (isK8sSecret(hit.doc)) {
      const root = hit.doc.contents as unknown as { getIn(p: string[]): unknown };
      const name = String(root.getIn(['metadata', 'name']) ?? 'app-secrets');
      const refs = secrets.map((x) => x.site.ref);
      fail('a Kubernetes Secret manifest is not rewritten: replace it with an External Secrets Operator ExternalSecret that reads the secret from AWS Secrets Manager',
        `ExternalSecret:\n${externalSecretSnippet(name, refs)}`);
      continue;
    }
    const scalar = hit.scalar;
    const [s0, s1] = scalar.range!;
    const type = scalar.type ?? 'PLAIN';
    // Each site must sit in plain text of the scalar's source: no escape or quote doubling inside it.
    if (items.some((x) => /\\|''/.test(text.slice(x.start, x.end)) || (type === 'QUOTE_DOUBLE' || type === 'QUOTE_SINGLE') && (x.start <= s0 || x.end >= s1))) {
      fail('the value contains escape sequences or quotes in the file');
      continue;
    }

    // What this kind of file's reader understands decides what goes in (file-kinds.ts).
    const fileKind = STRUCTURED_KINDS[kind];
    if (referenceFormFor(fileKind) === undefined) {
      const m = manualEdit(kind, file, hit.path, secrets.map((x) => x.site.ref), hit.doc);
      fail(m.reason, m.suggestion);
      continue;
    }
    let replacementFor: (site: RewriteSite) => string | undefined;
    let why: string | undefined;
    const path = hit.path;
    if (kind === 'cloudformation') {
      const inProps = path[0] === 'Resources' && path[2] === 'Properties';
      if (!inProps) why = 'CloudFormation resolves dynamic references only in resource properties';
      replacementFor = (site) => cfnResolve(site.ref.secretName, site.ref.jsonKey);
    } else if (kind === 'github-actions') {
      const job = path[0] === 'jobs' ? String(path[1]) : undefined;
      const stepIdx = path[2] === 'steps' && typeof path[3] === 'number' ? path[3] : undefined;
      const jobs = (hit.doc.contents as unknown as { get(k: string, keep: true): unknown }).get('jobs', true);
      const jobNode = job !== undefined && Y.isMap(jobs) ? jobs.get(job, true) : undefined;
      const steps = Y.isMap(jobNode) ? jobNode.get('steps', true) : undefined;
      const configureIdx = Y.isSeq(steps)
        ? steps.items.findIndex((st) => Y.isMap(st) && CONFIGURE_ACTION.test(String(st.get('uses') ?? '')))
        : -1;
      const aliasLines = secrets.map((x) => `${actionsAlias(x.site.ref.secretName)},${x.site.ref.secretName}`);
      const snippet = `add after an aws-actions/configure-aws-credentials step (role via OIDC, permissions: id-token: write):\n- uses: ${GET_SECRETS_ACTION}\n  with:\n    secret-ids: |\n      ${aliasLines.join('\n      ')}\n    parse-json-secrets: true\nand use ${secrets.map((x) => `\${{ env.${actionsVariable(x.site.ref.secretName, x.site.ref.jsonKey)} }}`).join(', ')} in the steps after it`;
      // Without AWS access, GitHub's own store is the way left (a second copy: said so).
      const own = path[path.length - 1];
      const ghName = typeof own === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(own) && !/^GITHUB_/i.test(own) ? own : actionsVariable(secrets[0]!.site.ref.secretName, secrets[0]!.site.ref.jsonKey);
      const orSecrets = `\nor, where the job cannot reach AWS, make it an Actions secret (\`gh secret set ${ghName}\`) and write \${{ secrets.${ghName} }} here: GitHub then holds a copy that rotating it in Secrets Manager does not update`;
      if (job === undefined || stepIdx === undefined) {
        fail('a workflow- or job-level value is evaluated before any step can fetch the secret', snippet + orSecrets);
        continue;
      }
      if (configureIdx < 0 || configureIdx >= stepIdx) {
        fail('the job has no AWS credentials (an aws-actions/configure-aws-credentials step) before this step', snippet + orSecrets);
        continue;
      }
      const configure = (steps as unknown as { items: ParsedNode[] }).items[configureIdx]!;
      const placed = stepInsertion(text, configure);
      if (!placed) {
        fail('unusual layout of the steps list', snippet);
        continue;
      }
      const entry = jobSteps.get(job) ?? { ...placed, secrets: new Set<string>() };
      for (const x of items) entry.secrets.add(x.site.ref.secretName);
      jobSteps.set(job, entry);
      replacementFor = (site) => `\${{ env.${actionsVariable(site.ref.secretName, site.ref.jsonKey)} }}`;
    } else if (kind === 'ansible') {
      replacementFor = (site) => ansibleLookup(site.ref.secretName, site.ref.jsonKey);
    } else if (kind === 'dbt-profiles') {
      replacementFor = (site) => dbtEnvVar(addEnvRef(out, site.ref, DBT_SECRET_PREFIX + envVarFor(site.ref)));
    } else {
      replacementFor = (site) => `\${${addEnvRef(out, site.ref)}}`;
    }
    if (why) {
      fail(why, `use ${cfnResolve(secrets[0]!.site.ref.secretName, secrets[0]!.site.ref.jsonKey)} where the template can resolve it (e.g. a resource property), or a NoEcho parameter`);
      continue;
    }
    if (type === 'BLOCK_LITERAL' || type === 'BLOCK_FOLDED') {
      // A block scalar (a PEM key under `key: |`) was stored whole, decoded as YAML reads it
      // (plan/multiline.ts): it becomes one double-quoted scalar; its trailing line breaks stay.
      const x = items[0]!;
      const ref = items.length === 1 && x.start === s0 && /^[\r\n]*$/.test(text.slice(x.end, s1)) ? replacementFor(x.site) : undefined;
      if (ref === undefined) {
        fail('a part of a block scalar: replace the whole block by hand');
        continue;
      }
      out.edits.push({ start: s0, end: x.end, replacement: JSON.stringify(ref) });
      if (kind === 'compose') composeUsed = true;
      else if (kind === 'ansible') ansibleUsed = true;
      continue;
    }
    // The scalar's new source: each site replaced, the rest as written.
    let body = '';
    let pos = s0;
    for (const x of items) {
      const ref = replacementFor(x.site) ?? '';
      body += text.slice(pos, x.start) + (type === 'QUOTE_SINGLE' ? ref.replace(/'/g, "''") : ref);
      pos = x.end;
    }
    body += text.slice(pos, s1);
    // 'a ''lookup''' reads right but is hard to read: double quotes when nothing in it needs escaping.
    if (type === 'QUOTE_SINGLE' && body.includes("''") && !/["\\]/.test(body) && !text.slice(s0 + 1, s1 - 1).includes("''")) {
      body = `"${body.slice(1, -1).replace(/''/g, "'")}"`;
    }
    if (type === 'PLAIN' && plainNeedsQuotes(body)) {
      if (body.includes('\n')) {
        fail('a multi-line plain scalar would need quoting');
        continue;
      }
      body = quotePlain(body);
    }
    out.edits.push({ start: s0, end: s1, replacement: body });
    if (kind === 'compose') composeUsed = true;
    else if (kind === 'cloudformation') cfnUsed = true;
    else if (kind === 'ansible') ansibleUsed = true;
    else if (kind === 'dbt-profiles') dbtUsed = true;
  }

  for (const [job, step] of jobSteps) {
    const ids = [...step.secrets].sort().map((n) => `${actionsAlias(n)},${n}`);
    const i = step.indent;
    const block = `${i}- name: Read secrets from AWS Secrets Manager (added by secret-sweep)\n${i}  uses: ${GET_SECRETS_ACTION}\n${i}  with:\n${i}    secret-ids: |\n${ids.map((l) => `${i}      ${l}\n`).join('')}${i}    parse-json-secrets: true\n`;
    out.edits.push(insertion(text, step.insertAt, block));
    out.notes.push(`${file}: job ${job}: added an ${GET_SECRETS_ACTION} step after configure-aws-credentials; its role needs secretsmanager:GetSecretValue on ${[...step.secrets].join(', ')}`);
  }
  if (composeUsed) out.notes.push(`${file}: values are now \${VAR} references: start it with \`secret-sweep run -- docker compose up\` (.env gets the sm:// references)`);
  if (ansibleUsed) out.notes.push(`${file}: values are now amazon.aws.aws_secret lookups: the Ansible controller needs the amazon.aws collection (\`ansible-galaxy collection install amazon.aws\`), boto3, and secretsmanager:GetSecretValue`);
  if (dbtUsed) out.notes.push(`${file}: values are now {{ env_var('${DBT_SECRET_PREFIX}…') }}: start dbt with \`secret-sweep run -- dbt …\` (secret-sweep.refs names the sm:// references)`);
  if (cfnUsed) out.notes.push(`${file}: CloudFormation resolves {{resolve:secretsmanager:...}} at deploy time; the deploying role needs secretsmanager:GetSecretValue`);
  noteUnhandled(out);
  return guardParses(text, input.sites, out, (after) => {
    if (opts.json) return parsesAsJson(after) ? undefined : 'invalid JSON';
    const again = Y.parseAllDocuments(after);
    if (!Array.isArray(again)) return 'invalid YAML';
    const err = again.flatMap((d) => d.errors)[0];
    return err ? err.message : undefined;
  });
}

function parsesAsJson(text: string): boolean {
  try {
    JSON.parse(text.replace(/^\uFEFF/, ''));
    return true;
  } catch {
    return false;
  }
}

/** Where to add a step after `step` (a map in a block sequence) and with which `- ` indentation. */
function stepInsertion(text: string, step: ParsedNode): { insertAt: number; indent: string } | undefined {
  const r = step.range;
  if (!r) return undefined;
  const lineStart = text.lastIndexOf('\n', r[0] - 1) + 1;
  const prefix = text.slice(lineStart, r[0]);
  const m = /^([ ]*)-[ ]+$/.exec(prefix);
  if (!m) return undefined;
  let end = r[1];
  while (end > r[0] && /\s/.test(text[end - 1]!)) end--;
  const nl = text.indexOf('\n', end);
  return { insertAt: nl < 0 ? text.length : nl + 1, indent: m[1]! };
}

function insertion(text: string, at: number, block: string): TextEdit {
  if (at === text.length && !text.endsWith('\n')) return { start: at, end: at, replacement: '\n' + block };
  return { start: at, end: at, replacement: block };
}

export class YamlRewriter implements Rewriter {
  readonly id = 'yaml';

  appliesTo(file: string): boolean {
    return /\.ya?ml$/i.test(file);
  }

  rewrite(input: RewriteInput): SiteRewriteResult {
    return rewriteStructured(input, { json: false });
  }
}

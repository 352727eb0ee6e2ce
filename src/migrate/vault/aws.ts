/**
 * The AWS Secrets Manager backend: the real SDK client, adaptive retries, and every SDK error turned
 * into a VaultError in plain words.
 */
import {
  CreateSecretCommand,
  DecryptionFailure,
  DescribeSecretCommand,
  EncryptionFailure,
  GetSecretValueCommand,
  InternalServiceError,
  InvalidParameterException,
  InvalidRequestException,
  LimitExceededException,
  ListSecretsCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  RotateSecretCommand,
  SecretsManagerClient,
  TagResourceCommand,
  type SecretsManagerClientConfig,
} from '@aws-sdk/client-secrets-manager';
import {
  VaultError,
  stripValue,
  type CreateInput,
  type GetOptions,
  type ListedSecret,
  type PutInput,
  type RotateInput,
  type SecretDescription,
  type SecretValue,
  type Tags,
  type Vault,
  type VaultCapabilities,
  type VaultErrorCode,
  type VaultStats,
  type WriteResult,
} from './vault.js';
import { Readable } from 'node:stream';

export interface AwsVaultOptions {
  region?: string;
  profile?: string;
  /** e.g. http://localhost:4566 for LocalStack; defaults to AWS_ENDPOINT_URL. */
  endpoint?: string;
  /** Attempts per call, first one included. */
  maxAttempts?: number;
  /** Give up on one attempt after this long (it is then retried). */
  requestTimeoutMs?: number;
  /** ListSecrets page size (1-100). */
  pageSize?: number;
  /** Environment to read AWS_* settings from; defaults to process.env. */
  env?: NodeJS.ProcessEnv;
}

export const DEFAULT_MAX_ATTEMPTS = 5;

const THROTTLE_NAMES = new Set([
  'ThrottlingException', 'Throttling', 'TooManyRequestsException', 'RequestLimitExceeded', 'SlowDown',
  'ThrottledException', 'RequestThrottledException',
]);
const CREDENTIAL_NAMES = new Set([
  'ExpiredTokenException', 'ExpiredToken', 'RequestExpired', 'UnrecognizedClientException', 'InvalidClientTokenId',
  'InvalidSignatureException', 'IncompleteSignatureException', 'MissingAuthenticationTokenException',
  'SignatureDoesNotMatch', 'CredentialsProviderError', 'TokenProviderError',
]);
/** KMS answers that the key cannot be used now (Secrets Manager passes them on). */
const KMS_STATE_NAMES = new Set([
  'KMSInvalidStateException', 'KMSDisabledException', 'KMSNotFoundException', 'KMSInvalidKeyUsageException', 'DisabledException',
]);
const NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH',
]);

interface CallContext {
  action: string;
  name: string;
  value?: string;
  endpoint?: string;
  kmsKeyId?: string;
}

interface SdkErrorLike {
  name?: string;
  message?: string;
  code?: string;
  $fault?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number };
  cause?: unknown;
}

/** Turn anything the SDK throws into a VaultError that names the action and secret, never the value. */
export function toVaultError(e: unknown, ctx: CallContext): VaultError {
  if (e instanceof VaultError) return e;
  const err = (e ?? {}) as SdkErrorLike;
  const errName = err.name ?? 'Error';
  const attempts = err.$metadata?.attempts;
  const serverMsg = stripValue(String(err.message ?? '').replace(/\s+/g, ' ').trim(), ctx.value);
  const { action, name } = ctx;
  const after = attempts && attempts > 1 ? ` after ${attempts} attempts` : '';
  const make = (code: VaultErrorCode, message: string) =>
    new VaultError(code, message, { action, secretName: name, providerCode: errName, attempts, cause: e });

  if (e instanceof ResourceNotFoundException) {
    return make('NotFound', /value for (VersionId|staging label)/.test(serverMsg)
      ? `${name}: ${serverMsg.replace(/^Secrets Manager can't find the specified secret value/, 'no version')} (${action})`
      : `secret ${name} not found (${action})`);
  }
  if (e instanceof ResourceExistsException) {
    // AWS: "You can't modify an existing version"; moto and LocalStack: "You can't use ClientRequestToken ...".
    return make('Exists', /existing version|ClientRequestToken/.test(serverMsg)
      ? `${action} on ${name}: this ClientRequestToken already names a version with a different value; a new value needs a new token`
      : `a secret named ${name} already exists (${action})`);
  }
  if (e instanceof InvalidRequestException && /delet/i.test(serverMsg)) {
    return make('ScheduledForDeletion',
      `${name} is scheduled for deletion: restore it with \`aws secretsmanager restore-secret --secret-id ${name}\``);
  }
  if (e instanceof InvalidRequestException || e instanceof InvalidParameterException) {
    return make('InvalidParameter', `Secrets Manager rejected ${action} on ${name}: ${serverMsg}`);
  }
  if (e instanceof DecryptionFailure) {
    return make('Kms', `KMS could not decrypt ${name} (DecryptionFailure): check the key policy of the KMS key`
      + `${ctx.kmsKeyId ? ` ${ctx.kmsKeyId}` : ''} allows kms:Decrypt for you`);
  }
  if (e instanceof EncryptionFailure) {
    return make('Kms', `KMS could not encrypt ${name} (EncryptionFailure): check that the KMS key`
      + `${ctx.kmsKeyId ? ` ${ctx.kmsKeyId}` : ''} exists, is enabled, and its key policy allows kms:GenerateDataKey`);
  }
  if (KMS_STATE_NAMES.has(errName)) {
    return make('Kms', `the KMS key${ctx.kmsKeyId ? ` ${ctx.kmsKeyId}` : ''} of ${name} cannot be used (${errName}): it is disabled, `
      + `pending deletion or missing; enable it (or cancel its deletion) or pass another --kms-key-id (${action})`);
  }
  if ((errName === 'AccessDeniedException' || errName === 'AccessDenied') && /\bKMS\b/i.test(serverMsg)) {
    // Secrets Manager's own answer when the caller may not use the secret's KMS key: not an IAM problem
    // with secretsmanager:*, so saying so would send the user to the wrong policy.
    return make('Kms', `access denied to the KMS key${ctx.kmsKeyId ? ` ${ctx.kmsKeyId}` : ''} of ${name} during ${action}: `
      + `the key policy or IAM must allow you kms:GenerateDataKey and kms:Decrypt on it`);
  }
  if (errName === 'AccessDeniedException' || errName === 'AccessDenied') {
    return make('AccessDenied', `access denied: secretsmanager:${action} on ${name} — check the IAM policy`);
  }
  if (THROTTLE_NAMES.has(errName)) {
    return make('Throttled', `Secrets Manager throttled ${action} on ${name}${after}: try again later or lower the request rate`);
  }
  if (e instanceof LimitExceededException) {
    return make('Limit', `Secrets Manager limit exceeded on ${action} for ${name}${after}: ${serverMsg}`);
  }
  if (/Region is missing/i.test(serverMsg)) {
    return make('InvalidParameter', `no AWS region for ${action} on ${name}: pass --region or set AWS_REGION`);
  }
  if (CREDENTIAL_NAMES.has(errName) || /Could not load credentials/i.test(serverMsg)) {
    if (/expired/i.test(errName) || /expired/i.test(serverMsg)) {
      return make('Credentials', `AWS credentials have expired (${errName}) during ${action} on ${name}: refresh them (e.g. \`aws sso login\`) and run again`);
    }
    if (errName === 'CredentialsProviderError' || /Could not load credentials/i.test(serverMsg)) {
      return make('Credentials', `no AWS credentials found for ${action} on ${name}: set AWS_PROFILE or run \`aws configure\``);
    }
    return make('Credentials', `AWS rejected the credentials (${errName}) for ${action} on ${name}: check AWS_PROFILE and the access key`);
  }
  const netCode = networkCode(e);
  if (netCode) {
    const where = ctx.endpoint ? ` at ${ctx.endpoint}` : '';
    return make('Network', `could not reach Secrets Manager${where} for ${action} on ${name} (${netCode})${after}: check the network, proxy and --endpoint-url`);
  }
  // An answer with no AWS error in it (an HTML page, a bare 404): another server is at that address,
  // so "try again later" or "UnknownError" would send the user the wrong way.
  if (errName === 'SyntaxError' || errName === 'Unknown' || serverMsg === 'UnknownError') {
    const where = ctx.endpoint ? ` at ${ctx.endpoint}` : '';
    const status = err.$metadata?.httpStatusCode;
    return make('Network', `the server${where} answered ${action} on ${name} with HTTP ${status ?? '(no status)'} and no Secrets Manager `
      + `error in it (${errName === 'SyntaxError' ? 'not JSON' : 'no error type'})${after}: is --endpoint-url / AWS_ENDPOINT_URL a Secrets Manager endpoint? check it and any proxy`);
  }
  if (e instanceof InternalServiceError || err.$fault === 'server' || (err.$metadata?.httpStatusCode ?? 0) >= 500) {
    return make('Internal', `Secrets Manager failed on ${action} for ${name} (${errName})${after}: try again later`);
  }
  return make('Internal', `${action} on ${name} failed: ${errName}${serverMsg ? `: ${serverMsg}` : ''}`);
}

/**
 * An error answered as XML (`<ErrorResponse><Error><Code>…`: the query-protocol form an IAM check in front
 * of the service uses, e.g. moto_server's with IAM enforcement, and some proxies), which the JSON
 * deserializer can only call a SyntaxError: thrown as the AWS error it names, so AccessDenied and
 * InvalidClientTokenId read as such (and a throttling code is retried). Runs inside the deserializer,
 * on the raw response; a JSON answer passes untouched.
 */
const xmlErrors = (next: (args: any) => Promise<any>) => async (args: any) => {
  const out = await next(args);
  const res = out?.response as { statusCode?: number; headers?: Record<string, string>; body?: AsyncIterable<Uint8Array> } | undefined;
  if (!res || (res.statusCode ?? 0) < 400 || !/xml|html/i.test(res.headers?.['content-type'] ?? '') || !res.body) return out;
  const chunks: Buffer[] = [];
  for await (const c of res.body) chunks.push(Buffer.from(c));
  const text = Buffer.concat(chunks).toString('utf8');
  const code = /<Code>([A-Za-z0-9.]{1,100})<\/Code>/.exec(text)?.[1];
  if (!code) {
    res.body = Readable.from([Buffer.from(text)]);
    return out;
  }
  const message = /<Message>([^<]{0,500})<\/Message>/.exec(text)?.[1] ?? code;
  throw Object.assign(new Error(message), { name: code, $fault: res.statusCode! >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: res.statusCode } });
};

/** The Node error code or timeout name of a connection failure, looking through `cause` chains. */
function networkCode(e: unknown, depth = 0): string | undefined {
  if (!e || typeof e !== 'object' || depth > 5) return undefined;
  const err = e as SdkErrorLike;
  if (err.code && NETWORK_CODES.has(err.code)) return err.code;
  if (err.name === 'TimeoutError' || err.name === 'RequestTimeout') return 'timeout';
  return networkCode(err.cause, depth + 1);
}

function toTagList(tags: Tags | undefined) {
  return tags && Object.keys(tags).length ? Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) : undefined;
}

function fromTagList(tags: Array<{ Key?: string; Value?: string }> | undefined): Tags | undefined {
  if (!tags) return undefined;
  return Object.fromEntries(tags.filter((t) => t.Key !== undefined).map((t) => [t.Key as string, t.Value ?? '']));
}

export class AwsVault implements Vault {
  readonly kind = 'aws';
  readonly capabilities: VaultCapabilities = { versions: true, tags: true, rotation: true, kms: true };
  readonly client: SecretsManagerClient;
  readonly endpoint?: string;
  readonly region?: string;
  private readonly pageSize: number;
  private counts: VaultStats = { calls: 0, retries: 0 };

  constructor(opts: AwsVaultOptions = {}) {
    const env = opts.env ?? process.env;
    // AWS_DEFAULT_REGION is what boto3 users have set; the JS SDK alone would not read it.
    this.region = opts.region || env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined;
    this.endpoint = opts.endpoint || env.AWS_ENDPOINT_URL_SECRETS_MANAGER || env.AWS_ENDPOINT_URL || undefined;
    this.pageSize = Math.min(100, Math.max(1, opts.pageSize ?? 100));
    const config: SecretsManagerClientConfig = {
      region: this.region,
      profile: opts.profile,
      endpoint: this.endpoint,
      retryMode: 'adaptive',
      maxAttempts: opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    };
    if (opts.requestTimeoutMs) {
      // Without throwOnRequestTimeout the handler only warns and keeps waiting.
      const ms = opts.requestTimeoutMs;
      config.requestHandler = { requestTimeout: ms, connectionTimeout: ms, throwOnRequestTimeout: true };
    }
    this.client = new SecretsManagerClient(config);
    this.client.middlewareStack.add(xmlErrors, { step: 'deserialize', priority: 'low', name: 'secretSweepXmlErrors' });
  }

  stats(): VaultStats {
    return { ...this.counts };
  }

  /** Release the client's sockets. */
  close(): void {
    this.client.destroy();
  }

  private async send<T extends { $metadata: { attempts?: number } }>(
    ctx: Omit<CallContext, 'endpoint'>,
    run: () => Promise<T>,
  ): Promise<T> {
    this.counts.calls++;
    try {
      const out = await run();
      this.counts.retries += Math.max(0, (out.$metadata.attempts ?? 1) - 1);
      return out;
    } catch (e) {
      const attempts = (e as SdkErrorLike)?.$metadata?.attempts;
      this.counts.retries += Math.max(0, (attempts ?? 1) - 1);
      throw toVaultError(e, { ...ctx, endpoint: this.endpoint });
    }
  }

  async describe(name: string): Promise<SecretDescription> {
    try {
      const d = await this.send({ action: 'DescribeSecret', name },
        () => this.client.send(new DescribeSecretCommand({ SecretId: name })));
      const current = Object.entries(d.VersionIdsToStages ?? {}).find(([, stages]) => stages.includes('AWSCURRENT'));
      return {
        name,
        exists: true,
        arn: d.ARN,
        versionId: current?.[0],
        versionIds: Object.keys(d.VersionIdsToStages ?? {}),
        deletedDate: d.DeletedDate,
        tags: fromTagList(d.Tags) ?? {},
        kmsKeyId: d.KmsKeyId,
        description: d.Description,
        rotation: {
          enabled: d.RotationEnabled ?? false,
          lambdaArn: d.RotationLambdaARN,
          days: d.RotationRules?.AutomaticallyAfterDays,
        },
      };
    } catch (e) {
      if (e instanceof VaultError && e.code === 'NotFound') return { name, exists: false };
      throw e;
    }
  }

  async create(input: CreateInput): Promise<WriteResult> {
    const out = await this.send({ action: 'CreateSecret', name: input.name, value: input.value, kmsKeyId: input.kmsKeyId },
      () => this.client.send(new CreateSecretCommand({
        Name: input.name,
        SecretString: input.value,
        Description: input.description,
        Tags: toTagList(input.tags),
        KmsKeyId: input.kmsKeyId,
        ClientRequestToken: input.clientRequestToken,
      })));
    return { arn: out.ARN ?? '', versionId: out.VersionId ?? '' };
  }

  async put(input: PutInput): Promise<WriteResult> {
    const out = await this.send({ action: 'PutSecretValue', name: input.name, value: input.value },
      () => this.client.send(new PutSecretValueCommand({
        SecretId: input.name,
        SecretString: input.value,
        ClientRequestToken: input.clientRequestToken,
      })));
    return { arn: out.ARN ?? '', versionId: out.VersionId ?? '' };
  }

  async get(name: string, opts: GetOptions = {}): Promise<SecretValue> {
    const out = await this.send({ action: 'GetSecretValue', name },
      () => this.client.send(new GetSecretValueCommand({
        SecretId: name, VersionStage: opts.versionStage, VersionId: opts.versionId,
      })));
    const binary = out.SecretString === undefined && out.SecretBinary !== undefined;
    return {
      value: binary ? Buffer.from(out.SecretBinary as Uint8Array).toString('base64') : (out.SecretString ?? ''),
      versionId: out.VersionId ?? '',
      arn: out.ARN ?? '',
      versionStages: out.VersionStages ?? [],
      ...(binary ? { binary: true } : {}),
    };
  }

  async tag(name: string, tags: Tags): Promise<void> {
    const list = toTagList(tags);
    if (!list) return;
    await this.send({ action: 'TagResource', name },
      () => this.client.send(new TagResourceCommand({ SecretId: name, Tags: list })));
  }

  async rotate(name: string, input: RotateInput): Promise<void> {
    await this.send({ action: 'RotateSecret', name },
      () => this.client.send(new RotateSecretCommand({
        SecretId: name,
        RotationLambdaARN: input.lambdaArn,
        RotationRules: { AutomaticallyAfterDays: input.days },
      })));
  }

  async list(prefix?: string, opts: { includeDeleted?: boolean } = {}): Promise<ListedSecret[]> {
    const found: ListedSecret[] = [];
    let next: string | undefined;
    do {
      const out = await this.send({ action: 'ListSecrets', name: prefix ? `${prefix}*` : '*' },
        () => this.client.send(new ListSecretsCommand({
          MaxResults: this.pageSize,
          NextToken: next,
          Filters: prefix ? [{ Key: 'name', Values: [prefix] }] : undefined,
          IncludePlannedDeletion: opts.includeDeleted || undefined,
        })));
      for (const s of out.SecretList ?? []) {
        if (!s.Name || (prefix && !s.Name.startsWith(prefix))) continue;
        found.push({ name: s.Name, arn: s.ARN ?? '', deletedDate: s.DeletedDate, tags: fromTagList(s.Tags) });
      }
      next = out.NextToken;
    } while (next);
    return found;
  }
}

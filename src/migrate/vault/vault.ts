/**
 * One interface for every place a migrated secret can live (AWS Secrets Manager, a git-ignored .env).
 *
 * Values are strings, conventionally a JSON object of key/value pairs. A value never appears in an
 * error message, a log line or a return value other than `get`.
 */
import { SweepError } from '../../errors.js';

export type Tags = Record<string, string>;

export interface SecretDescription {
  name: string;
  exists: boolean;
  arn?: string;
  /** The version that carries AWSCURRENT, if the secret has a value. */
  versionId?: string;
  /** Every version id the secret keeps (current, previous and unlabelled), where the backend knows them. */
  versionIds?: string[];
  /** Set when the secret is scheduled for deletion. */
  deletedDate?: Date;
  tags?: Tags;
  kmsKeyId?: string;
  description?: string;
  rotation?: { enabled: boolean; lambdaArn?: string; days?: number };
}

export interface CreateInput {
  name: string;
  value: string;
  description?: string;
  tags?: Tags;
  kmsKeyId?: string;
  /** 32-64 characters; derive it from the content so a retried or resumed write makes no second version. */
  clientRequestToken?: string;
}

export interface PutInput {
  name: string;
  value: string;
  clientRequestToken?: string;
}

export interface WriteResult {
  arn: string;
  versionId: string;
}

export interface GetOptions {
  versionStage?: string;
  versionId?: string;
}

export interface SecretValue {
  value: string;
  versionId: string;
  arn: string;
  versionStages: string[];
  /** The secret holds SecretBinary; `value` is then its base64. */
  binary?: boolean;
}

export interface RotateInput {
  lambdaArn: string;
  days: number;
}

export interface ListedSecret {
  name: string;
  arn: string;
  deletedDate?: Date;
  tags?: Tags;
}

/** What a backend can really do, so a planner can warn instead of pretending. */
export interface VaultCapabilities {
  versions: boolean;
  tags: boolean;
  rotation: boolean;
  kms: boolean;
}

export interface VaultStats {
  /** API calls made (one per operation, however many attempts it took). */
  calls: number;
  /** Extra attempts the SDK made after throttling, server errors or dropped connections. */
  retries: number;
}

export interface Vault {
  readonly kind: string;
  readonly capabilities: VaultCapabilities;
  describe(name: string): Promise<SecretDescription>;
  create(input: CreateInput): Promise<WriteResult>;
  put(input: PutInput): Promise<WriteResult>;
  get(name: string, opts?: GetOptions): Promise<SecretValue>;
  tag(name: string, tags: Tags): Promise<void>;
  rotate(name: string, input: RotateInput): Promise<void>;
  /**
   * Secrets whose name starts with `prefix` (all when omitted); those scheduled for deletion only with
   * `includeDeleted` (then with `deletedDate`).
   */
  list(prefix?: string, opts?: { includeDeleted?: boolean }): Promise<ListedSecret[]>;
  stats(): VaultStats;
}

export type VaultErrorCode =
  | 'AccessDenied'
  | 'NotFound'
  | 'Exists'
  | 'ScheduledForDeletion'
  | 'Kms'
  | 'Limit'
  | 'Throttled'
  | 'Network'
  | 'Credentials'
  | 'InvalidParameter'
  | 'Internal'
  | 'Unsupported';

export interface VaultErrorDetails {
  /** The operation, e.g. 'CreateSecret'. */
  action?: string;
  secretName?: string;
  /** The provider's own error name, e.g. 'ResourceExistsException'. */
  providerCode?: string;
  /** Attempts the SDK made, when known. */
  attempts?: number;
  cause?: unknown;
}

/**
 * A vault failure in plain words: one line naming the action and the secret, never the value.
 * A SweepError, so the CLI prints it as one line and exits 2.
 */
export class VaultError extends SweepError {
  readonly action?: string;
  readonly secretName?: string;
  readonly providerCode?: string;
  readonly attempts?: number;

  constructor(
    readonly code: VaultErrorCode,
    message: string,
    details: VaultErrorDetails = {},
  ) {
    super(message);
    this.name = 'VaultError';
    this.action = details.action;
    this.secretName = details.secretName;
    this.providerCode = details.providerCode;
    this.attempts = details.attempts;
    if (details.cause !== undefined) Object.defineProperty(this, 'cause', { value: details.cause });
  }

  /** Worth trying again later (the SDK has already retried with backoff). */
  get transient(): boolean {
    return this.code === 'Throttled' || this.code === 'Network' || this.code === 'Internal';
  }
}

export function isVaultError(e: unknown): e is VaultError {
  return e instanceof VaultError;
}

/**
 * Remove a value, and each string leaf of it when it is a JSON object, from text that came from
 * elsewhere (a provider's error message), so nothing we print can carry the secret.
 */
export function stripValue(text: string, value: string | undefined): string {
  if (!value) return text;
  const parts = new Set<string>([value]);
  try {
    const parsed: unknown = JSON.parse(value);
    if (parsed && typeof parsed === 'object') {
      for (const v of Object.values(parsed as Record<string, unknown>)) {
        if (typeof v === 'string' || typeof v === 'number') parts.add(String(v));
      }
    }
  } catch {
    // not JSON: the whole value is the only thing to strip
  }
  let out = text;
  for (const p of [...parts].sort((a, b) => b.length - a.length)) {
    if (p.length >= 4) out = out.split(p).join('[redacted]');
  }
  return out;
}

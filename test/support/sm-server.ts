/**
 * A small AWS Secrets Manager for tests: the AWS JSON 1.1 wire protocol on 127.0.0.1, the operations
 * secret-sweep uses, AWS's error names and version-stage rules, and switches to inject faults.
 * Signatures are not checked, but an Authorization header must be present (as AWS requires); its credential
 * scope picks the region whose secrets a request sees.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { randomBytes, randomUUID } from 'node:crypto';

export const OPERATIONS = [
  'CreateSecret', 'PutSecretValue', 'GetSecretValue', 'DescribeSecret', 'ListSecrets', 'TagResource',
  'UntagResource', 'RotateSecret', 'DeleteSecret', 'RestoreSecret', 'BatchGetSecretValue',
] as const;
export type Operation = (typeof OPERATIONS)[number];
const WRITES: Operation[] = [
  'CreateSecret', 'PutSecretValue', 'TagResource', 'UntagResource', 'RotateSecret', 'DeleteSecret', 'RestoreSecret',
];

export type FaultKind =
  | 'throttle' | 'internal' | 'drop' | 'delay' | 'accessDenied' | 'kmsDecrypt' | 'kmsEncrypt' | 'limit' | 'expiredToken'
  // What Secrets Manager answers when the caller may not use the secret's KMS key, or the key is disabled
  // or pending deletion.
  | 'kmsAccessDenied' | 'kmsInvalidState';

export interface Version {
  id: string;
  string?: string;
  binary?: string; // base64, as on the wire
  stages: Set<string>;
  created: Date;
}

export interface Secret {
  name: string;
  arn: string;
  description?: string;
  kmsKeyId?: string;
  tags: Map<string, string>;
  versions: Map<string, Version>;
  created: Date;
  changed: Date;
  deletedDate?: Date;
  rotation?: { lambdaArn?: string; days?: number };
}

export interface SmServerOptions {
  region?: string;
  accountId?: string;
}

/** Calls received per operation, faulted ones included: what the client sent. */
export class Calls {
  readonly byOp: Record<string, number> = {};
  count(op: string): number {
    return this.byOp[op] ?? 0;
  }
  total(): number {
    return Object.values(this.byOp).reduce((a, b) => a + b, 0);
  }
  writeCalls(): number {
    return WRITES.reduce((n, op) => n + this.count(op), 0);
  }
  reset(): void {
    for (const k of Object.keys(this.byOp)) delete this.byOp[k];
  }
}

interface PendingFault { kind: FaultKind; op?: string; ms: number; left: number }

export class Faults {
  pending: PendingFault[] = [];
  maxPerSec: number | undefined;
  private window: number[] = [];

  /** Answer ThrottlingException once more than `reqPerSec` requests arrive within one second. */
  throttleAbove(reqPerSec: number | undefined): void {
    this.maxPerSec = reqPerSec;
    this.window = [];
  }
  /** The next `n` requests (to `op`, if given) fail with `kind`; for 'delay', wait `ms` then answer normally. */
  failNext(n: number, kind: FaultKind, opts: { op?: Operation; ms?: number } = {}): void {
    this.pending.push({ kind, op: opts.op, ms: opts.ms ?? 1000, left: n });
  }
  clear(): void {
    this.pending = [];
    this.throttleAbove(undefined);
  }

  /** The fault for this request, if any; consumes it. */
  take(op: string): PendingFault | undefined {
    const f = this.pending.find((p) => p.left > 0 && (!p.op || p.op === op));
    if (f) {
      f.left--;
      this.pending = this.pending.filter((p) => p.left > 0);
      return f;
    }
    if (this.maxPerSec !== undefined) {
      const now = Date.now();
      this.window = this.window.filter((t) => now - t < 1000);
      // Only accepted requests fill the window, so a client that backs off gets through.
      if (this.window.length >= this.maxPerSec) return { kind: 'throttle', ms: 0, left: 0 };
      this.window.push(now);
    }
    return undefined;
  }
}

class AwsError extends Error {
  /** `wireType`: the `__type` as AWS spells it on the wire, when it carries a namespace. */
  constructor(readonly type: string, message: string, readonly status = 400, readonly wireType = type) {
    super(message);
  }
}

const NAME_RE = /^[A-Za-z0-9/_+=.@-]+$/;
const MAX_VALUE_BYTES = 65536;
const epoch = (d: Date) => d.getTime() / 1000; // AWS JSON timestamps are epoch seconds

export interface SmServer {
  endpoint: string;
  port: number;
  region: string;
  /** The secrets of `region`. */
  state: Map<string, Secret>;
  /** Every region's secrets (requests signed for another region go there). */
  regions: Map<string, Map<string, Secret>>;
  faults: Faults;
  calls: Calls;
  /** Operations answered as unknown (a server that predates them: BatchGetSecretValue came in late 2023). */
  unsupported: Set<Operation>;
  stop(): Promise<void>;
}

export async function startSmServer(opts: SmServerOptions = {}): Promise<SmServer> {
  const region = opts.region ?? 'us-east-1';
  const account = opts.accountId ?? '123456789012';
  // Secrets live in a region, as in AWS, moto and LocalStack: a request signed for another region (the
  // credential scope of its Authorization header) sees that region's secrets, not these.
  const home = new Map<string, Secret>();
  const regions = new Map<string, Map<string, Secret>>([[region, home]]);
  let state = home;
  let requestRegion = region;
  const faults = new Faults();
  const calls = new Calls();
  const unsupported = new Set<Operation>();
  const sockets = new Set<Socket>();

  const arnFor = (name: string) =>
    `arn:aws:secretsmanager:${requestRegion}:${account}:secret:${name}-${randomBytes(6).toString('base64url').slice(0, 6)}`;

  const find = (id: unknown): Secret | undefined => {
    if (typeof id !== 'string' || id === '') throw new AwsError('InvalidParameterException', 'SecretId is required.');
    if (state.has(id)) return state.get(id);
    // A full ARN, or a partial one (the ARN without the 6-character suffix AWS adds to the name).
    for (const s of state.values()) if (s.arn === id || s.arn.slice(0, -7) === id) return s;
    return undefined;
  };
  const mustFind = (id: unknown): Secret => {
    const s = find(id);
    if (!s) throw new AwsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    return s;
  };
  const notDeleted = (s: Secret, what: string) => {
    if (s.deletedDate) {
      throw new AwsError('InvalidRequestException',
        `You can't perform this operation on the secret because it was marked for deletion. (${what})`);
    }
  };

  function checkValue(b: Record<string, unknown>): void {
    if (b.SecretString !== undefined && b.SecretBinary !== undefined) {
      throw new AwsError('InvalidParameterException', 'You can provide SecretString or SecretBinary, not both.');
    }
    const size = typeof b.SecretString === 'string' ? Buffer.byteLength(b.SecretString)
      : typeof b.SecretBinary === 'string' ? Buffer.from(b.SecretBinary, 'base64').length : 0;
    if (size > MAX_VALUE_BYTES) {
      throw new AwsError('InvalidParameterException', `The secret value is larger than ${MAX_VALUE_BYTES} bytes.`);
    }
  }
  function checkToken(token: unknown): void {
    if (token !== undefined && (typeof token !== 'string' || token.length < 32 || token.length > 64)) {
      throw new AwsError('InvalidParameterException', 'ClientRequestToken must be 32 to 64 characters long.');
    }
  }
  function checkTags(tags: unknown): Array<{ Key: string; Value: string }> {
    if (tags === undefined) return [];
    if (!Array.isArray(tags) || tags.length > 50) throw new AwsError('InvalidParameterException', 'Tags must be a list of at most 50.');
    for (const t of tags) {
      if (typeof t?.Key !== 'string' || t.Key.length < 1 || t.Key.length > 128 || t.Key.startsWith('aws:')
        || (t.Value !== undefined && (typeof t.Value !== 'string' || t.Value.length > 256))) {
        throw new AwsError('InvalidParameterException', 'A tag key or value is invalid.');
      }
    }
    return tags;
  }
  const sameValue = (v: Version, b: Record<string, unknown>) => v.string === b.SecretString && v.binary === b.SecretBinary;

  /** Adds a version; moving AWSCURRENT moves the old current to AWSPREVIOUS, as AWS does. */
  function addVersion(s: Secret, id: string, b: Record<string, unknown>, stages: string[]): Version {
    const current = [...s.versions.values()].find((v) => v.stages.has('AWSCURRENT'));
    for (const label of stages) for (const v of s.versions.values()) v.stages.delete(label);
    if (stages.includes('AWSCURRENT') && current) {
      for (const v of s.versions.values()) v.stages.delete('AWSPREVIOUS');
      current.stages.add('AWSPREVIOUS');
    }
    const v: Version = {
      id, string: b.SecretString as string | undefined, binary: b.SecretBinary as string | undefined,
      stages: new Set(current ? stages : ['AWSCURRENT', ...stages]), created: new Date(),
    };
    s.versions.set(id, v);
    s.changed = new Date();
    return v;
  }

  const tagList = (s: Secret) => [...s.tags].map(([Key, Value]) => ({ Key, Value }));
  const versionsToStages = (s: Secret) =>
    Object.fromEntries([...s.versions.values()].filter((v) => v.stages.size).map((v) => [v.id, [...v.stages]]));
  function metadata(s: Secret): Record<string, unknown> {
    return {
      ARN: s.arn, Name: s.name, Description: s.description, KmsKeyId: s.kmsKeyId,
      RotationEnabled: s.rotation ? true : undefined, RotationLambdaARN: s.rotation?.lambdaArn,
      RotationRules: s.rotation?.days ? { AutomaticallyAfterDays: s.rotation.days } : undefined,
      LastChangedDate: epoch(s.changed), CreatedDate: epoch(s.created),
      DeletedDate: s.deletedDate ? epoch(s.deletedDate) : undefined,
      Tags: s.tags.size ? tagList(s) : undefined,
    };
  }

  const handlers: Record<Operation, (b: Record<string, any>) => Record<string, unknown>> = {
    CreateSecret(b) {
      const name = b.Name;
      if (typeof name !== 'string' || name.length < 1 || name.length > 512 || !NAME_RE.test(name)) {
        throw new AwsError('InvalidParameterException',
          'Invalid name. Must be 1-512 characters of letters, digits and /_+=.@-');
      }
      if (typeof b.Description === 'string' && b.Description.length > 2048) {
        throw new AwsError('InvalidParameterException', 'Description is longer than 2048 characters.');
      }
      checkValue(b);
      checkToken(b.ClientRequestToken);
      const tags = checkTags(b.Tags);
      const hasValue = b.SecretString !== undefined || b.SecretBinary !== undefined;
      const existing = state.get(name);
      if (existing) {
        if (existing.deletedDate) {
          throw new AwsError('InvalidRequestException',
            `You can't create this secret because a secret with this name is already scheduled for deletion.`);
        }
        // A retry with the same token and value is ignored; the same token with another value is an error.
        const v = existing.versions.get(b.ClientRequestToken);
        if (v && hasValue) {
          if (!sameValue(v, b)) {
            throw new AwsError('ResourceExistsException', `You can't use ClientRequestToken ${b.ClientRequestToken} because that value is already in use for a version of secret ${existing.arn}.`);
          }
          return { ARN: existing.arn, Name: name, VersionId: v.id };
        }
        throw new AwsError('ResourceExistsException', `The operation failed because the secret ${name} already exists.`);
      }
      const s: Secret = {
        name, arn: arnFor(name), description: b.Description, kmsKeyId: b.KmsKeyId,
        tags: new Map(tags.map((t) => [t.Key, t.Value ?? ''])), versions: new Map(),
        created: new Date(), changed: new Date(),
      };
      state.set(name, s);
      if (!hasValue) return { ARN: s.arn, Name: name };
      const v = addVersion(s, b.ClientRequestToken ?? randomUUID(), b, ['AWSCURRENT']);
      return { ARN: s.arn, Name: name, VersionId: v.id };
    },

    PutSecretValue(b) {
      const s = mustFind(b.SecretId);
      notDeleted(s, 'PutSecretValue');
      if (b.SecretString === undefined && b.SecretBinary === undefined) {
        throw new AwsError('InvalidParameterException', 'You must provide either SecretString or SecretBinary.');
      }
      checkValue(b);
      checkToken(b.ClientRequestToken);
      const token: string = b.ClientRequestToken ?? randomUUID();
      const existing = s.versions.get(token);
      if (existing) {
        if (!sameValue(existing, b)) {
          throw new AwsError('ResourceExistsException',
            `You can't use ClientRequestToken ${token} because that value is already in use for a version of secret ${s.arn}.`);
        }
        return { ARN: s.arn, Name: s.name, VersionId: existing.id, VersionStages: [...existing.stages] };
      }
      const stages: string[] = Array.isArray(b.VersionStages) && b.VersionStages.length ? b.VersionStages : ['AWSCURRENT'];
      const v = addVersion(s, token, b, stages);
      return { ARN: s.arn, Name: s.name, VersionId: v.id, VersionStages: [...v.stages] };
    },

    GetSecretValue(b) {
      const s = mustFind(b.SecretId);
      notDeleted(s, 'GetSecretValue');
      let v: Version | undefined;
      if (b.VersionId !== undefined) {
        v = s.versions.get(b.VersionId);
        if (!v) throw new AwsError('ResourceNotFoundException', `Secrets Manager can't find the specified secret value for VersionId: ${b.VersionId}`);
        if (b.VersionStage !== undefined && !v.stages.has(b.VersionStage)) {
          throw new AwsError('InvalidParameterException', 'VersionId and VersionStage do not refer to the same version.');
        }
      } else {
        const stage: string = b.VersionStage ?? 'AWSCURRENT';
        v = [...s.versions.values()].find((x) => x.stages.has(stage));
        if (!v) throw new AwsError('ResourceNotFoundException', `Secrets Manager can't find the specified secret value for staging label: ${stage}`);
      }
      return {
        ARN: s.arn, Name: s.name, VersionId: v.id, SecretString: v.string, SecretBinary: v.binary,
        VersionStages: [...v.stages], CreatedDate: epoch(v.created),
      };
    },

    // Up to 20 ids; a secret that cannot be read is an entry of Errors, not a failed call.
    BatchGetSecretValue(b) {
      const ids: unknown[] = Array.isArray(b.SecretIdList) ? b.SecretIdList : [];
      if (ids.length < 1 || ids.length > 20) throw new AwsError('InvalidParameterException', 'SecretIdList must hold 1-20 ids.');
      const SecretValues: unknown[] = [];
      const Errors: unknown[] = [];
      for (const id of ids) {
        try {
          SecretValues.push(handlers.GetSecretValue({ SecretId: id }));
        } catch (e) {
          if (!(e instanceof AwsError)) throw e;
          Errors.push({ SecretId: id, ErrorCode: e.type, Message: e.message });
        }
      }
      return { SecretValues, Errors };
    },

    DescribeSecret(b) {
      const s = mustFind(b.SecretId);
      return { ...metadata(s), VersionIdsToStages: versionsToStages(s) };
    },

    ListSecrets(b) {
      const max: number = b.MaxResults ?? 100;
      if (!Number.isInteger(max) || max < 1 || max > 100) throw new AwsError('InvalidParameterException', 'MaxResults must be 1-100.');
      const filters: Array<{ Key: string; Values: string[] }> = b.Filters ?? [];
      const matches = (s: Secret, key: string, value: string): boolean => {
        if (key === 'name') return s.name.startsWith(value);
        if (key === 'tag-key') return [...s.tags.keys()].some((k) => k.startsWith(value));
        if (key === 'tag-value') return [...s.tags.values()].some((v) => v.startsWith(value));
        if (key === 'description') return (s.description ?? '').toLowerCase().startsWith(value.toLowerCase());
        throw new AwsError('InvalidParameterException', `Unsupported filter key: ${key}`);
      };
      // Values within a filter are alternatives; filters all have to match. '!' negates a value.
      const keep = (s: Secret) => filters.every((f) => f.Values.some((raw) =>
        raw.startsWith('!') ? !matches(s, f.Key, raw.slice(1)) : matches(s, f.Key, raw)));
      const all = [...state.values()]
        .filter((s) => (b.IncludePlannedDeletion || !s.deletedDate) && keep(s))
        .sort((x, y) => x.name.localeCompare(y.name));
      let start = 0;
      if (b.NextToken !== undefined) {
        start = Number(Buffer.from(String(b.NextToken), 'base64url').toString());
        if (!Number.isInteger(start) || start < 0) throw new AwsError('InvalidNextTokenException', 'The NextToken value is not valid.');
      }
      const page = all.slice(start, start + max);
      const next = start + max < all.length ? Buffer.from(String(start + max)).toString('base64url') : undefined;
      return {
        SecretList: page.map((s) => ({ ...metadata(s), SecretVersionsToStages: versionsToStages(s) })),
        NextToken: next,
      };
    },

    TagResource(b) {
      const s = mustFind(b.SecretId);
      notDeleted(s, 'TagResource');
      const tags = checkTags(b.Tags);
      if (s.tags.size + tags.filter((t) => !s.tags.has(t.Key)).length > 50) {
        throw new AwsError('InvalidParameterException', 'A secret can have at most 50 tags.');
      }
      for (const t of tags) s.tags.set(t.Key, t.Value ?? '');
      return {};
    },

    UntagResource(b) {
      const s = mustFind(b.SecretId);
      notDeleted(s, 'UntagResource');
      for (const k of b.TagKeys ?? []) s.tags.delete(k);
      return {};
    },

    RotateSecret(b) {
      const s = mustFind(b.SecretId);
      notDeleted(s, 'RotateSecret');
      checkToken(b.ClientRequestToken);
      const lambdaArn: string | undefined = b.RotationLambdaARN ?? s.rotation?.lambdaArn;
      if (lambdaArn !== undefined && !/^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9_$-]+)?$/.test(lambdaArn)) {
        throw new AwsError('InvalidParameterException', 'RotationLambdaARN is not a valid Lambda function ARN.');
      }
      if (!lambdaArn) throw new AwsError('InvalidRequestException', 'No Lambda rotation function ARN is associated with this secret.');
      const days = b.RotationRules?.AutomaticallyAfterDays ?? s.rotation?.days;
      if (days !== undefined && (!Number.isInteger(days) || days < 1 || days > 1000)) {
        throw new AwsError('InvalidParameterException', 'AutomaticallyAfterDays must be between 1 and 1000.');
      }
      // No Lambda runs here: record the configuration, as AWS does before invoking the function.
      s.rotation = { lambdaArn, days };
      s.changed = new Date();
      return { ARN: s.arn, Name: s.name, VersionId: b.ClientRequestToken ?? randomUUID() };
    },

    DeleteSecret(b) {
      const s = mustFind(b.SecretId);
      if (b.ForceDeleteWithoutRecovery && b.RecoveryWindowInDays !== undefined) {
        throw new AwsError('InvalidParameterException', `You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.`);
      }
      if (b.ForceDeleteWithoutRecovery) {
        state.delete(s.name);
        return { ARN: s.arn, Name: s.name, DeletionDate: epoch(new Date()) };
      }
      const days: number = b.RecoveryWindowInDays ?? 30;
      if (!Number.isInteger(days) || days < 7 || days > 30) {
        throw new AwsError('InvalidParameterException', 'RecoveryWindowInDays must be between 7 and 30.');
      }
      notDeleted(s, 'DeleteSecret');
      s.deletedDate = new Date();
      return { ARN: s.arn, Name: s.name, DeletionDate: epoch(new Date(Date.now() + days * 86400_000)) };
    },

    RestoreSecret(b) {
      const s = mustFind(b.SecretId);
      s.deletedDate = undefined;
      return { ARN: s.arn, Name: s.name };
    },
  };

  const FAULTS: Record<Exclude<FaultKind, 'drop' | 'delay'>, (op: string) => AwsError> = {
    // AWS's throttling comes from its front end, namespaced on the wire (the SDK strips the namespace).
    throttle: () => new AwsError('ThrottlingException', 'Rate exceeded', 400, 'com.amazon.coral.availability#ThrottlingException'),
    internal: () => new AwsError('InternalServiceError', 'An error occurred on the server side.', 500),
    accessDenied: (op) => new AwsError('AccessDeniedException',
      `User: arn:aws:iam::${account}:user/test is not authorized to perform: secretsmanager:${op} because no identity-based policy allows the secretsmanager:${op} action`),
    kmsDecrypt: () => new AwsError('DecryptionFailure', `Secrets Manager can't decrypt the protected secret text using the provided KMS key.`),
    kmsEncrypt: () => new AwsError('EncryptionFailure', `Secrets Manager can't encrypt the protected secret text using the provided KMS key.`),
    limit: () => new AwsError('LimitExceededException', 'You have exceeded the maximum number of secrets in this account.'),
    expiredToken: () => new AwsError('ExpiredTokenException', 'The security token included in the request is expired'),
    kmsAccessDenied: () => new AwsError('AccessDeniedException', 'Access to KMS is not allowed'),
    kmsInvalidState: () => new AwsError('KMSInvalidStateException',
      `arn:aws:kms:${requestRegion}:${account}:key/1234abcd-12ab-34cd-56ef-1234567890ab is pending deletion.`),
  };

  function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/x-amz-json-1.1',
      'content-length': Buffer.byteLength(text),
      'x-amzn-requestid': randomUUID(),
      ...headers,
    });
    res.end(text);
  }
  // AWS names the error twice: the x-amzn-ErrorType header (which the SDK reads first) and `__type`.
  const sendError = (res: ServerResponse, e: AwsError) =>
    send(res, e.status, { __type: e.wireType, message: e.message }, { 'x-amzn-errortype': e.type });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const target = String(req.headers['x-amz-target'] ?? '');
    const op = target.startsWith('secretsmanager.') ? target.slice('secretsmanager.'.length) : '';
    if (req.method !== 'POST') return sendError(res, new AwsError('UnknownOperationException', 'Only POST is supported.'));
    if (!req.headers.authorization) return sendError(res, new AwsError('MissingAuthenticationTokenException', 'Missing Authentication Token'));
    // An access key id that is an unresolved sm:// reference (a program's .env kept its own AWS keys in the vault): AWS refuses it.
    if (/Credential=sm:/.test(String(req.headers.authorization))) return sendError(res, new AwsError('UnrecognizedClientException', 'The security token included in the request is invalid.'));
    if (!String(req.headers['content-type']).startsWith('application/x-amz-json-1.1')) {
      return sendError(res, new AwsError('SerializationException', 'Expected content type application/x-amz-json-1.1.'));
    }
    if (!(OPERATIONS as readonly string[]).includes(op)) return sendError(res, new AwsError('UnknownOperationException', `Unknown operation ${target}`));
    calls.byOp[op] = calls.count(op) + 1;
    if (unsupported.has(op as Operation)) return sendError(res, new AwsError('UnknownOperationException', `Unknown operation ${target}`));

    const fault = faults.take(op);
    if (fault?.kind === 'drop') {
      req.socket.destroy(); // no response at all, like a reset connection
      return;
    }
    if (fault?.kind === 'delay') await new Promise((r) => setTimeout(r, fault.ms));
    else if (fault) return sendError(res, FAULTS[fault.kind](op));

    requestRegion = /Credential=[^/,\s]+\/\d{8}\/([a-z0-9-]+)\/secretsmanager\//.exec(String(req.headers.authorization))?.[1] ?? region;
    if (!regions.has(requestRegion)) regions.set(requestRegion, new Map());
    state = regions.get(requestRegion)!;
    let body: Record<string, unknown>;
    try {
      body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
    } catch {
      return sendError(res, new AwsError('SerializationException', 'Request body is not valid JSON.'));
    }
    try {
      const out = handlers[op as Operation](body);
      if (!res.destroyed) send(res, 200, out); // JSON.stringify drops undefined members, as AWS omits them
    } catch (e) {
      if (e instanceof AwsError) return sendError(res, e);
      sendError(res, new AwsError('InternalServiceError', String(e), 500));
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e) => {
      if (!res.headersSent && !res.destroyed) sendError(res, new AwsError('InternalServiceError', String(e), 500));
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    region,
    state: home,
    regions,
    faults,
    calls,
    unsupported,
    stop: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy(); // keep-alive sockets would hold close() open
      server.close(() => resolve());
    }),
  };
}

/**
 * A verifier asks a credential's own issuer whether it works (`scan --verify`). One file per issuer under
 * src/verify/verifiers/, declared by the rules whose findings it can check. Verifiers are read-only,
 * never retry, and report `unknown` (never `invalid`) when the network, a timeout or a rate limit gets in
 * the way.
 */
export type VerificationStatus = 'live' | 'invalid' | 'unknown';

export interface VerificationResult {
  status: VerificationStatus;
  /** What the issuer said about the identity behind the credential (account, login, team, scopes...). */
  identity?: Record<string, string>;
  /** Short, secret-free reason, e.g. "HTTP 401", "timeout after 5000 ms", "connection refused". */
  reason?: string;
}

export interface VerifyInput {
  /** The secret value as found (raw, never logged). */
  secret: string;
  /** The rule that produced the finding. */
  rule: string;
  /** Companion values a verifier needs (e.g. the AWS access key id for a secret key), by name. */
  companions?: Record<string, string>;
}

export interface VerifyContext {
  /** Per-call timeout. */
  timeoutMs: number;
  /** Aborts every call of the run (Ctrl-C, global deadline). */
  signal: AbortSignal;
}

/**
 * A value a verifier needs besides the secret, found near the finding (see registry.ts): the AWS access key
 * id next to a secret key, the Twilio account SID next to an auth token. The scheduler searches the text the
 * finding came from (the same file, blob or stdin) and passes the match closest to the secret as
 * `VerifyInput.companions[name]`.
 */
export interface CompanionSpec {
  /** Key in `VerifyInput.companions`. */
  name: string;
  /** Searched in the finding's text (give it the `g` flag or not: the scheduler makes its own copy). Group `value`, else group 1, else the whole match is the value. */
  pattern: RegExp;
  /** Only look this many characters either side of the secret (default 2000: the same block of config). */
  within?: number;
  /** Without it the verifier is not called and the finding is `unknown` ("no <name> near the secret"). Default true. */
  required?: boolean;
}

export interface Verifier {
  /** Stable id, e.g. "github", "postgres". */
  id: string;
  /** Values found near the secret that the verifier needs (optional). */
  companions?: CompanionSpec[];
  /** The host(s) the secret would be sent to, for the per-host limit and the report. Never a repo's config. */
  hosts(input: VerifyInput): string[];
  verify(input: VerifyInput, ctx: VerifyContext): Promise<VerificationResult>;
}

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

export interface Verifier {
  /** Stable id, e.g. "github", "postgres". */
  id: string;
  /** The host(s) the secret would be sent to, for the per-host limit and the report. Never a repo's config. */
  hosts(input: VerifyInput): string[];
  verify(input: VerifyInput, ctx: VerifyContext): Promise<VerificationResult>;
}

/**
 * Redaction: the only form of a secret that reaches output by default.
 * Shows at most a 4-character prefix, fewer for short secrets, so a redacted value never gives away
 * more than a small fraction of the secret.
 */
export const REDACTION_PREFIX_MAX = 4;

export function redact(secret: string): string {
  const visible = Math.min(REDACTION_PREFIX_MAX, Math.floor(secret.length / 4));
  return secret.slice(0, visible) + '…';
}

/** Replace every occurrence of each secret in an arbitrary string (error messages, log lines). */
export function scrub(text: string, secrets: Iterable<string>): string {
  let out = text;
  for (const s of secrets) {
    if (s.length < 4) continue;
    out = out.split(s).join(redact(s));
  }
  return out;
}

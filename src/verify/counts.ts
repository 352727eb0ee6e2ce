import type { Finding } from '../findings/finding.js';

/** Findings counted by verification status (the summary's "2 live, 1 invalid, 3 unknown"). */
export function verificationCounts(findings: readonly Finding[]): { live: number; invalid: number; unknown: number } {
  const n = { live: 0, invalid: 0, unknown: 0 };
  for (const f of findings) if (f.verification) n[f.verification.status]++;
  return n;
}

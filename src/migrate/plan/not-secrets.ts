/**
 * The plan's safety net for values that detection should not have reported and that must never be
 * stored (issue 13, defect 12): a stored non-secret gets a rotate line, a monthly cost and, worse, a
 * name a real key may need. Detection drops these too (src/detect/hard-negatives.ts, rules/generic.yaml);
 * this catches what a user rule or an older rule set still reports.
 */
import { placeholderReason } from '../../detect/hard-negatives.js';

export interface ValueAt {
  file: string;
  value: string;
  /** The variable or key the value was assigned to. */
  key?: string;
}

const DOCUMENTATION = /\.(?:md|markdown|mdx|rst|adoc|asciidoc)$/i;

/** Why this value is not a secret to store, or undefined. */
export function notASecretReason(v: ValueAt): string | undefined {
  if (/(^|\/)\.secrets\.baseline$/.test(v.file) || (v.key !== undefined && /hashed_secret$/i.test(v.key) && /^[0-9a-f]{40}$/i.test(v.value))) {
    return 'a detect-secrets baseline entry: the SHA-1 hash of a secret, not a secret';
  }
  if (/^pk\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(v.value)) return 'a Mapbox public token (pk.): public by design';
  if (/^pk_(?:live|test)_[A-Za-z0-9]+$/.test(v.value)) return 'a Stripe publishable key: public by design';
  const p = placeholderReason(v.value);
  if (p) return `a placeholder (${p}), not a credential`;
  if (DOCUMENTATION.test(v.file)) return 'in documentation, which no program reads: not stored (if it is a real credential, rotate it and scrub it from history)';
  return undefined;
}

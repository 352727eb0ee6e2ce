import { nodeCrypto } from '../lazy.js';

/**
 * Fingerprint of a finding: HMAC-SHA256 keyed with a salt, over the rule id and the secret value.
 * Independent of file and line, so it survives edits that move the secret; the salt (default: a fixed
 * product salt, overridable in config) keeps short secrets from being looked up in precomputed tables.
 */
export const DEFAULT_SALT = 'secret-sweep/fingerprint/v1';

export function fingerprint(ruleId: string, secret: string, salt = DEFAULT_SALT): string {
  return nodeCrypto().createHmac('sha256', salt).update(ruleId).update('\0').update(secret).digest('hex').slice(0, 32);
}

/**
 * detect-secrets' `.secrets.baseline` (JSON): `results` maps each file to entries whose `hashed_secret` is
 * the SHA-1 (hex) of the secret. Used as a baseline, a finding whose secret has one of those hashes is
 * accepted. The hashes themselves are not secrets: findings on a baseline's `"hashed_secret": "<sha1>"`
 * lines are never reported.
 */
import { nodeCrypto } from '../lazy.js';
import { SweepError } from '../errors.js';
import { quoteUserText } from './redact.js';
import { lineTextOf, secretOf, type Finding } from './finding.js';

/** True when a baseline file's text is a detect-secrets baseline rather than ours. */
export function isDetectSecretsBaseline(text: string): boolean {
  return /^\s*\{/.test(text);
}

/** The SHA-1 hashes a detect-secrets baseline accepts. */
export function parseDetectSecretsBaseline(text: string, file: string): Set<string> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new SweepError(`not a detect-secrets baseline: invalid JSON (${(e as Error).message.split('\n')[0]})`, file);
  }
  const results = (doc as { results?: unknown })?.results;
  if (typeof results !== 'object' || results === null || Array.isArray(results))
    throw new SweepError('not a detect-secrets baseline: no "results" object', file);
  const hashes = new Set<string>();
  for (const [path, list] of Object.entries(results as Record<string, unknown>)) {
    if (!Array.isArray(list)) throw new SweepError(`not a detect-secrets baseline: "results" entry for ${quoteUserText(path)} is not a list`, file);
    for (const e of list) {
      const h = (e as { hashed_secret?: unknown })?.hashed_secret;
      if (typeof h !== 'string' || !/^[0-9a-f]{40}$/i.test(h)) throw new SweepError(`not a detect-secrets baseline: an entry for ${quoteUserText(path)} has no 40-hex "hashed_secret"`, file);
      hashes.add(h.toLowerCase());
    }
  }
  return hashes;
}

export function sha1Hex(s: string): string {
  return nodeCrypto().createHash('sha1').update(s, 'utf8').digest('hex');
}

/** The finding's secret is one a detect-secrets baseline accepted. */
export function inDetectSecretsBaseline(hashes: Set<string>, f: Finding): boolean {
  try {
    return hashes.has(sha1Hex(secretOf(f)));
  } catch {
    return false;
  }
}

/** A `"hashed_secret": "<40 hex>"` line of a detect-secrets baseline: the value is a hash, not a credential. */
export function isDetectSecretsHashLine(f: Finding): boolean {
  const line = lineTextOf(f);
  let secret: string;
  try {
    secret = secretOf(f);
  } catch {
    return false;
  }
  return /^[0-9a-f]{40}$/i.test(secret) && line !== undefined && /"hashed_secret"\s*:\s*"[0-9a-f]{40}"/i.test(line);
}

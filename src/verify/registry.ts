/**
 * The verifiers by id: what a rule's `verify: <id>` names (checked when the rules load). Two kinds, both
 * loaded only when `scan --verify` needs them:
 * - declared: one entry each in http-verifiers.json (the format: http-spec.ts), for issuers checked by one
 *   GET or HEAD to a fixed URL with the secret in a header, basic auth or the query. Adding one: an entry
 *   there, a fake issuer case in test/verify/http-declared.test.ts, a row in docs/verify.md.
 * - coded: one module per issuer under verifiers/, each exporting `verifier`, for anything else (signed
 *   requests, companions, databases, answers a list cannot map). Adding one: write verifiers/<id>.ts
 *   exporting `verifier: Verifier` (verifier.ts) and add one line to CODED below.
 * Either way, add `verify: <id>` to the rules whose findings it can check.
 *
 * The endpoint a verifier calls is fixed in its file. Tests redirect it only through the environment
 * variable SECRET_SWEEP_VERIFY_ENDPOINT_<ID> (upper case, `-` as `_`), which must name a loopback address
 * (http.ts `endpoint`); never through a repository's config.
 *
 * Companions (values a verifier needs besides the secret): a verifier lists them in `companions`
 * (CompanionSpec: a name and a pattern). Before calling it, the scheduler searches the text the finding
 * came from (the same file, git blob or stdin) within `within` characters (default 2000) either side of
 * the secret, and passes the match closest to the secret as `input.companions[name]` (group `value`, else
 * group 1, else the whole match). A required companion that is not found makes the finding `unknown`
 * without any call. Example (AWS, in verifiers/aws.ts):
 *
 *   companions: [{ name: 'accessKeyId', pattern: /\b((?:AKIA|ASIA)[A-Z2-7]{16})\b/ }]
 *
 * The cache key includes the companions, so one secret key next to two key ids is checked twice.
 */
import declared from './http-verifiers.json' with { type: 'json' };
import type { Verifier } from './verifier.js';

export const CODED: Record<string, () => Promise<Verifier>> = {
  algolia: async () => (await import('./verifiers/algolia.js')).verifier,
  aws: async () => (await import('./verifiers/aws.js')).verifier,
  'azure-storage': async () => (await import('./verifiers/azure-storage.js')).verifier,
  discord: async () => (await import('./verifiers/discord.js')).verifier,
  github: async () => (await import('./verifiers/github.js')).verifier,
  google: async () => (await import('./verifiers/google.js')).verifier,
  mailchimp: async () => (await import('./verifiers/mailchimp.js')).verifier,
  mongodb: async () => (await import('./verifiers/mongodb.js')).verifier,
  mysql: async () => (await import('./verifiers/mysql.js')).verifier,
  postgres: async () => (await import('./verifiers/postgres.js')).verifier,
  redis: async () => (await import('./verifiers/redis.js')).verifier,
  slack: async () => (await import('./verifiers/slack.js')).verifier,
  stripe: async () => (await import('./verifiers/stripe.js')).verifier,
  telegram: async () => (await import('./verifiers/telegram.js')).verifier,
  twilio: async () => (await import('./verifiers/twilio.js')).verifier,
};

/** The declared verifiers' ids (their entries are checked when verifiers/http-declared.ts loads). */
export const DECLARED_IDS: string[] = Object.keys(declared.verifiers);

export const VERIFIERS: Record<string, () => Promise<Verifier>> = {
  ...Object.fromEntries(DECLARED_IDS.map((id) => [id, async () => (await import('./verifiers/http-declared.js')).declaredVerifier(id)])),
  // A coded verifier wins over a declared one of the same id (a test forbids the overlap).
  ...CODED,
};

export function isVerifierId(id: string): boolean {
  return Object.hasOwn(VERIFIERS, id);
}

export async function loadVerifier(id: string): Promise<Verifier> {
  const load = VERIFIERS[id];
  if (!load) throw new Error(`no verifier "${id}"`);
  return load();
}

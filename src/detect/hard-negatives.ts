/**
 * Global filters for values that look like secrets but are not: placeholders, templating, environment
 * look-ups, documented example keys, digests, UUIDs, integrity hashes, images, encrypted values.
 * Each returns a short reason (for --debug / rule tests) or undefined when the value may be a secret.
 */

const PLACEHOLDER_WORDS = [
  'example', 'changeme', 'change_me', 'change-me', 'changethis', 'placeholder', 'your_', 'your-', 'yourkey',
  'yourtoken', 'yourpassword', 'yoursecret', 'dummy', 'redacted', 'replace_me', 'replaceme', 'insert_', 'insert-',
  'xxxx', '****', '....', '<your', 'todo', 'fixme', 'notreal', 'not_real', 'not-a-real', 'foobar',
];

/** Whole values that are never real secrets (compared lower-case) when a generic rule found them. */
const TRIVIAL_VALUES = new Set([
  'password', 'passwd', 'secret', 'token', 'test', 'testing', 'admin', 'root', 'pass', 'none', 'null', 'nil',
  'true', 'false', 'undefined', 'default', 'string', 'required', 'optional', 'hidden', 'empty', 'mypassword',
  'password123', 'secret123', 'test123', 'qwerty', 'letmein', 'welcome', 'guest', 'user', 'username', 'value',
  'apikey', 'api_key', 'access_token', 'client_secret', 'private_key', 'secret_key', 'yes', 'no', 'on', 'off',
]);

const TEMPLATE = /\$\{|\{\{|\}\}|\$\(|%\(|#\{|<%|%>|\[\[|\]\]|^\$[A-Za-z_]|^%[A-Za-z_]+%$|^@[A-Za-z_]+@$|^<[^>]*>$|^\[[^\]]*\]$/;
const ENV_LOOKUP = /os\.environ|os\.getenv|getenv\(|process\.env|ENV\[|System\.getenv|environ\.get|config\(|secrets\.|vars\./i;
const ENCRYPTED = /ENC\[(AES256_GCM|PKCS7)|\$ANSIBLE_VAULT|!vault\b|^vault:v\d+:|^AQICAH|^AQIBAH|^AQIDAH|BEGIN PGP MESSAGE|^sops:|^ENC\(/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX_DIGEST = /^(?:[a-f0-9]{32}|[a-f0-9]{40}|[a-f0-9]{56}|[a-f0-9]{64}|[a-f0-9]{96}|[a-f0-9]{128})$/i;
const DIGEST_CONTEXT = /(?<![a-z])(sha(1|224|256|384|512)?|md5|hash|digest|checksum|integrity|etag|commit|revision|rev|sum|fingerprint|h1)(?![a-z])/i;
const SRI = /^(sha(256|384|512)-|h1:)[A-Za-z0-9+/=]+$/;
const IMAGE_B64 = /^(iVBORw0KGgo|\/9j\/|R0lGOD|UklGR|PHN2Zy|Qk0)/;
const LOCKFILE = /(^|\/)(package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|poetry\.lock|Pipfile\.lock|Cargo\.lock|go\.sum|composer\.lock|Gemfile\.lock|\.terraform\.lock\.hcl|packages\.lock\.json|flake\.lock|uv\.lock|bun\.lockb?)$/;
const BUNDLE = /\.(min\.js|min\.css|map|svg|snap)$|(^|\/)(dist|vendor)\/.*\.js$/;

/** References that secret-sweep itself writes (`.env` values resolved by `secret-sweep run`). */
const SM_REFERENCE = /^\$?\{?sm:\/\/[A-Za-z0-9/_+=.@-]+(#[A-Za-z0-9_.@+-]+)?\}?$/;

export function placeholderReason(secret: string): string | undefined {
  if (SM_REFERENCE.test(secret)) return 'Secrets Manager reference';
  const lower = secret.toLowerCase();
  for (const w of PLACEHOLDER_WORDS) if (lower.includes(w)) return `placeholder (${w})`;
  if (TEMPLATE.test(secret)) return 'template variable';
  if (ENV_LOOKUP.test(secret)) return 'environment look-up';
  if (ENCRYPTED.test(secret)) return 'encrypted value';
  const distinct = new Set(secret).size;
  if (secret.length >= 6 && distinct <= 2) return 'repeated characters';
  if (/0123456789|123456789|abcdefghij|qwertyuiop|abcdefg1234/i.test(secret) && distinct < 16) return 'sequential characters';
  return undefined;
}

export interface HardNegativeContext {
  secret: string;
  /** The whole line the secret starts on. */
  line: string;
  path: string;
  /** Generic (context-only) rules get the stricter checks. */
  generic: boolean;
}

/** Why this match is not a secret, or undefined. */
export function hardNegativeReason(c: HardNegativeContext): string | undefined {
  const p = placeholderReason(c.secret);
  if (p) return p;
  if (ENCRYPTED.test(c.line)) return 'encrypted value on the line';
  if (c.path.endsWith('.terraform.lock.hcl')) return 'terraform lock file';
  if (SRI.test(c.secret) || /\bintegrity\b\s*[:=]/i.test(c.line)) return 'integrity hash';
  if (/data:[a-z]+\/[a-z0-9.+-]+;base64,/i.test(c.line) && IMAGE_B64.test(c.secret)) return 'data URI';
  if (!c.generic) return undefined;
  // Context-only rules: the value's shape is all we have, so drop known non-secret shapes.
  if (TRIVIAL_VALUES.has(c.secret.toLowerCase())) return 'trivial value';
  if (LOCKFILE.test(c.path)) return 'lock file';
  if (BUNDLE.test(c.path)) return 'minified or generated file';
  if (c.line.length > 1000) return 'minified line';
  if (UUID.test(c.secret)) return 'UUID';
  if (HEX_DIGEST.test(c.secret) && DIGEST_CONTEXT.test(c.line)) return 'digest';
  if (IMAGE_B64.test(c.secret)) return 'base64 image';
  if (/^[a-z]+(_[a-z]+)+$/.test(c.secret) || /^[A-Z]+(_[A-Z]+)+$/.test(c.secret)) return 'identifier';
  if (/^(https?|file):\/\/[^:@]*$/.test(c.secret) || /^\.{0,2}\/[\w./-]*$/.test(c.secret)) return 'path or URL';
  return undefined;
}

/** Inline allow markers users already write: ours, gitleaks', detect-secrets', trufflehog's, secretlint's. */
const INLINE_ALLOW = /secret-sweep:allow|gitleaks:allow|pragma:\s*allowlist\s+secret|trufflehog:ignore|secretlint-disable-line/i;
const INLINE_ALLOW_NEXT = /secret-sweep:allow-next-line|pragma:\s*allowlist\s+nextline\s+secret|secretlint-disable-next-line|secret-sweep:allow|gitleaks:allow/i;

/** The inline allow marker that covers this line (on it, or on a comment line just before it), as written. */
export function inlineAllowMarker(line: string, previousLine: string | undefined): string | undefined {
  const own = INLINE_ALLOW.exec(line);
  if (own) return normalMarker(own[0]);
  // The line before counts only when it is a comment by itself (not a second secret with its own marker).
  if (previousLine === undefined || !/^\s*(#|\/\/|--|;|\/\*|\*|<!--|%|rem\b)/i.test(previousLine)) return undefined;
  const next = INLINE_ALLOW_NEXT.exec(previousLine);
  return next ? normalMarker(next[0]) : undefined;
}

const normalMarker = (m: string): string => m.toLowerCase().replace(/\s+/g, ' ');

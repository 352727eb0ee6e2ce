/**
 * Global filters for values that look like secrets but are not: placeholders, templating, environment
 * look-ups, documented example keys, digests, UUIDs, integrity hashes, images, encrypted values.
 * Each returns a short reason (for --debug / rule tests) or undefined when the value may be a secret.
 */
import { LEET, nonSecretValueReason } from './non-secret-values.js';

const PLACEHOLDER_WORDS = [
  'example', 'changeme', 'change_me', 'change-me', 'changethis', 'placeholder', 'your_', 'your-', 'yourkey',
  'yourtoken', 'yourpassword', 'yoursecret', 'dummy', 'redacted', 'replace_me', 'replaceme', 'insert_', 'insert-',
  'xxxx', '****', '....', '<your', 'todo', 'fixme', 'notreal', 'not_real', 'not-a-real', 'not_a_real', 'not a real', 'foobar',
  // What `git filter-repo --replace-text` leaves in place of a scrubbed value (its default, and migrate's).
  '***removed***',
  // The password of every Google service account P12 key file, printed in Google's docs: known to all.
  'notasecret',
  // How to make the value, written in its place (`use_openssl_rand_base64_32`, `generated-by-openssl-rand`).
  'openssl',
  // The typesetters' filler text, and the word itself split in two.
  'loremipsum', 'lorem_ipsum', 'lorem-ipsum', 'lorem ipsum', 'place_holder', 'place-holder',
];

/**
 * Template syntax: a marker with its closing pair (`${DB_PASS}`, `{{ .Values.x }}`, `<%= ENV["X"] %>`), or a
 * value that starts or ends with one (cut by the rule's character class). A lone `{{` or `%>` inside a
 * random value (a WordPress salt, a generated password) is not a template. Also a name after `@` that a
 * tool substitutes (`@VMWARE_PASSWORD` in a config template), a jsonnet / JSONPath reference
 * (`$._config.s3_secret`), a reference that Apple's notarization tools (altool, gon) resolve
 * (`@env:AC_PASSWORD`, `@keychain:AC_PASSWORD`), a format field in braces (`{VIB_ENV_S3_PASSWORD}`,
 * `{db_password}`), a Helm value's path outside its braces (`.Values.initdbPassword`), and a printf format that ends the value (`'__holder__%s' % x`).
 */
const TEMPLATE = /^\$\{|\$\{[A-Za-z_][^}]*\}|^\{\{[\s.A-Za-z_$-]|\{\{.*\}\}|\}\}$|^\$\(|\$\([A-Za-z_][^)]*\)|%\([A-Za-z_]\w*\)[sdrif]|^#\{[A-Za-z_@$]|#\{[A-Za-z_@$][\w.@$[\]'"():]{0,60}\}|^<%|<%.*%>|%>$|^\[\[|\[\[.*\]\]|\]\]$|^\$[A-Za-z_]|^\$\.[A-Za-z_]|^%[A-Za-z_]+%$|^@{1,2}[A-Za-z_]+@{1,2}$|^@(?:env|keychain):[A-Za-z_][\w.-]*$|^\{(?:[a-z_][a-z0-9_.]*|[A-Z_][A-Z0-9_]*|[a-z]+(?:[A-Z][a-z0-9]+)+)\}$|^\.(?:Values|Release|Chart)\.[A-Za-z_][\w.]*$|^@[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$|%s$|^<[^>]*>$|^<<[^<>]+>>$|^\[[^\]]*\]$/;
const ENV_LOOKUP = /os\.environ|os\.getenv|getenv\(|process\.env|ENV\[|System\.getenv|environ\.get|config\(|secrets\.|vars\./i;
const ENCRYPTED = /ENC\[(AES256_GCM|PKCS7)|\$ANSIBLE_VAULT|!vault\b|^vault:v\d+:|^AQICAH|^AQIBAH|^AQIDAH|BEGIN PGP MESSAGE|^sops:|^ENC\(/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX_DIGEST = /^(?:[a-f0-9]{32}|[a-f0-9]{40}|[a-f0-9]{56}|[a-f0-9]{64}|[a-f0-9]{96}|[a-f0-9]{128})$/i;
const DIGEST_CONTEXT = /(?<![a-z])(sha(1|224|256|384|512)?|md5|hash|hashed|digest|checksum|integrity|etag|commit|revision|rev|sum|fingerprint|h1)(?![a-z])/i;
const SRI = /^(sha(256|384|512)-|h1:)[A-Za-z0-9+/=]+$/;
const IMAGE_B64 = /^(iVBORw0KGgo|\/9j\/|R0lGOD|UklGR|PHN2Zy|Qk0)/;
const LOCKFILE = /(^|\/)(package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|poetry\.lock|Pipfile\.lock|Cargo\.lock|go\.sum|composer\.lock|Gemfile\.lock|\.terraform\.lock\.hcl|packages\.lock\.json|flake\.lock|uv\.lock|bun\.lockb?)$/;
const BUNDLE = /\.(min\.js|min\.css|map|svg|snap)$|(^|\/)(dist|vendor)\/.*\.js$/;
/**
 * An API's published examples: prose pages under an `examples/` folder (awscli's 5,000 `examples/**\/*.rst`
 * pages of sample requests and outputs) and example tables named so (botocore's `examples-1.json`). Their
 * passwords and keys are typed for the page (an `"OldPassword": "…"` of ten random signs): generic rules read only the
 * value's shape there, which is a real password's. A vendor's token format is still reported.
 */
const DOCS_EXAMPLES = /(?:^|\/)examples?\/(?:[^/]+\/)*[^/]+\.(?:rst|md|txt|adoc)$|(?:^|\/)examples?(?:-\d+)?\.json$/i;

/** Lines longer than this are minified or generated: generic rules report nothing on them. */
export const GENERIC_MAX_LINE = 1000;

/**
 * Where generic (context-only) rules are switched off, for `rules explain` and the README: the same
 * checks as in `hardNegativeReason` below. Vendor rules (a token format, a checksum) still run there.
 */
export const GENERIC_PLACE_EXCLUSIONS: ReadonlyArray<{ where: string; why: string }> = [
  { where: 'lock files: package-lock.json, npm-shrinkwrap.json, yarn.lock, pnpm-lock.yaml, poetry.lock, Pipfile.lock, Cargo.lock, go.sum, composer.lock, Gemfile.lock, .terraform.lock.hcl, packages.lock.json, flake.lock, uv.lock, bun.lock(b)', why: 'lock file' },
  { where: 'bundles and generated files: *.min.js, *.min.css, *.map, *.svg, *.snap, dist/**/*.js, vendor/**/*.js', why: 'minified or generated file' },
  { where: 'published API examples: *.rst, *.md, *.txt, *.adoc under an examples/ folder; examples.json, examples-1.json', why: "an API's published example" },
  { where: `lines longer than ${GENERIC_MAX_LINE} characters`, why: 'minified line' },
];

/** Words only, a credential word among them, ending in `here`: a sentence in place of the value. */
const PUT_IT_HERE = /^[A-Za-z_-]*(?:token|key|secret|password|passwd|pass|auth|credential)[A-Za-z_-]*here$/i;

/** References that secret-sweep itself writes (`.env` values resolved by `secret-sweep run`). */
const SM_REFERENCE = /^\$?\{?sm:\/\/[A-Za-z0-9/_+=.@-]+(#[A-Za-z0-9_.@+-]+)?\}?$/;

/**
 * `vendorRule`: the value was found by a vendor rule (its own format or the vendor's name next to it), not
 * by a generic one.
 */
export function placeholderReason(secret: string, vendorRule = false, docsOrTests = false): string | undefined {
  if (SM_REFERENCE.test(secret)) return 'Secrets Manager reference';
  const lower = secret.toLowerCase();
  for (const w of PLACEHOLDER_WORDS) if (lower.includes(w)) return `placeholder (${w})`;
  // A phrase saying where the value goes, its words glued (`someauthorizationtokenwillbesethere`, `api_key_here`).
  if (PUT_IT_HERE.test(secret)) return 'placeholder (…here)';
  // `yourWeak(!)Password`, `yourApiKey`: what to write there, in camelCase.
  if (/^your[A-Z]/.test(secret)) return 'placeholder (your…)';
  if (TEMPLATE.test(secret)) return 'template variable';
  if (ENV_LOOKUP.test(secret)) return 'environment look-up';
  if (ENCRYPTED.test(secret)) return 'encrypted value';
  const distinct = new Set(secret).size;
  if (secret.length >= 6 && distinct <= 2) return 'repeated characters';
  // A UUID has at most 17 distinct characters, and one a vendor rule found sits next to the vendor's name
  // (a bare UUID has nothing else to match on): `SNYK_TOKEN = "12345678-ABCD-…"` is reported.
  if (/0123456789|12345678|98765432|87654321|abcdefghij|qwertyuiop|abcdefg1234/i.test(secret) && distinct < 16 && !(vendorRule && UUID.test(secret))) return 'sequential characters';
  // `abcd1234abcd1234abcd1234`, `xyxyxy`: a short unit repeated is a placeholder, never a generated secret.
  if (/^(.{1,8}?)\1{2,}$/.test(secret)) return 'repeated pattern';
  // A run typed in order, repeated (`0123456789abcdef0123456789abcdef`, `1234567890abcdef1234567890abcdef`): a docs token.
  // Under a vendor rule (`APIFY_TOKEN = …`) it is reported, as the peers' rule examples expect, except in
  // docs and tests (judged by path: off in gate modes), where an API guide's `Token 0123…cdef0123…cdef` is one.
  const unit = vendorRule && !docsOrTests ? null : /^(.{6,32}?)\1+(.*)$/s.exec(secret);
  if (secret.length >= 16 && unit && unit[1]!.startsWith(unit[2]!) && /0123456|123456|234567|345678|456789|abcdef/i.test(unit[1]!)) return 'sequential characters';
  // `abcdefghijklmnop`: the alphabet typed in order, however many letters it holds.
  if (secret.length >= 8 && isAlphabetRun(secret)) return 'sequential characters';
  // The same after a vendor's prefix (`da2-abcdefghijklmnopqrstuvwxyz`): typed in place of a key, never drawn.
  const body = /^[A-Za-z][A-Za-z0-9]{1,7}[-_]([A-Za-z0-9]{8,})$/.exec(secret)?.[1];
  if (body !== undefined && isAlphabetRun(body)) return 'sequential characters';
  return undefined;
}

/**
 * The alphabet or the digits in order, in runs of eight or more (`abcdefghijklmnop`,
 * `abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789`): typed, never drawn.
 */
function isAlphabetRun(s: string): boolean {
  let run = 1;
  for (let i = 1; i < s.length; i++) {
    if (!/[a-z0-9]/i.test(s[i]!) || !/[a-z0-9]/i.test(s[0]!)) return false;
    if (s.charCodeAt(i) === s.charCodeAt(i - 1) + 1) run++;
    else if (run < 8) return false;
    else run = 1;
  }
  return run >= 8;
}

export interface HardNegativeContext {
  secret: string;
  /** The whole line the secret starts on. */
  line: string;
  /** Offset of the secret in `line` (its first occurrence when not given). */
  at?: number;
  path: string;
  /** Generic (context-only) rules get the stricter checks. */
  generic: boolean;
  /** The rule's value is a URL's password (non-secret-values.ts, `ValueOnLine.urlRule`). */
  urlRule?: boolean;
  /**
   * A vendor token that names itself: it starts with one of its rule's keywords (`AKIA…`, `sk_live_…`,
   * `xoxb-…`). No marker written before it on the line (`ENC[AES256_GCM,data:`, `vault:v1:`, `integrity:`)
   * makes it ciphertext or a digest: the token is there in plain text (gate round 6). A rule that finds a
   * value by the key beside it (`aws_secret_access_key: ENC[…]`) still sees ciphertext as such.
   */
  selfNamed?: boolean;
  /**
   * Lock files and bundles are judged by their path (default). False in gate modes: there the path is the
   * change's to choose (`db.min.js`, `settings.snap`), so only what the content shows (a minified line) counts.
   */
  byPath?: boolean;
}

/**
 * Where an encrypted value starts on a line: SOPS `ENC[...]`, jasypt `ENC(...)`, Ansible Vault (the
 * `!vault` tag or the `$ANSIBLE_VAULT` header), Spring Cloud Config `{cipher}…`, HashiCorp Vault transit `vault:v1:`, AWS KMS ciphertext
 * blobs, an ASCII-armoured PGP message. The ciphertext is the run of characters from the marker up to the
 * next blank or quote (armour and SOPS values hold neither; a `!vault` tag's value is the token after it).
 */
const ENCRYPTED_MARKER = /ENC\[(?:AES256_GCM|PKCS7)|ENC\(|\{cipher\}|\$ANSIBLE_VAULT|!vault\b[ \t]*["']?|(?<![\w+/])vault:v\d+:|(?<![\w+/])AQI[BCD]AH|-*BEGIN PGP MESSAGE-*/g;
/** `integrity: <value>`, `"integrity": "<value>"`, `integrity="<value>"`: the value starts at the match's end. */
const INTEGRITY_KEY = /\bintegrity\b["']?\s*[:=]\s*["']?/gi;

/** True when [at, at + length) lies inside the value that starts at one of `marker`'s matches (up to a blank or quote). */
function insideValueAfter(marker: RegExp, line: string, at: number, length: number, fromMatchStart: boolean): boolean {
  marker.lastIndex = 0;
  for (let m = marker.exec(line); m !== null; m = marker.exec(line)) {
    const begin = fromMatchStart ? m.index : m.index + m[0].length;
    let end = m.index + m[0].length;
    while (end < line.length && !/[\s"'`]/.test(line[end]!)) end++;
    if (at >= begin && at + length <= end) return true;
    if (m[0].length === 0) marker.lastIndex++;
  }
  return false;
}

/** Source files where an unquoted value after `=`/`:` is an expression, never a literal (unlike .env, INI, YAML, shell). */
const CODE_FILE = /\.(?:go|java|kt|kts|scala|groovy|cs|fs|swift|rs|c|cc|cpp|cxx|h|hh|hpp|m|mm|ts|tsx|mts|cts|js|jsx|mjs|cjs|py|pyi|rb|php|dart|lua|ex|exs|erl|clj|jl|zig|nim|vala|d)$/i;

/**
 * In code, a credential field set from a variable (loki's ring code sets a token field from a variable
 * spelled ringInstanceByToken) reads the variable: a bare name after the operator is not written out. Not
 * in a comment or a string, where the same text is a value someone typed. Judged by path, so off in gate modes.
 */
function isVariableInCode(c: HardNegativeContext, at: number): boolean {
  if (!CODE_FILE.test(c.path) || at < 0) return false;
  // A TypeScript non-null assertion (`result.token!`, `currentToken!`) reads the variable too.
  if (!/^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*!?$/.test(c.secret)) return false;
  const after = c.line.slice(at + c.secret.length);
  if (/^[A-Za-z0-9_]/.test(after)) return false; // the match stopped inside a longer token
  const before = c.line.slice(0, at);
  if (!/(?:[^=!<>]=|:=|=>|[^:]:|\(|,)[ \t]*$/.test(before)) return false;
  if (/(?:^|[\s;{(])(?:#|\/\/|\/\*|--)|^\s*\*/.test(before)) return false; // a comment
  for (const q of ['"', "'", '`']) if ((before.split(q).length - 1) % 2 === 1) return false; // inside a string
  return true;
}

/**
 * Tests and fixtures: a folder so named (`test/`, `__tests__/`, `spec/`, `fixtures/`, `cypress/`, `testdata/`)
 * or a test file by its name (`test_auth.py`, `auth.test.ts`, `auth_spec.rb`, `auth_test.go`). There the
 * stand-in judgements of generic rules apply to every rule's password (non-secret-values.ts, `fixturePath`):
 * a requests `auth=` tuple of a first name and a film's stand-in password in a test is a fixture. Docs are not among them: a README's "the password
 * is 'blooberry7'" is what password-in-prose reports. Judged by path, so off in gate modes.
 */
const TEST_PATH = /(?:^|\/)(?:tests?|__tests__|specs?|fixtures?|__fixtures__|__mocks__|cypress|testdata|test[-_]data|testing|e2e|integration[-_]tests?)\/|(?:^|\/)test_[^/]*$|[._-](?:test|spec)s?\.[a-z0-9]+$/i;
/** Documentation: a docs folder or a prose page. Only for tokens signed with a published key (`fixturePath: 'docs'`). */
const DOCS_PATH = /(?:^|\/)(?:docs?|documentation)\/|\.(?:md|mdx|rst|adoc)$/i;
const fixtureKind = (path: string): 'test' | 'docs' | undefined => (TEST_PATH.test(path) ? 'test' : DOCS_PATH.test(path) ? 'docs' : undefined);

/**
 * A regular-expression literal (`var autoToken = /\s?auto?\s?/i` in a tooltip library): a pattern, never a
 * value. With a character-class escape inside (`\s`, `\d`, `\w`, `\b`) it is one in any file and mode: no
 * drawn secret holds one. With only a group, class, alternation or quantifier, in JavaScript or Ruby code
 * only (judged by path, so off in gate modes); a path (`/usr/local/`) has neither.
 */
const REGEX_LITERAL = /^\/(?:[^/\\\n]|\\.)+\/[dgimsuyv]*$/;
const REGEX_LITERAL_FILE = /\.(?:js|jsx|mjs|cjs|ts|tsx|mts|cts|rb)$/i;
function regexLiteral(c: HardNegativeContext): boolean {
  if (!REGEX_LITERAL.test(c.secret)) return false;
  const body = c.secret.slice(1, c.secret.lastIndexOf('/'));
  return /\\[sdwbSDWB]/.test(body) || (c.byPath !== false && REGEX_LITERAL_FILE.test(c.path) && /\\[.\/]|[()[\]|?*+]/.test(body));
}

/** What the path-judged filters below see in a path (path-class.ts): lock file, bundle, code file, or none; and whether it is a test or docs. */
export function pathExclusionClass(path: string): string {
  const kind = LOCKFILE.test(path) ? 'lock' : BUNDLE.test(path) ? 'bundle' : DOCS_EXAMPLES.test(path) ? 'examples' : CODE_FILE.test(path) ? 'code' : '';
  const fixture = fixtureKind(path);
  return fixture ? `${kind}+${fixture}` : kind;
}

/**
 * The project's own name with a counter or a credential word (`bitnami1234` in bitnami/…/README.md,
 * `minio123` under minio-operator/, `chainlooppwd` under chainloop/): a chart's or an example's default,
 * named after the folder that holds it. Judged by path, so off in gate modes.
 */
function isProjectNameStandIn(secret: string, path: string): boolean {
  const m = /^([a-z]{4,20})(?:\d{1,4}|pwd|pass|password)$/.exec(secret);
  if (m === null) return false;
  return path.toLowerCase().split(/[/._-]/).slice(0, -1).includes(m[1]!);
}

/** Placeholder words of five letters or more, to be found again in a value written in leetspeak. */
const LONG_PLACEHOLDER_WORDS = PLACEHOLDER_WORDS.filter((w) => /^[a-z_-]{5,}$/.test(w));
/**
 * A placeholder written in leetspeak (`Y0uR_Pass_H3r3`, `ch4ng3m3`): the value still says what to put there.
 * Generic rules only, and long words only: short ones (`todo`) turn up in random tokens once decoded.
 */
function leetPlaceholder(secret: string): boolean {
  if (!/[013457@$]/.test(secret)) return false;
  const plain = secret.toLowerCase().replace(/[013457@$]/g, (ch) => LEET[ch]!);
  return LONG_PLACEHOLDER_WORDS.some((w) => plain.includes(w));
}

/** A comment after the value that says to put another one there (`password: "P@ssw0rd"  # Replace with an actual password`). */
const REPLACE_ME_COMMENT = /^["'`]?[,;]?\s*(?:#|\/\/|--|<!--)[^\n]*?\b(?:replace(?:d)? (?:with|me|this|it|by)|change (?:me|this|it)\b(?! in)|placeholder|(?:an? )?example value|not (?:a )?real)/i;

/** A host name (`4f2a9c.invoiceocean.com`): where a service lives, not a credential. */
const HOST_NAME = /^(?:[A-Za-z0-9-]+\.)+(?:com|net|org|io|dev|app|co|cloud)$/;

/** An HTML-escaped quote ending the value (`&quot;`, `\&quot;`, `&#39;`): the markup's quote, not the secret's. */
const HTML_QUOTE_END = /\\?&(?:quot|apos|#0*39|#x0*27|#0*34|#x0*22);?$/i;
/** Where an escaped quote ends the value (a backslash before a quote on the line, or an HTML-escaped quote), or -1. */
function escapedQuoteEnd(c: HardNegativeContext): number {
  const html = HTML_QUOTE_END.exec(c.secret);
  if (html) return html.index;
  if (!c.secret.endsWith('\\') || c.secret.endsWith('\\\\')) return -1;
  const at = c.at ?? c.line.indexOf(c.secret);
  return at >= 0 && /["']/.test(c.line[at + c.secret.length] ?? '') ? c.secret.length - 1 : -1;
}

/** Why this match is not a secret, or undefined. */
export function hardNegativeReason(c: HardNegativeContext): string | undefined {
  // Lines of a .env file written as one string (`'SECRET=test-secret\\nDATABASE_URL=…'`): a generic rule's
  // value runs on past the escaped newline; the value is what comes before it.
  const cut = c.generic ? c.secret.search(/\\n[A-Z_][A-Z0-9_]*=/) : -1;
  if (cut > 0) return hardNegativeReason({ ...c, secret: c.secret.slice(0, cut), at: c.at ?? c.line.indexOf(c.secret) });
  // A quote escaped after the value (`password=student\")` in a notebook's JSON, `--user \&quot;username:password\&quot;`
  // in generated HTML docs) ends it: judged without it; a value that is still a secret stays reported as found.
  const quoted = escapedQuoteEnd(c);
  if (quoted > 0) {
    const why = hardNegativeReason({ ...c, secret: c.secret.slice(0, quoted), at: c.at ?? c.line.indexOf(c.secret) });
    if (why) return why;
  }
  const p = placeholderReason(c.secret, !c.generic, c.byPath !== false && fixtureKind(c.path) !== undefined);
  if (p) return p;
  // About the value, never the whole line: a marker elsewhere on the line (`# integrity: x`, `!vault` in a
  // comment) does not hide a key beside it.
  const at = c.at ?? c.line.indexOf(c.secret);
  if (!c.selfNamed && at >= 0 && insideValueAfter(ENCRYPTED_MARKER, c.line, at, c.secret.length, true)) return 'inside an encrypted value';
  if (SRI.test(c.secret) || (!c.selfNamed && at >= 0 && insideValueAfter(INTEGRITY_KEY, c.line, at, c.secret.length, false))) return 'integrity hash';
  if (/data:[a-z]+\/[a-z0-9.+-]+;base64,/i.test(c.line) && IMAGE_B64.test(c.secret)) return 'data URI';
  const fixturePath = c.byPath !== false ? fixtureKind(c.path) : undefined;
  const shape = nonSecretValueReason({ secret: c.secret, line: c.line, at, generic: c.generic, urlRule: c.urlRule, selfNamed: c.selfNamed, fixturePath }); // narrow shapes of real code
  if (shape) return shape;
  if (!c.generic) return undefined;
  if (leetPlaceholder(c.secret)) return 'placeholder (in leetspeak)';
  if (at >= 0 && REPLACE_ME_COMMENT.test(c.line.slice(at + c.secret.length))) return 'placeholder (a comment says to replace it)';
  // Context-only rules: the value's shape is all we have, so drop known non-secret shapes.
  if (c.byPath !== false && LOCKFILE.test(c.path)) return 'lock file'; // terraform's .terraform.lock.hcl included
  if (c.byPath !== false && BUNDLE.test(c.path)) return 'minified or generated file';
  if (c.byPath !== false && DOCS_EXAMPLES.test(c.path)) return "an API's published example";
  if (c.line.length > GENERIC_MAX_LINE) return 'minified line';
  if (c.byPath !== false && isVariableInCode(c, at)) return 'variable in code';
  if (regexLiteral(c)) return 'regular-expression literal';
  if (c.byPath !== false && isProjectNameStandIn(c.secret, c.path)) return "the project's name with a counter";
  if (UUID.test(c.secret)) return 'UUID';
  if (HOST_NAME.test(c.secret)) return 'host name';
  // Public by design: Mapbox public tokens, Stripe publishable keys (their secret forms have own rules).
  if (/^pk\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(c.secret) || /^pk_(?:live|test)_[A-Za-z0-9]+$/.test(c.secret)) return 'public token';
  if (HEX_DIGEST.test(c.secret) && DIGEST_CONTEXT.test(c.line)) return 'digest';
  if (IMAGE_B64.test(c.secret)) return 'base64 image';
  // A leading underscore too (`_sa_default`, `__default_token`): a private name.
  if (/^_*[a-z]+(_[a-z]+)+$/.test(c.secret) || /^_*[A-Z]+(_[A-Z]+)+$/.test(c.secret)) return 'identifier';
  // A sigil before PascalCase words is a tokenizer/state name (`lastToken = "?InterpolationInJSX"`), never a password.
  if (/^[?#@$:.%!]+(?:[A-Z][a-z]+)+[A-Z]*$/.test(c.secret)) return 'identifier';
  // A path's segments are words; one of 12+ characters mixing cases and digits is a key starting with `/`.
  if (/^(https?|file):\/\/[^:@]*$/.test(c.secret) || (/^\.{0,2}\/[\w./-]*$/.test(c.secret) && !c.secret.split('/').some((s) => s.length >= 12 && /[a-z]/.test(s) && /[A-Z]/.test(s) && /\d/.test(s)))) return 'path or URL';
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

/**
 * Value and line shapes of real code that context-only rules mistake for secrets: config keys, header
 * names, types, code references, constants, validation rules, stand-in words, pagination cursors, escaped
 * bytes. Found by scanning public repositories in many languages (Java, Kotlin, Go, PHP, Python, YAML).
 * Each shape is narrow: a generated key or a typed password does not take it (see
 * test/detect/non-secret-values.test.ts, which checks both sides through the real detector).
 * Pure: one line in, a short reason out (or undefined).
 */
import { nodeCrypto } from '../lazy.js';
import { assignmentKey } from './assignment-key.js';

export interface ValueOnLine {
  secret: string;
  /** The whole line the secret starts on. */
  line: string;
  /** Offset of the secret in `line`. */
  at: number;
  /** Found by a generic (context-only) rule. */
  generic: boolean;
  /**
   * Found by a rule whose value is the password of a URL (a database URI, `url-credentials`): the host
   * written in it says where it works. A vendor token's rule (`AKIA…`, `ghp_…`) is not one: the token
   * works at its vendor whatever host follows it.
   */
  urlRule?: boolean;
  /** A vendor token that starts with its rule's keyword (hard-negatives.ts, `HardNegativeContext.selfNamed`). */
  selfNamed?: boolean;
  /** The file is a test or fixture, or documentation (hard-negatives.ts, `TEST_PATH`, `DOCS_PATH`). */
  fixturePath?: 'test' | 'docs';
}

/** Words that name a credential: a value made of them (and of the qualifiers below) is a stand-in. */
const CREDENTIAL_WORDS = [
  'password', 'passwords', 'passwd', 'pass', 'pwd', 'word', 'secret', 'secrets', 'token', 'tokens', 'key', 'keys',
  'apikey', 'api', 'auth', 'credential', 'credentials', 'cred', 'creds', 'passphrase', 'pin',
];
/** Qualifiers seen around those words in test and docs stand-ins (`somepassword`, `tokenvalue`, `customPass`). */
const QUALIFIER_WORDS = [
  'some', 'my', 'your', 'our', 'the', 'a', 'test', 'testing', 'tester', 'dummy', 'fake', 'sample', 'demo', 'custom',
  'other', 'another', 'new', 'old', 'valid', 'invalid', 'wrong', 'bad', 'good', 'correct', 'incorrect', 'default',
  'super', 'top', 'very', 'value', 'admin', 'root', 'user', 'username', 'login', 'client', 'server', 'app', 'access',
  'refresh', 'session', 'bearer', 'private', 'public', 'id', 'identity', 'master', 'shared', 'strong', 'weak',
  'plain', 'text', 'string', 'random', 'foo', 'bar', 'baz', 'qux', 'hello', 'world', 'abc', 'xyz', 'mock', 'stub',
  // The service a docs value stands for (`dbpass`, `redispass`, `mysqlpassword`).
  'db', 'database', 'redis', 'mysql', 'postgres', 'mongo', 'ldap', 'smtp', 'ftp',
];
const VOCABULARY = new Set([...CREDENTIAL_WORDS, ...QUALIFIER_WORDS]);
const CREDENTIAL = new Set(CREDENTIAL_WORDS);
/** Literals of code and config that stand for no value at all (`none`, `true`, `required`, `off`). */
const CODE_LITERALS = new Set([
  'none', 'null', 'nil', 'true', 'false', 'undefined', 'string', 'required', 'optional', 'hidden', 'empty', 'yes', 'no', 'on', 'off',
]);
/** The first entries of every weak-password list, typed as stand-ins. */
const WEAK_PASSWORDS = new Set(['qwerty', 'letmein', 'welcome', 'guest', 'password123', 'secret123', 'test123', 'swordfish']);

/**
 * A weak word written the way password policies force it (a capital, a lower-case letter and a digit or
 * symbol: `Secret123`, `Password1!`) is a password someone set, while the same word in one case
 * (`secret123`) is the docs' stand-in. `test` words stay stand-ins in any case.
 */
function policyShaped(value: string): boolean {
  return /[A-Z]/.test(value) && /[a-z]/.test(value) && /[0-9!@#$%^&*?]/.test(value) && !/^test/i.test(value);
}

/**
 * A whole value that is never a real secret under a credential name: a literal of code (`null`, `false`),
 * one word of the stand-in vocabulary above (`admin`, `test`, `value`), credential words alone
 * (`api_key`, `mypassword`: isStandInPassword), or a first entry of a weak-password list (`password123`).
 * A word written as a policy forces it (`Secret123`) is a password someone set.
 */
export function isTrivialValue(value: string): boolean {
  const lower = value.toLowerCase();
  if (CODE_LITERALS.has(lower)) return true;
  if (policyShaped(value)) return false;
  return WEAK_PASSWORDS.has(lower) || VOCABULARY.has(lower) || isStandInPassword(value);
}

/** True when `s` (lower-case letters) splits into vocabulary words, at least one of them a credential word. */
function splitsIntoWords(s: string, needCredential: boolean): boolean {
  // reach[i]: 0 unreachable, 1 reachable without a credential word, 2 reachable with one.
  const reach = new Uint8Array(s.length + 1);
  reach[0] = 1;
  for (let i = 0; i < s.length; i++) {
    if (!reach[i]) continue;
    for (let j = i + 1; j <= Math.min(s.length, i + 12); j++) {
      const w = s.slice(i, j);
      if (VOCABULARY.has(w)) reach[j] = Math.max(reach[j]!, CREDENTIAL.has(w) ? 2 : reach[i]!);
    }
  }
  return needCredential ? reach[s.length] === 2 : reach[s.length]! > 0;
}

/**
 * A test or docs stand-in made of credential words: `somepassword`, `tokenvalue`, `SG.SECRET-API-KEY`,
 * `password-1`, `1:test-refresh-token`, `direct-password`. Digits only as a word of their own, at most
 * three: weak passwords that people type (`Secret123`, `Pass123!@#`, `super$ecret`, `Welcome1!`) are still
 * reported, and so is anything with no credential word. One other word of letters is allowed beside the
 * credential words (a vendor prefix `SG.`, a qualifier `direct-`), only when the value is several words
 * joined by signs, with no digit. `gluedDigits` (a decoded Basic auth pair, `user:password123`) also
 * takes digits glued to the last word.
 */
export function isStandInPassword(value: string, gluedDigits = false): boolean {
  // A trailing escaped newline is how a test types the value at a prompt (`'secretpassword\\n'`).
  let v = value.replace(/(?:\\[rn])+$/, '');
  try { if (/%[0-9A-F]{2}/i.test(v)) v = decodeURIComponent(v); } catch { /* not percent-encoded */ }
  // One sign before or after lower-case words (`#password` percent-encoded in django-environ's docs): how to
  // encode a sign, not a password. Capitals or digits with it (`Password1!`) are typed, judged below.
  if (/^(?:[#!@$&*][a-z]+|[a-z]+[#!@$&*])$/.test(v)) v = v.replace(/[#!@$&*]/, '');
  if (v.length > 64 || /\s{2}|[^\x20-\x7e]/.test(v)) return false;
  const normal = gluedDigits ? v.replace(/(?<=[A-Za-z])\d{1,3}$/, '') : v;
  if (/[^A-Za-z0-9 ._:/=+-]/.test(normal) || /[A-Za-z]\d|\d[A-Za-z]/.test(normal) || normal.replace(/\D/g, '').length > 3) return false;
  const words = normal.toLowerCase().split(/[^a-z]+/).filter(Boolean);
  if (words.length === 0) return false;
  // foo, bar, baz alone (`bar%25bar`): the names of nothing.
  if (words.every((w) => /^(?:foo|bar|baz|qux|quux)+$/.test(w))) return true;
  let other = 0;
  let credential = false;
  for (const w of words) {
    if (splitsIntoWords(w, true)) credential = true;
    else if (!splitsIntoWords(w, false)) other++;
  }
  // The other word only without digits: `Redis-Auth-5` is a typed password.
  return credential && (other === 0 || (other === 1 && words.length >= 2 && /[-_.:=+]/.test(v) && !/\d/.test(v)));
}

/**
 * Lower-case words joined by signs with a credential word inside, as docs and tests name a value
 * (`workhorse-sentinel-password`, `_the_password_of_the_bind_user`, `sentinel-pass-goes-here`,
 * `token_1234`): no capital, no sign but the joins, digits only as a last word of their own (`password1`,
 * typed, stays). A password someone set has a capital, a sign or digits inside (`Tq8#vLz2`); words without
 * a credential word (`correct-horse`) and glued ones (`thisismypassword`) are not judged here.
 */
const CREDENTIAL_INSIDE = /pass|secret|token|pwd|creds?(?![a-z])/;
export function isWordyStandIn(value: string): boolean {
  // All in capitals is the same words shouted (`NOT-CI-JOB-TOKEN`); mixed case is judged elsewhere.
  // Marks around the words (`##invalid-password##`) frame them, no more.
  let bare = value.replace(/(?:\\[rn])+$/, '').replace(/^([#*]{1,3})(.+)\1$/, '$2');
  // In a URL, spaces are written %20 (`redis://:some%20workhorse%20pass@`).
  if (/%20/.test(bare)) try { bare = decodeURIComponent(bare); } catch { /* not percent-encoded */ }
  const v = /^[A-Z_][A-Z0-9 ._-]*$/.test(bare) ? bare.toLowerCase() : bare;
  // Runs of signs between words and a closing `?`/`!` (`this-is-not-our-password...or-is-it?`): still a phrase.
  const m = /^_?([a-z]+(?:[-_ .][a-z]+)*)(?:([-_])\d{1,6}|(\d{1,2}))?$/.exec(/[-_ .]{2}|[a-z][?!]$/.test(v) ? v.replace(/[?!]$/, '').replace(/([-_ .])[-_ .]+/g, '$1') : v);
  if (m === null || m[1]!.length < 4 || !CREDENTIAL_INSIDE.test(m[1]!)) return false;
  // Words joined by a sign, or one word with a number: glued words alone (`thisismypassword`) may be typed,
  // and so may one word with digits glued to it (`password1`); several joined words take them (`secret_data1`).
  return m[3] !== undefined ? /[-_ .]/.test(m[1]!) : /[-_ .]/.test(m[1]!) || m[2] !== undefined;
}

/**
 * Text of a user interface rather than a value: a translation (letters of another script, no digit), a
 * label ending in a colon (`Wachtwoord:`), a capitalised phrase of hyphenated words (`Klient-hemmelighed`),
 * as Rails and other i18n files hold under `password:` / `client_secret:` keys.
 */
function isUiText(v: string): boolean {
  // Rich-text markers of i18n libraries (`<0>账号</0>`, `<1>`) are not part of the words.
  if (/<\/?\d>/.test(v)) v = v.replace(/<\/?\d>/g, '');
  if (/[^\x00-\x7f]/.test(v) && !/\d/.test(v) && /^[\p{L}\p{M}\p{Pd}\p{Po}\p{Zs}\u200c\u200d/:()]+$/u.test(v)) return true;
  if (/^[A-Z][a-z]+(?:[- ][A-Za-z][a-z]+)*:$/.test(v)) return true;
  return /^[A-Z][a-z]{2,}(?:-[A-Za-z][a-z]{2,})+$/.test(v);
}

/** A Rails route target, `controller#action` after `=>` or `to:` (`get "reset-password" => "passwords#edit"`). */
const isRouteTarget = (v: string, before: string): boolean => /(?:=>|\bto:)\s*["']$/.test(before) && /^[a-z]+(?:[_/][a-z]+)*#[a-z]+(?:_[a-z]+)*[!?]?$/.test(v);

/**
 * The password is the user name written on the same line (`user=osm password=osm`, `CREATE USER app
 * PASSWORD 'app'`, MySQL's `GRANT … TO 'app'@'%' IDENTIFIED BY 'app'`, `postgres://postgres:postgres@`,
 * `auth=("app", "app")`): a development default, not a secret anyone chose.
 */
function sameAsUser(v: string, line: string, at: number): boolean {
  if (v.length < 4 || v.length > 40 || !/^[\w.-]+$/.test(v)) return false;
  const e = v.replace(/[.-]/g, '\\$&');
  // A client's user flag after it (PGPASSWORD set to the user's own name and `psql -U` that name; MySQL's `-u` and `--password=` alike).
  const after = line.slice(at + v.length);
  if (after.toLowerCase().includes(v.toLowerCase()) && new RegExp(`(?:\\s-[Uu][ \\t]*|\\s--user(?:name)?[= \\t])["']?${e}(?:["']?(?:\\s|$))`, 'i').test(after)) return true;
  // The user name must be the value, written before it: most lines never hold the value twice, and the
  // regex below is built per call.
  if (!line.slice(0, at).toLowerCase().includes(v.toLowerCase())) return false;
  // A (user, password) pair written as a tuple or the first two arguments (`auth = ('requeststest', 'requeststest')`).
  if (new RegExp(`\\(\\s*b?(["'])${e}\\1\\s*,\\s*b?["']$`).test(line.slice(0, at))) return true;
  return new RegExp(`(?:\\b(?:user(?:name)?|login|uid)["']?\\s*[=:]\\s*["'\`]?|\\bUSER\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?["'\`]?|\\bTO\\s+["'\`]?|//)${e}(?:["'\`]?(?:[\\s;,&:@]|$))`, 'i').test(line.slice(0, at));
}

/**
 * Public material, not a secret: a certificate or public key, in base64 (a Kubernetes `tls.crt`, kubeconfig
 * `client-certificate-data`) or under a key that names one (`ca.crt: …`, `tls.ca: …`). A value that
 * decodes to a private key is never public, whatever its key says.
 */
const PUBLIC_KEY_NAME = /(?:^|[\s"'{,])(?:[\w-]*\.(?:crt|cer|pub)|tls\.ca|ca|ca[._-]?(?:crt|cert|bundle)|client-certificate(?:-data)?|certificate-authority(?:-data)?)["']?\s*[:=]\s*["']?$/i;
function isPublicMaterial(v: string, before: string, generic: boolean): boolean {
  if (!/^[A-Za-z0-9+/]{8,}={0,2}$/.test(v)) return false;
  const text = Buffer.from(v, 'base64').toString('latin1');
  if (/PRIVATE KEY/.test(text)) return false;
  if (/^-----BEGIN (?:CERTIFICATE|PUBLIC KEY|X509 CRL|TRUSTED CERTIFICATE)-----/.test(text) || /^(?:ssh-(?:rsa|ed25519|dss)|ecdsa-sha2-nistp\d+) AAAA/.test(text)) return true;
  // The key's name alone judges only a value that has nothing but its place to go on: a vendor token
  // (`ca.crt: AKIA…`) keeps its own format whatever the key it is written under says (gate round 6).
  return generic && PUBLIC_KEY_NAME.test(before);
}

/** `asdfqwer1234asdf`, `qwerty123`: runs of four or more neighbouring keys, typed as a stand-in. */
const KEY_ROWS = ['1234567890', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm'];
function isKeyboardWalk(value: string): boolean {
  // A sign or two typed after the walk (`asdf1234@`) to pass a password policy.
  const v = value.toLowerCase().replace(/[!@#$%^&*.?]{1,2}$/, '');
  // Short: a long generated-looking walk (`zxcvbnm…1234567890`, 36 characters) is a docs example of a key format.
  if (v.length < 8 || v.length > 20) return false;
  // ok[i]: v.slice(0, i) is made of runs; each run is a slice of one row, 4+ long (3 for a digit tail).
  const ok = new Uint8Array(v.length + 1);
  ok[0] = 1;
  for (let i = 0; i < v.length; i++) {
    if (!ok[i]) continue;
    for (const row of KEY_ROWS) {
      let j = i;
      let k = row.indexOf(v[i]!);
      while (k >= 0 && j < v.length && row[k] === v[j]) { j++; k++; if (j - i >= 4 || (j === v.length && j - i >= 3)) ok[j] = 1; }
    }
  }
  return ok[v.length] === 1;
}

/** Percent-encoded test vectors of URL parsers: decoded, no letter or digit at all (`%60%7B%7D`, an emoji) or a control byte. */
function isEncodedTestVector(value: string): boolean {
  if (!/%[0-9A-F]{2}/i.test(value)) return false;
  let v: string;
  try { v = decodeURIComponent(value); } catch { return false; }
  return !/[A-Za-z0-9]/.test(v) || /[\x00-\x1f\x7f]/.test(v);
}

/** A PEM private key whose body is too short to hold any key (`\nSOMETHING\n`): a fixture's stand-in. */
function isHollowPrivateKey(value: string): boolean {
  const m = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----(.*?)-----END/s.exec(value);
  return m !== null && m[1]!.replace(/\\[nr]|\s/g, '').length < 64;
}

/** A config key, i18n key, Java package or Maven coordinate: `fad.auth.token`, `com.google.x.NEW_TOKEN`. */
const WORDY_SEGMENT = /^(?:%s|\*|[a-z]+(?:[A-Z][a-z]+|[A-Z]{2,}(?![a-z]))*|[A-Z][a-z]+(?:[A-Z][a-z]+)*|[A-Z]+)$/;
const CONFIG_WORDS = /^(?:com|org|net|io|dev|app|androidx?|java|javax|kotlin|google|apple|microsoft|amazon|aws|management|endpoints?|config|settings|default|debug|name|enabled|header|spring|security|auth|token|secret|passwords?|passwd|key|access|api|credentials?|%s|\*)$/i;
function isDottedKey(v: string): boolean {
  const segments = v.split(/[.#:]/);
  if (segments.length < 3 || v.length > 100) return false;
  const parts = segments.flatMap((s) => s.split(/[_-]/));
  if (!parts.every((p) => WORDY_SEGMENT.test(p))) return false;
  // Three lower-case words joined by dots may be a passphrase: a code or config word must be among them.
  return parts.some((p) => CONFIG_WORDS.test(p) || /[a-z][A-Z]/.test(p)) && /^[a-z]/.test(segments[0]!);
}

/** An HTTP header name: `X-Oss-Security-Token`, `Goog-Api-Key`, `Access-Control-Allow-Credentials`. */
function isHeaderName(v: string): boolean {
  if (!/^(?:[A-Z][a-z]+|[A-Z]{1,4})(?:-(?:[A-Z][a-z]+|[A-Z]{2,4}))+$/.test(v)) return false;
  const parts = v.split('-');
  return (parts.length >= 3 || parts[0] === 'X') && parts.some((p) => /^(?:Auth|Authorization|Token|Key|Secret|Credentials?|Password|Signature|Session|Api|Security)$/i.test(p));
}

/** A class or type name: `UsernamePasswordCredential`, `DataConnectAuth.GetAuthTokenResult?` (Kotlin nullable). */
const CREDENTIAL_HUMP = /(?:Password|Passwd|Token|Secret|Key|Credentials?|Auth|Login)(?:[A-Z][a-z]+)*\??$/;
function isTypeName(v: string, quoted: boolean, before: string): boolean {
  if (!/^[A-Z][A-Za-z0-9]*(?:\.[A-Z][A-Za-z0-9]*)*\??$/.test(v)) return false;
  const humps = v.replace(/\?$/, '').split('.').pop()!.match(/[A-Z][a-z0-9]*/g) ?? [];
  // Unquoted, it is code: a nullable type annotation (`x: LoginCredential?,`, whole words) or an alias
  // (`type Fts5Token = TFts5Token`). A .env value ending in a question mark is neither.
  if (!quoted && v.endsWith('?')) return /\w\s*:\s*$/.test(before) && /^(?:[A-Z][a-z]{2,}|\.)+\?$/.test(v) && humps.length >= 2;
  if (!quoted) return humps.length >= 2 && CREDENTIAL_HUMP.test(v);
  // Quoted, only whole words in PascalCase with a credential word (a class name logged or registered).
  return /^(?:[A-Z][a-z]{2,})+$/.test(v) && humps.length >= 2 && CREDENTIAL_HUMP.test(v);
}

/**
 * Code, not a literal: a Go pointer dereference or a negation (`*cred.AccessKeySecret`, `!auth.useApiKey`),
 * a PHP class constant (`HashCaster::class`), a PHP namespace (`Illuminate\Auth\Middleware\X`), a
 * subscripted property path (`request.headers["X-API-KEY"]`), a call being opened, a source selector, a scope pattern.
 */
function isCodeReference(v: string, quoted: boolean): boolean {
  // Whole words only after the sigil: `*Tq8vLm2Xz` in a .env file is a password.
  if (!quoted && /^[*!&]+[A-Za-z]/.test(v) && /\.|[a-z][A-Z]/.test(v) && v.replace(/^[*!&]+/, '').split('.').every((p) => WORDY_SEGMENT.test(p))) return true;
  if (/^[A-Z]\w*::class\b/.test(v)) return true;
  // An increment (`++tokenRef.current`) or an optional chain (`cart?.payment_collection?.`, cut by the rule):
  // code in any file. (A non-null assertion, `result.token!`, is judged in code files only: hard-negatives.ts.)
  if (!quoted && /^(?:\+\+|--)?[a-z_$][\w$]*(?:\??\.[A-Za-z_$][\w$]*)+$/.test(v) && /^(?:\+\+|--)|\?\./.test(v)) return true;
  if (!quoted && /^[a-z_$][\w$]*(?:\??\.[A-Za-z_$][\w$]*)*\?\.$/.test(v)) return true;
  // A Ruby instance variable's attribute (`token: @user.token`): code, whatever file holds it.
  if (!quoted && /^@{1,2}[a-z_]\w*(?:\.[a-z_]\w*[?!]?)+$/.test(v)) return true;
  if (/^(?:\\{1,2})?[A-Z]\w*(?:\\{1,2}[A-Z]\w*){2,}/.test(v)) return true;
  // A call being opened, as a pattern or a template writes it (`password=get_secret\(`): the value is what it returns.
  if (!quoted && /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*\\?\($/.test(v)) return true;
  // Where a value is read from, not the value (`"token": "json:tokenName"`, `header:X-Request-Id`), and a scope
  // or ACL pattern (`api-key:endpoint:*`).
  if (/^(?:json|jsonpath|header|query|path|env|cookie|body):(?:[a-z]+(?:[A-Z][a-z]+)*|[a-z]+(?:[_.-][a-z]+)+|[A-Z][a-z]+(?:-[A-Z][a-z]+)*|[A-Z]+(?:_[A-Z]+)*)$/.test(v)) return true;
  if (/^[a-z]+(?:[-_][a-z]+)*(?::[a-z]+(?:[-_][a-z]+)*)*:\*$/.test(v)) return true;
  return /^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*\[\\?["'][\w.-]+\\?["']\]$/.test(v);
}

/** Numbers and identifiers of standards: `-0x3f879678` (an ioctl), an OID, a URN, an Amazon user or skill ID (`amzn1.account.…`; not a Login with Amazon client secret, `amzn1.oa2-cs.…`). */
function isConstant(v: string, quoted: boolean): boolean {
  if (/^amzn1\.(?!oa2-cs)[a-z][a-z0-9-]*\.[A-Za-z0-9.-]+$/.test(v)) return true;
  // A hex literal that fits a machine word is a number in code; longer ones (a 64-hex-digit key) stay.
  if (!quoted && /^-?0x[0-9a-f]{1,16}$/i.test(v)) return true;
  if (/^[0-2](?:\.\d{1,9}){3,}$/.test(v)) return true;
  return /^urn:[a-z0-9][a-z0-9-]{0,31}:[\w.:()+,=@;$!*'%/-]+$/i.test(v);
}

/** Identifiers the built-in check does not cover: with digits (`s3_disable_auth`), ending a sentence (`AWS_SESSION_TOKEN.`), a parameter label (`Credential=`). */
function isIdentifier(v: string, quoted: boolean): boolean {
  // Digits only in a short first word (`s3_…`), three words or more: `xq7_lm2_vr9`, `abcdefg1_hijklmn` are generated.
  if (/^[a-z]{1,3}\d{1,2}(?:_[a-z]{2,}){2,}$/.test(v) || /^[A-Z]+\d{0,2}(?:_[A-Z]+\d{0,2})+$/.test(v)) return true;
  // A setting's name with a word after it (`CLOUDSDK_PROXY_PASSWORD_value`): a test's marker for its value.
  if (/^[A-Z]+(?:_[A-Z]+)+_[a-z]+$/.test(v)) return true;
  // A module path to a class (`oauth2client.client.OAuth2Credentials.` in a docstring), a two-part config key (`spec.preferredAuthentication`).
  if (/^[a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)+\.[A-Z][A-Za-z0-9]+\.?$/.test(v) || /^[a-z]+\.[a-z]+(?:[A-Z][a-z]+)+$/.test(v)) return true;
  if (!quoted && /^[A-Z]+\d{0,2}(?:_[A-Z]+\d{0,2})+[.,:;]$/.test(v)) return true;
  // A parameter label with its `=`, the value appended in code (`Credential=`, `gs_host_header=`).
  return /^[A-Z][a-z]+=$/.test(v) || /^[a-z]+(?:_[a-z]+)+=$/.test(v);
}

const SEMVER = /^v?\d{1,4}\.\d{1,4}\.\d{1,6}(?:-[\w.]+)?(?:\+[\w.]+)?(?:\([\w@./-]+\))*$/;

/** Laravel validation rules: `required|confirmed`, `current_password:api`, `Confirmed:field`. */
const LARAVEL_RULE = '(?:required|confirmed|current_password|nullable|sometimes|string|min|max|same|different|size|between|filled|present|prohibited|password|bail)';
/** A rule's parameters are field names, guards or numbers (`current_password:api`, `min:8`), never random text. */
const LARAVEL_PARAMS = '(?::(?:[a-z]+(?:[A-Z_][a-z]+)*|\\d+)(?:,(?:[a-z]+(?:[A-Z_][a-z]+)*|\\d+))*)?';
const LARAVEL_RULES = new RegExp(`^${LARAVEL_RULE}${LARAVEL_PARAMS}(?:\\|${LARAVEL_RULE}${LARAVEL_PARAMS})*$`, 'i');
const isValidationRule = (v: string): boolean => LARAVEL_RULES.test(v) && (/[|:_]/.test(v) || /^(?:confirmed|required|nullable|sometimes)$/i.test(v));

/**
 * A command-line option name with its `=`, the value appended in code (`'--password='.$x`), or a CSS custom
 * property (`WARNING_BACKGROUND_TOKEN = '--theme-warning-150'`, a design token).
 */
const isOptionName = (v: string): boolean => /^--[a-z]+(?:-[a-z0-9]+)*=?$/.test(v) || /^-[a-z]+(?:-[a-z]+)*=$/.test(v);

/**
 * Example values printed in RFCs and standards and copied into libraries' docs and tests: HTTP Digest (RFC 2617 / 7616)
 * `Mufasa` / `CircleOfLife`; OAuth 1.0 (RFC 5849) and 2.0 (RFC 6749, 6750) client credentials, codes and
 * tokens, and the Basic header of RFC 6749's client `s6BhdRkqt3` (any rule: decoded, it is a user:password pair).
 */
const RFC_EXAMPLES = new Set([
  'CircleOfLife', 'Circle Of Life', 'Circle of Life', 'Mufasa',
  '2YotnFZFEjr1zCsicMWpAA', 'tGzv3JOkF0XG5Qx2TlKWIA', 'SplxlOBeZQQYbYS6WxSbIA', 's6BhdRkqt3', 'gX1fBat3bV', '7Fjfp0ZBr1KtDRbnfVdmIw',
  'mF_9.B5f-4.1JqM', 'czZCaGRSa3F0MzpnWDFmQmF0M2JW',
  'ad180jjd733klru7', 'h480djs93hd8', 'kd94hf93k423kf44', 'hh5s93j4hdidpola', 'hdk48Djdsa', 'pfkkdhi9sl3r4s00', 'dh893hdasih9', 'nnch734d00sl2jdk',
  // The AES-128, -192 and -256 keys of FIPS-197's and NIST SP 800-38A's worked examples, in every crypto library's tests.
  '2b7e151628aed2a6abf7158809cf4f3c', '8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b',
  '603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4',
]);

/**
 * Keys printed in vendors' own documentation, copied verbatim into READMEs, tutorials and tests: public
 * by publication, valid for nobody. Exact values only (a key of the same shape is reported).
 */
const DOCUMENTED_EXAMPLES = new Set([
  // Stripe's API reference and quick starts (test mode, Stripe's own demo account).
  'sk_test_' + '4eC39HqLyjWDarjtT1zdp7dc', 'sk_test_' + 'BQokikJOvBiI2HlWgH4olfQ2',
  // Slack's OAuth v2 docs: the bot token of the sample oauth.v2.access response.
  'xoxb-' + '17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy',
  // GitHub's announcement of its token formats (the checksum does not hold).
  'ghp_' + '16C7e42F292c6912E7710c838347Ae178B4a',
  // Twitter's "Creating a signature" (OAuth 1.0a) guide: consumer key and secret, token and token secret.
  'xvz1evFS4wEEPTGEFPHBog', 'kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw',
  '370773112-' + 'GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb', 'LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE',
  // Django REST framework's TokenAuthentication docs: the token of the curl example and of the response body.
  '9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b', '401f7ac837da42b97f613d789819ff93537bee6a',
  // Docstrings of oauthlib and requests-oauthlib (vendored by pip, gcloud, App Engine): tokens typed for the examples.
  'askfjh234as9sd8', '23sdf876234', '45ghiukldjahdnhzdauz', 'kkk9d7dh3k39sjv7', 'sdlfkj452', 'ss345asyht',
  'kjerht2309u', 'kjerht2309uf', 'lsdajfh923874', 'sdf0o9823sjdfsdf', 'w34o8967345',
  // GitHub's documented password for token auth over HTTPS (`https://TOKEN:x-oauth-basic@github.com`): a constant, the token is the user.
  'x-oauth-basic',
  // FastAPI's OAuth2-with-JWT tutorial: the SECRET_KEY its docs print (from `openssl rand -hex 32`).
  '09d25e094faa6ca2556c818166b7a9563b93f7099f6f0f4caa6cf63b88e8d3e7',
]);
// (jwt.io's sample token, FastAPI's tutorial tokens and `hunter2` are left reported: peers' example sets
// score them as secrets.)


/** A run of three or more neighbouring keys or letters of the alphabet (`zxcv`, `1234`, `abc`), typed. */
const isKeyRun = (s: string): boolean => s.length >= 3 && [...KEY_ROWS, 'abcdefghijklmnopqrstuvwxyz'].some((row) => row.includes(s.toLowerCase()));

/**
 * Base64 pieces joined by `|` (a signed cookie's parts, tornado's `_oauth_request_token=enhjdg==|MTIzNA==`)
 * that each decode to a keyboard run (`zxcv`, `1234`): a test's stand-in, encoded.
 */
function isEncodedKeyRuns(v: string): boolean {
  const pieces = v.split('|');
  return pieces.length >= 2 && pieces.every((p) => /^[A-Za-z0-9+/]{4,16}={0,2}$/.test(p) && isKeyRun(Buffer.from(p, 'base64').toString('latin1')));
}

/** Base64 of a placeholder (`example-app-secret`, `{"error":"UNKNOWN_ERROR"}`): encoded, it still says what it is. */
function isEncodedPlaceholder(v: string): boolean {
  if (isEncodedKeyRuns(v)) return true;
  if (!/^[A-Za-z0-9+/]{8,}={0,2}$/.test(v) || v.length % 4 === 1) return false;
  // `echo postgres | base64` (a chart README's `cG9zdGdyZXMK`) encodes the newline too.
  const text = Buffer.from(v, 'base64').toString('latin1').replace(/\r?\n$/, '');
  if (!/^[\x20-\x7e]+$/.test(text)) return false;
  // A stand-in in base64 (a Kubernetes Secret's `cGFzc3dvcmQ=`, `secure-password`): still a stand-in.
  if (/^[a-z]+$/i.test(text) ? isTrivialValue(text) || /^changeme$/i.test(text) : isWordyStandIn(text) || isStandInPassword(text)) return true;
  // A stand-in word with a counter (`value-2`, a manifest guide's `echo value-2 | base64`).
  if (/^[a-z]+[-_]\d{1,3}$/i.test(text) && isTrivialValue(text.replace(/[-_]\d+$/, ''))) return true;
  // A Basic pair whose password is its user name (`max:max` in an API's docs): a development default.
  if (/^([^:\s]{1,64}):\1$/.test(text)) return true;
  // Words joined by - _ or : (`example-app-secret`, `example:example` in a Basic header), not a sentence that mentions an example.
  if (/^[a-z]+(?:[-_:][a-z]+)+$/i.test(text) && /example|dummy|placeholder|changeme|sample|fake/i.test(text)) return true;
  // A JSON object of identifiers only, none about credentials (an error marker used as a stand-in token).
  return /^\{(?:\s*"[a-z_]+"\s*:\s*"[A-Za-z_]+"\s*,?)+\}$/i.test(text) && !/pass|secret|token|key|auth/i.test(text);
}

/**
 * Base64 of a word its own key names (a chart README's `postgresql-password: cG9zdGdyZXMK`, `echo postgres
 * | base64`): the service's default password, encoded; written plain it is too weak for any generic rule.
 */
function isEncodedKeyWord(v: string, before: string): boolean {
  if (!/^[A-Za-z0-9+/]{4,24}={0,2}$/.test(v)) return false;
  const word = Buffer.from(v, 'base64').toString('latin1').replace(/\r?\n$/, '');
  return /^[a-z]{3,12}$/.test(word) && before.toLowerCase().slice(-60).includes(word);
}

/** The text before the value names an opaque pagination cursor, not a credential (pageToken, nextPageToken, Page Token). */
const PAGINATION_KEY = /(?:page|continuation|cursor|resume)[ _.-]?token\\?["']?\s*[:=]\s*\\?["']?$/i;

/**
 * Words before `token` in a key that make it a cursor or a request marker of an API, not a credential:
 * AWS's `NextToken`, `nextForwardToken`, `nextSequenceToken`, `ChangeToken`, `PolicyUpdateToken`,
 * `NodeAssociationStatusToken`, botocore paginators' `output_token` / `input_token` (their values are
 * response field paths). `ClientToken` only as AWS spells it (an idempotency key): `client_token`
 * elsewhere may be a vendor's credential.
 */
const CURSOR_WORDS = new Set(['page', 'continuation', 'cursor', 'resume', 'pagination', 'next', 'prev', 'previous', 'forward', 'backward', 'sequence', 'output', 'input', 'change', 'status', 'idempotency', 'marker']);
function isCursorKey(key: string | undefined): boolean {
  if (key === undefined) return false;
  if (key === 'ClientToken') return true;
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
  const n = words.length;
  if (n < 2 || words[n - 1] !== 'token') return false;
  return CURSOR_WORDS.has(words[n - 2]!) || (words[n - 2] === 'update' && words[n - 3] === 'policy');
}

/**
 * The value spells its own key, a counter after it at most (`CELERY_PASSWORD = 'celerypassword'`, `CHALLENGE_PASSWORD:
 * "challengePassword"`, `COOKIE_SECRET = "WebTest.COOKIE_SECRET"`): a name standing for a value, as tests
 * and attribute tables write it, also after a package's short prefix. A generated secret never repeats the
 * name it is stored under.
 */
function spellsOwnKey(v: string, key: string | undefined): boolean {
  if (key === undefined) return false;
  const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');
  const k = norm(key);
  if (k.length < 6) return false;
  // A compound key's name with a counter or signs typed after it (`repmgrPassword: repmgrPassword123!4`);
  // under `password`, `password1` is a password people type.
  const counted = /^([A-Za-z][\w.-]*?)[0-9!@#$%^&*?]{1,8}$/.exec(v)?.[1];
  if (counted !== undefined && norm(counted) === k && keyWords(key).length >= 2) return true;
  // A property read with TypeScript's non-null assertion (`dbCredentials = state.dbCredentials!`).
  if (v.endsWith('!')) v = v.slice(0, -1);
  if (!/^[\w.:/-]+$/.test(v)) return false;
  if (norm(v) === k || norm(v.split(/[.:/]/).pop()!) === k) return true;
  // A package's prefix before the key's own name when the key is a long compound (`AttributeKeyADCredentials =
  // "gokrb5AttributeKeyADCredentials"`); under `password`, `thisismypassword` is typed.
  const n = norm(v);
  return k.length >= 16 && n.length <= k.length + 12 && n.endsWith(k) && /^[a-z][a-z0-9]*$/i.test(v.slice(0, n.length - k.length));
}

/**
 * Oracle's demo schema account, `scott` / `tiger`, which SQLAlchemy's, Celery's and Kombu's docs write in
 * every example URL (`mysql://scott:tiger@localhost/foo`, `UID=scott;PWD=tiger`): a stand-in, by its user.
 */
function isDemoAccount(v: string, line: string, at: number): boolean {
  if (!/^tiger\b/i.test(v)) return false;
  return /(?:\/\/|\b(?:user(?:name)?|login|uid)["']?\s*[=:]\s*["'`]?)scott["'`]?[:;,\s&]*(?:(?:password|passwd|pwd)["']?\s*[=:]\s*["'`]?)?$/i.test(line.slice(Math.max(0, at - 80), at));
}

/**
 * Digits counting up through the value with letters between (`a123b45c6d78e9f012a34…`, `1a2b3c4d5e6f7g8h9i0j`):
 * a docs writer's filler. The count may start again (`…e6f78a1b234…`), each run five digits or more: ten
 * digits in such runs turn up in a random value about once in a hundred million. Also a dozen digits
 * counting up in a row.
 */
function isCountingFiller(v: string): boolean {
  // A dozen digits counting up in a row (`dapi123456789012345678a9bc…`): typed, whatever surrounds them.
  if (/(?:0(?=1)|1(?=2)|2(?=3)|3(?=4)|4(?=5)|5(?=6)|6(?=7)|7(?=8)|8(?=9)|9(?=0)){11}\d/.test(v)) return true;
  const d = v.replace(/\D/g, '');
  // Letters cut the count into short pieces, eight times or more: a plain run of digits beside letters
  // (`12345678ABCDEFH1234567890…`) is how peers' examples spell a key format, scored as a secret.
  if (d.length < 10 || (v.match(/[A-Za-z]\d/g)?.length ?? 0) < 8) return false;
  let run = 1;
  for (let i = 1; i < d.length; i++) {
    if (Number(d[i]) === (Number(d[i - 1]) + 1) % 10) run++;
    else if (run < 5) return false;
    else run = 1;
  }
  return run >= 5;
}

/** A key that says its value is a hash (`hashed_password`, `password_digest`, `token_sha256`): password-hash rules judge hashes by their format. */
const HASH_KEY_WORDS = new Set(['hash', 'digest', 'sha1', 'sha256', 'sha512', 'md5', 'checksum', 'fingerprint']);
/** A key that says its value is a stand-in (`DUMMY_SECRET`, `fakeToken`, `MOCK_API_KEY`). */
const STAND_IN_KEY_WORDS = new Set(['dummy', 'fake', 'mock', 'placeholder', 'bogus']);
function keyWords(key: string): string[] {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
}

/**
 * The same text forwards and backwards (`ABCDEFGH1234567887654321HGFEDCBA`, `abc123321cba`): typed as a
 * pattern, never drawn.
 */
function isMirrored(v: string): boolean {
  const l = v.toLowerCase();
  return l.length >= 8 && l === [...l].reverse().join('');
}

/**
 * xkcd 936's passphrase glued, whole or in part (`correcthorsebatterystaple`, `horsestaple`,
 * `incorrectbattery`): the web's stand-in. Joined by dots or dashes the words stay a passphrase someone may use.
 */
const XKCD_936 = /^(?:(?:in)?correct|horse|battery|staple){2,}$/i;

/**
 * Typed by hand across the keyboard's home row (`kjfhueyt9485osdfasdkljfh…`, `lsdkfol23w54jlksdef`): three
 * letters in four from `asdfghjkl`, fourteen letters or more, lower case. A random value of lower-case
 * letters and digits does so about once in a thousand at fourteen letters, far less beyond.
 */
function isHomeRowMash(v: string): boolean {
  if (!/^[a-z0-9]+$/.test(v) || /^[0-9a-f]+$/.test(v)) return false;
  const letters = v.replace(/\d/g, '');
  const home = letters.replace(/[^asdfghjkl]/g, '').length;
  // Shorter, every letter on the home row (`askfjh234as9sd8`, oauthlib's docs token): nine or more such
  // letters in a random value come about once in ten thousand.
  if (letters.length >= 9 && home === letters.length) return true;
  if (letters.length < 14) return false;
  return home * 4 >= letters.length * 3;
}

/** Letters and digits taking turns, each counting up (`a1B2c3D4e5F6`, `a1b2c3d4`): a typed pattern. */
function isAlternatingCount(v: string): boolean {
  if (!/^(?:[A-Za-z]\d){4,}[A-Za-z]?$/.test(v)) return false;
  const l = v.toLowerCase().replace(/\d/g, '');
  const d = v.replace(/\D/g, '');
  for (let i = 1; i < l.length; i++) if (l.charCodeAt(i) !== l.charCodeAt(i - 1) + 1) return false;
  for (let i = 1; i < d.length; i++) if (Number(d[i]) !== (Number(d[i - 1]) + 1) % 10) return false;
  return true;
}

/**
 * The password is the user's name with `pass` for `user` (`cacheuser:cachepass`, `user=appuser
 * password=apppassword`) or with `_password` after it (`user=replicator password=replicator_password`):
 * a template's development default.
 */
function passForUser(v: string, line: string, at: number): boolean {
  const m = /^([a-z][a-z0-9]{1,20})([_-]?)(?:pass|password|passwd|pwd)$/i.exec(v);
  if (m === null) return false;
  const stem = m[1]!.toLowerCase();
  // Joined by `_` (`replicator_password`), the stem is the user name itself; glued, it names it (`cachepass` for `cacheuser`).
  const user = m[2] ? `${stem}(?:user|usr|_user)?` : `${stem}(?:user|usr|_user)`;
  const before = line.slice(Math.max(0, at - 120), at).toLowerCase();
  if (new RegExp(`(?://|\\b(?:user(?:name)?|login|uid)["']?\\s*[=:]\\s*["'\`]?)${user}["'\`]?[:;,\\s&]*(?:(?:password|passwd|pwd)["']?\\s*[=:]\\s*["'\`]?)?$`).test(before)) return true;
  // A client's user flag after it (PGPASSWORD set to the user's name plus `_password`, then `pg_isready -U` that user).
  return new RegExp(`\\s-u[ \\t]*["']?${user}["']?(?:[\\s;|&)]|$)`).test(line.slice(at + v.length).toLowerCase());
}

/** A JWT's header alone (`eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9`, docs cutting a token short): no claims, no signature. */
function isJwtHeaderOnly(v: string): boolean {
  if (!/^eyJ[A-Za-z0-9_-]{10,120}={0,2}$/.test(v)) return false;
  let head: unknown;
  try { head = JSON.parse(Buffer.from(v, 'base64url').toString('utf8')); } catch { return false; }
  return typeof head === 'object' && head !== null && 'alg' in head && Object.keys(head).every((k) => ['alg', 'typ', 'kid', 'cty'].includes(k));
}

/**
 * The signing key jwt.io's debugger fills in today (`a-string-secret-at-least-256-bits-long`): a token that
 * verifies under it was made on that page, for docs and tests. Checked by HMAC, not guessed from the text.
 * (Its former key, `your-256-bit-secret`, and the bare `secret` are left: peers' example sets score tokens
 * signed with them as secrets.)
 */
const JWT_IO_KEY = 'a-string-secret-at-least-256-bits-long';
const HMAC_OF: Record<string, string> = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' };
function isJwtIoSample(v: string): boolean {
  return jwtSignedWith(v, [JWT_IO_KEY]);
}

/** True when `v` is a JWT with an HMAC signature that one of `keys` makes. */
function jwtSignedWith(v: string, keys: readonly string[]): boolean {
  const parts = v.split('.');
  if (parts.length !== 3 || !v.startsWith('eyJ')) return false;
  let alg: unknown;
  try { alg = (JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as { alg?: unknown }).alg; } catch { return false; }
  const hash = typeof alg === 'string' ? HMAC_OF[alg] : undefined;
  // node:crypto on first use (lazy.ts): only a JWT-shaped value gets here.
  return hash !== undefined && keys.some((k) => nodeCrypto().createHmac(hash, k).update(`${parts[0]}.${parts[1]}`).digest('base64url') === parts[2]);
}

/** An e-mail address (`dev@acme.io`) or a scoped npm package path (`@medusajs/medusa/api-key`) after a credential word: a name, not a value. */
const EMAIL = /^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$/;
const NPM_PACKAGE = /^@[a-z0-9][a-z0-9._-]*\/[a-z0-9][a-z0-9._-]*(?:\/[a-z0-9][a-z0-9._-]*)*$/;

/** A vendor prefix with a few digits after it (`whsec_123`, `sk_42`): real keys carry dozens of characters. */
const SHORT_PREFIXED = /^[a-z]{2,8}_\d{1,6}$/;

/**
 * A template's filter chain (Django, Jinja, Liquid: `variable|default:"x"|date:"Y-m-d"` cut at the first
 * quote, `value|lower`): words joined by `|`, an argument's colon at most. A password holds no such run of words.
 */
const FILTER_CHAIN = /^[a-z_][a-z_.]*(?:\|[a-z_]+)+:?$/;

/**
 * An AWS access key ID in a presigned URL or a SigV4 Authorization header (`X-Amz-Credential=AKIA…%2F20190814%2F…`,
 * `Credential=AKIA…/20190814/…`): the key's public half beside a signature made for one request; a presigned
 * URL is made to be handed out. The secret key that signed it is nowhere in the text.
 */
function isSignedRequestKeyId(v: string, line: string, at: number): boolean {
  // The key ID alone (aws-access-key-id) or with its scope up to the next `&` (a generic rule reads `Credential=`).
  return /^(?:AKIA|ASIA)[A-Z2-7]{16}(?:(?:%2F|\/)\d{8}(?:%2F|\/)[\w%/-]*)?$/i.test(v) && /(?:X-Amz-Credential=|\bCredential=)$/i.test(line.slice(Math.max(0, at - 20), at)) && /^(?:%2F|\/)\d{8}(?:%2F|\/)/i.test(line.slice(at + 20, at + 36));
}

/**
 * A password hash in Django's or Werkzeug's stored format (`md5$seasalt$1e9b…` in a fixture,
 * `pbkdf2_sha256$600000$salt$hash`, `scrypt:32768:8:1$salt$hex`): a hash under `password`, not the password;
 * hashes are judged by their format in password-hashes.yaml.
 */
const FRAMEWORK_PASSWORD_HASH = /^(?:(?:pbkdf2_sha(?:1|256)|argon2|bcrypt(?:_sha256)?|scrypt|sha1|md5|unsalted_(?:md5|sha1)|crypt)\$[^\s$]*\$\S+|(?:pbkdf2|scrypt):[\w:]+\$[^\s$]+\$[0-9a-f]+)$/;

/** A type name with its version (`pg/varchar@1`, a codec id in an ORM's table map): a name, not a value. */
const VERSIONED_TYPE_ID = /^[a-z][a-z0-9]*\/[a-z][a-z0-9_]*@\d+$/;

/** Lower-case words joined by `-` and `/` (`auth-request-type/at`, a metrics header's value; `applications/fastapi`): a label or a path, not a key. */
const LABEL_PATH = /^[a-z]+(?:-[a-z]+)*(?:\/[a-z]+(?:-[a-z]+)*)+$/;

/** A generated API model's class name with its version (`V1SecretVolumeSource`, `V1beta1TokenReview`). */
const VERSIONED_CLASS = /^V\d+(?:(?:alpha|beta)\d+)?(?:[A-Z][a-z]+){2,}$/;

/** A Google Cloud Storage signed URL's `x-goog-credential=` scope: a service account's name and a date. */
// Built from parts: the package is scanned with its comments stripped (esbuild), where an allow marker would not survive.
const GOOG_CREDENTIAL = new RegExp('x-goog-' + 'credential=$', 'i');

/** A printf format in place of a value (`'%s/%s/%s/%s/aws4_request' % (…)`). */
const PRINTF_FORMAT = /%[sd].*%[sd]/;

/** A JWT spelled by its parts' names (`HEADER.PAYLOAD.SIGNATURE`, `HEADER.SIMULATED_JWT_PAYLOAD.SIGNATURE`). */
const JWT_PART_NAMES = /^HEADER\.[A-Z_]*PAYLOAD\.SIGNATURE$/i;

/** A lexer's token class under `token:` (Monaco's `type.identifier`, `delimiter.bracket`). */
const LEXER_CLASS = /^[a-z]+(?:\.[a-z]+)+$/;

/** Anti-forgery tokens of web forms (`csrfmiddlewaretoken` in Django's hidden input, `csrf_token`): per session, not a credential. */
const CSRF_BEFORE = /(?:csrf|xsrf)[\w.-]{0,20}token\W{1,20}(?:value\W{1,4})?$/i;

/** An AWS-style example key ID (`AKIAIOSFODNN7EXAMPLE`, `ABCDE12345670EXAMPLE`) elsewhere on the line: the docs' example pair. */
const EXAMPLE_KEY_ID = /\b[A-Z0-9]{8,}EXAMPLE\b/;

/** Generated protobuf descriptors (`.pb.go`): field names glued to `\xNN` escapes, `R\x06secret:9\x9a…`. */
const ESCAPED_BYTES = /\\x[0-9a-fA-F]{2}[A-Za-z_]\w*:$/;

/**
 * A value inside the base64 payload of a data: URI (an image in an SVG or HTML page), or inside a base64 run
 * far longer than any token (a cut long line may start past the `data:` marker): bytes, not a token.
 */
function insideBase64Blob(line: string, at: number, length: number): boolean {
  const head = line.slice(0, at);
  const marker = head.lastIndexOf(';base64,');
  if (marker >= 0 && /data:[a-z]+\/[a-z0-9.+-]+$/i.test(head.slice(Math.max(0, marker - 80), marker)) && /^[A-Za-z0-9+/=]*$/.test(line.slice(marker + 8, at + length))) return true;
  const before = /[A-Za-z0-9+/]*$/.exec(head)![0];
  const after = /^[A-Za-z0-9+/]*/.exec(line.slice(at + length))![0];
  return before.length >= BLOB_RUN && after.length >= BLOB_RUN && /[+/]/.test(before + after);
}
/** Base64 characters on each side of a value that make it part of a blob (tokens are at most a few hundred long). */
const BLOB_RUN = 512;

/**
 * Credentials in a URL whose host is reserved for examples (RFC 2606, RFC 6761): example.com/.net/.org,
 * .example, .test, .invalid. Only a typed-looking password (`password123`, `a%20secret`): one of mixed
 * case with digits (`vB5nK8mQ1wZ3`) may be a real one whose host alone was changed for the docs.
 */
function exampleHostCredentials(secret: string, line: string, at: number): boolean {
  if (/[A-Z]/.test(secret) && /[a-z]/.test(secret) && /\d/.test(secret.replace(/%[0-9A-F]{2}/gi, ''))) return false;
  const host = /^@([A-Za-z0-9.-]+)/.exec(line.slice(at + secret.length))?.[1]?.replace(/\.$/, '').toLowerCase();
  return host !== undefined && /(?:^|\.)(?:example\.(?:com|net|org)|example|test|invalid)$/.test(host);
}

/**
 * `abc123` typed into a short value (`abc123def456`, `abc123hash`): the first letters and digits, never drawn.
 * (The digit row and the alphabet in order are how peers' examples spell a key format: not judged here.)
 */
const isTypedRun = (v: string): boolean => /abc123/i.test(v) && new Set(v).size < 16;

/**
 * A value that says what it is rather than being it: a credential word between counting digits
 * (`token123456`, `123s3cr3t456`) or before whose it is and a counter (`passwordspeaker2`), or a hash algorithm's name before words where the hash should be
 * (`md5backuppassword`, `md5deadbeef`: a PostgreSQL md5 hash is `md5` and 32 hex digits). Glued words alone
 * (`thisismypassword`) may be typed, and are reported.
 */
function isSelfNamingValue(v: string): boolean {
  if (/^(?:\d+[#$!]*(?:secret|s3cr3t|token|t0ken|password|passw0rd)\d*|\d*[#$!]*(?:secret|s3cr3t|token|t0ken|password|passw0rd)\d{3,})$/.test(v)) return true;
  // The credential word, then whose it is and a counter (`passwordorganiser1`, `passwordspeaker2`): seed data's naming.
  if (/^(?:password|passwd|secret|token)[a-z]{3,20}\d{1,3}$/.test(v)) return true;
  return /^(?:md5|sha1|sha256)+[a-z]{4,40}$/.test(v) && !/^md5[0-9a-f]{32}$/.test(v);
}

/**
 * Stand-in words with a counter, in one case: vocabulary words glued with a credential word among them and
 * 1-4 digits (`testpass123`, `secrettoken123`, `mypassword1`), a test word and digits (`test1234`,
 * `demo42`), or camelCase from a qualifier to a credential word (`newRootPassword123`, `myApiToken`), as
 * docs and tests name a value. One credential word and one digit (`password1`) is a typed password and
 * stays reported, as does any capitalised or signed form (`Password123!`).
 */
function isCountedStandIn(v: string): boolean {
  // A sign typed after the counter to pass a policy (`test123!`) leaves it a stand-in.
  if (/^(?:test|testing|demo|dummy|sample|fake)[-_]?\d{1,6}[!@#$*]?$/.test(v)) return true;
  const glued = /^([a-z]{6,40})(\d{1,4})$/.exec(v);
  if (glued && !CREDENTIAL.has(glued[1]!) && splitsIntoWords(glued[1]!, true)) return true;
  return /^(?:new|old|my|your|some|the|test|dummy|fake|sample|demo|default|custom|other|another)(?:[A-Z][a-z]+){0,3}(?:Password|Passwd|Pass|Pwd|Secret|Token|Key)\d{0,3}$/.test(v);
}

/** Leetspeak's digits and signs for letters (hard-negatives.ts reads placeholders through it too). */
export const LEET: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', '$': 's' };
/**
 * Stand-ins that tests type for a password, judged only there (`fixturePath: 'test'`): one lower-case
 * word with at most three digits (`password1`, `swordfish`, `hunter2`, `customer`), or such a password in a
 * base64 Basic pair (`dG9iaTpmZXJyZXQ=`), credential words with a
 * counter in any case (`wrongPassword1`, `Password123!`), a name before a credential word (`mongotPassword`),
 * credential words in leetspeak (`P4ssW0rd`).
 * In a config file the same values are passwords someone set, and stay reported.
 */
function isFixtureStandIn(v: string): boolean {
  // A trailing escaped newline is how a test types the value into a file or a prompt (`'qwerty\\n'`).
  v = v.replace(/(?:\\[rn])+$/, '');
  // The same words in leetspeak (`P4ssW0rd`, `p@55w0rd`): still the word.
  if (/[a-z][0-9@$]|[0-9@$][a-z]/i.test(v)) {
    const plain = v.replace(/[0-9@$]/g, (ch) => LEET[ch] ?? ch);
    if (/^[A-Za-z]+$/.test(plain) && isStandInPassword(plain)) return true;
  }
  if (/^[a-z]{3,16}\d{0,3}$/.test(v)) return true;
  // A Basic pair in base64 whose password is such a stand-in (`tobi:ferret` in an Authorization header of a test).
  if (/^[A-Za-z0-9+/]{8,}={0,2}$/.test(v)) {
    const pair = /^[^:\s]{1,64}:([\x21-\x7e]{1,64})$/.exec(Buffer.from(v, 'base64').toString('latin1'));
    if (pair && pair[1] !== v && (isFixtureStandIn(pair[1]!) || isStandInPassword(pair[1]!))) return true;
  }
  const stem = v.replace(/[0-9!@#$%^&*?]{1,6}$/, '');
  if (stem !== v && /^[A-Za-z]{4,30}$/.test(stem) && splitsIntoWords(stem.toLowerCase(), true)) return true;
  return /^[a-z]{2,12}(?:[A-Z][a-z]+){0,2}(?:Password|Passwd|Secret|Token)$/.test(v);
}

/**
 * Keys printed in public docs that tokens in tutorials are signed with: jwt.io's former default
 * (`your-256-bit-secret`) and FastAPI's tutorial key (DOCUMENTED_EXAMPLES). Judged in tests and docs only:
 * peers' example sets score such tokens as secrets, and they are written in neutral files.
 */
const DOCS_JWT_KEYS = ['your-256-bit-secret', '09d25e094faa6ca2556c818166b7a9563b93f7099f6f0f4caa6cf63b88e8d3e7'];
function isDocsKeyJwt(v: string): boolean {
  return jwtSignedWith(v, DOCS_JWT_KEYS);
}

/** Why this value on this line is not a secret, or undefined. */
export function nonSecretValueReason(c: ValueOnLine): string | undefined {
  const { secret: v, line, at } = c;
  // Any rule: a token inside base64 data, credentials for a host that cannot exist, test vectors and walks.
  // Not a token that names itself (`AKIA` and 16 more): that shape does not turn up in random base64, and
  // 1 KB of base64 around it is padding anyone can write (gate round 6).
  if (at >= 0 && !c.selfNamed && insideBase64Blob(line, at, v.length)) return 'inside base64 data';
  // Only a URL's password: `AKIA…@example.com` is an AWS key, whatever the host after it (gate round 6).
  if (at >= 0 && (c.generic || c.urlRule) && exampleHostCredentials(v, line, at)) return 'credentials for an example host';
  if (at >= 0 && isSignedRequestKeyId(v, line, at)) return 'key ID of a presigned URL or signed request';
  if (isEncodedTestVector(v)) return 'percent-encoded test vector';
  if (isJwtIoSample(v)) return "jwt.io's sample token (signed with the debugger's key)";
  if (isHollowPrivateKey(v)) return 'private key without a body';
  if (isKeyboardWalk(v)) return 'keyboard walk';
  // Exact values, so safe for any rule (python-http-basic-auth-literal finds the Digest example too).
  if (RFC_EXAMPLES.has(v)) return 'RFC example value';
  if (DOCUMENTED_EXAMPLES.has(v)) return "example key from the vendor's documentation";
  const before = at >= 0 ? line.slice(0, at) : '';
  if (isPublicMaterial(v, before, c.generic)) return 'certificate or public key';
  if (at >= 0 && sameAsUser(v, line, at)) return 'password is the user name';
  if (at >= 0 && isDemoAccount(v, line, at)) return 'demo account (scott / tiger)';
  if (at >= 0 && passForUser(v, line, at)) return "the password is the user's name with pass for user";
  // Base64 of a stand-in (a Kubernetes Secret's `YWRtaW5fcGFzc3dvcmQ=`): a random token decodes to bytes, not words.
  if (isEncodedPlaceholder(v)) return 'base64 of a placeholder';
  if (isEncodedKeyWord(v, before)) return 'base64 of a word its key names';
  // The password of a URL (`redis://:fakepass@`, `amqp://root:password@`) is a password by its place, whatever
  // rule found it (each database has its own URI rule): the stand-in judgements of generic rules apply to it.
  // (Not to other passwords by their place, netrc, DSNs, Basic auth in code: peers' examples of those rules
  // are stand-ins, `Password=secret`, `-p mypass`, and scoring on them counts each as a secret.)
  const inUrl = at >= 0 && line[at + v.length] === '@' && /:\/\/[^\s:/?#@"'<>]*:$/.test(before);
  // Tests and docs: a JWT signed with a key printed in public docs was made for the page, whatever rule found it.
  if (c.fixturePath && isDocsKeyJwt(v)) return 'a JWT signed with a published example key (in a test or docs)';
  // In tests the stand-in judgements apply to every rule's password (a requests `auth=` tuple of a first name and a stand-in word); elsewhere
  // only to generic rules and URLs (peers score `-p mypass` a secret).
  const inTest = c.fixturePath === 'test';
  if (!c.generic && !inUrl && !inTest) return undefined;
  if (isStandInPassword(v) || isWordyStandIn(v)) return 'stand-in made of credential words';
  if (inTest && isFixtureStandIn(v)) return "a test's stand-in password";
  if (isTrivialValue(v)) return 'trivial value';
  if (isTypedRun(v)) return 'typed run (abc123)';
  if (isSelfNamingValue(v)) return 'a value that names itself (glued words with a credential word)';
  if (isCountedStandIn(v)) return 'stand-in words with a counter';
  if (isCountingFiller(v)) return 'counting filler (digits in sequence)';
  if (isMirrored(v)) return 'mirrored pattern';
  if (isHomeRowMash(v)) return "typed across the keyboard's home row";
  if (isAlternatingCount(v)) return 'letters and digits counting in turns';
  if (XKCD_936.test(v)) return "xkcd 936's passphrase";
  // The shifted digit row typed whole (`pwd:!@#$%^&*()_+{}[];…`): a test of special characters, never drawn.
  if (v.includes('!@#$%^&*()')) return 'a test of special characters (the shifted digit row)';
  // A run of three lower-case x inside a value (`pass1xxxABCD`): the writer's mark for "fill in", as `xxxx` is.
  if (/(?<![xX])xxx(?![xX])/.test(v) && v.length <= 24) return 'placeholder (xxx)';
  if (!c.generic) return /^[A-Z]+\d{0,2}(?:_[A-Z]+\d{0,2})+$/.test(v) ? 'identifier (a name standing for the password)' : undefined;
  const quoted = /["'`]$/.test(before);
  if (isUiText(v)) return 'interface text or translation';
  if (isRouteTarget(v, before)) return 'route target (controller#action)';
  if (isDottedKey(v)) return 'config key or package name';
  if (isHeaderName(v)) return 'HTTP header name';
  if (isTypeName(v, quoted, before)) return 'type or class name';
  if (isCodeReference(v, quoted)) return 'code reference';
  // `SecurePassword::BCryptPassword`: the rule read the first colon of a namespace path as an assignment.
  if (/\w:$/.test(before) && /^:[A-Z]\w*(?:::[A-Z]\w*)*[:.,;]?$/.test(v)) return 'namespace path (A::B)';
  if (isConstant(v, quoted)) return 'numeric constant, OID or URN';
  if (isIdentifier(v, quoted)) return 'identifier';
  if (isValidationRule(v)) return 'validation rule';
  if (isOptionName(v)) return 'command-line option name';
  // A package version, with pnpm's peer suffix (`gtoken: 7.1.0(encoding@0.1.13)` in a lock file read by a gate).
  if (SEMVER.test(v)) return 'a version number';
  if (PAGINATION_KEY.test(before)) return 'pagination cursor';
  const key = at >= 0 ? assignmentKey(line, at) : undefined;
  if (isCursorKey(key)) return 'pagination cursor or request marker';
  const words = key === undefined ? [] : keyWords(key);
  // `hashed` anywhere; another hash word only last (`password_hash`): `HASH_SECRET`, `hash_key` are keys that hash.
  if (words.includes('hashed') || (words.length >= 2 && HASH_KEY_WORDS.has(words[words.length - 1]!))) return 'a hash field (its key says so)';
  if (words.some((w) => STAND_IN_KEY_WORDS.has(w))) return 'a stand-in (its key says so)';
  if (spellsOwnKey(v, key)) return 'the value spells its own key';
  // The service's name out of its own key (`${_AIRFLOW_WWW_USER_PASSWORD:-airflow}`, `RABBITMQ_PASS=rabbitmq`): its default.
  if (words.length >= 2 && /^[a-z]{3,20}$/i.test(v) && words.includes(v.toLowerCase())) return "the service's name from its own key";
  if (CSRF_BEFORE.test(before)) return 'CSRF token';
  if (isJwtHeaderOnly(v)) return 'a JWT header alone';
  if (EMAIL.test(v)) return 'an e-mail address';
  if (NPM_PACKAGE.test(v)) return 'a package name';
  // Not under a password's key: `admin_123` there is a weak password someone typed.
  if (SHORT_PREFIXED.test(v) && !words.some((w) => /^(?:pass|passwd|password|pwd)$/.test(w))) return 'a vendor prefix with a stand-in tail';
  if (key === 'token' && LEXER_CLASS.test(v)) return "a lexer's token class";
  if (FILTER_CHAIN.test(v)) return "a template's filter chain";
  if (LABEL_PATH.test(v)) return 'a label of words and slashes';
  if (quoted && VERSIONED_CLASS.test(v)) return "a generated model's class name";
  if (GOOG_CREDENTIAL.test(before)) return "a signed URL's credential scope";
  if (PRINTF_FORMAT.test(v)) return 'a printf format';
  if (JWT_PART_NAMES.test(v)) return "a JWT spelled by its parts' names";
  if (FRAMEWORK_PASSWORD_HASH.test(v)) return 'a password hash (Django / Werkzeug format)';
  if (VERSIONED_TYPE_ID.test(v)) return 'a type name with its version';
  if (EXAMPLE_KEY_ID.test(line.slice(0, Math.max(0, at)) + ' ' + line.slice(at + v.length))) return "beside the docs' example key ID";
  if (ESCAPED_BYTES.test(before)) return 'escaped bytes (generated descriptor)';
  // A PHP middleware signature, `Namespace\RequirePassword:route.name`: the "key" is a class name.
  if (/[A-Za-z]\\{1,2}[A-Z]\w*:$/.test(before)) return 'class name, not a key';
  return undefined;
}

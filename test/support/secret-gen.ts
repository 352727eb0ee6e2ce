/**
 * Format-aware secret generators for property tests: for every built-in rule, new secrets in the rule's
 * own format, derived from its pinned examples (`examples[].secret`).
 *
 * - Mutation (most rules): the example's characters are replaced at random, each from an alphabet the
 *   rule accepts there. Which characters are free, and from what alphabet, is found by probing the rule
 *   itself (its validator set aside): a character whose replacement stops the rule finding the example is
 *   part of the format (`T3BlbkFJ`, `AA`, `-----END RSA PRIVATE KEY-----`, the `n` of a JSON `\n`) and is
 *   kept; for each run of free characters the rule is asked which of the 62 letters and digits it takes
 *   (base58 has no 0/I/O/l, base32 no 0/1/8/9, hex only a-f). A checksummed format (GitHub and npm
 *   tokens: CRC32 of the random part in base62) gets its checksum recomputed.
 * - Construction (formats a character-wise mutation cannot keep valid, see src/detect/validators.ts):
 *   JWTs (base64url JSON header with `alg`, JSON payload, random signature; also base64-encoded), PyPI macaroons (binary
 *   macaroon v2 naming pypi.org, base64url) and base64 `user:password` values (basic-auth validator:
 *   Elasticsearch API keys, Docker `auths`).
 *
 * Every generated secret comes with a mask: true for the characters drawn from the random input, false
 * for the format's fixed parts and the example characters a mutation kept (a redacted prefix such as
 * `ghp_` may be printed, and so may text around it that equals the example's; drawn characters may not). Written from the formats' documentation and validators.ts, not from other projects' code.
 */
import { crc32 } from 'node:zlib';
import { createDetector, type Detector } from '../../src/detect/detector.js';
import { base62, bech32Checksum } from '../../src/detect/validators.js';
import { secretOf } from '../../src/findings/finding.js';
import type { RuleSpec } from '../../src/rules/rule.js';

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGIT = '0123456789';
const ALNUM = UPPER + LOWER + DIGIT;
const HEX_LOWER = '0123456789abcdef';
const HEX_UPPER = '0123456789ABCDEF';

export type Construct = 'jwt' | 'base64-jwt' | 'pypi-macaroon' | 'basic-auth';

export interface Template {
  rule: RuleSpec;
  /** The example text; the pinned secret is replaced by each generated one. */
  text: string;
  secret: string;
  path?: string;
  /** Mutation: per character of the secret, the alphabet it may be replaced from, or '' when it is kept. */
  classes: string[];
  /** Construction instead of mutation. */
  construct?: Construct;
}

export interface Generated {
  secret: string;
  /** Per character: true when it came from the random input. */
  mask: boolean[];
  /** The template's text with the generated secret in place of the example's. */
  text: string;
}

// ---------------------------------------------------------------------------------------------------------
// Templates

const CONSTRUCTED: Record<string, Construct> = { jwt: 'jwt', 'base64-jwt': 'base64-jwt', 'pypi-macaroon': 'pypi-macaroon', 'basic-auth': 'basic-auth' };

/** Does `rule` (as given, validator included or not) find exactly `secret` in `text`? */
function finds(det: Detector, text: string, path: string, secret: string): boolean {
  return det.detect({ text, provenance: { kind: 'file', path } }).some((f) => secretOf(f) === secret);
}

function runKind(run: string): 'digit' | 'hexl' | 'hexu' | 'mixed' {
  if (/^[0-9]+$/.test(run)) return 'digit';
  if (run.length >= 6 && /^[0-9a-f]+$/.test(run) && /[0-9]/.test(run)) return 'hexl';
  if (run.length >= 6 && /^[0-9A-F]+$/.test(run) && /[0-9]/.test(run)) return 'hexu';
  return 'mixed';
}

/**
 * The per-character alphabets of one example, found by probing the rule (without its validator, so a
 * checksum does not make every character look fixed).
 */
function classesOf(rule: RuleSpec, text: string, secret: string, path: string): string[] | undefined {
  const det = createDetector([{ ...rule, validator: undefined }]);
  const ok = (s2: string) => finds(det, text.split(secret).join(s2), path, s2);
  if (!ok(secret)) return undefined;
  const s = [...secret];
  const keep = s.map((c) => !/[A-Za-z0-9]/.test(c));
  const lower = secret.toLowerCase();
  for (const k of rule.keywords) for (let i = lower.indexOf(k); i !== -1; i = lower.indexOf(k, i + 1)) keep.fill(true, i, i + k.length);
  // Runs of free letters and digits, each with a first guess at its alphabet.
  const classes = s.map(() => '');
  const runs: Array<[number, number]> = [];
  for (let i = 0; i < s.length; ) {
    if (keep[i]) { i++; continue; }
    let j = i;
    while (j < s.length && !keep[j]) j++;
    runs.push([i, j]);
    i = j;
  }
  for (const [a, b] of runs) {
    const kind = runKind(secret.slice(a, b));
    for (let i = a; i < b; i++) {
      const c = s[i]!;
      classes[i] = kind === 'digit' ? DIGIT : kind === 'hexl' ? HEX_LOWER : kind === 'hexu' ? HEX_UPPER : UPPER.includes(c) ? UPPER : LOWER.includes(c) ? LOWER : DIGIT;
    }
  }
  // Group testing: a set of single-character changes is tried at once, and split only when the rule no
  // longer finds the result, so the many free characters cost a few calls and only the fixed ones more.
  const accepted = (changes: Array<[number, string]>): Array<[number, string]> => {
    if (changes.length === 0) return [];
    const t = s.slice();
    for (const [i, c] of changes) t[i] = c;
    if (ok(t.join(''))) return changes;
    if (changes.length === 1) return [];
    const mid = changes.length >> 1;
    return [...accepted(changes.slice(0, mid)), ...accepted(changes.slice(mid))];
  };
  // Fixed characters of the format: replacing one by its neighbour in the alphabet loses the match.
  const probes: Array<[number, string]> = [];
  for (let i = 0; i < s.length; i++) {
    const cls = classes[i]!;
    if (cls) probes.push([i, cls[(cls.indexOf(s[i]!) + 1) % cls.length]!]);
  }
  const freeAt = new Set(accepted(probes).map(([i]) => i));
  for (let i = 0; i < s.length; i++) if (!freeAt.has(i)) classes[i] = '';
  // Per run: the alphabet the rule takes there (each letter and digit tried at one of its free positions).
  for (const [a, b] of runs) {
    const free: number[] = [];
    for (let i = a; i < b; i++) if (classes[i]) free.push(i);
    if (free.length === 0) continue;
    const tries = [...ALNUM].map((c, k) => [free[k % free.length]!, c] as [number, string]);
    // One change per position in a group: split the tries into rounds.
    const taken = new Set<string>();
    for (let round = 0; round * free.length < tries.length; round++) {
      for (const [, c] of accepted(tries.slice(round * free.length, (round + 1) * free.length))) taken.add(c);
    }
    for (const i of free) {
      const cls = [...classes[i]!].filter((c) => taken.has(c) || c === s[i]).join('');
      classes[i] = cls.length >= 2 ? cls : '';
    }
  }
  return classes;
}

/** One template per positive example that pins its secret. */
export function templatesOf(rules: RuleSpec[]): Template[] {
  const out: Template[] = [];
  for (const rule of rules) {
    const construct = rule.validator ? CONSTRUCTED[rule.validator] : undefined;
    for (const ex of rule.examples) {
      if (!ex.secret || !ex.text.includes(ex.secret)) continue;
      const classes = construct ? [...ex.secret].map(() => '') : classesOf(rule, ex.text, ex.secret, ex.path ?? 'probe.txt');
      if (!classes) continue;
      out.push({ rule, text: ex.text, secret: ex.secret, path: ex.path, classes, ...(construct ? { construct } : {}) });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Generation

/** Random input, read cyclically (mixed with the position, so long secrets do not repeat it). */
class Bytes {
  private i = 0;
  constructor(private readonly b: Uint8Array) {}
  next(): number {
    const i = this.i++;
    return (this.b[i % this.b.length]! ^ ((Math.floor(i / this.b.length) * 151) & 0xff)) & 0xff;
  }
  pick(alphabet: string): string {
    return alphabet[this.next() % alphabet.length]!;
  }
  str(alphabet: string, n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += this.pick(alphabet);
    return s;
  }
}

function b64url(buf: Buffer): string {
  return buf.toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Which characters of base64(bytes) depend on a random byte. */
function base64Mask(byteMask: boolean[], encodedLength: number): boolean[] {
  const mask: boolean[] = [];
  for (let k = 0; k < encodedLength; k++) {
    const first = Math.floor((6 * k) / 8);
    const last = Math.floor((6 * k + 5) / 8);
    mask.push(byteMask.slice(first, last + 1).some(Boolean));
  }
  return mask;
}

/**
 * GitHub (ghp_ ...) and npm (npm_) tokens: 30 random base62 characters, then base62(CRC32) in 6. Bech32
 * (age identities): the last six characters are the checksum of the part before the last '1' and the data.
 */
function fixChecksum(rule: RuleSpec, s: string): string {
  const m = /^(gh[pousr]_|npm_)([A-Za-z0-9]{30})[A-Za-z0-9]{6}$/.exec(s);
  if ((rule.validator === 'github-crc32' || rule.validator === 'npm-crc32') && m) return m[1]! + m[2]! + base62(crc32(m[2]!), 6);
  const sep = s.lastIndexOf('1');
  if (rule.validator === 'bech32' && sep > 0 && s.length - sep > 7) {
    const sum = bech32Checksum(s.slice(0, sep), s.slice(sep + 1, -6));
    return s.slice(0, -6) + (s === s.toUpperCase() ? sum.toUpperCase() : sum);
  }
  return s;
}

function mutate(t: Template, r: Bytes): { secret: string; mask: boolean[] } {
  let secret = '';
  const mask: boolean[] = [];
  for (let i = 0; i < t.secret.length; i++) {
    const cls = t.classes[i]!;
    const b = r.next();
    // About three characters in four are drawn; the others keep the example's (fixed, like the format).
    const drawn = cls !== '' && b >= 64;
    secret += drawn ? cls[b % cls.length] : t.secret[i];
    mask.push(drawn);
  }
  return { secret: fixChecksum(t.rule, secret), mask };
}

const ALGS = ['HS256', 'HS384', 'HS512', 'RS256', 'RS512', 'ES256', 'PS256', 'EdDSA'];
const WORDS = ['svc', 'billing', 'etl', 'admin', 'reader', 'deploy', 'api', 'worker', 'ingest', 'report'];

/** A JWT: base64url(JSON header with `alg`) . base64url(JSON claims) . base64url(signature bytes). */
function jwt(r: Bytes): { secret: string; mask: boolean[] } {
  const header: Record<string, unknown> = { alg: ALGS[r.next() % ALGS.length], typ: 'JWT' };
  if (r.next() & 1) header.kid = r.str(ALNUM, 8 + (r.next() % 12));
  const claims: Record<string, unknown> = {
    sub: `${WORDS[r.next() % WORDS.length]}-${r.str(LOWER + DIGIT, 6 + (r.next() % 10))}`,
    iat: 1_600_000_000 + r.next() * 65536 + r.next() * 256 + r.next(),
    jti: r.str(ALNUM, 12 + (r.next() % 12)),
  };
  if (r.next() & 1) claims.role = WORDS[r.next() % WORDS.length];
  if (r.next() & 1) claims.iss = `https://auth.${r.str(LOWER, 5)}.example`;
  const sigLen = [32, 48, 64, 256][r.next() % 4]!;
  const sig = Buffer.from(Array.from({ length: sigLen }, () => r.next()));
  const h = b64url(Buffer.from(JSON.stringify(header)));
  const p = b64url(Buffer.from(JSON.stringify(claims)));
  const secret = `${h}.${p}.${b64url(sig)}`;
  // `eyJ` (base64 of `{"`) starts the header and the claims: fixed; the rest depends on the random input.
  const mask = [...secret].map((c, i) => !(i < 3 || (i > h.length && i <= h.length + 3)) && c !== '.');
  return { secret, mask };
}

/** A JWT stored base64-encoded (Kubernetes Secret data, .env files): base64 of the JWT's ASCII text. */
function base64Jwt(r: Bytes): { secret: string; mask: boolean[] } {
  const j = jwt(r);
  const secret = Buffer.from(j.secret).toString('base64');
  return { secret, mask: base64Mask(j.mask, secret.length).map((m, i) => m && secret[i] !== '=') };
}

/** Macaroon v2 (binary): version 2, location `pypi.org`, identifier, one caveat, 32-byte signature. */
function pypiMacaroon(r: Bytes): { secret: string; mask: boolean[] } {
  const parts: Array<[Buffer, boolean]> = [];
  const fixed = (b: number[] | Buffer) => parts.push([Buffer.from(b), false]);
  const rand = (n: number, alphabet?: string) => {
    const b = alphabet ? Buffer.from(r.str(alphabet, n)) : Buffer.from(Array.from({ length: n }, () => r.next()));
    parts.push([b, true]);
  };
  fixed([0x02, 0x01, 0x08]);
  fixed(Buffer.from('pypi.org'));
  const idLen = 32 + (r.next() % 16);
  fixed([0x02, idLen]);
  rand(idLen, HEX_LOWER);
  fixed([0x00]);
  const caveat = Buffer.from(`{"version":1,"permissions":{"projects":["${r.str(LOWER, 4 + (r.next() % 8))}"]}}`);
  fixed([0x02, caveat.length]);
  parts.push([caveat, true]);
  fixed([0x00, 0x00, 0x06, 0x20]);
  rand(32);
  const raw = Buffer.concat(parts.map(([b]) => b));
  const byteMask = parts.flatMap(([b, m]) => new Array<boolean>(b.length).fill(m));
  const body = b64url(raw);
  return { secret: 'pypi-' + body, mask: [...'pypi-'].map(() => false).concat(base64Mask(byteMask, body.length)) };
}

/** base64(`user:password`), printable ASCII (the basic-auth validator); Elasticsearch keys are `id:api_key`. */
function basicAuth(rule: RuleSpec, r: Bytes): { secret: string; mask: boolean[] } {
  const elastic = /elastic/.test(rule.id);
  const user = elastic ? r.str(ALNUM + '_-', 20) : `${WORDS[r.next() % WORDS.length]}-${r.str(LOWER + DIGIT, 3 + (r.next() % 6))}`;
  const password = elastic ? r.str(ALNUM + '_-', 22) : r.str(ALNUM + '!#%*+-.', 12 + (r.next() % 20));
  const plain = Buffer.from(`${user}:${password}`);
  const byteMask = [...plain].map((c) => c !== 0x3a);
  const secret = plain.toString('base64');
  return { secret, mask: base64Mask(byteMask, secret.length).map((m, i) => m && secret[i] !== '=') };
}

/** A new secret in the template's format, from random bytes (deterministic in them). */
export function generate(t: Template, bytes: Uint8Array): Generated {
  const r = new Bytes(bytes);
  const g = t.construct === 'jwt' ? jwt(r) : t.construct === 'base64-jwt' ? base64Jwt(r) : t.construct === 'pypi-macaroon' ? pypiMacaroon(r) : t.construct === 'basic-auth' ? basicAuth(t.rule, r) : mutate(t, r);
  return { ...g, text: t.text.split(t.secret).join(g.secret) };
}

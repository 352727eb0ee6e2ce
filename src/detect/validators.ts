/**
 * Checksum and structure validators: a token whose format carries a checksum is confirmed by it, so the
 * rule needs no entropy guess and lookalikes (typos, placeholders) are dropped.
 */
import { nodeZlib } from '../lazy.js';
import { isStandInPassword } from './non-secret-values.js';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export function base62(n: number, width: number): string {
  let s = '';
  while (n > 0) {
    s = BASE62[n % 62] + s;
    n = Math.floor(n / 62);
  }
  return s.padStart(width, '0');
}

/**
 * GitHub (ghp_/gho_/ghu_/ghs_/ghr_) and npm (npm_) tokens: 30 random base62 chars, then 6 chars of
 * base62(CRC32(random part)). Documented in GitHub's 2021 token-format announcement.
 */
function crc32Base62Token(secret: string, prefixes: RegExp): boolean {
  const m = prefixes.exec(secret);
  if (!m) return false;
  const body = secret.slice(m[0].length);
  if (!/^[A-Za-z0-9]{36}$/.test(body)) return false;
  return base62(nodeZlib().crc32(body.slice(0, 30)), 6) === body.slice(30);
}

function b64urlDecode(s: string): string | undefined {
  if (!/^[A-Za-z0-9_-]+={0,2}$/.test(s)) return undefined;
  return Buffer.from(s.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
}

/** A JWT: three base64url segments, the header a JSON object with `alg`, the payload JSON. */
function jwt(secret: string): boolean {
  const parts = secret.split('.');
  if (parts.length !== 3 && parts.length !== 5) return false;
  try {
    const header = JSON.parse(b64urlDecode(parts[0]!) ?? '');
    if (typeof header !== 'object' || header === null || typeof header.alg !== 'string') return false;
    if (String(header.alg).toLowerCase() === 'none') return false; // unsigned: not a credential
    const payload = JSON.parse(b64urlDecode(parts[1]!) ?? '');
    return typeof payload === 'object' && payload !== null;
  } catch {
    return false;
  }
}

function luhn(secret: string): boolean {
  const digits = secret.replace(/[ -]/g, '');
  if (!/^\d{12,19}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) { d *= 2; if (d > 9) d -= 9; }
    sum += d;
  }
  return sum % 10 === 0;
}

/** PyPI upload tokens are macaroons: `pypi-` + base64url of a binary macaroon that names pypi.org. */
function pypiMacaroon(secret: string): boolean {
  if (!secret.startsWith('pypi-')) return false;
  const raw = Buffer.from(secret.slice(5).replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return raw.length > 32 && raw.includes(Buffer.from('pypi.org'));
}

/**
 * Basic auth value: base64 of `user:password` with a non-empty password. A printable user name, and at
 * most one stray byte in the password: a value mistyped by one character still carries the credential,
 * while random base64 decodes to mostly unprintable bytes. A stand-in password made of credential words is
 * not one.
 */
function basicAuth(secret: string): boolean {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(secret)) return false;
  const dec = Buffer.from(secret, 'base64').toString('latin1');
  const i = dec.indexOf(':');
  if (i <= 0 || i >= dec.length - 1 || !/^[\x20-\x7e]+$/.test(dec.slice(0, i))) return false;
  if (isStandInPassword(dec.slice(i + 1), true)) return false; // `username:password`, `testuser:testpass123`
  const stray = dec.slice(i + 1).replace(/[\x20-\x7e]/g, '').length;
  return stray === 0 || (stray === 1 && dec.length - i - 1 >= 12);
}

/** A JWT stored base64-encoded once more (Kubernetes Secret data, env files): decodes to a valid JWT. */
function base64Jwt(secret: string): boolean {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(secret)) return false;
  return jwt(Buffer.from(secret, 'base64').toString('utf8').trim());
}

/**
 * Bech32 (BIP 173), the encoding of age identities (AGE-SECRET-KEY-1...): the checksum is the last six
 * characters, computed over the human-readable part (before the last '1', case-folded) and the data.
 */
const BECH32 = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';

function bech32Polymod(values: number[]): number {
  const gen = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
  let chk = 1;
  for (const v of values) {
    const top = chk >>> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk ^= gen[i]!;
  }
  return chk;
}

function bech32Values(hrp: string, data: string): number[] | undefined {
  const d = [...data].map((c) => BECH32.indexOf(c));
  if (d.some((v) => v < 0)) return undefined;
  const codes = [...hrp].map((c) => c.charCodeAt(0));
  return [...codes.map((c) => c >> 5), 0, ...codes.map((c) => c & 31), ...d];
}

/** The six checksum characters for `hrp` and the data characters before them (lower case). */
export function bech32Checksum(hrp: string, data: string): string {
  const values = bech32Values(hrp.toLowerCase(), data.toLowerCase());
  if (!values) return '';
  const mod = bech32Polymod([...values, 0, 0, 0, 0, 0, 0]) ^ 1;
  let out = '';
  for (let i = 0; i < 6; i++) out += BECH32[(mod >>> (5 * (5 - i))) & 31];
  return out;
}

function bech32(secret: string): boolean {
  const s = secret.toLowerCase();
  const sep = s.lastIndexOf('1');
  if (sep < 1 || s.length - sep - 1 < 6) return false;
  const values = bech32Values(s.slice(0, sep), s.slice(sep + 1));
  return values !== undefined && bech32Polymod(values) === 1;
}

export const VALIDATORS: Record<string, (secret: string) => boolean> = {
  'github-crc32': (s) => crc32Base62Token(s, /^gh[pousr]_/),
  'npm-crc32': (s) => crc32Base62Token(s, /^npm_/),
  jwt,
  luhn,
  'pypi-macaroon': pypiMacaroon,
  'basic-auth': basicAuth,
  'base64-jwt': base64Jwt,
  bech32,
};

export const KNOWN_VALIDATORS = new Set(Object.keys(VALIDATORS));

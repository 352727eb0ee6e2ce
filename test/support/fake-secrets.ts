/**
 * Real-format fake credentials, built at run time so no literal credential lives in the repository
 * (the project scans itself). Deterministic: each generator takes a seed.
 */
import { crc32 } from 'node:zlib';
import { base62 } from '../../src/detect/validators.js';

export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s / 0x100000000;
  };
}

export const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const UPPER_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
export const B64 = ALNUM + '+/';
export const HEX = '0123456789abcdef';

export function randomString(alphabet: string, n: number, seed: number): string {
  const r = rng(seed);
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(r() * alphabet.length)];
  return s;
}

/** ghp_/gho_/... token with a valid CRC32 checksum. */
export function githubToken(seed: number, prefix = 'gh' + 'p_'): string {
  const body = randomString(ALNUM, 30, seed);
  return prefix + body + base62(crc32(body), 6);
}

export function npmToken(seed: number): string {
  const body = randomString(ALNUM, 30, seed);
  return 'np' + 'm_' + body + base62(crc32(body), 6);
}

export function awsKeyId(seed: number): string {
  return 'AK' + 'IA' + randomString(UPPER_DIGITS, 16, seed);
}

export function awsSecretKey(seed: number): string {
  return randomString(B64, 40, seed);
}

export function stripeKey(seed: number): string {
  return 'sk_' + 'live_' + randomString(ALNUM, 24, seed);
}

export function password(seed: number): string {
  return randomString(ALNUM + '!#%^*', 18, seed);
}

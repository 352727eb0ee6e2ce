// Deterministic key material for the labelled accuracy corpus: real, parseable RSA / EC / Ed25519 keys
// built from a seeded PRNG (node:crypto's generateKeyPairSync cannot be seeded, and the corpus must be
// the same on every run). Nothing here is a credential for anything: the keys are generated at run time.
import { createHmac, createPrivateKey, createPublicKey, sign as cryptoSign } from 'node:crypto';

// ---- DER ------------------------------------------------------------------------------------------
function derLen(n) {
  if (n < 128) return Buffer.from([n]);
  const bytes = [];
  while (n > 0) { bytes.unshift(n & 0xff); n >>>= 8; }
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
function tlv(tag, body) { return Buffer.concat([Buffer.from([tag]), derLen(body.length), body]); }
function bigBytes(x) {
  let h = x.toString(16);
  if (h.length % 2) h = '0' + h;
  return Buffer.from(h, 'hex');
}
function derInt(x) {
  let b = typeof x === 'bigint' ? bigBytes(x) : Buffer.from([x]);
  if (b[0] & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return tlv(0x02, b);
}
const derSeq = (...parts) => tlv(0x30, Buffer.concat(parts));

// ---- big-integer arithmetic ------------------------------------------------------------------------
function modPow(b, e, m) {
  let r = 1n;
  b %= m;
  while (e > 0n) {
    if (e & 1n) r = (r * b) % m;
    b = (b * b) % m;
    e >>= 1n;
  }
  return r;
}
function modInv(a, m) {
  let [or, r] = [a % m, m];
  let [os, s] = [1n, 0n];
  while (r !== 0n) {
    const q = or / r;
    [or, r] = [r, or - q * r];
    [os, s] = [s, os - q * s];
  }
  return ((os % m) + m) % m;
}
const SMALL_PRIMES = (() => {
  const out = [];
  for (let n = 3; out.length < 300; n += 2) if (out.every((p) => n % p !== 0)) out.push(n);
  return out;
})();

function randomBig(bits, rand) {
  let h = '';
  for (let i = 0; i < bits / 4; i++) h += Math.floor(rand() * 16).toString(16);
  return BigInt('0x' + h);
}

function isProbablePrime(n, rand) {
  for (const p of SMALL_PRIMES) if (n % BigInt(p) === 0n) return n === BigInt(p);
  let d = n - 1n;
  let s = 0;
  while ((d & 1n) === 0n) { d >>= 1n; s++; }
  for (let i = 0; i < 12; i++) {
    const a = 2n + (randomBig(64, rand) % (n - 4n));
    let x = modPow(a, d, n);
    if (x === 1n || x === n - 1n) continue;
    let ok = false;
    for (let j = 1; j < s; j++) {
      x = (x * x) % n;
      if (x === n - 1n) { ok = true; break; }
    }
    if (!ok) return false;
  }
  return true;
}

function prime(bits, rand) {
  for (;;) {
    let c = randomBig(bits, rand) | (3n << BigInt(bits - 2)) | 1n;
    if (isProbablePrime(c, rand) && (c - 1n) % 65537n !== 0n) return c;
  }
}

// ---- keys --------------------------------------------------------------------------------------------
/** A deterministic RSA key (PKCS#1 DER → KeyObject). */
export function rsaKey(rand, bits = 2048) {
  const e = 65537n;
  for (;;) {
    const p = prime(bits / 2, rand);
    const q = prime(bits / 2, rand);
    if (p === q) continue;
    const n = p * q;
    const phi = (p - 1n) * (q - 1n);
    const d = modInv(e, phi);
    const der = derSeq(derInt(0), derInt(n), derInt(e), derInt(d), derInt(p), derInt(q), derInt(d % (p - 1n)), derInt(d % (q - 1n)), derInt(modInv(q, p)));
    return createPrivateKey({ key: der, format: 'der', type: 'pkcs1' });
  }
}

function randomBytes(n, rand) {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(rand() * 256);
  return b;
}

/** A deterministic P-256 key (SEC1 DER without the public part; node derives it). */
export function ecKey(rand) {
  const d = randomBytes(32, rand);
  d[0] = (d[0] % 0xfe) + 1;
  const der = derSeq(derInt(1), tlv(0x04, d), tlv(0xa0, Buffer.from('06082a8648ce3d030107', 'hex')));
  // Round-trip through JWK so the exported SEC1 / PKCS#8 form carries the public point, like openssl's.
  const jwk = createPrivateKey({ key: der, format: 'der', type: 'sec1' }).export({ format: 'jwk' });
  return createPrivateKey({ key: jwk, format: 'jwk' });
}

/** A deterministic Ed25519 key from a 32-byte seed. */
export function ed25519Key(rand) {
  const seed = randomBytes(32, rand);
  const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
  return { key: createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }), seed };
}

function sshString(b) {
  const buf = typeof b === 'string' ? Buffer.from(b) : b;
  const len = Buffer.alloc(4);
  len.writeUInt32BE(buf.length);
  return Buffer.concat([len, buf]);
}
function sshMpint(x) {
  let b = bigBytes(x);
  if (b[0] & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return sshString(b);
}
const b64url = (s) => Buffer.from(s, 'base64url');

function wrap(b64, width) {
  const out = [];
  for (let i = 0; i < b64.length; i += width) out.push(b64.slice(i, i + width));
  return out.join('\n');
}

/** `ssh-rsa AAAA… comment` for an RSA key. */
export function sshRsaPublic(key, comment) {
  const jwk = createPublicKey(key).export({ format: 'jwk' });
  const blob = Buffer.concat([sshString('ssh-rsa'), sshMpint(BigInt('0x' + b64url(jwk.e).toString('hex'))), sshMpint(BigInt('0x' + b64url(jwk.n).toString('hex')))]);
  return `ssh-rsa ${blob.toString('base64')} ${comment}`;
}

function ed25519Pub(key) {
  return b64url(createPublicKey(key).export({ format: 'jwk' }).x);
}

export function sshEd25519Public({ key }, comment) {
  const blob = Buffer.concat([sshString('ssh-ed25519'), sshString(ed25519Pub(key))]);
  return `ssh-ed25519 ${blob.toString('base64')} ${comment}`;
}

/** The unencrypted `openssh-key-v1` private key file for an Ed25519 key (what ssh-keygen writes). */
export function opensshEd25519Private({ key, seed }, comment, rand) {
  const pub = ed25519Pub(key);
  const pubBlob = Buffer.concat([sshString('ssh-ed25519'), sshString(pub)]);
  const check = randomBytes(4, rand);
  let priv = Buffer.concat([check, check, sshString('ssh-ed25519'), sshString(pub), sshString(Buffer.concat([seed, pub])), sshString(comment)]);
  const pad = [];
  for (let i = 1; (priv.length + pad.length) % 8 !== 0; i++) pad.push(i);
  priv = Buffer.concat([priv, Buffer.from(pad)]);
  const body = Buffer.concat([Buffer.from('openssh-key-v1\0'), sshString('none'), sshString('none'), sshString(''), Buffer.from([0, 0, 0, 1]), sshString(pubBlob), sshString(priv)]);
  return `-----BEGIN OPENSSH PRIVATE KEY-----\n${wrap(body.toString('base64'), 70)}\n-----END OPENSSH PRIVATE KEY-----\n`;
}

export const pem = {
  pkcs1: (k) => k.export({ format: 'pem', type: 'pkcs1' }),
  pkcs8: (k) => k.export({ format: 'pem', type: 'pkcs8' }),
  sec1: (k) => k.export({ format: 'pem', type: 'sec1' }),
  spki: (k) => createPublicKey(k).export({ format: 'pem', type: 'spki' }),
};

/** A PEM block of random DER-looking bytes (certificates are public: a hard negative). */
export function fakeCertificate(rand, bytes = 900) {
  const b = randomBytes(bytes, rand);
  b[0] = 0x30; b[1] = 0x82; b[2] = (bytes - 4) >> 8; b[3] = (bytes - 4) & 0xff;
  return `-----BEGIN CERTIFICATE-----\n${wrap(b.toString('base64'), 64)}\n-----END CERTIFICATE-----\n`;
}

/** A signed JWT: HS256 with a seeded key, or RS256 with an RSA key (PKCS#1 v1.5 is deterministic). */
export function jwt(payload, { rand, rsa } = {}) {
  const header = { alg: rsa ? 'RS256' : 'HS256', typ: 'JWT' };
  const enc = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const data = `${enc(header)}.${enc(payload)}`;
  let sig;
  if (rsa) sig = cryptoSign('sha256', Buffer.from(data), rsa);
  else sig = createHmac('sha256', randomBytes(32, rand)).update(data).digest();
  return `${data}.${sig.toString('base64url')}`;
}

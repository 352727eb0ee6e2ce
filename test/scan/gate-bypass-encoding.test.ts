// Bypass attempts through encodings on a line with a credential word: hex, encoded twice (base64 of
// base64, percent-encoded base64, hex inside base64), base64 right after `a=`, and an encoded token placed
// after hundreds of encoded decoys. Encoded runs on such lines are decoded (src/detect/decode.ts), what is
// decoded is decoded again (up to 3 levels), and the number of encoded strings per file is not capped.
// Bare base64/hex with no credential word on its line is knowingly not decoded (docs/gate.md).
import { describe, expect, it } from 'vitest';
import { githubToken, randomString } from '../support/fake-secrets.js';
import { gateScan, repoWith } from '../support/gate-repo.js';

const TOKEN = githubToken(7801);
const b64 = (s: string) => Buffer.from(s).toString('base64');
const hex = (s: string) => Buffer.from(s).toString('hex');
const pct = (s: string) => [...s].map((c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`).join('');

const CASES: Array<[string, string]> = [
  ['hex', `token = "${hex(TOKEN)}"\n`],
  ['base64 right after "a=" (the run before it ends in = padding)', `token = "a=${b64(TOKEN)}"\n`],
  ['percent-encoded base64 in a URL', `token_url = 'https://example.invalid/?a=${encodeURIComponent(b64(TOKEN))}'\n`],
  ['base64 of base64', `token = "${b64(b64(TOKEN))}"\n`],
  ['hex inside base64', `token = "${b64(`k=${hex(TOKEN)}`)}"\n`],
  ['after 600 percent-encoded decoys', Array.from({ length: 600 }, (_, i) => `u${i} = "https://example.invalid/a%20b%20c%20d${i}"\n`).join('') + `real = "${pct(TOKEN)}"\n`],
];

describe('an encoded token is found by the gate', () => {
  for (const [what, text] of CASES) {
    it(what, () => {
      const { dir } = repoWith({}, { 'app.py': text });
      const r = gateScan(dir, ['--range', 'main..pr']);
      expect(r.code, r.stderr).toBe(1);
      expect(r.findings).toContainEqual(expect.objectContaining({ rule: 'github-pat-classic', file: 'app.py' }));
    });
  }
});

describe('ordinary encoded data stays clean', () => {
  it('a digest in hex, base64 text without a secret, hex of a word list', () => {
    const text = [
      `token_digest = "${randomString('0123456789abcdef', 64, 7803)}"`,
      `token_doc = "${b64('this is a plain sentence about tokens and keys, nothing more')}"`,
      `token_hex = "${hex('ghp_ is the prefix of a GitHub token')}"`,
    ].join('\n');
    const { dir } = repoWith({}, { 'app.py': text + '\n' });
    const r = gateScan(dir, ['--range', 'main..pr']);
    expect(r.code, `${r.stderr} ${JSON.stringify(r.findings)}`).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeCandidates, warmUpTexts } from '../../src/detect/decode.js';
import { createDetector } from '../../src/detect/detector.js';
import { loadBuiltinRules } from '../../src/rules/load.js';
import { secretOf } from '../../src/findings/finding.js';
import { ALNUM, githubToken, password, randomString } from '../support/fake-secrets.js';

const detector = createDetector(loadBuiltinRules());
const scan = (text: string, path = 'deploy/app.yaml') => detector.detect({ text, provenance: { kind: 'file', path } });
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('decoding', () => {
  it('the warm-up texts hold every kind of candidate (so no decoding path is first met by optimized code)', () => {
    const kinds = new Set(warmUpTexts().flatMap((t) => decodeCandidates(t, [[0, t.length]]).map((c) => c.encoding)));
    expect([...kinds].sort()).toEqual(['base64', 'csv', 'escape', 'hex', 'json-escape', 'url', 'utf-7']);
  });

  it('finds a token inside a base64 value and reports the encoded span', () => {
    const tok = githubToken(201);
    const enc = b64(tok);
    const text = `config:\n  deploy_token_b64: "${enc}"\n`;
    const f = scan(text).find((x) => x.rule === 'github-pat-classic');
    expect(f).toBeDefined();
    expect(secretOf(f!)).toBe(tok);
    expect(f!.decodedFrom).toBe('base64');
    expect(f!.line).toBe(2);
    expect(f!.column).toBe(text.split('\n')[1]!.indexOf(enc) + 1);
  });

  it('decodes Kubernetes Secret data values, with their key as context', () => {
    const pw = password(202);
    const tok = githubToken(203);
    const text = [
      'apiVersion: v1',
      'kind: Secret',
      'metadata:',
      '  name: etl',
      'type: Opaque',
      'data:',
      `  DB_PASSWORD: ${b64(pw)}`,
      `  GITHUB_TOKEN: ${b64(tok)}`,
      '',
    ].join('\n');
    const found = scan(text);
    const lines = found.map((f) => f.line);
    expect(lines).toContain(7);
    expect(lines).toContain(8);
  });

  it('finds credentials in an HTTP Basic auth header', () => {
    const pw = password(204);
    const enc = b64('etl-user:' + pw);
    const text = `curl -H "Authorization: Basic ${enc}" https://api.internal/\n`;
    // The specific rule (rules/http-auth.yaml) reports the literal base64 value, and wins the span over
    // the password the decoder reaches: one finding per span.
    const f = scan(text, 'scripts/fetch.sh');
    expect(f.map((x) => [x.rule, secretOf(x)])).toEqual([['http-basic-auth-header', enc]]);
    // Without that rule, the decoder still finds the password inside, reported at the encoded span.
    const decodeOnly = createDetector(loadBuiltinRules().filter((r) => r.id !== 'http-basic-auth-header'));
    const d = decodeOnly.detect({ text, provenance: { kind: 'file', path: 'scripts/fetch.sh' } });
    const inner = d.find((x) => secretOf(x) === pw);
    expect(inner?.decodedFrom).toBe('base64');
    expect(inner?.column).toBe(text.indexOf(enc) + 1);
  });

  it('finds secrets in URL-encoded and JSON-escaped text', () => {
    const tok = githubToken(205);
    const url = `https%3A%2F%2Fci.internal%2Fhook%3Ftoken%3D${tok}`;
    expect(scan(`redirect=${url}\n`, 'a.txt').map((x) => secretOf(x))).toContain(tok);
    const esc = `{"cmd": "git clone https:\\/\\/x-access-token:${tok}@github.com\\/org\\/repo"}`;
    expect(scan(esc, 'b.json').map((x) => secretOf(x))).toContain(tok);
  });

  it('a \\/ string later in the file does not hide earlier \\u00 strings', () => {
    const tok = githubToken(207);
    // Every character \u00XX-escaped: the token is readable only once decoded.
    const escaped = [...`x-access-token:${tok}`].map((c) => '\\u00' + c.charCodeAt(0).toString(16).padStart(2, '0')).join('');
    const text = `{"auth": "${escaped}",\n "home": "https:\\/\\/example.org\\/docs"}\n`;
    expect(scan(text, 'c.json').map((x) => secretOf(x))).toContain(tok);
  });

  it('finds a Basic header folded onto the next line, with no other "Basic " in the file', () => {
    const pw = password(208);
    const enc = b64('etl-user:' + pw);
    const text = `headers:\n  Authorization: Basic\n    ${enc}\n`;
    const found = scan(text, 'deploy/client.yaml');
    expect(found.length).toBeGreaterThan(0);
    expect(found.some((x) => secretOf(x) === enc || secretOf(x) === pw)).toBe(true);
  });

  it('ignores base64 that decodes to binary, and inline allow markers still apply', () => {
    const bin = Buffer.from([0, 1, 2, 3, 250, 251, 252, 253, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18]).toString('base64');
    expect(scan(`token_b64: "${bin}Ab1"\n`)).toEqual([]);
    const tok = githubToken(206);
    expect(scan(`token_b64: "${b64(tok)}"\n`).length).toBe(1);
    expect(scan(`token_b64: "${b64(tok)}" # secret-sweep:allow\n`)).toEqual([]);
  });
});

describe('Basic auth candidates', () => {
  it('are where a global search of the Basic pattern finds them (random texts)', () => {
    const user = Buffer.from('user:pass').toString('base64');
    const piece = fc.constantFrom('Basic', 'Basic ', ' ', '\n', '\t', user, `${user}=`, 'QmFzaWM=', 'xBasic ', '=', 'a', '"', 'Basic\n  ', 'BasicBasic ',
      // What the loop passes over without the regex (a word character before, an ASCII non-blank after) and what it must not: other blanks.
      '_', '9', 'é', 'Basic\u00a0', 'Basic\u3000', '\u000b', '\f', '\r\n');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (pieces) => {
        const text = pieces.join('');
        const want: number[] = [];
        // Every match of the pattern (its \\s+ takes a line break too: a folded header is one value).
        for (const m of text.matchAll(/\bBasic\s+([A-Za-z0-9+/]{8,}={0,2})(?![A-Za-z0-9+/=])/g)) {
          const decoded = Buffer.from(m[1]!, 'base64').toString('latin1');
          if (m[1]!.replace(/=+$/, '').length % 4 === 1) continue;
          if (decoded.indexOf(':') >= 1 && !/[^\x20-\x7e]/.test(decoded)) want.push(m.index! + m[0].length - m[1]!.length);
        }
        const got = decodeCandidates(text, []).filter((c) => c.text.endsWith('@basic-auth.invalid/')).map((c) => c.start);
        expect(got).toEqual(want);
      }),
      { numRuns: 3000 },
    );
  });

  it('a notebook source line is read as the code it holds: a weak password under a short name is found, once', () => {
    const pw = randomString(ALNUM, 10, 204) + 'q7';
    const key = randomString(ALNUM, 30, 205) + 'Zx9';
    const cell = ['import os\n', `snowflake_pw = '${pw}'\n`, `%env OPENAI_API_KEY=${key}\n`, 'run()'];
    const text = JSON.stringify({ cells: [{ cell_type: 'code', source: cell }] }, null, 1);
    const found = scan(text, 'notebooks/load.ipynb');
    const pwFinding = found.filter((f) => secretOf(f) === pw);
    expect(pwFinding.map((f) => f.rule)).toEqual(['quoted-password-assignment']);
    // The key is found as written (up to the JSON `\\n`, which migrate cuts off), not a second time decoded.
    expect(found.filter((f) => secretOf(f).startsWith(key)).map((f) => f.decodedFrom)).toEqual([undefined]);
  });
});


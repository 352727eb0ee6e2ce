import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDetector } from '../../src/detect/detector.js';
import { secretOf } from '../../src/findings/finding.js';
import { validateRule } from '../../src/rules/validate.js';
import type { RuleSpec } from '../../src/rules/rule.js';
import { KeywordMatcher } from '../../src/detect/aho-corasick.js';
import { awsKeyId, githubToken, password } from '../support/fake-secrets.js';

function rule(raw: Record<string, unknown>): RuleSpec {
  return validateRule({ description: 'test rule', references: ['https://example.test'], ...raw }, { file: 'test.yaml', line: 1 });
}

const awsRule = rule({ id: 'aws-key', regex: '\\b((?:AKIA|ASIA)[A-Z2-7]{16})\\b', keywords: ['akia', 'asia'], entropy: 3 });
const ghRule = rule({ id: 'gh', regex: '\\b(ghp_[A-Za-z0-9]{36})\\b', keywords: ['ghp_'], validator: 'github-crc32', skip_global_allowlist: true });
const generic = rule({
  id: 'generic-password',
  regex: `(?i)(?:password|secret|token)\\w*["']?\\s*[:=]\\s*["']([^"'\\s]{6,})["']`,
  keywords: ['password', 'secret', 'token'],
  entropy: 2.5,
  priority: 90,
  tags: ['generic'],
});

const detect = (text: string, rules = [awsRule, ghRule, generic], path = 'app/config.py') =>
  createDetector(rules).detect({ text, provenance: { kind: 'file', path } });

describe('detector', () => {
  it('reports position, redacted match and fingerprint of a secret', () => {
    const key = awsKeyId(1);
    const text = `import boto3\n\nclient = boto3.client("s3", aws_access_key_id="${key}")\n`;
    const [f, ...rest] = detect(text);
    expect(rest).toEqual([]);
    expect(f!.rule).toBe('aws-key');
    expect(f!.line).toBe(3);
    expect(f!.column).toBe(text.split('\n')[2]!.indexOf(key) + 1);
    expect(f!.endLine).toBe(3);
    expect(f!.endColumn - f!.column + 1).toBe(key.length);
    expect(secretOf(f!)).toBe(key);
    expect(f!.redacted).toBe(key.slice(0, 4) + '…');
    expect(JSON.stringify(f)).not.toContain(key);
  });

  it('fingerprint depends on rule and secret, not on the line', () => {
    const key = awsKeyId(2);
    const a = detect(`k = "${key}"`)[0]!;
    const b = detect(`\n\n\n    other = 1\nk2 = "${key}"`)[0]!;
    expect(a.fingerprint).toBe(b.fingerprint);
    expect(detect(`k = "${awsKeyId(3)}"`)[0]!.fingerprint).not.toBe(a.fingerprint);
  });

  it('keyword prefilter is case-insensitive and the regex runs only near hits', () => {
    const key = awsKeyId(4);
    const filler = 'x = 1\n'.repeat(1000);
    const found = detect(`${filler}KEY = "${key}"\n${filler}`);
    expect(found.map((f) => f.line)).toEqual([1001]);
  });

  it('validates GitHub checksums: a broken checksum is dropped', () => {
    const good = githubToken(5);
    const bad = good.slice(0, -1) + (good.endsWith('A') ? 'B' : 'A');
    expect(detect(`GH = "${good}"`).map((f) => f.rule)).toEqual(['gh']);
    expect(detect(`GH = "${bad}"`).filter((f) => f.rule === 'gh')).toEqual([]);
  });

  it('drops placeholders, templates, env look-ups and documented examples', () => {
    for (const v of ['changeme123', '${DB_PASSWORD}', '{{ secrets.DB }}', '<your-password>', 'xxxxxxxxxx', 'AKIAIOSFODNN7EXAMPLE', 'os.environ["X"]']) {
      expect(detect(`password = "${v}"`), v).toEqual([]);
    }
    expect(detect('password = os.environ["DB_PASSWORD"]')).toEqual([]);
    expect(detect('const token = process.env.API_TOKEN;')).toEqual([]);
    // The references secret-sweep migrate itself writes into .env files.
    expect(detect('password = "sm://prod/etl/db#password"')).toEqual([]);
  });

  it('generic rule ignores UUIDs and digests in hash context', () => {
    expect(detect('token = "123e4567-e89b-12d3-a456-426614174000"')).toEqual([]);
    expect(detect('secret_sha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"')).toEqual([]);
  });

  it('honours inline allow markers on the line and the comment line before', () => {
    const pw = password(6);
    expect(detect(`password = "${pw}"`)).toHaveLength(1);
    expect(detect(`password = "${pw}"  # secret-sweep:allow`)).toEqual([]);
    expect(detect(`password = "${pw}"  // gitleaks:allow`)).toEqual([]);
    expect(detect(`password = "${pw}"  # pragma: allowlist secret`)).toEqual([]);
    expect(detect(`# secret-sweep:allow\npassword = "${pw}"`)).toEqual([]);
  });

  it("inlineAllow 'report' keeps marked findings with the marker as the reason; 'off' ignores markers", () => {
    const pw = password(6);
    const inline = (text: string, mode: 'report' | 'off') => createDetector([awsRule, ghRule, generic], { inlineAllow: mode }).detect({ text, provenance: { kind: 'file', path: 'app/config.py' } });
    const marked = inline(`password = "${pw}"  # Pragma:  AllowList Secret`, 'report');
    expect(marked).toHaveLength(1);
    expect(marked[0]!.suppressed).toBe('inline allow marker "pragma: allowlist secret"');
    expect(inline(`# secret-sweep:allow-next-line\npassword = "${pw}"`, 'report')[0]!.suppressed).toBe('inline allow marker "secret-sweep:allow-next-line"');
    expect(inline(`password = "${pw}"`, 'report')[0]!.suppressed).toBeUndefined();
    const off = inline(`password = "${pw}"  # gitleaks:allow`, 'off');
    expect(off).toHaveLength(1);
    expect(off[0]!.suppressed).toBeUndefined();
  });

  it('one finding per span: the specific rule wins over the generic one', () => {
    const key = awsKeyId(7);
    const found = detect(`secret_token = "${key}"`);
    expect(found.map((f) => f.rule)).toEqual(['aws-key']);
  });

  it('extracts the assignment key for migrate', () => {
    const pw = password(8);
    expect(detect(`DB_PASSWORD = "${pw}"`)[0]!.key).toBe('DB_PASSWORD');
    expect(detect(`conn = psycopg2.connect(host="db", password="${pw}")`)[0]!.key).toBe('password');
  });

  it('reports only the lines a fragment restricts to', () => {
    const a = awsKeyId(9);
    const b = awsKeyId(10);
    const found = createDetector([awsRule]).detect({ text: `a = "${a}"\nb = "${b}"\n`, provenance: { kind: 'staged', path: 'x' }, onlyLines: new Set([2]) });
    expect(found.map((f) => secretOf(f))).toEqual([b]);
  });

  it('handles CRLF line ends and reports columns on the right line', () => {
    const key = awsKeyId(11);
    const [f] = detect(`a = 1\r\nb = "${key}"\r\n`);
    expect(f!.line).toBe(2);
    expect(f!.column).toBe(6);
  });

  it('a rule path restricts where it applies', () => {
    const r = rule({ id: 'netrc', regex: 'password\\s+(\\S+)', keywords: ['password'], path: '(^|/)\\.netrc$', skip_global_allowlist: true });
    const pw = password(12);
    expect(detect(`machine h login u password ${pw}`, [r], 'home/.netrc')).toHaveLength(1);
    expect(detect(`machine h login u password ${pw}`, [r], 'notes.txt')).toEqual([]);
  });
});

describe('createDetector reuse', () => {
  it('one detector per rule list and options object: the same pair gets it again, other options a new one that applies them', () => {
    const rules = [awsRule, ghRule, generic];
    const options = { salt: 'one' };
    const d = createDetector(rules, options);
    expect(createDetector(rules, options)).toBe(d);
    const other = createDetector(rules, { salt: 'two' });
    expect(other).not.toBe(d);
    const text = `aws_access_key_id = "${awsKeyId(2)}"\n`;
    const fp = (det: typeof d) => det.detect({ text, provenance: { kind: 'file', path: 'a.py' } })[0]!.fingerprint;
    expect(fp(other)).not.toBe(fp(d));
    expect(createDetector([awsRule], options)).not.toBe(d);
  });
});

describe('keyword matcher', () => {
  it('finds overlapping keywords case-insensitively', () => {
    const m = new KeywordMatcher(['he', 'she', 'hers', 'akia']);
    const hits: Array<[string, number]> = [];
    m.scan('uSHErs xAKIA é he', (id, end) => hits.push([m.keywords[id]!, end]));
    expect(hits).toEqual([
      ['she', 4], ['he', 4], ['hers', 6], ['akia', 12], ['he', 17],
    ]);
  });
});

describe('KeywordMatcher automaton reuse', () => {
  it('builds one automaton per keyword list in a process; matchers sharing it keep their own hits', () => {
    const a = new KeywordMatcher(['token', 'secret', 'pass']);
    const b = new KeywordMatcher(['token', 'secret', 'pass']);
    // The scan's detector and the redaction of names both build the built-in keywords' matcher.
    expect(b.outputs).toBe(a.outputs);
    expect(new KeywordMatcher(['token', 'pass', 'secret']).outputs).not.toBe(a.outputs);
    const first = a.scanStates('a token here');
    const hitsA = Array.from(first.hits.subarray(0, first.length));
    b.scanStates('secret pass secret pass secret');
    expect(Array.from(a.scanStates('a token here').hits.subarray(0, first.length))).toEqual(hitsA);
  });
});

describe('KeywordMatcher against a naive search', () => {
  it('finds every case-insensitive occurrence of every keyword (random keywords and texts)', () => {
    // A small alphabet, so keywords share prefixes and suffixes and failure links get exercised.
    const ch = fc.constantFrom('a', 'b', 'A', 'B', '_', '1', 'é', '\n');
    const kw = fc.string({ unit: fc.constantFrom('a', 'b', 'B', '_', '1'), minLength: 1, maxLength: 5 });
    fc.assert(
      fc.property(fc.uniqueArray(kw, { minLength: 1, maxLength: 12, selector: (k) => k.toLowerCase() }), fc.string({ unit: ch, maxLength: 80 }), (keywords, text) => {
        const m = new KeywordMatcher(keywords);
        const got: string[] = [];
        m.scan(text, (id, end) => got.push(`${id}@${end}`));
        const want: string[] = [];
        const lower = text.replace(/[A-Z]/g, (c) => c.toLowerCase());
        keywords.forEach((k, id) => {
          for (let i = lower.indexOf(k.toLowerCase()); i >= 0; i = lower.indexOf(k.toLowerCase(), i + 1)) want.push(`${id}@${i + k.length}`);
        });
        expect(got.sort()).toEqual(want.sort());
      }),
      { numRuns: 2000 },
    );
  });

  it('the same with more states than a 16-bit table holds (32-bit table)', () => {
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) % n;
    const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789_-.';
    const keywords = [...new Set(Array.from({ length: 3000 }, () => Array.from({ length: 12 }, () => alphabet[rand(alphabet.length)]).join('')))];
    let text = '';
    for (let i = 0; i < 400; i++) text += `${keywords[rand(keywords.length)]!.toUpperCase().slice(rand(4))} é${alphabet[rand(alphabet.length)]}`;
    const m = new KeywordMatcher(keywords);
    const got: string[] = [];
    m.scan(text, (id, end) => got.push(`${id}@${end}`));
    const lower = text.toLowerCase();
    const want: string[] = [];
    keywords.forEach((k, id) => {
      for (let i = lower.indexOf(k); i >= 0; i = lower.indexOf(k, i + 1)) want.push(`${id}@${i + k.length}`);
    });
    expect(want.length).toBeGreaterThan(200);
    expect(got.sort()).toEqual(want.sort());
  });
});

describe('KeywordMatcher: the narrowed table and the four-walk scan against the reference loop', () => {
  const hitsOf = (m: KeywordMatcher, text: string, block: number) => {
    const out: number[] = [];
    let state = 0;
    for (let from = 0; from < text.length; from += block) {
      const r = m.scanStates(text, from, Math.min(text.length, from + block), state);
      state = r.state;
      out.push(...r.hits.subarray(0, r.length), -1, state);
    }
    return out;
  };
  it('same hits, in the same order, and the same state at every block end (long random texts)', () => {
    const ch = fc.constantFrom('a', 'b', 'A', 'B', '_', '1', 'é', '\n', '\u212a', 'k');
    const kw = fc.string({ unit: fc.constantFrom('a', 'b', 'B', '_', '1', 'k'), minLength: 1, maxLength: 9 });
    fc.assert(
      fc.property(
        fc.uniqueArray(kw, { minLength: 1, maxLength: 12, selector: (k) => k.toLowerCase() }),
        fc.string({ unit: ch, minLength: 4096, maxLength: 12000 }),
        fc.constantFrom(4096, 5000, 1 << 16),
        (keywords, text, block) => {
          const wide = new KeywordMatcher(keywords).narrow(false);
          const narrow = new KeywordMatcher(keywords).narrow(true);
          expect(hitsOf(narrow, text, block)).toEqual(hitsOf(wide, text, block));
        },
      ),
      // No shrinking: a failing case is a long text, and shrinking those takes minutes.
      { numRuns: 200, endOnFailure: true },
    );
  });
  it('the built-in keywords on a long text with a keyword across the middle', () => {
    const keywords = ['password', 'begin rsa private key', 'token', 'key'];
    const half = 'x'.repeat(5000);
    const text = `${half.slice(0, 4990)}PASSWORD = 1 begin RSA private key${half} token`;
    const wide = new KeywordMatcher(keywords).narrow(false);
    const narrow = new KeywordMatcher(keywords).narrow(true);
    for (const block of [4096, 4100, 1 << 16]) expect(hitsOf(narrow, text, block)).toEqual(hitsOf(wide, text, block));
    const got: string[] = [];
    narrow.scan(text, (id, end) => got.push(`${keywords[id]}@${end}`));
    expect(got).toEqual(['password@4998', 'begin rsa private key@5024', 'key@5024', 'token@10030']);
  });
});

describe('KeywordMatcher: the four-walk scan', () => {
  it('finds keywords across every quarter boundary as the reference loop does', () => {
    const keywords = ['password', 'begin rsa private key', 'token', 'key', 'ey'];
    const kw = ['PASSWORD', 'begin RSA private key', 'token', 'KEY'];
    for (const len of [8192, 9001, 20000, 65536]) {
      const chars = Array.from({ length: len }, (_, i) => (i % 97 === 0 ? '\n' : 'x'));
      // A keyword ending just before, at and just after each quarter boundary, and one across it.
      const q = len >> 2;
      let k = 0;
      for (const b of [q, 2 * q, 3 * q]) {
        for (const at of [b - 30, b - 5, b - 1, b, b + 1, b + 40]) {
          const w = kw[k++ % kw.length]!;
          for (let i = 0; i < w.length && at - w.length + i >= 0; i++) chars[at - w.length + i] = w[i]!;
        }
      }
      const text = chars.join('');
      const wide = new KeywordMatcher(keywords).narrow(false);
      const narrow = new KeywordMatcher(keywords).narrow(true);
      const all = (m: KeywordMatcher) => {
        const r = m.scanStates(text);
        return [...r.hits.subarray(0, r.length), -1, r.state];
      };
      expect(all(narrow)).toEqual(all(wide));
    }
  });
});

describe('KeywordMatcher.anyIn (the byte prefilter)', () => {
  it('says a keyword occurs in the UTF-8 bytes exactly when the scan of the decoded text has a hit', () => {
    const ch = fc.constantFrom('a', 'b', 'A', 'B', '_', '1', 'é', '\n', '\u212a', '\u{1F600}', 'k', '\ufffd');
    const kw = fc.string({ unit: fc.constantFrom('a', 'b', 'B', '_', '1', 'k'), minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(fc.uniqueArray(kw, { minLength: 1, maxLength: 6, selector: (k) => k.toLowerCase() }), fc.string({ unit: ch, maxLength: 40 }), fc.boolean(), (keywords, text, cut) => {
        // Invalid UTF-8 too: a character cut in half decodes to U+FFFD. Both walks: the wide table's and
        // the narrowed one's (a built automaton's, used from the first byte).
        const bytes = cut ? Buffer.from(text).subarray(1) : Buffer.from(text);
        for (const narrow of [false, true]) {
          const m = new KeywordMatcher(keywords).narrow(narrow);
          let hits = 0;
          m.scan(bytes.toString('utf8'), () => hits++);
          expect(m.anyIn(bytes)).toBe(hits > 0);
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe('regex safety (RE2: linear time)', () => {
  it('a pathological pattern on 1 MB of near-matches finishes quickly', () => {
    const evil = rule({ id: 'evil', regex: '(a+)+b', keywords: ['aaa'], skip_global_allowlist: true });
    const text = 'a'.repeat(1 << 20);
    const t = performance.now();
    expect(createDetector([evil]).detect({ text, provenance: { kind: 'file', path: 'x' } })).toEqual([]);
    // A backtracking engine would not finish this in any bound; RE2 is linear.
    expect(performance.now() - t).toBeLessThan(5000);
  });
});

describe('detector.mayMatch (byte prefilter for git blobs)', () => {
  const pgpass = rule({ id: 'pgpass', regex: '(?m)^[^:\\n]+:[0-9*]+:[^:\\n]+:[^:\\n]+:([^\\n]{6,})$', keywords: [], path: '(?:^|/)\\.pgpass$' });
  const det = createDetector([awsRule, ghRule, generic, pgpass]);
  const bytes = (s: string) => Buffer.from(s, 'utf8');

  it('rejects bytes with no keyword, and agrees with detect() on every text it rejects', () => {
    const plain = 'def add(a, b):\n    return a + b\n';
    expect(det.mayMatch(bytes(plain), 'app/math.py')).toBe(false);
    expect(det.detect({ text: plain, provenance: { kind: 'file', path: 'app/math.py' } })).toEqual([]);
  });

  it('accepts a keyword in any ASCII case, also inside non-ASCII text and in a Uint8Array view', () => {
    const key = awsKeyId(7);
    expect(det.mayMatch(bytes(`x = "${key}"`), 'a.py')).toBe(true);
    expect(det.mayMatch(bytes('Ünïcode PassWord: ü'), 'a.py')).toBe(true);
    const buf = bytes(`____TOKEN____`);
    expect(det.mayMatch(new Uint8Array(buf.buffer, buf.byteOffset + 4, 5), 'a.py')).toBe(true);
    expect(det.mayMatch(new Uint8Array(buf.buffer, buf.byteOffset, 4), 'a.py')).toBe(false);
  });

  it('accepts any content at a path where a keyword-less rule applies', () => {
    expect(det.mayMatch(bytes('db:5432:app:etl:hunter2hunter2\n'), 'home/.pgpass')).toBe(true);
    expect(det.mayMatch(bytes('db:5432:app:etl:hunter2hunter2\n'), 'home/notes.txt')).toBe(false);
  });

  it('treats a keyword-less rule without a path as matching everything', () => {
    const anywhere = rule({ id: 'any', regex: 'zz([0-9]{8})zz', keywords: [] });
    expect(createDetector([awsRule, anywhere]).mayMatch(bytes('nothing here'), 'a.txt')).toBe(true);
  });
});

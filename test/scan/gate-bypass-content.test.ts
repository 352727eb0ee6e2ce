// Bypass attempts through the content of a file: bytes that make a blob look binary (a NUL up front,
// UTF-16 without a BOM), or wrap the secret (gzip, zip). A gate reads such content for what it hides
// (src/sources/binary-text.ts) or refuses (exit 2) when it cannot; it never passes it as "binary, skipped".
import { gzipSync } from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { githubToken } from '../support/fake-secrets.js';
import { zipOfOne } from '../support/archives.js';
import { gateScan, git, githubEnv, repoWith, write } from '../support/gate-repo.js';

const TOKEN = githubToken(7001);
const LINE = `token = "${TOKEN}"\n`;
const utf16be = (s: string) => Buffer.from(s, 'utf16le').swap16();

/** A zip archive holding `name` with `text` (made by the zip tool when present, else stored, built by hand). */
function zipOf(name: string, text: string): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'ss-zip-'));
  writeFileSync(join(dir, name), text.repeat(20));
  const r = spawnSync('zip', ['-q', 'a.zip', name], { cwd: dir });
  if (r.status === 0) return readFileSync(join(dir, 'a.zip'));
  return zipOfOne(name, text, 'stored');
}

const CASES: Array<[string, string, Buffer]> = [
  ['a NUL byte before the secret', 'app.py', Buffer.concat([Buffer.from('x\0y\n'), Buffer.from(LINE)])],
  ['UTF-16 LE without a BOM', 'app.py', Buffer.from(LINE, 'utf16le')],
  ['UTF-16 BE without a BOM', 'app.py', utf16be(LINE)],
  ['UTF-32 LE with its BOM (FF FE 00 00: not UTF-16)', 'app.py', Buffer.concat([Buffer.from([0xff, 0xfe, 0, 0]), Buffer.from([...LINE].flatMap((c) => [c.charCodeAt(0), 0, 0, 0]))])],
  ['UTF-32 BE without a BOM', 'app.py', Buffer.from([...LINE].flatMap((c) => [0, 0, 0, c.charCodeAt(0)]))],
  ['a UTF-16 BOM (FF FE) in front of plain ASCII lines (a dotenv reader still reads them)', '.env', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`\n${LINE}`)])],
  ['a UTF-16 BE BOM (FE FF) in front of plain ASCII lines', 'app.py', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(`\n${LINE}`)])],
  ['a UTF-16 BOM, some UTF-16 text, then plain ASCII lines', 'app.py', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('x = 1\n', 'utf16le'), Buffer.from(`\n${LINE}`)])],
  ['gzip', 'app.py.gz', gzipSync(LINE)],
  ['gzip inside gzip', 'app.py.gz.gz', gzipSync(gzipSync(LINE))],
  ['zip (deflated)', 'bundle.zip', zipOf('inner.py', LINE)],
];

describe('binary-looking content added by the change is read, not skipped', () => {
  for (const [what, file, data] of CASES) {
    it(`${what}: --range, --ci, --history and --staged report it (exit 1)`, () => {
      const { dir, base, head } = repoWith({}, { [file]: data });
      for (const args of [['--range', 'main..pr'], ['--history']]) {
        const r = gateScan(dir, args);
        expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(1);
        expect(r.findings).toContainEqual(expect.objectContaining({ rule: 'github-pat-classic', file }));
      }
      const ci = gateScan(dir, ['--ci'], githubEnv('pull_request', { pull_request: { base: { sha: base }, head: { sha: head } } }, head));
      expect(ci.code, ci.stderr).toBe(1);
      expect(ci.findings).toContainEqual(expect.objectContaining({ file }));

      git(dir, 'reset', '-q', '--soft', 'main');
      const staged = gateScan(dir, ['--staged']);
      expect(staged.code, staged.stderr).toBe(1);
      expect(staged.findings).toContainEqual(expect.objectContaining({ file }));
      expect(JSON.stringify(staged.findings)).not.toContain(TOKEN);
    });
  }
});

describe('content a gate cannot open is a refusal (exit 2), named in the report', () => {
  const XZ = Buffer.concat([Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0x00, 0x04]), Buffer.alloc(64, 7)]);
  const encrypted = zipOf('inner.py', LINE);
  encrypted.writeUInt16LE(1, 6); // general purpose flag: encrypted (local header)
  encrypted.writeUInt16LE(1, encrypted.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])) + 8); // and central directory

  for (const [what, file, data] of [
    ['xz-compressed data', 'data.xz', XZ],
    ['an encrypted zip entry', 'secret.zip', encrypted],
    ['a zip without its central directory', 'cut.zip', zipOf('inner.py', LINE).subarray(0, 40)],
  ] as Array<[string, string, Buffer]>) {
    it(what, () => {
      const { dir } = repoWith({}, { [file]: data });
      for (const args of [['--range', 'main..pr'], ['--history']]) {
        const r = gateScan(dir, args);
        expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
        expect(r.skipped).toContainEqual(expect.objectContaining({ path: file, reason: 'encoding' }));
        expect(r.stderr).toContain(`${file}: not scanned`);
      }
      git(dir, 'reset', '-q', '--soft', 'main');
      expect(gateScan(dir, ['--staged']).code).toBe(2);
    });
  }

  it('--allow-skips accepts it, as for any unread file', () => {
    const { dir } = repoWith({}, { 'data.xz': XZ });
    expect(gateScan(dir, ['--range', 'main..pr', '--allow-skips']).code).toBe(0);
  });
});

describe('ordinary binaries stay clean', () => {
  it('a PNG-like file and random bytes without a secret: exit 0', () => {
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), Buffer.from('IHDR'), Buffer.alloc(2000, 0)]);
    const { dir } = repoWith({}, { 'logo.png': png });
    write(dir, {});
    const r = gateScan(dir, ['--range', 'main..pr']);
    expect(r.code, r.stderr).toBe(0);
  });
});

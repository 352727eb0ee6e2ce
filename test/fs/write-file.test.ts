/** The one file writer: atomic, never through a link or out of the root, mode kept, 0600 for private files. */
import { afterAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../../src/fs/write-file.js';

const dirs: string[] = [];
function dir(): string {
  const d = mkdtempSync(join(tmpdir(), 'ss-write-'));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('writes bytes as given and leaves no temp file', () => {
    const d = dir();
    const bytes = Buffer.from([0x4a, 0x6f, 0x73, 0xe9, 0x0d, 0x0a]); // latin-1 "José\r\n"
    writeFileAtomic(join(d, 'a.txt'), bytes);
    expect(readFileSync(join(d, 'a.txt'))).toEqual(bytes);
    expect(readdirSync(d)).toEqual(['a.txt']);
  });

  it('keeps the mode of an existing file', () => {
    const d = dir();
    const f = join(d, 'run.sh');
    writeFileSync(f, 'old');
    chmodSync(f, 0o751);
    writeFileAtomic(f, 'new');
    expect(statSync(f).mode & 0o7777).toBe(0o751);
    expect(readFileSync(f, 'utf8')).toBe('new');
  });

  it('makes a private file 0600 whatever the umask and the old mode', () => {
    const d = dir();
    const f = join(d, 'report.json');
    writeFileSync(f, 'old');
    chmodSync(f, 0o644);
    const old = process.umask(0);
    try {
      writeFileAtomic(f, '{}', { private: true });
      writeFileAtomic(join(d, 'new.json'), '{}', { private: true });
    } finally {
      process.umask(old);
    }
    expect(statSync(f).mode & 0o7777).toBe(0o600);
    expect(statSync(join(d, 'new.json')).mode & 0o7777).toBe(0o600);
  });

  it('refuses to write through a symlink, and leaves its target alone', () => {
    const d = dir();
    writeFileSync(join(d, 'target'), 'keep');
    symlinkSync(join(d, 'target'), join(d, 'link'));
    expect(() => writeFileAtomic(join(d, 'link'), 'x')).toThrow(/symlink/);
    expect(() => writeFileAtomic('link', 'x', { root: d })).toThrow(/symlink/);
    expect(readFileSync(join(d, 'target'), 'utf8')).toBe('keep');
    expect(readdirSync(d).sort()).toEqual(['link', 'target']);
  });

  it('refuses paths outside the root, also through a linked folder', () => {
    const d = dir();
    const outside = dir();
    symlinkSync(outside, join(d, 'escape'));
    expect(() => writeFileAtomic('../x', 'x', { root: d })).toThrow(/outside the repository/);
    expect(() => writeFileAtomic(join(outside, 'x'), 'x', { root: d })).toThrow(/outside the repository/);
    expect(() => writeFileAtomic('escape/x', 'x', { root: d })).toThrow(/outside the repository/);
    expect(readdirSync(outside)).toEqual([]);
  });

  it('exclusive create refuses an existing file or link and writes a new one', () => {
    const d = dir();
    writeFileSync(join(d, 'exists'), 'mine');
    expect(() => writeFileAtomic(join(d, 'exists'), 'x', { exclusive: true, private: true })).toThrow(/existing file/);
    expect(readFileSync(join(d, 'exists'), 'utf8')).toBe('mine');
    symlinkSync(join(d, 'nowhere'), join(d, 'dangling'));
    expect(() => writeFileAtomic(join(d, 'dangling'), 'x', { exclusive: true })).toThrow(/symlink|existing file/);
    expect(readdirSync(d).sort()).toEqual(['dangling', 'exists']);
    writeFileAtomic(join(d, 'fresh'), 'v', { exclusive: true, private: true });
    expect(statSync(join(d, 'fresh')).mode & 0o7777).toBe(0o600);
    expect(readFileSync(join(d, 'fresh'), 'utf8')).toBe('v');
  });

  it('leaves no temp file behind when the write fails', () => {
    const d = dir();
    const f = join(d, 'f');
    writeFileSync(f, 'before');
    const fail = (step: string) => {
      if (step === 'temp-written') throw new Error('stopped between writing the temp file and the rename');
    };
    expect(() => writeFileAtomic(f, 'after', { onStep: fail })).toThrow(/stopped/);
    expect(readdirSync(d)).toEqual(['f']);
    expect(readFileSync(f, 'utf8')).toBe('before');
    // A folder that does not exist: nothing created anywhere.
    expect(() => writeFileAtomic(join(d, 'no', 'f'), 'x')).toThrow(/ENOENT/);
    expect(readdirSync(d)).toEqual(['f']);
  });
});

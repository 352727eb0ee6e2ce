import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { CatFile } from '../../../src/sources/git/cat-file.js';
import { readBlobs } from '../../../src/sources/git/blobs.js';
import { openRepo } from '../../../src/sources/git/repo.js';
import { parseRaw } from '../../../src/sources/git/history.js';
import { cleanup, makeRepo } from './helpers.js';

afterAll(cleanup);

function hashObject(repo: string, content: Buffer | string): string {
  return execFileSync('git', ['hash-object', '-w', '--stdin'], { cwd: repo, input: content }).toString().trim();
}

describe('cat-file', () => {
  it('pipelines many requests over one process and handles missing and empty objects', async () => {
    const r = makeRepo();
    const contents = Array.from({ length: 300 }, (_, i) => Buffer.from(`blob ${i}\n`.repeat(i * 37)));
    const shas = contents.map((c) => hashObject(r, c));
    const cf = new CatFile(r, 'batch');
    const ps = shas.map((s) => cf.request(s));
    const missing = cf.request('0123456789012345678901234567890123456789');
    const results = await Promise.all(ps);
    results.forEach((res, i) => {
      expect(res.missing).toBeFalsy();
      if (!res.missing) {
        expect(res.type).toBe('blob');
        expect(res.data!.equals(contents[i]!)).toBe(true);
      }
    });
    expect((await missing).missing).toBe(true);
    await cf.close();
  });

  it('batch-check gives sizes without content', async () => {
    const r = makeRepo();
    const sha = hashObject(r, 'x'.repeat(1234));
    const cf = new CatFile(r, 'check');
    expect(await cf.request(sha)).toEqual({ sha, type: 'blob', size: 1234 });
    await cf.close();
  });

  it('readBlobs keeps order, skips oversized blobs without reading them, bounds bytes in flight', async () => {
    const r = makeRepo();
    const repo = await openRepo(r);
    const sizes = [10, 5000, 20, 100_000, 0, 3000];
    const shas = sizes.map((n, i) => hashObject(r, Buffer.alloc(n, 97 + i)));
    const out = [];
    for await (const o of readBlobs(repo, shas.map((sha, i) => ({ sha, meta: i })), { maxSize: 50_000, maxInFlightBytes: 4096, maxInFlightChecks: 2 })) out.push(o);
    expect(out.map((o) => o.req.meta)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(out.map((o) => o.skip ?? o.data!.length)).toEqual([10, 5000, 20, 'too-large', 0, 3000]);
  });
});

describe('git log raw entries', () => {
  it('parses plain and combined (merge) entries', () => {
    const z = '0'.repeat(40);
    const a = 'a'.repeat(40);
    const b = 'b'.repeat(40);
    const c = 'c'.repeat(40);
    expect(parseRaw(`:000000 100644 ${z} ${a} A`)).toEqual({ mode: '100644', blob: a });
    expect(parseRaw(`::100644 100644 100755 ${a} ${b} ${c} MM`)).toEqual({ mode: '100755', blob: c });
  });
});

import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LogCopy } from '../../../src/sources/git/log-copy.js';

async function readAll(it: AsyncIterable<Buffer> | undefined): Promise<string | undefined> {
  if (!it) return undefined;
  const parts: Buffer[] = [];
  for await (const c of it) parts.push(c);
  return Buffer.concat(parts).toString('utf8');
}

describe('LogCopy (the history pass keeps git log output on disk for provenance)', () => {
  it('gives back what was written, in a private file, and removes it', async () => {
    const copy = new LogCopy();
    copy.write(Buffer.from('abc\u0000'));
    copy.write(Buffer.from('def'));
    const file = (copy as unknown as { file: string }).file;
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(file)).mode & 0o777).toBe(0o700);
    expect(await readAll(copy.read())).toBe('abc\u0000def');
    copy.remove();
    expect(existsSync(dirname(file))).toBe(false);
  });

  it('drops the copy past its size cap (the caller runs git log again)', async () => {
    const copy = new LogCopy(5);
    copy.write(Buffer.from('abc'));
    copy.write(Buffer.from('def'));
    copy.write(Buffer.from('g'));
    expect(copy.read()).toBeUndefined();
    copy.remove();
  });
});

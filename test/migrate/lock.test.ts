import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Lock, STATE_DIR, LOCK_FILE, ensureStateDir } from '../../src/migrate/journal.js';
import { SweepError } from '../../src/errors.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const repo = () => {
  const d = mkdtempSync(join(tmpdir(), 'ss-lock-'));
  dirs.push(d);
  return d;
};

describe('migrate lock', () => {
  it('is created whole (pid, host, start) with mode 0600, no temporary file left; a second take is refused', () => {
    const root = repo();
    const lock = Lock.acquire(root);
    const path = join(root, STATE_DIR, LOCK_FILE);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ pid: process.pid, host: hostname() });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(root, STATE_DIR)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    expect(() => Lock.acquire(root)).toThrow(SweepError);
    expect(() => Lock.acquire(root)).toThrow(/another secret-sweep migrate is running in this repository \(pid \d+/);
    lock.release();
    Lock.acquire(root).release();
  });

  it('an unreadable lock is judged by its age: refused while fresh, taken over when old', () => {
    const root = repo();
    const path = join(ensureStateDir(root), LOCK_FILE);
    writeFileSync(path, '');
    expect(() => Lock.acquire(root)).toThrow(/was just created/);
    const old = new Date(Date.now() - 60_000);
    utimesSync(path, old, old);
    const lock = Lock.acquire(root);
    expect(JSON.parse(readFileSync(path, 'utf8')).pid).toBe(process.pid);
    lock.release();
  });
});

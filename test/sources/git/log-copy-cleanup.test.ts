/**
 * The history pass's on-disk log copy (paths, names, e-mails of the history) never outlives the scan: an
 * interrupted scan (SIGINT, SIGTERM, SIGHUP) removes it, and one left by a killed process (its pid in
 * the name) is removed by the next run. TMPDIR points at a private folder so only this test's copies count.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, runCli } from '../../support/cli.js';

const work = mkdtempSync(join(tmpdir(), 'sweep-log-cleanup-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let repo: string;
beforeAll(() => {
  // Enough commits that the scan is still running when the signal comes (fast-import: one process).
  repo = join(work, 'repo');
  mkdirSync(repo);
  spawnSync('git', ['init', '-q', '-b', 'main'], { cwd: repo });
  let stream = '';
  for (let i = 1; i <= 4000; i++) {
    const body = `value ${i} ${'x'.repeat(i % 50)}\n`;
    stream += `commit refs/heads/main\nmark :${i}\ncommitter T <t@example.com> ${1_600_000_000 + i} +0000\ndata 2\nc\n${i > 1 ? `from :${i - 1}\n` : ''}M 100644 inline f${i % 300}.txt\ndata ${Buffer.byteLength(body)}\n${body}\n`;
  }
  const r = spawnSync('git', ['fast-import', '--quiet'], { cwd: repo, input: stream });
  expect(r.status, String(r.stderr)).toBe(0);
}, 60_000);

const copiesIn = (dir: string) => readdirSync(dir).filter((n) => n.startsWith('secret-sweep-log-'));

describe('the log copy of a history scan', () => {
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    it(`is removed when the scan gets ${sig}`, async () => {
      const tmp = mkdtempSync(join(work, 'tmp-'));
      const child = spawn(process.execPath, [BIN, 'scan', '--history', '-j', '1', repo], { env: { ...process.env, TMPDIR: tmp, CI: 'true' }, stdio: 'ignore' });
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => child.on('exit', (code, signal) => res({ code, signal })));
      let sawCopy = false;
      for (let i = 0; i < 600 && child.exitCode === null; i++) {
        if (copiesIn(tmp).length > 0) {
          sawCopy = true;
          child.kill(sig);
          break;
        }
        await new Promise((r) => setTimeout(r, 10));
      }
      const end = await exited;
      expect(sawCopy).toBe(true);
      expect(end.signal).toBe(sig);
      expect(copiesIn(tmp)).toEqual([]);
    }, 60_000);
  }

  it("left by a process that is gone, is removed by the next run; a live process's is kept", () => {
    const tmp = mkdtempSync(join(work, 'tmp-'));
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const dead = join(tmp, `secret-sweep-log-${gone.stdout}-AbC123`);
    const living = join(tmp, `secret-sweep-log-${process.pid}-XyZ789`);
    mkdirSync(dead, { mode: 0o700 });
    mkdirSync(living, { mode: 0o700 });
    const r = runCli(['scan', '--history', '-j', '1', repo], { env: { TMPDIR: tmp } });
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(living)).toBe(true);
    expect(copiesIn(tmp)).toEqual([`secret-sweep-log-${process.pid}-XyZ789`]);
  }, 60_000);
});

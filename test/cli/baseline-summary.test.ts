// The summary says how many findings the baseline accepted (they are not listed), in text and json.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { githubToken } from '../support/fake-secrets.js';

it('scan --baseline: the summary counts the findings the baseline accepted', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ss-bl-'));
  writeFileSync(join(dir, 'a.py'), `A = "${githubToken(951)}"\nB = "${githubToken(952)}"\n`);
  expect(runCli(['baseline', '.', '-o', 'accepted.txt'], { cwd: dir }).code).toBe(0);
  writeFileSync(join(dir, 'b.py'), `C = "${githubToken(953)}"\n`);
  const text = runCli(['scan', '.', '--baseline', 'accepted.txt', '--no-color'], { cwd: dir });
  expect(text.code).toBe(1);
  expect(text.stdout).toMatch(/^1 finding in 1 file;/m);
  expect(text.stdout).toContain('2 findings accepted by the baseline accepted.txt');
  const json = runCli(['scan', '.', '--baseline', 'accepted.txt', '--format', 'json'], { cwd: dir });
  expect(json.stdout).toContain('2 findings accepted by the baseline accepted.txt');
  const none = runCli(['scan', '.', '--no-color'], { cwd: dir });
  expect(none.stdout).not.toContain('accepted by the baseline');
});

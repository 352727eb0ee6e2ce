/**
 * The shared set-up of migrate end-to-end tests: the built CLI (checked), the local Secrets Manager
 * (test/support/sm-server.ts) for the file's tests, temp folders removed afterwards with the replacements
 * folders migrate made for them, and git with a fixed identity.
 */
import { afterAll, beforeAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN } from './cli.js';
import { startSmServer, type SmServer } from './sm-server.js';
import { removeReplacementDirs } from './replacements.js';
import { writeFiles } from './tree.js';

export const git = (dir: string, ...args: string[]): string =>
  execFileSync('git', ['-c', 'user.email=t@example.invalid', '-c', 'user.name=t', '-c', 'commit.gpgsign=false', ...args], { cwd: dir, stdio: 'pipe' }).toString();

/** Registers the file's beforeAll/afterAll; `server()` is the running local Secrets Manager. */
/** A new repository in `dir` holding `files`, committed once. */
export function commitNewRepo(dir: string, files: Record<string, string>): void {
  writeFiles(dir, files);
  git(dir, 'init', '-q');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'legacy');
}

export function migrateTestBed(): { server: () => SmServer; tempDir: (prefix: string) => string } {
  let srv: SmServer | undefined;
  const cleanup: string[] = [];
  beforeAll(async () => {
    if (!existsSync(join(BIN, '..', '..', 'dist', 'cli', 'main.js'))) throw new Error('run `npm run build` first');
    srv = await startSmServer();
  });
  afterAll(async () => {
    await srv?.stop();
    for (const p of cleanup) {
      removeReplacementDirs(p);
      rmSync(p, { recursive: true, force: true });
    }
  });
  return {
    server: () => srv!,
    tempDir: (prefix) => {
      const dir = mkdtempSync(join(tmpdir(), prefix));
      cleanup.push(dir);
      return dir;
    },
  };
}

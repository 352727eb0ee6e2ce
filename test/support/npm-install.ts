/**
 * Installing this package as a user would (`npm pack`, then `npm i <tarball>` in a fresh project), for the
 * packaging and pre-commit framework tests. Network: only the npm registry (npm's cache first). re2's
 * install script would fetch its prebuilt addon from GitHub or compile it for minutes: it is served from
 * this checkout's node_modules through re2's own mirror variables.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export const PROJECT = fileURLToPath(new URL('../..', import.meta.url));

/** re2's prebuilt addon, from this checkout, where re2's installer looks when RE2_DOWNLOAD_MIRROR is a folder. */
export function re2Mirror(temps: string[]): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'ss-re2-'));
  temps.push(dir);
  const addon = readFileSync(join(PROJECT, 'node_modules/re2/build/Release/re2.node'));
  writeFileSync(join(dir, `${process.platform}-${process.arch}-${process.versions.modules}.gz`), gzipSync(addon));
  return { RE2_DOWNLOAD_MIRROR: dir, RE2_DOWNLOAD_SKIP_PATH: '1', RE2_DOWNLOAD_SKIP_VER: '1' };
}

export const NPM_QUIET = { npm_config_prefer_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };

/** `npm pack` of this checkout (its dist/ as built) into `dest`; the tarball's path. Stdout is only its name. */
export function packProject(dest: string): string {
  const r = spawnSync('npm', ['pack', '--pack-destination', dest], { cwd: PROJECT, encoding: 'utf8', env: { ...process.env, ...NPM_QUIET } });
  if (r.status !== 0) throw new Error(`npm pack: ${r.stderr}`);
  return join(dest, r.stdout.trim());
}

/** A fresh npm project in a temp folder with `tarball` installed (`npm i [args] <tarball>`). */
export function installTarball(tarball: string, args: string[], temps: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'ss-installed-'));
  temps.push(dir);
  writeFileSync(join(dir, 'package.json'), '{"name":"user-project","version":"1.0.0","private":true}\n');
  const r = spawnSync('npm', ['i', ...args, tarball], { cwd: dir, encoding: 'utf8', env: { ...process.env, ...NPM_QUIET, ...re2Mirror(temps) }, timeout: 540_000 });
  if (r.status !== 0) throw new Error(`npm i ${tarball}: ${r.stderr}${r.error ? r.error.message : ''}`);
  return dir;
}

/**
 * husky (v9, and v8's layout): secret-sweep goes into `.husky/pre-commit`, which husky's generated hook in
 * `.husky/_/` runs with `sh -e`. The husky folder is the parent of core.hooksPath when husky set it.
 */
import { join, resolve } from 'node:path';
import { isHuskyHooksPath } from './git-hook.js';
import {
  installShellHook,
  isDir,
  shellHookInstalled,
  shownPath,
  uninstallShellHook,
  type HookInstaller,
  type RepoContext,
  type ShellHookFile,
} from './installer.js';

export function huskyDir(repo: RepoContext): string {
  const hp = repo.hooksPath;
  if (hp !== undefined && isHuskyHooksPath(hp)) {
    const abs = resolve(repo.top, hp.replace(/[\\/]+$/, ''));
    return abs.endsWith('_') ? resolve(abs, '..') : abs;
  }
  return join(repo.top, '.husky');
}

function hookFile(repo: RepoContext): ShellHookFile {
  const file = join(huskyDir(repo), 'pre-commit');
  return { file, shown: shownPath(repo, file), mustBeExecutable: false };
}

export const huskyInstaller: HookInstaller = {
  kind: 'husky',
  detect: (repo) => isHuskyHooksPath(repo.hooksPath) || isDir(join(repo.top, '.husky')),
  installed: (repo) => shellHookInstalled(hookFile(repo).file),
  install(repo, opts) {
    const res = installShellHook(hookFile(repo), opts);
    if (!isHuskyHooksPath(repo.hooksPath))
      res.messages.push('note: husky is not active in this clone yet (core.hooksPath is not .husky/_): run `npx husky`, or add husky as a devDependency with `"prepare": "husky"`');
    return res;
  },
  uninstall: (repo) => uninstallShellHook(hookFile(repo)),
};

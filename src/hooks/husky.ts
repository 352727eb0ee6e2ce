/**
 * husky (v9, and v8's layout): secret-sweep goes into `.husky/pre-commit` and `.husky/commit-msg`, which husky's generated hook in
 * `.husky/_/` runs with `sh -e`. The husky folder is the parent of core.hooksPath when husky set it.
 */
import { join, resolve } from 'node:path';
import { isHuskyHooksPath } from './git-hook.js';
import {
  HOOK_STAGES,
  installShellHooks,
  isDir,
  shellHookInstalled,
  shownPath,
  uninstallShellHooks,
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

function hookFiles(repo: RepoContext): ShellHookFile[] {
  return HOOK_STAGES.map((stage) => {
    const file = join(huskyDir(repo), stage);
    return { file, shown: shownPath(repo, file), mustBeExecutable: false, stage };
  });
}

export const huskyInstaller: HookInstaller = {
  kind: 'husky',
  detect: (repo) => isHuskyHooksPath(repo.hooksPath) || isDir(join(repo.top, '.husky')),
  installed: (repo) => hookFiles(repo).some((h) => shellHookInstalled(h.file)),
  install(repo, opts) {
    const res = installShellHooks(hookFiles(repo), opts);
    if (!isHuskyHooksPath(repo.hooksPath))
      res.messages.push('note: husky is not active in this clone yet (core.hooksPath is not .husky/_): run `npx husky`, or add husky as a devDependency with `"prepare": "husky"`');
    return res;
  },
  uninstall: (repo) => uninstallShellHooks(hookFiles(repo)),
};

/** `secret-sweep hook install|uninstall [--husky|--git|--pre-commit] [--force] [--command CMD] [PATH]`. */
import type { CommandModule } from 'yargs';
import { SweepError } from '../../errors.js';
import type { HookInstaller, HookKind, RepoContext } from '../../hooks/installer.js';

interface HookArgs {
  action: string;
  path: string;
  husky?: boolean;
  git?: boolean;
  'pre-commit'?: boolean;
  force?: boolean;
  command?: string;
}

/** The installers, loaded only when `hook` runs (keeps `scan`'s start-up, which the hook pays, lean). */
async function loadInstallers() {
  const [{ gitInstaller, isHuskyHooksPath }, { huskyInstaller }, { preCommitInstaller }, { repoContext }] = await Promise.all([
    import('../../hooks/git-hook.js'),
    import('../../hooks/husky.js'),
    import('../../hooks/pre-commit-framework.js'),
    import('../../hooks/installer.js'),
  ]);
  const installers: Record<HookKind, HookInstaller> = { husky: huskyInstaller, git: gitInstaller, 'pre-commit': preCommitInstaller };
  /**
   * With no flag, use what the repository already uses: husky when git runs husky's hooks, else the
   * pre-commit framework when it has a config, else husky when there is a .husky folder, else plain git.
   */
  const detectKind = (repo: RepoContext): HookKind =>
    isHuskyHooksPath(repo.hooksPath) ? 'husky' : preCommitInstaller.detect(repo) ? 'pre-commit' : huskyInstaller.detect(repo) ? 'husky' : 'git';
  return { installers, detectKind, repoContext };
}

export function hookCommand(setCode: (c: number) => void): CommandModule<object, HookArgs> {
  return {
    command: 'hook <action> [path]',
    describe: 'Install or remove the hooks that run `scan --staged` (pre-commit) and `scan --commit-msg` (commit-msg) (husky, plain git or the pre-commit framework)',
    builder: (y) =>
      y
        .positional('action', { choices: ['install', 'uninstall'] as const, describe: 'install | uninstall' })
        .positional('path', { type: 'string', default: '.', describe: 'A folder inside the repository' })
        .option('husky', { type: 'boolean', describe: 'Use .husky/pre-commit and .husky/commit-msg' })
        .option('git', { type: 'boolean', describe: 'Use the git hooks folder (core.hooksPath respected): pre-commit and commit-msg' })
        .option('pre-commit', { type: 'boolean', describe: 'Add an entry to .pre-commit-config.yaml' })
        .option('force', { type: 'boolean', describe: 'Install even where the existing hook cannot be extended (it is moved aside and chained, never lost)' })
        .option('command', {
          type: 'string',
          describe: 'Shell command that runs secret-sweep, baked into the hook (default: $SECRET_SWEEP_BIN, else ./node_modules/.bin/secret-sweep, else secret-sweep on PATH)',
        })
        .example('$0 hook install', 'wire the hook manager the repository already uses')
        .example('$0 hook install --git', 'plain git hook')
        .example('$0 hook install --husky --command "node tools/secret-sweep.js"', 'with a fixed command')
        .example('$0 hook uninstall', 'remove exactly what install added') as never,
    handler: async (args) => {
      const chosen = (['husky', 'git', 'pre-commit'] as const).filter((k) => args[k]);
      if (chosen.length > 1) throw new SweepError('choose one of --husky, --git, --pre-commit');
      if (args.command !== undefined && (args.command.trim() === '' || /[\n\r]/.test(args.command)))
        throw new SweepError('--command must be a one-line shell command');
      if (args.action === 'uninstall' && args.command !== undefined) throw new SweepError('--command is for `hook install`');
      const { installers: INSTALLERS, detectKind, repoContext } = await loadInstallers();
      const repo = repoContext(args.path);
      const out: string[] = [];
      if (args.action === 'install') {
        const kind = chosen[0] ?? detectKind(repo);
        if (!chosen.length) out.push(`using ${kind} (detected; choose with --husky, --git or --pre-commit)`);
        const res = INSTALLERS[kind].install(repo, { force: args.force === true, command: args.command });
        out.push(...res.messages);
        for (const w of res.warnings ?? []) process.stderr.write(`secret-sweep: warning: ${w}\n`);
      } else {
        // Remove it wherever it is, unless told where.
        const kinds = chosen.length ? chosen : (Object.keys(INSTALLERS) as HookKind[]).filter((k) => INSTALLERS[k].installed(repo));
        if (!kinds.length) out.push('secret-sweep hook is not installed (looked in .husky/, the git hooks folder and .pre-commit-config.yaml)');
        for (const k of kinds) out.push(...INSTALLERS[k].uninstall(repo).messages);
      }
      process.stdout.write(out.map((l) => `secret-sweep: ${l}`).join('\n') + '\n');
      setCode(0);
    },
  };
}

/**
 * What migrate does about a lock file once it declares the SDK the rewritten code needs: a lock that
 * does not list it makes the project's documented install (`npm ci`, `yarn --frozen-lockfile`,
 * `pnpm install --frozen-lockfile`, `poetry install`, `uv sync --locked`, `pipenv install --deploy`,
 * `pip install --require-hashes`) refuse the project or leave the SDK out. Each lock gets one step:
 * updated by migrate (npm), or left for a human with the exact command.
 */
export interface LockStep {
  /** The lock file (or hash-pinned requirements file), repository-relative. */
  file: string;
  /** The file that declares the SDK (package.json, pyproject.toml, Pipfile, requirements.in). */
  manifest: string;
  package: string;
  tool: 'npm' | 'yarn' | 'pnpm' | 'bun' | 'pip-tools' | 'poetry' | 'uv' | 'pipenv';
  /** updated: migrate rewrote it; will-update: an apply will (dry run); manual: run `command` in `cwd`. */
  status: 'updated' | 'will-update' | 'manual';
  /** The folder to run `command` in, repository-relative ('.' is the root). */
  cwd: string;
  command: string;
  /** Why it is left for you, or what the update did. */
  why: string;
}

/** `dir/name`, with '.' the root. */
export const inDir = (dir: string, name: string): string => (dir === '.' || dir === '' ? name : `${dir}/${name}`);

/** One line for the plan, the report and the terminal. */
export function lockStepLine(s: LockStep): string {
  const where = s.cwd === '.' ? 'at the repository root' : `in ${s.cwd}`;
  if (s.status === 'updated') return `${s.file}: updated for ${s.package} (${s.why})`;
  if (s.status === 'will-update') return `${s.file}: will be updated for ${s.package} with \`${s.command}\` ${where} (${s.why})`;
  return `${s.file}: run \`${s.command}\` ${where}: ${s.why}`;
}

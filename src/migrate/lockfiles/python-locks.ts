/**
 * Python lock files next to a manifest that now declares boto3 (pure: the file system comes in as
 * `exists` / `read`). secret-sweep runs no Python locker (they resolve from PyPI and each has its own
 * rules): each lock that does not match gets a manual step with the exact command.
 *
 * - poetry.lock: its content hash covers pyproject.toml, so any edit makes `poetry install` refuse it
 *   (Poetry 1.x) or warn (2.x): `poetry lock --no-update` (`poetry lock` on 2.x) re-locks without upgrades.
 * - uv.lock (beside the project or at its uv workspace root): `uv sync --locked` fails: `uv lock`.
 * - Pipfile.lock: `pipenv install --deploy` fails: `pipenv lock`.
 * - A requirements.txt pinned with `--hash=`: pip refuses the whole file if one line has no hash, so
 *   boto3 is not added there (see hashedRequirementsStep).
 */
import path from 'node:path';
import { inDir, type LockStep } from './lock-step.js';

/** A requirements file in hash-checking mode: one `--hash` and pip demands one for every requirement. */
export function pinsHashes(text: string): boolean {
  return /(^|\s)--hash[=\s]/m.test(text);
}

/** Whether a TOML lock (poetry.lock, uv.lock) or Pipfile.lock (JSON) lists the package. */
function lists(lockText: string, pkg: string): boolean {
  const p = pkg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^name\\s*=\\s*"${p}"\\s*$`, 'mi').test(lockText) || new RegExp(`"${p}"\\s*:\\s*\\{`, 'i').test(lockText);
}

/** The nearest uv.lock at or above `dir` (a uv workspace locks all its members at its root). */
function uvLockOf(dir: string, exists: (rel: string) => boolean): string | undefined {
  for (let d = dir; ; d = path.posix.dirname(d)) {
    if (exists(inDir(d, 'uv.lock'))) return d;
    if (d === '.' || d === '/' || d === '') return undefined;
  }
}

/**
 * The lock steps for the manifest `manifest` (pyproject.toml or Pipfile, repository-relative) that
 * declares `pkg`: `changed` when this run adds it (a resumed run that finds it declared asks the lock).
 */
export function pythonLockSteps(manifest: string, changed: boolean, pkg: string, exists: (rel: string) => boolean, read: (rel: string) => string | undefined): LockStep[] {
  const dir = path.posix.dirname(manifest);
  const name = path.posix.basename(manifest);
  const out: LockStep[] = [];
  const stale = (lock: string) => changed || !lists(read(lock) ?? '', pkg);
  const step = (file: string, cwd: string, tool: LockStep['tool'], command: string, why: string): LockStep =>
    ({ file, manifest, package: pkg, tool, status: 'manual', cwd, command, why });
  if (name === 'pyproject.toml') {
    const poetry = inDir(dir, 'poetry.lock');
    if (exists(poetry) && stale(poetry)) {
      out.push(step(poetry, dir, 'poetry', 'poetry lock --no-update',
        `${manifest} now declares ${pkg} and poetry.lock no longer matches it, so \`poetry install\` refuses it (Poetry 1.x) or warns (2.x; there the command is \`poetry lock\`); secret-sweep runs no Python locker`));
    }
    const uvDir = uvLockOf(dir, exists);
    const uv = uvDir === undefined ? undefined : inDir(uvDir, 'uv.lock');
    if (uv && uvDir !== undefined && stale(uv)) {
      out.push(step(uv, uvDir, 'uv', 'uv lock', `${manifest} now declares ${pkg} and ${uv} does not lock it, so \`uv sync --locked\` fails; secret-sweep runs no Python locker`));
    }
  }
  if (name === 'Pipfile') {
    const lock = inDir(dir, 'Pipfile.lock');
    if (exists(lock) && stale(lock)) {
      out.push(step(lock, dir, 'pipenv', 'pipenv lock', `${manifest} now declares ${pkg} and Pipfile.lock does not, so \`pipenv install --deploy\` fails; secret-sweep runs no Python locker`));
    }
  }
  return out;
}

/**
 * A hash-pinned requirements.txt that does not name `pkg`: nothing is added to it (an unhashed line
 * makes pip refuse the whole file). With a `requirements.in` beside it (pip-tools), the caller declares
 * the package there and the step compiles it; without one, the step says how to pin it by hand.
 */
export function hashedRequirementsStep(requirements: string, pkg: string, hasIn: boolean): LockStep {
  const dir = path.posix.dirname(requirements);
  const base = { file: requirements, package: pkg, tool: 'pip-tools' as const, status: 'manual' as const, cwd: dir };
  if (hasIn) {
    return {
      ...base, manifest: inDir(dir, 'requirements.in'), command: 'pip-compile --generate-hashes requirements.in',
      why: `${requirements} pins every package with --hash, so pip would refuse an unhashed ${pkg} line: ${pkg} was added to requirements.in; compile it to pin ${pkg} and its dependencies with hashes`,
    };
  }
  return {
    ...base, manifest: requirements, command: `pip-compile --generate-hashes`,
    why: `${requirements} pins every package with --hash, so pip would refuse an unhashed ${pkg} line and secret-sweep added none: declare ${pkg} in the file ${requirements} is compiled from and compile it; without pip-tools, add ${pkg} and each of its dependencies pinned with == and the hashes \`pip download ${pkg} -d wheels && pip hash wheels/*\` prints`,
  };
}

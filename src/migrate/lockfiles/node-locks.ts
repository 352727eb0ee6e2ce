/**
 * Which lock file pins a Node package, and whether it already lists the SDK at the range package.json
 * declares (pure: the file system comes in as `exists` / `read`). A package's lock is its own, or its
 * workspace root's (the first folder above it with a lock, when that lock or root names it as a workspace).
 */
import path from 'node:path';
import { inDir, type LockStep } from './lock-step.js';

export type NodeLockKind = 'npm' | 'yarn' | 'pnpm' | 'bun';

export interface NodeLock {
  /** Repository-relative path of the lock. */
  file: string;
  /** Its folder: where the lock command runs. */
  dir: string;
  kind: NodeLockKind;
}

// npm reads npm-shrinkwrap.json and ignores package-lock.json when both are there.
const NPM_LOCKS = ['npm-shrinkwrap.json', 'package-lock.json'];
const OTHER_LOCKS: Array<[string, NodeLockKind]> = [['yarn.lock', 'yarn'], ['pnpm-lock.yaml', 'pnpm'], ['bun.lock', 'bun'], ['bun.lockb', 'bun']];

/** The command that brings each kind of lock in step with its package.json files, run in the lock's folder. */
export const LOCK_COMMANDS: Record<NodeLockKind, string> = {
  npm: 'npm install --package-lock-only --ignore-scripts --no-audit --no-fund',
  yarn: 'yarn install',
  pnpm: 'pnpm install --lockfile-only --ignore-scripts',
  bun: 'bun install',
};
const FROZEN: Record<NodeLockKind, string> = {
  npm: '`npm ci`',
  yarn: '`yarn install --frozen-lockfile` (`--immutable` on Yarn 2+)',
  pnpm: '`pnpm install --frozen-lockfile` (the CI default)',
  bun: '`bun install --frozen-lockfile`',
};

function locksIn(dir: string, exists: (rel: string) => boolean): NodeLock[] {
  const out: NodeLock[] = [];
  const npm = NPM_LOCKS.find((n) => exists(inDir(dir, n)));
  if (npm) out.push({ file: inDir(dir, npm), dir, kind: 'npm' });
  for (const [n, kind] of OTHER_LOCKS) if (exists(inDir(dir, n)) && !out.some((l) => l.kind === kind)) out.push({ file: inDir(dir, n), dir, kind });
  return out;
}

/** The package's folder relative to the lock's folder ('' for the lock's own package). */
export function relToLock(lock: NodeLock, pkgDir: string): string {
  const r = path.posix.relative(lock.dir === '.' ? '' : lock.dir, pkgDir === '.' ? '' : pkgDir);
  return r === '.' ? '' : r;
}

function parseJson(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The lock of the package in `pkgDir`: the nearest folder (itself or above) holding one, if it covers the package. */
export function nodeLocksFor(pkgDir: string, exists: (rel: string) => boolean, read: (rel: string) => string | undefined): NodeLock[] {
  for (let dir = pkgDir; ; dir = path.posix.dirname(dir)) {
    const here = locksIn(dir, exists);
    if (here.length) return dir === pkgDir ? here : here.filter((l) => coversWorkspace(l, pkgDir, exists, read));
    if (dir === '.' || dir === '/' || dir === '') return [];
  }
}

/** A lock above the package pins it only when the package is one of its root's workspaces. */
function coversWorkspace(lock: NodeLock, pkgDir: string, exists: (rel: string) => boolean, read: (rel: string) => string | undefined): boolean {
  const rel = relToLock(lock, pkgDir);
  if (lock.kind === 'npm') {
    const packages = parseJson(read(lock.file))?.packages;
    return Boolean(packages && typeof packages === 'object' && rel in packages);
  }
  if (lock.kind === 'pnpm') return exists(inDir(lock.dir, 'pnpm-workspace.yaml'));
  return parseJson(read(inDir(lock.dir, 'package.json')))?.workspaces !== undefined;
}

const DEP_FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'];

/** The range a package.json text declares `name` at (any dependency field), if it does. */
export function declaredSpec(packageJson: string, name: string): string | undefined {
  const pj = parseJson(packageJson);
  for (const f of DEP_FIELDS) {
    const deps = pj?.[f] as Record<string, unknown> | undefined;
    if (deps && typeof deps === 'object' && typeof deps[name] === 'string') return deps[name] as string;
  }
  return undefined;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/**
 * Whether the lock already pins `name` for the package at `rel` with the range `spec` package.json declares:
 * npm lockfile v2/v3 (the package's entry names it at that range, and an installed entry has a version),
 * v1 (a top-level entry), yarn v1 and Berry (a `name@spec` / `name@npm:spec` key), pnpm (an importer
 * `specifier:`), bun.lock (the name at that range). undefined: an npm lock that is not JSON.
 */
export function lockPins(kind: NodeLockKind, text: string, rel: string, name: string, spec: string): boolean | undefined {
  if (kind === 'npm') {
    const lock = parseJson(text);
    if (!lock) return undefined;
    const packages = lock.packages as Record<string, Record<string, unknown>> | undefined;
    if (!packages || typeof packages !== 'object') {
      const deps = lock.dependencies as Record<string, { version?: unknown }> | undefined;
      return rel === '' && typeof deps?.[name]?.version === 'string';
    }
    const entry = packages[rel];
    if (!entry) return false;
    const specs = Object.assign({}, ...DEP_FIELDS.map((f) => (entry[f] && typeof entry[f] === 'object' ? entry[f] : {}))) as Record<string, unknown>;
    if (specs[name] !== spec) return false;
    const installed = [rel ? `${rel}/node_modules/${name}` : undefined, `node_modules/${name}`].filter((k): k is string => k !== undefined);
    return installed.some((k) => typeof packages[k]?.version === 'string');
  }
  if (kind === 'yarn') return new RegExp(`(^|[\\s",])"?${escape(name)}@(npm:)?${escape(spec)}[",:]`, 'm').test(text);
  if (kind === 'pnpm') {
    // The importer's block: `  <rel or .>:` up to the next line indented two spaces or less.
    const start = new RegExp(`^  ['"]?${escape(rel || '.')}['"]?:`, 'm').exec(text);
    if (!start) return false;
    const rest = text.slice(start.index + start[0].length);
    const block = rest.slice(0, rest.search(/\n(?! {3}|\s*\n)|$/));
    return new RegExp(`['"]?${escape(name)}['"]?:\\s*\\r?\\n\\s*specifier:\\s*['"]?${escape(spec)}['"]?\\s*$`, 'm').test(block);
  }
  return text.includes(`"${name}": "${spec}"`) || (text.includes(name) && !text.startsWith('{'));
}

/**
 * The step for one lock that does not pin the SDK yet. `runner`: why secret-sweep cannot run the
 * lock's tool here (not installed, a yarn or bun lock), or undefined when it can: then the step is
 * `will-update` (the apply turns it into `updated` or `manual`); otherwise it is left for a human.
 */
export function nodeLockStep(lock: NodeLock, manifest: string, name: string, pinned: boolean | undefined, cannotRun: string | undefined): LockStep | undefined {
  if (pinned) return undefined;
  const base = { file: lock.file, manifest, package: name, tool: lock.kind, cwd: lock.dir, command: LOCK_COMMANDS[lock.kind] };
  if (pinned === undefined) return { ...base, status: 'manual', why: `${lock.file} is not valid JSON: npm cannot update it either; fix or regenerate it` };
  const stale = `${manifest} now declares ${name} but ${lock.file} does not pin it, so ${FROZEN[lock.kind]} fails until it does`;
  if (cannotRun === undefined) return { ...base, status: 'will-update', why: stale };
  return { ...base, status: 'manual', why: `${stale}; ${cannotRun}` };
}

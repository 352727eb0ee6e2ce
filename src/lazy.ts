/**
 * Libraries loaded on first use, not at start-up: a pre-commit scan with no config file never needs the
 * YAML parser or the glob walker, and loading them costs more than the scan. A plain CommonJS require
 * (made with createRequire, which bundlers leave alone) keeps the call sites synchronous.
 */
import { createRequire } from 'node:module';
import { dependencyRange } from './cli/version.js';
import { SweepError } from './errors.js';

const requireCjs = createRequire(import.meta.url);
const cache = new Map<string, unknown>();

function load<T>(name: string): T {
  let m = cache.get(name);
  if (m === undefined) {
    m = requireCjs(name);
    cache.set(name, m);
  }
  return m as T;
}

export const yamlLib = () => load<typeof import('yaml')>('yaml');
/**
 * Node's crypto and zlib: a pre-commit scan that finds nothing needs neither (fingerprints, checksum
 * validators, compressed content), and loading crypto alone cost it more than parsing the built-in rules.
 */
export const nodeCrypto = () => load<typeof import('node:crypto')>('node:crypto');
export const nodeZlib = () => load<typeof import('node:zlib')>('node:zlib');
export const fsWalk = () => load<typeof import('@nodelib/fs.walk')>('@nodelib/fs.walk');
type IgnoreFactory = (options?: import('ignore').Options) => import('ignore').Ignore;
/** `ignore()` factory, whichever way the package exports it. */
export const makeIgnore = (options?: import('ignore').Options): import('ignore').Ignore => {
  const m = load<IgnoreFactory & { default?: IgnoreFactory }>('ignore');
  return (m.default ?? m)(options);
};

/**
 * The optional packages (package.json `optionalDependencies`: `npm i --omit=optional` leaves them out, and
 * scanning never needs them) and what needs each, for the one-line message when one is missing.
 */
const OPTIONAL_PACKAGES: Record<string, string> = {
  typescript: 'migrate (rewriting JavaScript and TypeScript)',
  'web-tree-sitter': 'migrate (rewriting Python)',
  'tree-sitter-python': 'migrate (rewriting Python)',
  '@aws-sdk/client-secrets-manager': 'the AWS Secrets Manager backend (migrate, run, verify-refs)',
  pg: 'verifying PostgreSQL credentials',
  mysql2: 'verifying MySQL credentials',
  mongodb: 'verifying MongoDB credentials',
};

/**
 * When `e` is Node's "cannot find module" for one of the optional packages: the message saying what needs
 * it and how to install it. Undefined for any other error.
 */
export function missingOptionalPackage(e: unknown): string | undefined {
  const err = e as NodeJS.ErrnoException | undefined;
  if (err?.code !== 'MODULE_NOT_FOUND' && err?.code !== 'ERR_MODULE_NOT_FOUND') return undefined;
  const first = String(err.message ?? '').split('\n')[0]!;
  const name = Object.keys(OPTIONAL_PACKAGES).find((n) => first.includes(`'${n}'`) || first.includes(`'${n}/`));
  if (!name) return undefined;
  const spec = `${name}@${dependencyRange(name) ?? 'latest'}`;
  return `${OPTIONAL_PACKAGES[name]} needs the optional package ${name}, which is not installed (npm --omit=optional leaves it out): install it where secret-sweep is installed, e.g. npm i ${JSON.stringify(spec)}`;
}

/** For `.catch()` on a lazy import: a missing optional package becomes its one-line SweepError; others pass. */
export function optionalMissing(e: unknown): never {
  const message = missingOptionalPackage(e);
  throw message ? new SweepError(message) : e;
}

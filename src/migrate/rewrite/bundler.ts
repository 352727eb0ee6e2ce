/**
 * Whether a Node package's code goes through a bundler before it runs (esbuild, webpack, rollup, tsup,
 * ncc, parcel). A bundler decides the output format, not Node: esbuild refuses a top-level `await` in a
 * CommonJS bundle ("Top-level await is currently not supported with the cjs output format"), webpack
 * and rollup only with options. So a value in a bundled package's top level uses the synchronous
 * helper, which every output format runs.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { packageJsonFinder } from './package-deps.js';

const BUNDLERS = ['esbuild', 'webpack', 'rollup', 'tsup', '@vercel/ncc', 'parcel'] as const;
const CONFIG_FILE = /^(webpack|rollup|tsup|esbuild)\.config\.(c|m)?(j|t)s$/;

/** Pure: the bundler a package.json (its parsed text) and the names of its folder's files name, or undefined. */
export function packageBundler(pj: Record<string, unknown>, dirFiles: readonly string[]): string | undefined {
  const scripts = Object.values((pj.scripts as Record<string, unknown> | null) ?? {}).filter((s): s is string => typeof s === 'string');
  const named = scripts.flatMap((s) => {
    const m = /(?:^|[\s;&|/])(esbuild|webpack|rollup|tsup|ncc|parcel)(?=\s|$)/.exec(s);
    return m ? [{ bundler: m[1]!, script: s }] : [];
  });
  // `esbuild --format=esm` keeps ES modules, where a top-level await works.
  const cjs = named.find((n) => !(n.bundler === 'esbuild' && /--format[= ]esm\b/.test(n.script)));
  if (cjs) return `${cjs.bundler} (its build script: ${cjs.script})`;
  if (named.length) return undefined;
  const config = dirFiles.find((f) => CONFIG_FILE.test(f));
  if (config) return `${config.split('.')[0]} (${config})`;
  const deps = ['dependencies', 'devDependencies'].flatMap((k) => Object.keys((pj[k] as object | null) ?? {}));
  const dep = BUNDLERS.find((b) => deps.includes(b));
  return dep ? `${dep} (a dependency)` : undefined;
}

/** For a file (relative to `root`), why the nearest package.json's build bundles it, or undefined. */
export function bundlerFinder(root: string): (file: string) => string | undefined {
  return packageJsonFinder(root, (json, dir) => {
    const b = json && packageBundler(json, CONFIG_FILES.filter((f) => existsSync(path.join(root, dir, f))));
    return b ? `${path.posix.join(dir, 'package.json')} bundles it with ${b}` : undefined;
  });
}

const CONFIG_FILES = ['webpack', 'rollup', 'tsup', 'esbuild'].flatMap((b) =>
  ['js', 'cjs', 'mjs', 'ts', 'mts', 'cts'].map((e) => `${b}.config.${e}`));

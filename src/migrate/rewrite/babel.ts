/**
 * Whether Babel compiles a Node package's code before it runs (`@babel/register`, `babel-node`, a `babel`
 * build to dist/): its ES module syntax in a package without `"type": "module"` becomes CommonJS
 * `require()` calls, which cannot load the `.mjs` helper (an Express boilerplate run with
 * `nodemon --exec babel-node` failed: "resolveEnvSync is not a function"). Such files import the `.cjs`
 * helper by name instead, which Babel's output requires and Node's own ES module loader imports alike.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { packageJsonFinder } from './package-deps.js';

const PACKAGES = ['@babel/register', '@babel/node', '@babel/cli', '@babel/core', 'babel-register', 'babel-cli', 'babel-core'];
const CONFIGS = ['.babelrc', '.babelrc.json', '.babelrc.js', '.babelrc.cjs', 'babel.config.js', 'babel.config.json', 'babel.config.cjs', 'babel.config.mjs'];

/** Pure: a package.json (parsed) and the names of its folder's files say Babel compiles the package. */
export function packageUsesBabel(pj: Record<string, unknown>, dirFiles: readonly string[]): boolean {
  const deps = ['dependencies', 'devDependencies'].flatMap((k) => Object.keys((pj[k] as object | null) ?? {}));
  const scripts = Object.values((pj.scripts as Record<string, unknown> | null) ?? {}).filter((s): s is string => typeof s === 'string');
  return deps.some((d) => PACKAGES.includes(d)) || scripts.some((s) => /(?:^|[\s;&|/])babel(-node)?(?=\s|$)|@babel\/register/.test(s))
    || dirFiles.some((f) => CONFIGS.includes(f)) || 'babel' in pj;
}

/** For a file (relative to `root`), whether the nearest package.json's package is compiled by Babel. */
export function babelFinder(root: string): (file: string) => boolean {
  const find = packageJsonFinder(root, (json, dir) => json !== undefined && packageUsesBabel(json, CONFIGS.filter((f) => existsSync(path.join(root, dir, f)))));
  return (file) => find(file) === true;
}

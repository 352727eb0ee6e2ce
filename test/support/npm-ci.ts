import { existsSync, mkdirSync, readFileSync, realpathSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const NODE_MODULES = realpathSync(fileURLToPath(new URL('../../node_modules', import.meta.url)));

/**
 * `npm ci` in a package folder, offline: it gets exactly the dependencies its package.json declares,
 * linked from this project's node_modules (a migrated package that forgot one fails as it would deployed).
 * `withDev`: its devDependencies too (a build step: tsc, esbuild).
 */
export function installDeclaredDeps(dir: string, withDev = false): void {
  const pj = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
  for (const dep of Object.keys({ ...pj.dependencies, ...(withDev ? pj.devDependencies : {}) })) {
    const target = join(dir, 'node_modules', dep);
    mkdirSync(dirname(target), { recursive: true });
    if (existsSync(join(NODE_MODULES, dep)) && !existsSync(target)) symlinkSync(join(NODE_MODULES, dep), target);
  }
}

/**
 * Whether `tsc` accepts a top-level `await` in a TypeScript file, from the tsconfig.json that compiles it.
 * TS1378: only with `module` es2022/esnext/system/node16+/nodenext/preserve AND `target` es2017 or later;
 * a package of `"type": "module"` compiled with `module: ES2020` runs as ESM but does not compile with one.
 */
import path from 'node:path';
import type * as TS from 'typescript';
import { typescript } from './javascript.js';

/** Pure: the compiler options (as parsed, defaults not filled in) allow a top-level await. */
export function tsAllowsTopLevelAwait(options: TS.CompilerOptions): boolean {
  const ts = typescript();
  const M = ts.ModuleKind;
  const target = options.target ?? ts.ScriptTarget.ES5; // tsc 5's default
  const module = options.module ?? (target >= ts.ScriptTarget.ES2015 ? M.ES2015 : M.CommonJS);
  const moduleOk = module === M.ES2022 || module === M.ESNext || module === M.System || module === M.Preserve
    || (module >= M.Node16 && module <= M.NodeNext);
  return moduleOk && target >= ts.ScriptTarget.ES2017;
}

/**
 * For a file (relative to `root`), whether its nearest tsconfig.json (inside the root, `extends` followed)
 * allows a top-level await; undefined when no tsconfig.json compiles it (run by tsx or a bundler: unknown)
 * or it cannot be read.
 */
export function tsTopLevelAwaitFinder(root: string): (file: string) => boolean | undefined {
  // The compiler (~150 ms to load) only once a TypeScript file asks: most migrations have none.
  const absRoot = path.resolve(root);
  const cache = new Map<string, boolean | undefined>();
  return (file) => {
    const ts = typescript();
    let dir = path.dirname(path.join(absRoot, file));
    for (; dir.startsWith(absRoot); dir = path.dirname(dir)) {
      const config = path.join(dir, 'tsconfig.json');
      if (cache.has(config)) return cache.get(config);
      if (!ts.sys.fileExists(config)) {
        if (dir === absRoot) break;
        continue;
      }
      let allowed: boolean | undefined;
      const read = ts.readConfigFile(config, ts.sys.readFile);
      if (!read.error) allowed = tsAllowsTopLevelAwait(ts.parseJsonConfigFileContent(read.config, ts.sys, dir).options);
      cache.set(config, allowed);
      return allowed;
    }
    return undefined;
  };
}

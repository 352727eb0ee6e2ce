/**
 * The TypeScript compiler (its parser reads JS and TS for the rewriters and the plan), loaded on first use.
 * Compiling its 9 MB was ~150 ms of a migrate run that has JavaScript or TypeScript; it is loaded through
 * V8's code cache as the hook bundle is (bin/precompiled.js), the cache kept beside that bundle
 * (dist/bundle/typescript.v8-cache, named by the compiler's path, size and mtime). Without the launcher
 * (sources run by the tests) or on any failure to set that up, a plain require.
 */
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as TS from 'typescript';

const requireCjs = createRequire(import.meta.url);
let tsLib: typeof TS | undefined;

export function typescript(): typeof TS {
  tsLib ??= load();
  return tsLib;
}

interface Precompiled {
  requireWithCodeCache(file: string, opts: { name: string; cacheFile: string }): { exports: unknown; saveCache(): void };
}

function load(): typeof TS {
  const file = requireCjs.resolve('typescript');
  // This package's root: the folder above dist/ (built) or src/ (tests) holding bin/precompiled.js.
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'bin', 'precompiled.js')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  const launcher = path.join(dir, 'bin', 'precompiled.js');
  const bundles = path.join(dir, 'dist', 'bundle');
  if (!existsSync(launcher) || !existsSync(bundles)) return requireCjs('typescript') as typeof TS;
  let loaded: { exports: unknown; saveCache(): void };
  try {
    const st = statSync(file);
    const { requireWithCodeCache } = requireCjs(launcher) as Precompiled;
    loaded = requireWithCodeCache(file, { name: `${file} ${st.size} ${st.mtimeMs}`, cacheFile: path.join(bundles, 'typescript.v8-cache') });
  } catch {
    return requireCjs('typescript') as typeof TS;
  }
  const ts = loaded.exports as typeof TS;
  if (typeof ts?.createSourceFile !== 'function') return requireCjs('typescript') as typeof TS;
  loaded.saveCache();
  return ts;
}

/**
 * Libraries loaded on first use, not at start-up: a pre-commit scan with no config file never needs the
 * YAML parser or the glob walker, and loading them costs more than the scan. A plain CommonJS require
 * (made with createRequire, which bundlers leave alone) keeps the call sites synchronous.
 */
import { createRequire } from 'node:module';

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
export const fsWalk = () => load<typeof import('@nodelib/fs.walk')>('@nodelib/fs.walk');
type IgnoreFactory = () => import('ignore').Ignore;
/** `ignore()` factory, whichever way the package exports it. */
export const makeIgnore = (): import('ignore').Ignore => {
  const m = load<IgnoreFactory & { default?: IgnoreFactory }>('ignore');
  return (m.default ?? m)();
};

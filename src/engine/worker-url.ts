/**
 * Where a worker thread's compiled module is: next to the calling module (dist/engine, or dist/bundle where
 * the bundler put it), else in dist/engine when running from the TypeScript sources (tests).
 * Undefined when neither exists (callers then detect on the main thread).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function compiledWorkerUrl(file: string, from: string): URL | undefined {
  for (const rel of [`./${file}`, `../../dist/engine/${file}`]) {
    try {
      const u = new URL(rel, from);
      if (existsSync(fileURLToPath(u))) return u;
    } catch {
      // not a file: URL
    }
  }
  return undefined;
}

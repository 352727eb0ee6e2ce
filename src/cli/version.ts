import { readFileSync } from 'node:fs';

let cached: string | undefined;

/** The package version, read from package.json next to dist/. */
export function version(): string {
  if (!cached) {
    try {
      cached = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version as string;
    } catch {
      cached = '0.0.0';
    }
  }
  return cached;
}

/** The version range this package declares for `dependency` (what a generated helper needs), or undefined. */
export function dependencyRange(dependency: string): string | undefined {
  try {
    const pj = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as Record<'dependencies' | 'optionalDependencies', Record<string, string> | undefined>;
    return pj.dependencies?.[dependency] ?? pj.optionalDependencies?.[dependency];
  } catch {
    return undefined;
  }
}

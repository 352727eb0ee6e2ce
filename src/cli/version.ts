import { readFileSync } from 'node:fs';

let cached: { pj: Record<string, unknown> | undefined } | undefined;

/** package.json next to dist/, read once per process (a scan's report asks for it more than once). */
function packageJson(): Record<string, unknown> | undefined {
  if (cached) return cached.pj;
  try {
    cached = { pj: JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as Record<string, unknown> };
  } catch {
    cached = { pj: undefined };
  }
  return cached.pj;
}

/**
 * The project's web page from package.json: `homepage`, else `repository` (a URL, `{ url }`, or npm's
 * `github:owner/name` / `owner/name` shorthand) as an https URL; undefined when it names neither (the
 * reports then keep their default rather than a made-up address).
 */
export function projectUrl(pj: Record<string, unknown> | undefined = packageJson()): string | undefined {
  const home = typeof pj?.homepage === 'string' ? pj.homepage.trim() : '';
  if (/^https?:\/\/\S+$/.test(home)) return home;
  const repo = pj?.repository;
  const raw = (typeof repo === 'string' ? repo : typeof repo === 'object' && repo !== null ? (repo as { url?: unknown }).url : undefined) as unknown;
  if (typeof raw !== 'string') return undefined;
  const url = raw.trim();
  const short = /^(?:(github|gitlab|bitbucket):)?([\w.-]+\/[\w.-]+)$/.exec(url);
  if (short) return `https://${short[1] === 'gitlab' ? 'gitlab.com' : short[1] === 'bitbucket' ? 'bitbucket.org' : 'github.com'}/${short[2]!.replace(/\.git$/, '')}`;
  const web = /^(?:git\+)?(?:https?|git|ssh):\/\/(?:[^@/]+@)?([^/:]+)(?::\d+)?\/(.+?)(?:\.git)?\/?$/.exec(url) ?? /^git@([^:]+):(.+?)(?:\.git)?$/.exec(url);
  return web ? `https://${web[1]}/${web[2]}` : undefined;
}

/** The package version, read from package.json next to dist/. */
export function version(): string {
  const v = packageJson()?.version;
  return typeof v === 'string' ? v : '0.0.0';
}

/** The version range this package declares for `dependency` (what a generated helper needs), or undefined. */
export function dependencyRange(dependency: string): string | undefined {
  const pj = packageJson() as Record<'dependencies' | 'optionalDependencies', Record<string, string> | undefined> | undefined;
  return pj?.dependencies?.[dependency] ?? pj?.optionalDependencies?.[dependency];
}

/**
 * Next.js loads its project's `.env`, `.env.local`, `.env.<mode>` and `.env.<mode>.local` itself (@next/env,
 * in `next dev`, `next build`, `next start`), keeping a variable already set. A reference written there
 * reaches the server code as text, worse than elsewhere: its dotenv-expand turns a `${sm://NAME#KEY}` inside a
 * value into `://NAME#KEY}` and its parser cuts an unquoted `sm://NAME#KEY` at `#`. The load runs inside
 * Next before any code of the project, so there is no place to add the resolution: the report names the
 * files and the scripts to start under `secret-sweep run` (which sets the variables first, so Next keeps them).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const NEXT_ENV = /^\.env(?:\.(?:local|development|production|test)(?:\.local)?)?$/;
const NEXT_SCRIPT = /(?:^|[\s;&|(/])next\s+(?:dev|build|start)\b/;

/** One note per Next.js project whose env files (of `envFiles`, those holding references) Next would load. */
export function nextEnvNotes(root: string, envFiles: ReadonlySet<string>): string[] {
  const byDir = new Map<string, string[]>();
  for (const f of envFiles) {
    if (!NEXT_ENV.test(path.posix.basename(f))) continue;
    const dir = path.posix.dirname(f);
    byDir.set(dir, [...(byDir.get(dir) ?? []), f]);
  }
  const out: string[] = [];
  for (const [dir, files] of byDir) {
    let pkg: { dependencies?: Record<string, unknown>; devDependencies?: Record<string, unknown>; scripts?: Record<string, unknown> };
    try {
      const p = path.join(root, dir, 'package.json');
      pkg = existsSync(p) ? (JSON.parse(readFileSync(p, 'utf8')) as typeof pkg) ?? {} : {};
    } catch {
      continue;
    }
    if (!pkg.dependencies?.next && !pkg.devDependencies?.next) continue;
    const scripts = Object.entries(pkg.scripts ?? {}).filter(([, cmd]) => NEXT_SCRIPT.test(String(cmd))).map(([name]) => name);
    const run = scripts.length ? `: \`secret-sweep run -- npm run ${scripts.join('`, `secret-sweep run -- npm run ')}\`` : ': `secret-sweep run -- next build` and `next start` alike';
    out.push(`${dir === '.' ? 'package.json' : `${dir}/package.json`}: Next.js loads ${files.sort().join(', ')} itself (next dev, build, start) and would read the sm:// references as text (its variable expansion also breaks a \${sm://…} inside a value): start it under secret-sweep run, which sets the variables first (Next keeps them)${run}`);
  }
  return out;
}

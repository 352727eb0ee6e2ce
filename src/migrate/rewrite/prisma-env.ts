/**
 * Prisma before version 7: the Prisma CLI (`prisma migrate deploy`, `db push`, `generate`, …) and Prisma
 * Client load `.env` themselves (the project root's, the schema's folder's, `./prisma/`'s), keeping a
 * variable already set. A datasource's `env("VAR")` whose VAR is now a `sm://` reference in such a .env
 * reaches them as text unless something resolved it first. No code of the project runs inside the CLI, so
 * there is no place to add the resolution: the report names the schema, the variable and the package.json
 * scripts that call the CLI, to start under `secret-sweep run` (which sets the variable, so Prisma keeps it).
 * Prisma 7 loads no .env (its prisma.config.ts does, with dotenv: resolved like any module's load).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { repoTexts } from './repo-texts.js';
import { nearestPackageDir } from './package-deps.js';

const DATASOURCE_ENV = /\b(?:url|directUrl|shadowDatabaseUrl)\s*=\s*env\(\s*"([A-Za-z_][A-Za-z0-9_]*)"\s*\)/g;
/** A script that runs the Prisma CLI: `prisma migrate deploy`, `npx prisma db push`, `prisma generate`. */
const CLI_SCRIPT = /(?:^|[\s;&|(/])prisma\s+(?:migrate|db|generate|studio|validate|format|introspect)\b/;

/** One note per schema variable that a .env of `envFiles` (their current text from `read`) now holds as a reference. */
export function prismaEnvNotes(root: string, envFiles: ReadonlySet<string>, read: (file: string) => string | undefined): string[] {
  if (!envFiles.size) return [];
  const out: string[] = [];
  for (const schema of repoTexts(root, (f) => /\.prisma$/.test(f), (t) => t.includes('env('))) {
    const dir = nearestPackageDir(schema.file, (rel) => existsSync(path.join(root, rel)));
    if (dir === undefined) continue;
    const pkg = packageJson(root, dir);
    const range = String(pkg.dependencies?.prisma ?? pkg.devDependencies?.prisma ?? pkg.dependencies?.['@prisma/client'] ?? '');
    const major = Number(/\d+/.exec(range)?.[0] ?? NaN);
    if (major >= 7) continue;
    const scripts = Object.entries(pkg.scripts ?? {}).filter(([, cmd]) => CLI_SCRIPT.test(String(cmd))).map(([name]) => name);
    const candidates = [...new Set([path.posix.join(dir, '.env'), path.posix.join(path.posix.dirname(schema.file), '.env'), path.posix.join(dir, 'prisma', '.env')])];
    for (const variable of new Set([...schema.text.matchAll(DATASOURCE_ENV)].map((m) => m[1]!))) {
      const envFile = candidates.find((f) => envFiles.has(f) && new RegExp(`^\\s*(?:export\\s+)?${variable}\\s*=.*sm://`, 'm').test(read(f) ?? ''));
      if (!envFile) continue;
      const run = scripts.length ? ` (package.json scripts that call it: ${scripts.join(', ')}; e.g. \`secret-sweep run -- npm run ${scripts[0]}\`)` : '';
      out.push(`${schema.file}: ${variable} (env("${variable}")) is a sm:// reference in ${envFile} now, which the Prisma CLI before version 7 loads itself and reads as text: run its commands under \`secret-sweep run -- npx prisma …\`${run}. Prisma Client gets the value where the program resolved .env before creating it (a dotenv load this run made resolve); otherwise start the program the same way`);
    }
  }
  return out;
}

function packageJson(root: string, dir: string): { dependencies?: Record<string, unknown>; devDependencies?: Record<string, unknown>; scripts?: Record<string, unknown> } {
  try {
    const p: unknown = JSON.parse(readFileSync(path.join(root, dir, 'package.json'), 'utf8'));
    return p !== null && typeof p === 'object' ? p : {};
  } catch {
    return {};
  }
}

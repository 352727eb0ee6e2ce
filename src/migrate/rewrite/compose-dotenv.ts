/**
 * The `.env` beside a compose file, which docker compose reads to interpolate the compose file: in an
 * unquoted or double-quoted value, compose expands `$NAME` and `${…}` (a single-quoted value is literal;
 * Compose's env-file syntax page). A value holding such a `$` reached the containers as something
 * other than its text, so neither text is known to be the secret: it is left for a human.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const COMPOSE_FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'];

/** Whether `file` (relative to `root`) is the `.env` compose reads for the compose file beside it. */
export function isComposeProjectEnv(root: string, file: string): boolean {
  if (path.posix.basename(file) !== '.env') return false;
  const dir = path.posix.dirname(file);
  return COMPOSE_FILES.some((c) => existsSync(path.join(root, dir, c)));
}

/**
 * Why compose would not hand this line's value on as written, or undefined. `root`/`file` given: a variable
 * no compose file beside the .env names reached no container, so the reason says what else reads it.
 */
export function composeInterpolationReason(line: string, root?: string, file?: string): string | undefined {
  const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(.*)$/.exec(line);
  if (!m || m[2]!.startsWith("'")) return undefined;
  if (!/\$(?:\{|[A-Za-z_])/.test(m[2]!)) return undefined;
  if (root !== undefined && file !== undefined && !composeNames(root, file, m[1]!)) {
    return `docker compose interpolates \`$NAME\` / \`\${…}\` in an unquoted or double-quoted .env value, and no compose file beside it uses ${m[1]}, while a program loading the .env itself (Node's dotenv) reads the text as written: which one is the secret is not known`;
  }
  return 'docker compose interpolates `$NAME` / `${…}` in an unquoted or double-quoted .env value, so the containers saw other text than the file holds: which one is the secret is not known';
}

/** Whether a compose file beside the .env names the variable (`$NAME`, `${NAME…}`); unreadable counts as yes. */
function composeNames(root: string, file: string, name: string): boolean {
  const dir = path.join(root, path.posix.dirname(file));
  const uses = new RegExp(`\\$\\{?${name.replace(/\./g, '\\.')}(?![A-Za-z0-9_])`);
  return COMPOSE_FILES.some((c) => {
    if (!existsSync(path.join(dir, c))) return false;
    try {
      return uses.test(readFileSync(path.join(dir, c), 'utf8'));
    } catch {
      return true;
    }
  });
}

export const COMPOSE_INTERPOLATION_SUGGESTION = "if the `$` is part of the secret, single-quote the value ('…': compose takes it literally, as the containers will then get it) and run secret-sweep migrate again; if it names a variable, write out the value the containers saw";

/**
 * The lines where the dotenv rewriter put a reference inside a value (`postgres://u:${sm://…}@h/db`):
 * compose reads `${sm:` as an invalid interpolation and refuses the whole file.
 */
export function embeddedReferenceLines(text: string, edits: ReadonlyArray<{ start: number; replacement: string }>): Set<number> {
  const lineOf = (offset: number) => text.slice(0, offset).split('\n').length;
  return new Set(edits.filter((e) => e.replacement.includes('${sm://')).map((e) => lineOf(e.start)));
}

export const COMPOSE_EMBEDDED_REASON = 'docker compose reads this .env to interpolate the compose file and refuses `${sm://…}` inside a value (an invalid interpolation format)';
export const COMPOSE_EMBEDDED_SUGGESTION = 'store the whole value (the URL) as the secret and give the line `NAME=sm://…` for `secret-sweep run -- docker compose …`, or build the value in the compose file from parts (`postgres://app:${DB_PASSWORD}@db/app`) and migrate again';

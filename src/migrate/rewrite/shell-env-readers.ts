/**
 * Commands that read a `.env`-style file themselves, so that an `sm://` reference written into it would
 * reach the program as its value even under `secret-sweep run`:
 * - shell: `. ./.env`, `source .env` (often inside `set -a`) assign the file's text over the variable that
 *   `secret-sweep run` put in the environment; `export $(cat .env | xargs)`, `while read … < .env`,
 *   `docker run --env-file .env`: the text, literally;
 * - make's `include .env` (`-include`, `sinclude`): a makefile variable beats the environment one, and
 *   `export` hands it to every recipe;
 * - a Dockerfile's `COPY .env …`: the image holds the file, and no `secret-sweep run` runs inside it;
 * - package.json scripts: `env-cmd -f .env node app.js` (env-cmd overrides the environment by default).
 * Any line of such a file that names the env file (by its base name, as a path word) counts as a read,
 * except Node's own `node --env-file=.env` (the environment wins over the file): cautious, like the
 * Python analysis (python-env-readers.ts), because a wrong "fine" breaks the program while a wrong
 * "literal" only leaves the value for a human.
 */
import { openSync, readSync, closeSync } from 'node:fs';
import path from 'node:path';
import type { LiteralEnvRead, PythonSource } from './python-env-readers.js';
import { repoTexts } from './repo-texts.js';

const SHELL_EXT = /\.(sh|bash|zsh|ksh|mk)$/i;
const MAKEFILE = /^(GNUmakefile|makefile|Makefile)$/;
const DOCKERFILE = /^(Dockerfile|Containerfile)(\..+)?$|\.(Dockerfile|Containerfile)$/i;
const SHELL_SHEBANG = /^#!\s*\S*\/(?:env\s+)?(?:ba|z|k|da)?sh\b/;

/** Whether a repository file holds commands: a shell script (by name, or an extensionless file's shebang), a makefile, a Dockerfile, a package.json (its scripts). */
function holdsCommands(root: string, file: string): boolean {
  const base = path.posix.basename(file);
  if (SHELL_EXT.test(base) || MAKEFILE.test(base) || DOCKERFILE.test(base) || base === '.envrc' || base === 'package.json') return true;
  if (base.includes('.')) return false;
  try {
    const fd = openSync(path.join(root, file), 'r');
    try {
      const head = Buffer.alloc(64);
      const n = readSync(fd, head, 0, 64, 0);
      return SHELL_SHEBANG.test(head.subarray(0, n).toString('latin1'));
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
}

/** The repository's files that hold commands (above). */
export function shellSourcesOf(root: string): PythonSource[] {
  return repoTexts(root, (file) => holdsCommands(root, file));
}

/** How a line reads the file, for the report: named by its command, never quoted (the line may hold a value). */
function howOf(line: string, src: string): string {
  const t = line.trim();
  const base = path.posix.basename(src);
  if ((MAKEFILE.test(base) || /\.mk$/i.test(base)) && /^-?s?include\s/.test(t)) return 'make `include`';
  if (DOCKERFILE.test(base)) return `a Dockerfile \`${/^[A-Za-z]+/.exec(t)?.[0]?.toUpperCase() ?? 'instruction'}\``;
  if (base === 'package.json') return 'a package.json script';
  if (/^(?:\.|source)\s/.test(t) || /(?:^|[;&|({]\s*)(?:\.|source)\s/.test(t)) return '`.`/`source`';
  return 'a command that names it';
}

/** Text ending in the folder of the running script: `$(dirname "$0")/`, `$(cd "$(dirname "$0")" && pwd)/`, `${BASH_SOURCE%/*}/`. */
const SCRIPT_DIR = /(?:\$\(\s*dirname\s+["']?\$(?:0|\{0\}|\{BASH_SOURCE(?:\[0\])?\}|BASH_SOURCE)["']?\s*\)["']?(?:\s*(?:&&|;)\s*pwd\s*\))?|\$\{(?:0|BASH_SOURCE(?:\[0\])?)%\/\*\})["']?\/$/;

/** Where a command of a shell line starts or ends: `;`, `&&`, `||`, `|`, `(`, `then`, `do`, `else`. */
const COMMAND_BREAK = /;|&&|\|\|?|\(|\b(?:then|do|else)\b/;

/**
 * Whether the path word at [start, end) of a shell line is written there, not read: a redirection's target
 * (`> .env`), the last word of `cp`/`mv`/`install`/`ln`/a Dockerfile `COPY` (its destination), `touch`ed, or
 * only printed (`echo`, `printf`).
 * A Makefile's `.env:` recipe `cp .env.example .env` makes the file; it never reads it.
 */
function notRead(line: string, start: number, end: number): boolean {
  const before = line.slice(0, start);
  if (/(?:^|[\s\d])>>?\|?\s*["']?$/.test(before)) return true;
  const head = before.split(COMMAND_BREAK).pop()!;
  const tail = line.slice(end).split(COMMAND_BREAK)[0]!.replace(/^["']/, '');
  // `echo "No .env file found"` prints the name (a `$(cat .env)` in it is a command of its own: split above).
  if (/^\s*(?:touch|echo|printf)\s/.test(head)) return true;
  return /^\s*(?:cp|mv|install|ln|COPY|ADD)\s+\S/.test(head) && /^\s*\\?\s*$/.test(tail);
}

/**
 * Whether `line` of `src` names the env file `f` as a path: a word ending in its base name whose folder
 * part, after a `$(…)/`, `${…}/` or `$VAR/` (a folder computed at run time), is relative to the
 * source's folder or (`upwards`) one above it (the working folder a script runs in is not known:
 * cautious), or, after the script's own folder (SCRIPT_DIR), in that folder only. An absolute path
 * counts by its base name.
 */
export function namesEnvFile(line: string, f: string, src: string, upwards = true): boolean {
  const base = path.posix.basename(f).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // A path word: after a start, space, quote, `=` or `(`; before an end, space, quote, `;`, `)`, `|` or `&`.
  const word = new RegExp(`(?:^|[\\s"'\`=(])([^\\s"'\`=;|&<>]*?)${base}(?=$|[\\s"'\`;)|&])`, 'g');
  for (const m of line.matchAll(word)) {
    let folder = m[1]!;
    if (folder !== '' && !folder.endsWith('/')) continue;
    const end = m.index + m[0].length;
    if (notRead(line, end - folder.length - path.posix.basename(f).length, end)) continue;
    // The script's own folder (`$(dirname "$0")/.env`): that file and no other, whatever the working folder.
    if (SCRIPT_DIR.test(line.slice(0, m.index + m[0].length - path.posix.basename(f).length))) {
      if (path.posix.join(path.posix.dirname(src), path.posix.basename(f)) === f) return true;
      continue;
    }
    // A folder computed at run time (`$(dirname "$0")/`, `${ROOT}/`, `$DIR/`): what follows it is relative.
    folder = folder.replace(/^.*(?:[)}]|\$[A-Za-z_][A-Za-z0-9_]*)\/?/, '');
    if (folder.startsWith('/')) return true;
    for (let dir = path.posix.dirname(src); ; dir = path.posix.dirname(dir)) {
      if (path.posix.normalize(path.posix.join(dir, folder, path.posix.basename(f))) === f) return true;
      if (!upwards || dir === '.' || dir === '/' || dir === '') break;
    }
  }
  return false;
}

/** For each of `envFiles` that some shell script, makefile, Dockerfile or package.json script reads, the first such read. */
export function shellEnvReads(envFiles: readonly string[], sources: readonly PythonSource[]): Map<string, LiteralEnvRead> {
  const out = new Map<string, LiteralEnvRead>();
  for (const f of envFiles) {
    for (const src of sources) {
      if (out.has(f)) break;
      const lines = src.text.split('\n');
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i]!;
        // Node's own loader keeps a variable the environment already has.
        const read = /\b(?:node|tsx)\b/.test(line) ? line.replace(/--env-file(?:-if-exists)?(?:=|\s+)\S+/g, '') : line;
        // npm runs a package's scripts in its own folder.
        if (/^\s*#/.test(line) || !namesEnvFile(read, f, src.file, path.posix.basename(src.file) !== 'package.json')) continue;
        out.set(f, { file: src.file, line: i + 1, how: howOf(line, src.file) });
        break;
      }
    }
  }
  return out;
}

/**
 * JavaScript/TypeScript code that reads a `.env`-style file itself, so that an `sm://` reference written
 * into it would reach the program as its value even under `secret-sweep run`:
 * - `dotenv.config({ override: true })` overwrites the variable `secret-sweep run` set (without a path it
 *   reads the `.env` of the working folder: counted for every `.env` in the file's folder or above);
 * - `dotenv.config().parsed` / `const { parsed } = config()`: the values as the file holds them, the same way;
 *   so does `dotenvExpand.expand(dotenv.config())`, which expands a `${sm://…}` reference as a variable;
 * - `dotenv.parse(fs.readFileSync('.env'))`, `readFile`, `createReadStream`: the file parsed by hand.
 * `dotenv.config()` without override, `node --env-file` and `process.loadEnvFile()` keep a variable already
 * set: fine. Line-based and cautious, like python-env-readers.ts: a wrong "fine" breaks the program, a
 * wrong "literal" only leaves the value for a human.
 */
import path from 'node:path';
import type { LiteralEnvRead, PythonSource } from './python-env-readers.js';
import { namesEnvFile } from './shell-env-readers.js';
import { repoTexts } from './repo-texts.js';

const JS_FILE = /\.(c|m)?(j|t)sx?$/i;
const OVERRIDE = /\boverride\s*:\s*true\b/;
/** dotenv's result read instead of process.env (`dotenv.config().parsed`, `const { parsed } = config()`): the file's text, references unresolved. */
const PARSED = /\.parsed\b|\{\s*parsed\s*[},:]/;
/** dotenv-expand around the load (`expand(dotenv.config())`): it expands `${…}` in the values before any statement could resolve them. */
const EXPAND_AROUND = /\b(?:dotenvExpand|expand)\s*\(\s*(?:require\(\s*['"]dotenv['"]\s*\)|[\w$]+(?:\.default)?)\.config\s*\(/;
const READS_TEXT = /\b(readFileSync|readFile|createReadStream|parse)\s*\(|\boverride\s*:\s*true\b/;

/** The repository's JS/TS files (not declarations) that mention dotenv, an env file or Vite's loadEnv. */
export function jsSourcesOf(root: string): PythonSource[] {
  return repoTexts(root, (file) => JS_FILE.test(file) && !/\.d\.(c|m)?ts$/i.test(file), (text) => /dotenv|\.env\b|loadEnvFile|@nestjs\/config|\bloadEnv\b/.test(text));
}

/** For each of `envFiles` that some JS/TS source reads literally, the first such read. */
export function jsEnvReads(envFiles: readonly string[], sources: readonly PythonSource[]): Map<string, LiteralEnvRead> {
  const out = new Map<string, LiteralEnvRead>();
  for (const src of sources) {
    const lines = src.text.split('\n');
    const overrideAt = /\bdotenv\b/.test(src.text) ? lines.findIndex((l) => OVERRIDE.test(l)) : -1;
    const parsedAt = /\bdotenv\b/.test(src.text) ? lines.findIndex((l) => (PARSED.test(l) || EXPAND_AROUND.test(l)) && !/^\s*(\/\/|\*)/.test(l)) : -1;
    const dir = path.posix.dirname(src.file);
    for (const f of envFiles) {
      if (out.has(f)) continue;
      const at = lines.findIndex((l) => READS_TEXT.test(l) && !/^\s*(\/\/|\*)/.test(l) && namesEnvFile(l, f, src.file));
      if (at >= 0) {
        // The line is not quoted: it may hold a value.
        out.set(f, { file: src.file, line: at + 1, how: 'code that parses it (readFileSync/parse)' });
        continue;
      }
      const fdir = path.posix.dirname(f);
      const near = path.posix.basename(f) === '.env' && (fdir === '.' || dir === fdir || dir.startsWith(fdir + '/'));
      if (overrideAt >= 0 && near) {
        out.set(f, { file: src.file, line: overrideAt + 1, how: 'dotenv with `override: true`' });
      } else if (parsedAt >= 0 && near) {
        out.set(f, { file: src.file, line: parsedAt + 1, how: EXPAND_AROUND.test(lines[parsedAt]!) ? 'dotenv-expand around the load (it expands `${…}` in the file\'s text first)' : "dotenv's `parsed` result (the file's text, not process.env)" });
      }
    }
  }
  return out;
}

/**
 * A YAML or TOML settings file whose reader the rewriter cannot tell from the file alone ("the program
 * that loads this file is unknown") is often opened by a Python program of the same repository
 * (`yaml.safe_load(open(os.path.join(HERE, "tokens.yml")))`, `tomllib.load(open(…, "rb"))`). Such a
 * program takes every value as written, so the file stays manual either way; the report then names the
 * program and line instead of an unknown reader. Found as python-env-readers.ts finds a `.env` read
 * literally: a string literal naming the file inside `open()` / `Path()` (or beside one in that source).
 */
import type { LiteralEnvRead, PythonSource } from './python-env-readers.js';
import { literalEnvReads } from './python-env-readers.js';

export const UNKNOWN_READER = 'the program that loads this file is unknown';

/** The Python read of each of `files` (YAML, TOML) that a source opens itself. */
export function configFileReads(files: readonly string[], sources: readonly PythonSource[]): Map<string, LiteralEnvRead> {
  return literalEnvReads(files, sources);
}

export function knownReaderReason(read: LiteralEnvRead): string {
  return `${read.file}:${read.line} opens this file itself (${read.how}) and takes its values as written: a reference written here would be read as the value`;
}

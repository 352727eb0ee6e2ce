/**
 * INI files (`config.ini`, `setup.cfg`) are never rewritten: configparser, the usual reader, takes every
 * value literally (its `%(x)s` interpolation reads other options, never the environment), so a reference
 * written there would be read as the password. The value stays; the report gives the edit to make in the
 * code that reads the file, with the section and option as written. A `logging.config.fileConfig` file's
 * handler arguments are Python, not a value: logging-config.ts.
 *
 * A value with `%` in it: an interpolating `ConfigParser()` reads the file's `%%` as `%` but refuses a bare
 * `%` when the value is set (`ValueError: invalid interpolation syntax`), so the edit for a file read that
 * way escapes it — known from the program that reads the file, else from a `%%` in the value. A raw
 * reader (`RawConfigParser`, `interpolation=None`) takes a set value as it is.
 */
import { envVarName } from '../backend/env-names.js';
import { smReference } from '../run-env.js';
import type { RewriteSite } from './rewriter.js';
import { isLoggingHandlerArgs, loggingArgsManual } from './logging-config.js';

export function isIniPath(file: string): boolean {
  return /\.(ini|cfg)$/i.test(file);
}

/** The `[section]` and option that hold line `line` (1-based) of an INI text, when it reads as one. */
export function iniOptionAt(text: string, line: number): { section: string; option: string } | undefined {
  const lines = text.split(/\r?\n/);
  const m = /^\s*([^=:\s[;#][^=:]*?)\s*[=:]/.exec(lines[line - 1] ?? '');
  if (!m) return undefined;
  for (let i = line - 2; i >= 0; i--) {
    const h = /^\s*\[([^\]]+)\]/.exec(lines[i]!);
    if (h) return { section: h[1]!, option: m[1]! };
  }
  return undefined;
}

/** The program that reads an INI file (config-file-readers.ts), when known. */
export interface IniReader {
  /** Whether its parser interpolates. */
  interpolates?: boolean;
  /** Its parser's variable (`parser = configparser.ConfigParser()`), so the edit is written in its words. */
  parser?: string;
  /** `file:line` of the read. */
  at?: string;
  /** How that program imports the helper generated beside it. */
  importLine?: string;
}

export function iniManual(file: string, text: string, site: RewriteSite, helpers: boolean, reader: IniReader = {}): { reason: string; suggestion: string } {
  const { interpolates } = reader;
  const cfg = reader.parser ?? 'cfg';
  const { secretName, jsonKey } = site.ref;
  const at = iniOptionAt(text, site.line);
  if (at && isLoggingHandlerArgs(at)) return loggingArgsManual(file, text, site, at);
  // Escaped unless the reader is known not to interpolate: ConfigParser() (the default, and what most code
  // builds) refuses a bare `%` on set, and a rotated value may hold one.
  const escape = interpolates ?? true ? '.replace("%", "%%")' : '';
  const target = at ? `${cfg}[${JSON.stringify(at.section)}][${JSON.stringify(at.option)}]` : 'the option';
  // Emptied, not removed: code that reads the section by position (`"host={} ...".format(*cfg["db"].values())`)
  // would get the options in another order if the option came back last. ConfigParser refuses a bare `%` on
  // set (and reads `%%` as `%`); cfg.write() would save the value back into the file.
  const where = at ? `empty the value of \`${at.option}\` in [${at.section}] of ${file} (keep the option, so the section keeps its order)` : `empty the value in ${file}`;
  const caveat = escape
    ? `(\`.replace("%", "%%")\` because ConfigParser reads \`%%\` as \`%\`: drop it for RawConfigParser or interpolation=None; do not save the parser back to the file with \`${cfg}.write()\`)`
    : `(do not save the parser back to the file with \`${cfg}.write()\`: it would write the value into it)`;
  const variable = envVarName(secretName, jsonKey);
  const viaEnv = `start it with \`secret-sweep run -- COMMAND\` and set \`${target} = os.environ["${variable}"]${escape}\` (\`${variable}=${smReference(secretName, jsonKey)}\`)`;
  return {
    reason: `configparser reads INI values literally: a reference written here would be read as the value${escape ? ' (it is read with interpolation: `%%` is one `%`, and a value set with a bare `%` is refused, so the edit escapes it)' : ''}`,
    suggestion: helpers
      ? `${where} and set it where the program reads the file, after \`${cfg}.read(...)\`${reader.at ? ` (${reader.at})` : ''}: \`${target} = get_secret("${secretName}")${jsonKey ? `["${jsonKey}"]` : ''}${escape}\` (\`${reader.importLine ?? 'from secret_sweep_secrets import get_secret'}\`), or ${viaEnv} ${caveat}`
      : `${where} and ${viaEnv} ${caveat}`,
  };
}

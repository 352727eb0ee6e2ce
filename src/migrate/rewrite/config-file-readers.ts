/**
 * Settings files that a Python program of the repository reads itself.
 *
 * A YAML, JSON or TOML settings file whose reader the rewriter cannot tell from the file alone ("the program
 * that loads this file is unknown") is often opened by a Python program of the same repository
 * (`yaml.safe_load(open(os.path.join(HERE, "tokens.yml")))`, `json.load(open("config.json"))`, `tomllib.load(open(…, "rb"))`). Such a
 * program takes every value as written, so the file stays manual either way; the report then names the
 * program and line instead of an unknown reader. Found as python-env-readers.ts finds a `.env` read
 * literally: a string literal naming the file inside `open()` / `Path()` (or beside one in that source).
 * An INI file's reader tells whether configparser interpolates, which the INI edit depends on (ini.ts).
 */
import path from 'node:path';
import type { LiteralEnvRead, PythonSource } from './python-env-readers.js';
import { literalEnvReads } from './python-env-readers.js';
import { envVarName } from '../backend/env-names.js';
import { smReference } from '../run-env.js';
import { isIniPath } from './ini.js';
import { pythonSourcesOf } from './python-sources.js';

export const UNKNOWN_READER = 'the program that loads this file is unknown';

/**
 * Settings files named otherwise that a Python program may read with configparser (`config/config.conf`,
 * also a `config.toml` of `key=value` lines that `parser.read("config.toml")` reads, when no program opens it as TOML).
 */
export const INI_LIKE = /\.(conf|config|cnf|toml)$/i;
const TOML = /\.toml$/i;
const CONFIGPARSER = /\bConfigParser\(|\bconfigparser\b/;

/**
 * The Python read of each of `files` that a source opens itself: YAML and TOML through `open()`; an INI
 * file through configparser's own `cfg.read("…")`, so any string literal naming it counts (in the file's
 * own folder first).
 */
export function configFileReads(files: readonly string[], sources: readonly PythonSource[], configparserOnly = false): Map<string, LiteralEnvRead> {
  const ini = (f: string) => isIniPath(f) || (INI_LIKE.test(f) && !TOML.test(f));
  // (configparserOnly: without the Python parser, which the `open()` reads need.)
  const out = configparserOnly ? new Map<string, LiteralEnvRead>() : literalEnvReads(files.filter((f) => !ini(f)), sources);
  // Dynaconf's settings_files (`Dynaconf(settings_files=["settings.toml", ".secrets.toml"])`): it loads them itself.
  for (const f of files.filter((f) => /\.(toml|ya?ml|json|ini)$/i.test(f) && !out.has(f))) {
    const read = dynaconfReadOf(f, sources);
    if (read) out.set(f, read);
  }
  for (const f of files.filter((f) => ini(f) || (TOML.test(f) && !out.has(f)))) {
    const name = new RegExp(`["'](?:[^"'\\n]*[/\\\\])?${path.posix.basename(f).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}["']`);
    const dir = path.posix.dirname(f);
    // A `config.conf` is INI only to a program that hands it to configparser (nginx.conf is not).
    const readers = sources.filter((x) => name.test(x.text) && (isIniPath(f) || CONFIGPARSER.test(x.text)));
    const src = readers.find((x) => path.posix.dirname(x.file) === dir) ?? readers[0];
    if (src) out.set(f, { file: src.file, line: src.text.slice(0, src.text.search(name)).split('\n').length, how: 'configparser' });
  }
  return out;
}

export const DYNACONF = 'Dynaconf';

/**
 * The Python source that hands `file` to Dynaconf (`Dynaconf(…, settings_files=[…])`, `LazySettings(…)`,
 * a literal naming the file inside the call), preferring one in the file's own folder; Dynaconf finds a relative name from
 * the working folder and the caller's folder up, so the name alone decides.
 */
function dynaconfReadOf(file: string, sources: readonly PythonSource[]): LiteralEnvRead | undefined {
  const base = path.posix.basename(file).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const call = new RegExp(`\\b(?:Dynaconf|LazySettings)\\((?:[^()]|\\([^()]*\\))*["'](?:[^"'\\n]*[/\\\\])?${base}["']`);
  const dir = path.posix.dirname(file);
  const readers = sources.filter((x) => x.file.endsWith('.py') && call.test(x.text));
  const src = readers.find((x) => path.posix.dirname(x.file) === dir) ?? readers[0];
  if (!src) return undefined;
  return { file: src.file, line: src.text.slice(0, src.text.search(/\b(?:Dynaconf|LazySettings)\(/)).split('\n').length, how: DYNACONF };
}

/**
 * Whether a source that reads an INI file builds an interpolating `ConfigParser()` (true) or a raw one
 * (`RawConfigParser()`, `ConfigParser(interpolation=None)`: false); undefined when it builds both or neither.
 * An interpolating parser refuses a value set with a bare `%`, so the edit escapes it even when today's
 * value has none (a rotated one may).
 */
/**
 * Of `files`, the INI-like ones named otherwise (`config/config.conf`) that a Python program of the
 * repository reads with configparser: their values are stored as configparser reads them (`%%` is `%`),
 * as an `.ini`'s are. Empty without such a file (the sources are not read then).
 */
export function configparserFilesOf(root: string, files: Iterable<string>): Set<string> {
  const candidates = [...new Set(files)].filter((f) => INI_LIKE.test(f));
  if (!candidates.length) return new Set();
  return new Set([...configFileReads(candidates, pythonSourcesOf(root), true)].filter(([, r]) => r.how === 'configparser').map(([f]) => f));
}

export function configparserInterpolates(source: string): boolean | undefined {
  const interpolating = /(?<!Raw)ConfigParser\((?![^)]*interpolation\s*=\s*None)/.test(source);
  const raw = /RawConfigParser\(|interpolation\s*=\s*None/.test(source);
  return interpolating === raw ? undefined : interpolating;
}

/**
 * The import of the helper generated beside `reader` for a hand edit made there: the absolute form, or,
 * where another source imports the reader as part of a package (`from utils.constants import *` run from
 * the folder above utils/), the package's own (`from utils.secret_sweep_secrets import get_secret`): the bare name
 * resolves only with the reader's folder on sys.path.
 */
export function helperImportFor(reader: string, sources: readonly PythonSource[]): string {
  const dir = path.posix.dirname(reader);
  const mod = reader.replace(/\.py$/, '').split('/');
  if (dir === '.' || mod.some((p) => !/^[A-Za-z_]\w*$/.test(p))) return 'from secret_sweep_secrets import get_secret';
  // The module's dotted name from some folder up (`footy/utils/constants.py` imported as `utils.constants`), longest first.
  for (let i = 0; i < mod.length - 1; i++) {
    const dotted = mod.slice(i).join('\\.');
    const parent = mod.slice(i, -1).join('\\.');
    const last = mod[mod.length - 1]!;
    // `from proj.settings import X`, `import proj.settings`, `from proj import settings`, or the dotted name as a
    // string (Django's DJANGO_SETTINGS_MODULE = "proj.settings", importlib.import_module("proj.settings")).
    const asPackage = new RegExp(`^[ \\t]*(?:from\\s+${dotted}\\s+import\\b|import\\s+${dotted}\\b|from\\s+${parent}\\s+import\\s+[^\\n]*\\b${last}\\b)|["']${dotted}["']`, 'm');
    if (sources.some((x) => x.file !== reader && asPackage.test(x.text))) return `from ${mod.slice(i, -1).join('.')}.secret_sweep_secrets import get_secret`;
  }
  return 'from secret_sweep_secrets import get_secret';
}

export function knownReaderReason(read: LiteralEnvRead): string {
  if (read.how === DYNACONF) return `${read.file}:${read.line} loads this file with Dynaconf (settings_files), which takes its values as written: a reference written here would be read as the value`;
  return `${read.file}:${read.line} opens this file itself (${read.how}) and takes its values as written: a reference written here would be read as the value`;
}

/**
 * The edit for a YAML/JSON value that a Python program of the repository loads itself (`yaml.safe_load`,
 * `json.load`): the program takes the file's values as written, so the value is emptied in the file and set
 * after the load, from the generated helper or a `secret-sweep run` variable. `keyPath` is the value's keys
 * from the document root; the loaded object's name is the program's own when one assignment names it.
 */
export function knownReaderEdit(file: string, keyPath: ReadonlyArray<string | number>, ref: { secretName: string; jsonKey?: string },
  read: LiteralEnvRead, readerText: string | undefined, helpers: boolean, importLine = 'from secret_sweep_secrets import get_secret'): string {
  if (read.how === DYNACONF) return dynaconfEdit(file, keyPath.map(String), ref, read, readerText, helpers, importLine);
  const load = /([A-Za-z_]\w*)\s*=\s*((?:yaml|json|ruamel\.yaml)\.(?:safe_load|full_load|unsafe_load|load)\([^)\n]*\))/.exec(readerText ?? '');
  const name = load?.[1] ?? 'data';
  const target = `${name}${keyPath.map((k) => `[${JSON.stringify(k)}]`).join('')}`;
  const key = String(keyPath[keyPath.length - 1]);
  const variable = envVarName(ref.secretName, ref.jsonKey);
  const after = `after \`${load ? `${load[1]} = ${load[2]}` : `${name} = yaml.safe_load(f)`}\` (${read.file})`;
  const viaEnv = `start it with \`secret-sweep run -- COMMAND\` and set \`${target} = os.environ["${variable}"]\` ${after} (\`${variable}=${smReference(ref.secretName, ref.jsonKey)}\`)`;
  const empty = `set \`${key}\` to "" in ${file} (keep the key, so the mapping keeps its order)`;
  return helpers
    ? `${empty} and set it ${after}: \`${target} = get_secret("${ref.secretName}")${ref.jsonKey ? `["${ref.jsonKey}"]` : ''}\` (\`${importLine}\`, generated beside it), or ${viaEnv}`
    : `${empty} and ${viaEnv}`;
}

/**
 * The edit for a value in a file Dynaconf loads: the key removed from the file and set on the settings object right
 * after it is built (`settings.set("KEY", get_secret(…)[…])`, a dotted key for a nested table; with
 * `environments=True` the first table is the environment, which set() leaves to the current one), or, under
 * `secret-sweep run`, the variable Dynaconf reads over its files (`DYNACONF_KEY`, its envvar_prefix when set,
 * `__` between nested keys).
 */
export function dynaconfEdit(file: string, keys: readonly string[], ref: { secretName: string; jsonKey?: string },
  read: LiteralEnvRead, readerText: string | undefined, helpers: boolean, importLine: string): string {
  const text = readerText ?? '';
  const built = /([A-Za-z_]\w*)\s*(?::[^=\n]*)?=\s*(?:dynaconf\.)?(?:Dynaconf|LazySettings)\(/.exec(text);
  const name = built?.[1] ?? 'settings';
  const call = text.slice(built?.index ?? 0);
  const inEnvs = /\benvironments\s*=\s*True\b/.test(call.slice(0, 2000));
  const own = inEnvs && keys.length > 1 ? keys.slice(1) : keys;
  const dotted = own.join('.');
  const prefix = /\benvvar_prefix\s*=\s*["']([^"']*)["']/.exec(call.slice(0, 2000))?.[1] ?? 'DYNACONF';
  const variable = `${prefix ? `${prefix}_` : ''}${own.map((k, i) => (i === 0 ? k.toUpperCase() : k)).join('__')}`;
  const where = `remove \`${keys[keys.length - 1]}\`${keys.length > 1 ? ` from [${keys.slice(0, -1).join('.')}]` : ''} from ${file}`;
  const after = `right after \`${name} = ${/LazySettings\(/.test(call.slice(0, 40)) ? 'LazySettings' : 'Dynaconf'}(…)\` (${read.file}:${read.line})`;
  const viaEnv = /\benvvar_prefix\s*=\s*False\b/.test(call.slice(0, 2000)) ? undefined
    : `start it with \`secret-sweep run -- COMMAND\` and \`${variable}=${smReference(ref.secretName, ref.jsonKey)}\` in secret-sweep.refs (Dynaconf takes ${prefix || 'its'}_-prefixed variables over its files, and reads their values as TOML: one that looks like a number or a boolean changes type)`;
  const value = `get_secret("${ref.secretName}")${ref.jsonKey ? `["${ref.jsonKey}"]` : ''}`;
  if (!helpers) return viaEnv ? `${where} and ${viaEnv}` : `${where} and set it ${after}: \`${name}.set("${dotted}", …)\``;
  return `${where} and set it ${after}: \`${name}.set("${dotted}", ${value})\` (\`${importLine}\`, generated beside it)${viaEnv ? `, or ${viaEnv}` : ''}`;
}

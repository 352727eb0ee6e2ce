/**
 * TOML settings files (`settings.toml`, `config.toml`) are never rewritten: their readers (`tomllib`,
 * `toml`, `tomlkit`) take every string literally and expand no environment variable, so a reference
 * written there would be read as the value. The value stays; the report gives the edit to make where the
 * program loads the file, with the table and key as written.
 */
import { envVarName } from '../backend/env-names.js';
import { smReference } from '../run-env.js';
import type { RewriteSite } from './rewriter.js';
import { iniOptionAt } from './ini.js';
import { DYNACONF, dynaconfEdit, knownReaderReason } from './config-file-readers.js';
import type { LiteralEnvRead } from './python-env-readers.js';

export function isTomlPath(file: string): boolean {
  return /\.toml$/i.test(file);
}

/** Streamlit's secrets file, which `st.secrets` and `st.connection` read (the working folder's `.streamlit/`). */
const STREAMLIT_SECRETS = /(^|\/)\.streamlit\/secrets\.toml$/;

export function isStreamlitSecrets(file: string): boolean {
  return STREAMLIT_SECRETS.test(file);
}

export function tomlManual(file: string, text: string, site: RewriteSite, helpers: boolean, reader?: LiteralEnvRead,
  readerSource?: { text: string; importLine: string }): { reason: string; suggestion: string } {
  if (isStreamlitSecrets(file)) return streamlitManual(file, text, site, helpers);
  const { secretName, jsonKey } = site.ref;
  // `[table]` and `key = "…"` read as INI's section and option; a dotted table is one subscript per part.
  const at = iniOptionAt(text, site.line);
  const path = at ? [...at.section.split('.').map((x) => x.trim().replace(/^"(.*)"$/, '$1')), at.option.replace(/^"(.*)"$/, '$1')] : undefined;
  const rootKey = at ? undefined : /^\s*("[^"]+"|[A-Za-z0-9_-]+)\s*=/.exec(text.split(/\r?\n/)[site.line - 1] ?? '')?.[1]?.replace(/^"(.*)"$/, '$1');
  if (reader?.how === DYNACONF && (path ?? rootKey)) {
    return { reason: knownReaderReason(reader), suggestion: dynaconfEdit(file, path ?? [rootKey!], site.ref, reader, readerSource?.text, helpers, readerSource?.importLine ?? 'from secret_sweep_secrets import get_secret') };
  }
  const target = path ? `data${path.map((x) => `[${JSON.stringify(x)}]`).join('')}` : 'the key';
  const where = path ? `\`${at!.option}\` from [${at!.section}] in ${file}` : `the value from ${file}`;
  const variable = envVarName(secretName, jsonKey);
  const viaEnv = `start it with \`secret-sweep run -- COMMAND\` and set \`${target} = os.environ["${variable}"]\` (\`${variable}=${smReference(secretName, jsonKey)}\`)`;
  return {
    reason: reader ? knownReaderReason(reader) : 'TOML readers (tomllib, toml) take values literally: a reference written here would be read as the value',
    suggestion: helpers
      ? `remove ${where} and set it where the program loads the file (\`data = tomllib.load(f)\`): \`${target} = get_secret("${secretName}")${jsonKey ? `["${jsonKey}"]` : ''}\` (\`from secret_sweep_secrets import get_secret\`), or ${viaEnv}`
      : `remove ${where} and ${viaEnv}`,
  };
}

/**
 * `.streamlit/secrets.toml`: Streamlit loads it into `st.secrets` as written (a reference would be the value)
 * and hands a `[connections.NAME]` table to `st.connection("NAME")`, combined with that call's keyword
 * arguments; its root-level keys are also set as environment variables.
 */
function streamlitManual(file: string, text: string, site: RewriteSite, helpers: boolean): { reason: string; suggestion: string } {
  const { secretName, jsonKey } = site.ref;
  const at = iniOptionAt(text, site.line);
  const unquote = (x: string) => x.trim().replace(/^"(.*)"$/, '$1');
  const rootKey = at ? undefined : /^\s*("[^"]+"|[A-Za-z0-9_-]+)\s*=/.exec(text.split(/\r?\n/)[site.line - 1] ?? '')?.[1];
  const keys = at ? [...at.section.split('.').map(unquote), unquote(at.option)] : rootKey ? [unquote(rootKey)] : undefined;
  const variable = envVarName(secretName, jsonKey);
  // With the helper: get_secret(…); without: a variable that `secret-sweep run` sets.
  const value = helpers ? `get_secret("${secretName}")${jsonKey ? `["${jsonKey}"]` : ''}` : `os.environ["${variable}"]`;
  const how = helpers ? '`from secret_sweep_secrets import get_secret`' : `start the app with \`secret-sweep run -- streamlit run …\`, \`${variable}=${smReference(secretName, jsonKey)}\``;
  const where = keys ? `\`${keys[keys.length - 1]}\`${keys.length > 1 ? ` from [${keys.slice(0, -1).join('.')}]` : ''} in ${file}` : `the value from ${file}`;
  const read = keys ? `st.secrets${keys.map((k) => `[${JSON.stringify(k)}]`).join('')}` : 'st.secrets[…]';
  const edit = keys && keys.length === 3 && keys[0] === 'connections'
    ? `pass it where the app opens the connection, which combines its keyword arguments with the table: \`st.connection("${keys[1]}", …, ${keys[2]}=${value})\` (${how}); read the same where the app reads ${read}`
    : `read \`${value}\` where the app reads ${read} (${how})`;
  return {
    reason: 'Streamlit loads this file into st.secrets as written (nothing in it is expanded): a reference written here would be read as the value',
    suggestion: `remove ${where} and ${edit}`,
  };
}

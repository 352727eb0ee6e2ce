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
import { knownReaderReason } from './config-file-readers.js';
import type { LiteralEnvRead } from './python-env-readers.js';

export function isTomlPath(file: string): boolean {
  return /\.toml$/i.test(file);
}

export function tomlManual(file: string, text: string, site: RewriteSite, helpers: boolean, reader?: LiteralEnvRead): { reason: string; suggestion: string } {
  const { secretName, jsonKey } = site.ref;
  // `[table]` and `key = "…"` read as INI's section and option; a dotted table is one subscript per part.
  const at = iniOptionAt(text, site.line);
  const path = at ? [...at.section.split('.').map((x) => x.trim().replace(/^"(.*)"$/, '$1')), at.option.replace(/^"(.*)"$/, '$1')] : undefined;
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

/**
 * A `logging.config.fileConfig` file: a handler section's `args=(…)` / `kwargs={…}` is not an INI value
 * but Python, which fileConfig evaluates with `eval(text, vars(logging))`. The logging module imports
 * `os`, so `os.environ["VAR"]` written there in place of the quoted password is read from the
 * environment `secret-sweep run` fills. The file is still not rewritten (a program started without
 * `secret-sweep run` would fail to configure its logging): the report gives that exact edit.
 */
import { envVarName } from '../backend/env-names.js';
import { smReference } from '../run-env.js';
import type { RewriteSite } from './rewriter.js';
import { lineStarts, siteOffsets } from './sites.js';

/**
 * Whether a text is a fileConfig file, whatever its name (`logging.conf` as often as `logging.ini`): the
 * `[handlers]` section that lists the handlers and a `[handler_NAME]` section. Read by configparser.
 */
export function isLoggingConfigText(text: string): boolean {
  return /^\[handlers\][ \t]*\r?$/m.test(text) && /^\[handler_[^\]\n]+\][ \t]*\r?$/m.test(text);
}

/** Whether `section`/`option` is a handler's constructor arguments in a fileConfig file. */
export function isLoggingHandlerArgs(at: { section: string; option: string } | undefined): boolean {
  return at !== undefined && /^handler_/.test(at.section) && /^(args|kwargs)$/.test(at.option.trim());
}

/** The quote around the site's value in `text` (`'` or `"`), when there is one on both sides. */
function quoteAround(text: string, site: RewriteSite): string | undefined {
  const span = siteOffsets(lineStarts(text), text.length, site);
  if (!span) return undefined;
  const q = text[span[0] - 1];
  return (q === "'" || q === '"') && text[span[1]] === q ? q : undefined;
}

export function loggingArgsManual(file: string, text: string, site: RewriteSite, at: { section: string; option: string }): { reason: string; suggestion: string } {
  const { secretName, jsonKey } = site.ref;
  const variable = envVarName(secretName, jsonKey);
  const q = quoteAround(text, site) ?? "'";
  return {
    reason: `logging.config.fileConfig evaluates \`${at.option.trim()}\` of [${at.section}] as Python: a reference written as text would be read as the password`,
    suggestion: `in ${file}, replace the quoted password (${q}…${q}) in \`${at.option.trim()}\` of [${at.section}] with \`os.environ["${variable}"]\` (fileConfig evaluates it in the logging module, which imports os) and start the program with \`${variable}=${smReference(secretName, jsonKey)} secret-sweep run -- COMMAND\``,
  };
}

/**
 * pydantic `BaseSettings` classes that read a `.env` themselves (`model_config = SettingsConfigDict(env_file=…)`,
 * pydantic 1's `class Config: env_file = …`): pydantic parses the file with python-dotenv when the class is
 * instantiated, so an `sm://` reference migrate wrote there would reach the settings as their value when the
 * program is started plainly (`python -m app.main`, `uvicorn`, pytest). Right after the class statement the
 * rewritten code calls the helper's `resolve_settings_env(Cls)`: at the first instantiation of the class (or of a
 * subclass), as pydantic reads the file, it reads that class's own env_file setting (the files as pydantic finds
 * them, from the working folder) and puts each referenced value into os.environ, which pydantic takes over the file:
 *
 *   class Settings(BaseSettings):         ->  class Settings(BaseSettings):
 *       model_config = SettingsConfigDict(            model_config = SettingsConfigDict(env_file=".env")
 *           env_file=".env")                     get_secret.resolve_settings_env(Settings)
 *
 * A class whose env_file is written elsewhere (`SettingsConfigDict(**common)`) is not seen here; a notebook's
 * class and `Settings(_env_file=…)` are literal reads (python-env-readers.ts). A class already followed by the
 * call is left alone, so a second run writes nothing.
 */
import type { Node as TsNode } from 'web-tree-sitter';
import type { TextEdit } from './rewriter.js';

export const SETTINGS_METHOD = 'resolve_settings_env';

/** `env_file` as a setting in a class body: a keyword argument, a dict key or an assignment (pydantic 1's Config). */
const ENV_FILE_SETTING = /\benv_file\b\s*=(?!=)|["']env_file["']\s*:/;

export interface SettingsResolveEdit {
  edit: TextEdit;
  /** Where the call goes (the helper's import must come before it). */
  at: number;
  /** 1-based line of the statement it follows. */
  line: number;
}

/**
 * `call` on a line of its own right after statement `stmt`, at its indentation; undefined when `stmt` is already
 * followed by it (an earlier run, maybe with the helper's import between them) or has more on its last line (`…; x = 1`: no place for a line of its own).
 */
export function callLineAfter(stmt: TsNode, text: string, call: string, eol: string): SettingsResolveEdit | undefined {
  let next = stmt.nextNamedSibling;
  // The helper's import, which an earlier run may have put between the statement and the call.
  while (next && /^(try_statement|import_from_statement)$/.test(next.type) && next.text.includes('secret_sweep_secrets')) next = next.nextNamedSibling;
  if (next?.type === 'expression_statement' && next.text.replace(/\s+/g, '') === call.replace(/\s+/g, '')) return undefined;
  const nl = text.indexOf('\n', stmt.endIndex);
  if (!/^[ \t]*(#.*)?\r?$/.test(text.slice(stmt.endIndex, nl < 0 ? text.length : nl))) {
    // More on its line (`from decouple import config; PW = config("PW")`): the call goes right after it, on that
    // line, before what reads the values. A class's body ends its line, so this is a simple statement.
    if (stmt.type === 'class_definition' || stmt.type === 'decorated_definition') return undefined;
    return { edit: { start: stmt.endIndex, end: stmt.endIndex, replacement: `; ${call}` }, at: stmt.endIndex, line: stmt.startPosition.row + 1 };
  }
  const lineStart = text.lastIndexOf('\n', stmt.startIndex - 1) + 1;
  const indent = /^[ \t]*/.exec(text.slice(lineStart, stmt.startIndex))![0];
  const at = nl < 0 ? text.length : nl + 1;
  return { edit: { start: at, end: at, replacement: `${nl < 0 ? eol : ''}${indent}${call}${eol}` }, at, line: stmt.startPosition.row + 1 };
}

/**
 * One edit per class of `root` (a parsed `.py` file) that configures an env_file: `${helper}.resolve_settings_env(Name)`
 * on the line after the class, at its indentation.
 */
export function settingsResolveEdits(root: TsNode, text: string, helper: string, eol: string): SettingsResolveEdit[] {
  const out: SettingsResolveEdit[] = [];
  const call = `${helper}.${SETTINGS_METHOD}`;
  for (const cls of root.descendantsOfType('class_definition')) {
    if (!cls) continue;
    const name = cls.childForFieldName('name')?.text;
    const body = cls.childForFieldName('body');
    if (!name || !body || !ENV_FILE_SETTING.test(body.text)) continue;
    // Only the class's own settings: not an env_file that a nested class other than pydantic 1's Config sets.
    const own = body.namedChildren.some((c) => c && (c.type !== 'class_definition' || c.childForFieldName('name')?.text === 'Config') && ENV_FILE_SETTING.test(c.text));
    if (!own) continue;
    const stmt = cls.parent?.type === 'decorated_definition' ? cls.parent : cls;
    // A class inside a class (pydantic 1's `class Config`) is its outer class's setting, resolved after that one.
    if (stmt.parent?.parent?.type === 'class_definition') continue;
    const added = callLineAfter(stmt, text, `${call}(${name})`, eol);
    if (added) out.push(added);
  }
  return out;
}

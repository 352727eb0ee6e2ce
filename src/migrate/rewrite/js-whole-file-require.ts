/**
 * A JSON key file stored whole (a Firebase / Google service account: `require('./serviceAccountKey.json')`)
 * leaves git, so a fresh clone has no file to require. In plain CommonJS JavaScript the require becomes
 * the same object, parsed from the stored text:
 *
 *   const sa = require('./serviceAccountKey.json');
 *     ->  const sa = JSON.parse(require('./secret-sweep-secrets.cjs').getSecretSync('prod/app/key', 'file'));
 *
 * so the program starts plainly, as before. Other readers (an ES module's JSON import, a path handed to a
 * library, TypeScript) keep the `secret-sweep run --file` start the report gives.
 */
import path from 'node:path';
import type * as TS from 'typescript';
import { typescript } from '../typescript-lib.js';
import { HELPER_BASENAME, isTsFile, moduleInfo, parseJs, syntaxErrors } from './javascript.js';
import type { JsModuleContext } from './js-dotenv-resolve.js';
import type { TextEdit } from './rewriter.js';
import type { HelperKind } from './javascript.js';

export interface WholeJson { file: string; secretName: string; jsonKey: string }

export interface JsWholeFileRequire {
  edits: TextEdit[];
  lines: number[];
  /** The whole files each edit reads. */
  files: string[];
  helpers: Array<{ path: string; kind: HelperKind }>;
}

/** The edits turning `require('<a whole JSON file>')` into its parsed stored text; undefined when none apply. */
export function jsWholeFileRequireEdits(file: string, text: string, wholes: ReadonlyMap<string, WholeJson>, ctx: JsModuleContext = {}): JsWholeFileRequire | undefined {
  if (!/\.(c)?js$/i.test(file) || isTsFile(file) || !/\brequire\s*\(/.test(text)) return undefined;
  const sf = parseJs(file, text);
  if (syntaxErrors(sf).length) return undefined;
  const mod = moduleInfo(file, sf, text, ctx.packageType?.(file), undefined, ctx.babel?.(file));
  if (mod.syntax !== 'cjs' || (mod.helper !== 'cjs' && mod.helper !== 'js')) return undefined;
  const ts = typescript();
  const dir = path.posix.dirname(file);
  const out: JsWholeFileRequire = { edits: [], lines: [], files: [], helpers: [] };
  const visit = (n: TS.Node): void => {
    if (ts.isCallExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === 'require' && n.arguments.length === 1) {
      const arg = n.arguments[0]!;
      if ((ts.isStringLiteral(arg) || ts.isNoSubstitutionTemplateLiteral(arg)) && /^\.\.?\//.test(arg.text)) {
        const target = path.posix.normalize(path.posix.join(dir, arg.text));
        const w = wholes.get(target);
        if (w) {
          const q = arg.getText(sf)[0] === '"' ? '"' : "'";
          const call = `require(${q}./${HELPER_BASENAME}.${mod.helper}${q}).getSecretSync(${q}${w.secretName}${q}, ${q}${w.jsonKey}${q})`;
          out.edits.push({ start: n.getStart(sf), end: n.end, replacement: `JSON.parse(${call})` });
          out.lines.push(sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1);
          out.files.push(w.file);
        }
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  if (!out.edits.length) return undefined;
  out.helpers.push({ path: dir === '.' ? `${HELPER_BASENAME}.${mod.helper}` : `${dir}/${HELPER_BASENAME}.${mod.helper}`, kind: mod.helper });
  return out;
}

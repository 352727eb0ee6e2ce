/**
 * The JavaScript / TypeScript rewriter: each planned site (a span inside a string literal that held a
 * migrated value) becomes a run-time reference, in one of two styles:
 *
 * - helper (aws backend, where `await` is allowed: an async function body, or the top level of an ES
 *   module that Node runs as ESM): `await getSecret('prod/app/db', 'password')` from a generated
 *   `secret-sweep-secrets.{mjs,cjs,ts}` next to the file (a cached `@aws-sdk/client-secrets-manager`
 *   client, JSON decoding, errors in plain words);
 * - synchronous helper (aws backend, every context where `await` is not allowed: a plain function, a
 *   class field, a parameter default, the top level of a CommonJS module or of TypeScript compiled to
 *   it): `getSecretSync('prod/app/db', 'password')` from the same helper, which fetches in a short child
 *   process; the file keeps running as it is started today (no wrapper, nothing outside the repository);
 * - environment (the dotenv backend): `process.env.PROD_APP_DB__PASSWORD`, filled from the git-ignored
 *   `.env` the dotenv vault writes.
 * Either way `process.env.X ?? "literal"` / `|| "literal"` stays lazy: the reference replaces the
 * literal, so it is evaluated only where the original used the literal.
 *
 * Parser: the TypeScript compiler API (`ts.createSourceFile`), loaded on first use with a plain
 * require. Why: it parses JS, JSX, TS and TSX with exact UTF-16 node positions, tells string, template
 * and type positions apart, and is the same compiler that checks the result; it is already the project's
 * compiler, so no second parser is added (`@babel/parser` + `recast` would be two more packages). It must
 * be a run-time dependency for `migrate --apply` (it is loaded only there).
 *
 * Conservative: a literal is replaced only where it is a plain value (initializer, argument, property
 * value, array element, return value, operand, JSX attribute). Left for a human, with a reason and a
 * suggested edit: a literal in a type, an import path, an object key, an enum member, a `const`
 * assertion, a tagged template, JSX text, a value crossing an escape sequence or an interpolation.
 * A string holding the secret among other text (a connection string, `Bearer …`) becomes a template
 * literal with the secret, and any context fields of the same secret in it, interpolated; a password in
 * a URL goes through `encodeURIComponent` (the secret stores the decoded value).
 * Quotes: the reference's string arguments use the literal's own quote character; the helper import
 * uses the file's import quotes and semicolon habit. Nothing applies -> no edits.
 */
import path from 'node:path';
import type * as TS from 'typescript';
// The TypeScript compiler, loaded on first use; re-exported for the other rewriters.
import { typescript } from '../typescript-lib.js';
export { typescript };
import { awsBackend } from '../backend/aws.js';
import type { Backend, HelperLanguage } from '../backend/backend.js';
import { backendFor } from '../backend/backends.js';
import type { RewriteInput, Rewriter, RewriteSite, TextEdit } from './rewriter.js';
import { BROWSER_SUGGESTION } from './browser-code.js';
import { applyEdits } from './fixer.js';
import {
  addEnvRef, emptyResult, guardParses, locateSites, noteUnhandled, PLAIN_KEY, PLAIN_NAME, URI_RULE,
  type Located, type SiteRewriteResult,
} from './sites.js';


export const HELPER_BASENAME = 'secret-sweep-secrets';
const HELPER_FN = 'getSecret';
const HELPER_ALIAS = 'sweepGetSecret';
const HELPER_SYNC_FN = 'getSecretSync';

export type ModuleSyntax = 'esm' | 'cjs';
/** `js`: the CommonJS helper named `.js`, for a package Babel compiles (babel.ts). */
export type HelperKind = 'mjs' | 'cjs' | 'ts' | 'js';

export interface JavaScriptRewriterOptions {
  /** The `type` field of the package.json nearest to `file` ('module' | 'commonjs'), when known. */
  packageType?: (file: string) => string | undefined;
  /** For a TypeScript file: whether the tsconfig.json that compiles it allows a top-level await (undefined: no tsconfig). */
  tsTopLevelAwait?: (file: string) => boolean | undefined;
  /** The file whose `require()` loads `file` (an ES module then cannot have a top-level await), or undefined. */
  requiredBy?: (file: string) => string | undefined;
  /** Why a bundler builds `file` (bundler.ts): its output may be CommonJS, so no top-level await. */
  bundledBy?: (file: string) => string | undefined;
  /** Whether Babel compiles `file` (babel.ts): its ES module syntax then runs as CommonJS. */
  babel?: (file: string) => boolean;
  /** 'auto' (default): the helper where `await` is allowed, else process.env; 'env': always process.env. */
  style?: 'auto' | 'env';
  /** Why `file` (its text) runs in a web browser (browser-code.ts), or undefined: its values stay manual. */
  browserCode?: (file: string, text: string) => string | undefined;
}

export interface JsRewriteResult extends SiteRewriteResult {
  /** The helper module the edits import (aws backend), relative to the repository root. */
  helper?: { path: string; kind: HelperKind };
}

export const isTsFile = (f: string) => /\.(c|m)?tsx?$/i.test(f);

function scriptKind(file: string): TS.ScriptKind {
  const ts = typescript();
  const ext = path.extname(file).toLowerCase();
  if (ext === '.tsx') return ts.ScriptKind.TSX;
  if (ext === '.jsx') return ts.ScriptKind.JSX;
  if (ext === '.ts' || ext === '.mts' || ext === '.cts') return ts.ScriptKind.TS;
  return ts.ScriptKind.JS;
}

export function parseJs(file: string, text: string): TS.SourceFile {
  const ts = typescript();
  return ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, scriptKind(file));
}

/** Syntax errors of a parse (the parser's own diagnostics; no type checking). */
export function syntaxErrors(sf: TS.SourceFile): string[] {
  const ts = typescript();
  const diags = (sf as unknown as { parseDiagnostics?: TS.Diagnostic[] }).parseDiagnostics ?? [];
  return diags.map((d) => {
    const { line } = sf.getLineAndCharacterOfPosition(d.start ?? 0);
    return `line ${line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
  });
}

export interface ModuleInfo {
  syntax: ModuleSyntax;
  /** Node runs the file as an ES module, so top-level await works. */
  topLevelAwait: boolean;
  helper: HelperKind;
  /** How the file names the helper in its import: `./secret-sweep-secrets.js`, or without extension in TypeScript. */
  helperSpecifier: string;
}

function hasEsmSyntax(sf: TS.SourceFile): boolean {
  const ts = typescript();
  return sf.statements.some((s) => ts.isImportDeclaration(s) || ts.isExportDeclaration(s) || ts.isExportAssignment(s)
    || (ts.canHaveModifiers(s) && (ts.getModifiers(s) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword)));
}

function hasRequire(text: string): boolean {
  return /\brequire\s*\(|\bmodule\.exports\b|\bexports\.[A-Za-z_$]/.test(text);
}

/** `tsTla`: for a TypeScript file, whether its tsconfig lets tsc compile a top-level await (undefined: no tsconfig). */
export function moduleInfo(file: string, sf: TS.SourceFile, text: string, pkgType: string | undefined, tsTla?: boolean, babel = false): ModuleInfo {
  const ext = path.extname(file).toLowerCase();
  const ts = isTsFile(file);
  const esmSyntax = hasEsmSyntax(sf);
  // tsc refuses a top-level await unless module is es2022+/nodenext and target es2017+ (TS1378).
  const tscAllows = !ts || tsTla !== false;
  const spec = (helper: HelperKind) => ({ helper, helperSpecifier: helperSpecifier(helper, helper === 'ts' ? tsImportExtension(sf, ext === '.mts' || (pkgType === 'module' && ext !== '.cts')) : '') });
  if (ext === '.mjs' || ext === '.mts') return { syntax: 'esm', topLevelAwait: tscAllows, ...spec(ts ? 'ts' : 'mjs') };
  if (ext === '.cjs' || ext === '.cts') return { syntax: esmSyntax && ts ? 'esm' : 'cjs', topLevelAwait: false, ...spec(ts ? 'ts' : 'cjs') };
  const syntax: ModuleSyntax = esmSyntax ? 'esm' : hasRequire(text) ? 'cjs' : pkgType === 'module' || ts ? 'esm' : 'cjs';
  // Babel turns the imports into require() calls, which cannot load an .mjs helper, and its build writes a
  // .cjs file as .js: the CommonJS helper named .js, which its output and Node's own loader both load.
  if (babel && !ts && pkgType !== 'module') return { syntax, topLevelAwait: false, ...spec('js') };
  // JSX/TSX is compiled by a bundler: never assume top-level await there.
  const topLevelAwait = pkgType === 'module' && syntax === 'esm' && (ext === '.js' || ext === '.ts') && tscAllows;
  return { syntax, topLevelAwait, ...spec(ts ? 'ts' : syntax === 'esm' ? 'mjs' : 'cjs') };
}

/**
 * The extension a TypeScript file gives the helper's import: the one its own relative imports use
 * (`./db.js`, `./db.ts` with allowImportingTsExtensions, or none), else `.js` where Node runs it as an
 * ES module (tsc's nodenext requires it there) and none elsewhere. Not always `.js`: under ts-node
 * (CommonJS), Jest with ts-jest, and other loaders that compile file by file, `./x.js` does not find
 * `x.ts`; tsc, tsx and the bundlers accept both.
 */
function tsImportExtension(sf: TS.SourceFile, esm: boolean): '.js' | '.ts' | '' {
  const ts = typescript();
  const specs: string[] = [];
  const visit = (n: TS.Node): void => {
    if ((ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) && n.moduleSpecifier && ts.isStringLiteral(n.moduleSpecifier)) specs.push(n.moduleSpecifier.text);
    else if (ts.isExternalModuleReference(n) && ts.isStringLiteral(n.expression)) specs.push(n.expression.text);
    else if (ts.isCallExpression(n) && n.arguments.length === 1 && ts.isStringLiteral(n.arguments[0]!)
      && (n.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(n.expression) && n.expression.text === 'require'))) specs.push(n.arguments[0].text);
    ts.forEachChild(n, visit);
  };
  visit(sf);
  // Not a data or asset file (`./data.json`); `./config.service` is a module named without its extension.
  const own = specs.find((s) => /^\.{1,2}\//.test(s) && !s.includes(HELPER_BASENAME) && !/\.(json|node|wasm|css|scss|sass|less|svg|png|jpe?g|gif|webp|html|txt|md|ya?ml)$/i.test(s));
  if (own !== undefined) {
    const m = /\.(c|m)?(j|t)sx?$/.exec(own);
    return !m ? '' : m[0] === '.ts' ? '.ts' : '.js';
  }
  return esm ? '.js' : '';
}

/** The language of a helper kind's source: `js` is CommonJS. */
function helperLanguage(kind: HelperKind): HelperLanguage {
  return kind === 'js' ? 'cjs' : kind;
}

export function helperFileName(kind: HelperKind): string {
  return `${HELPER_BASENAME}.${kind}`;
}

/** The import specifier for the helper; `tsExtension`: how a TypeScript file names the `.ts` helper (tsImportExtension). */
function helperSpecifier(kind: HelperKind, tsExtension: string): string {
  return `./${HELPER_BASENAME}${kind === 'ts' ? tsExtension : `.${kind}`}`;
}

type AwaitContext = 'async' | 'top' | 'sync';

function awaitContext(node: TS.Node): AwaitContext {
  const ts = typescript();
  let child: TS.Node = node;
  for (let n: TS.Node | undefined = node.parent; n; child = n, n = n.parent) {
    if (ts.isFunctionLike(n)) {
      const isAsync = ts.canHaveModifiers(n) && (ts.getModifiers(n) ?? []).some((m) => m.kind === ts.SyntaxKind.AsyncKeyword);
      const body = (n as { body?: TS.Node }).body;
      return isAsync && body !== undefined && child === body ? 'async' : 'sync';
    }
    if (ts.isClassStaticBlockDeclaration(n) || ts.isPropertyDeclaration(n) || ts.isDecorator(n)) return 'sync';
    if (ts.isSourceFile(n)) return 'top';
  }
  return 'sync';
}

/** Why a literal cannot become an expression here, or undefined when it can. */
function blockedContext(lit: TS.Node): string | undefined {
  const ts = typescript();
  const p = lit.parent;
  if (!p) return 'no context';
  if (ts.isLiteralTypeNode(p) || ts.isTypeNode(p)) return 'the literal is a type';
  if (ts.isImportDeclaration(p) || ts.isExportDeclaration(p) || ts.isExternalModuleReference(p) || ts.isImportTypeNode(p)) return 'the literal is a module path';
  if ((ts.isPropertyAssignment(p) || ts.isPropertyDeclaration(p) || ts.isMethodDeclaration(p) || ts.isPropertySignature(p) || ts.isEnumMember(p)) && p.name === lit) return 'the secret is an object key';
  if (ts.isEnumMember(p)) return 'an enum member must be a constant';
  if (ts.isExpressionStatement(p)) return 'a string on its own (a directive or a stray literal) holds the secret; delete it and rotate the secret';
  if ((ts.isAsExpression(p) || ts.isTypeAssertionExpression(p)) && ts.isTypeReferenceNode(p.type) && p.type.typeName.getText() === 'const') return 'a `const` assertion needs a literal';
  if (ts.isTaggedTemplateExpression(p)) return 'a tagged template sees the raw text';
  if (ts.isCallExpression(p) && ts.isIdentifier(p.expression) && p.expression.text === 'require') return 'the literal is a module path';
  for (let n: TS.Node | undefined = p; n; n = n.parent) {
    if (ts.isTypeNode(n) && !ts.isExpressionWithTypeArguments(n)) return 'the literal is a type';
    if (ts.canHaveModifiers(n) && (ts.getModifiers(n) ?? []).some((m) => m.kind === ts.SyntaxKind.DeclareKeyword)) return 'an ambient declaration (declare) cannot run code';
  }
  return undefined;
}

/** Parents where an expression needs no parentheses. */
function needsParens(lit: TS.Node): boolean {
  const ts = typescript();
  const p = lit.parent;
  if (!p) return true;
  if (ts.isVariableDeclaration(p) || ts.isPropertyAssignment(p) || ts.isPropertyDeclaration(p) || ts.isParameter(p)
    || ts.isArrayLiteralExpression(p) || ts.isReturnStatement(p) || ts.isParenthesizedExpression(p) || ts.isTemplateSpan(p)
    || ts.isJsxExpression(p) || ts.isBindingElement(p) || ts.isExportAssignment(p) || ts.isSpreadElement(p)) return false;
  if ((ts.isCallExpression(p) || ts.isNewExpression(p)) && p.expression !== lit) return false;
  if (ts.isBinaryExpression(p) && p.right === lit && (p.operatorToken.kind === ts.SyntaxKind.EqualsToken || p.operatorToken.kind === ts.SyntaxKind.CommaToken)) return false;
  if (ts.isConditionalExpression(p) && p.condition !== lit) return false;
  return true;
}

/** Keys of per-environment config objects (`module.exports = { development: {…}, production: {…} }`, sequelize-cli's config.js). */
const ENV_KEY = /^(?:dev|development|test|testing|staging|stage|prod|production|local|qa|uat|preview|ci|default)$/i;

/**
 * The property a literal is the whole value of, when it sits (through nested objects) under a
 * per-environment key: its fetch becomes a getter, so a program reads only the secrets of the environment
 * it selects (a developer's credentials need not reach production's); undefined elsewhere.
 */
function envBlockProperty(lit: TS.Node): TS.PropertyAssignment | undefined {
  const ts = typescript();
  // The value itself, or the fallback of `process.env.X || '…'` / `?? '…'`.
  const fallback = lit.parent && ts.isBinaryExpression(lit.parent) && lit.parent.right === lit
    && [ts.SyntaxKind.BarBarToken, ts.SyntaxKind.QuestionQuestionToken].includes(lit.parent.operatorToken.kind);
  const value = fallback ? lit.parent : lit;
  const prop = value.parent;
  if (!prop || !ts.isPropertyAssignment(prop) || prop.initializer !== value || !(ts.isIdentifier(prop.name) || ts.isStringLiteral(prop.name))) return undefined;
  for (let obj: TS.Node | undefined = prop.parent; obj && ts.isObjectLiteralExpression(obj); ) {
    const outer: TS.Node | undefined = obj.parent;
    if (!outer || !ts.isPropertyAssignment(outer)) return undefined;
    if ((ts.isIdentifier(outer.name) || ts.isStringLiteral(outer.name)) && ENV_KEY.test(outer.name.text)) return prop;
    obj = outer.parent;
  }
  return undefined;
}

/** Octal escapes are syntax errors in a template literal. */
const OCTAL_ESCAPE = /(?<!\\)(?:\\\\)*\\(?:[1-9]|0[0-9])/;

export class JavaScriptRewriter implements Rewriter {
  readonly id = 'javascript';

  constructor(private readonly opts: JavaScriptRewriterOptions = {}) {}

  appliesTo(file: string): boolean {
    return /\.(c|m)?(j|t)sx?$/i.test(file) && !/\.d\.(c|m)?ts$/i.test(file);
  }

  rewrite(input: RewriteInput): JsRewriteResult {
    const out: JsRewriteResult = emptyResult();
    if (input.sites.length === 0) return out;
    const { file, text } = input;
    const ts = typescript();
    const sf = parseJs(file, text);
    const tsFile = isTsFile(file);
    const q0 = fileQuote(sf);
    const backend = backendFor(input.backend);
    const envVar = (site: RewriteSite) => backend.reference.envVariable(site.ref);
    const suggest = (site: RewriteSite) =>
      !backend.capabilities.helpers
        ? `use process.env.${envVar(site)} here`
        : `use \`await ${HELPER_FN}(${q0}${site.ref.secretName}${q0}, ${q0}${site.ref.jsonKey}${q0})\` (from ./${HELPER_BASENAME}) in an async context, or \`${HELPER_SYNC_FN}(…)\` with the same arguments elsewhere`;
    const manual = (site: RewriteSite, reason: string, suggestion = suggest(site)) => {
      out.unhandled.push({ ...site, reason, suggestion });
    };
    // A browser cannot fetch from Secrets Manager: no AWS call, no process.env, in code bundled for one.
    const browser = this.opts.browserCode?.(file, text);
    if (browser) {
      for (const s of input.sites) if (s.kind === 'secret') manual(s, browser, BROWSER_SUGGESTION);
      return noteUnhandled(out);
    }
    if (syntaxErrors(sf).length) {
      for (const s of input.sites) if (s.kind === 'secret') manual(s, 'the file does not parse');
      return noteUnhandled(out);
    }
    const mod = moduleInfo(file, sf, text, this.opts.packageType?.(file), tsFile ? this.opts.tsTopLevelAwait?.(file) : undefined, this.opts.babel?.(file));
    // require() of an ES module graph with a top-level await throws ERR_REQUIRE_ASYNC_MODULE.
    const requiredBy = mod.topLevelAwait ? this.opts.requiredBy?.(file) : undefined;
    if (requiredBy) {
      mod.topLevelAwait = false;
      out.notes.push(`${file}: ${requiredBy} loads it with require(), which refuses a top-level await: its values use ${HELPER_SYNC_FN}()`);
    }
    const bundledBy = mod.topLevelAwait ? this.opts.bundledBy?.(file) : undefined;
    if (bundledBy) {
      mod.topLevelAwait = false;
      out.notes.push(`${file}: ${bundledBy}, whose CommonJS output refuses a top-level await: its values use ${HELPER_SYNC_FN}()`);
    }
    const helperName = helperBindingName(sf);
    let usesHelper = false;
    let usesSync = false;
    let syncFallback = 0;

    // 1. Each site -> the string or template literal around it.
    const located = locateSites(text, input.sites, out);
    const groups = new Map<TS.Node, Located[]>();
    for (const loc of located) {
      const lit = literalAt(sf, loc.start, loc.end);
      if (!lit) {
        if (loc.site.kind === 'secret') manual(loc.site, inComment(sf, text, loc.start) ? 'the value is in a comment (delete it and rotate the secret)' : 'the value is not inside a string literal');
        continue;
      }
      const g = groups.get(lit) ?? [];
      g.push(loc);
      groups.set(lit, g);
    }

    // 2. Each literal that holds a secret -> one or more edits.
    for (const [lit, items] of groups) {
      const secrets = items.filter((x) => x.site.kind === 'secret');
      if (secrets.length === 0) continue; // context values alone stay literal
      const fail = (reason: string) => {
        for (const x of secrets) manual(x.site, reason);
      };
      const owner = ts.isTemplateExpression(lit.parent) ? lit.parent : lit; // a head/middle/tail belongs to its template
      const blocked = blockedContext(owner);
      if (blocked) {
        fail(blocked);
        continue;
      }
      if (items.some((x) => !PLAIN_NAME.test(x.site.ref.secretName) || !PLAIN_KEY.test(x.site.ref.jsonKey ?? ''))) {
        fail('the secret name or key has characters that need escaping');
        continue;
      }
      const keys = secrets.map((x) => `${x.site.ref.secretName}\u0000${x.site.ref.jsonKey}`);
      if (new Set(keys).size !== keys.length) {
        fail('the secret appears more than once in one string');
        continue;
      }
      if (items.some((x, i) => i > 0 && x.start < items[i - 1]!.end)) {
        fail('overlapping sites');
        continue;
      }
      const helpers = backend.capabilities.helpers && this.opts.style !== 'env';
      const lazy = helpers ? envBlockProperty(owner) : undefined;
      const ctx = helpers ? awaitContext(owner) : 'sync';
      const useHelper = helpers && !lazy && (ctx === 'async' || (ctx === 'top' && mod.topLevelAwait));
      const editsBefore = out.edits.length;
      const q = lit.getText(sf)[0] === '"' ? '"' : lit.getText(sf)[0] === "'" ? "'" : q0;
      const refExpr = (site: RewriteSite): string => {
        const args = `${q}${site.ref.secretName}${q}${site.ref.jsonKey ? `, ${q}${site.ref.jsonKey}${q}` : ''}`;
        if (useHelper) {
          const call = `await ${helperName}(${args})`;
          return site.ref.jsonKey ? call : `String(${call})`;
        }
        if (helpers) {
          // No await here: the helper's synchronous fetch, so the file runs as it is started today.
          const call = `${HELPER_SYNC_FN}(${args})`;
          return site.ref.jsonKey ? call : `String(${call})`;
        }
        const v = backend.capabilities.runReferences ? addEnvRef(out, site.ref) : envVar(site);
        return `process.env.${v}${tsFile ? '!' : ''}`;
      };
      const inUrl = (x: Located) => x.site.kind === 'secret' && x.site.rule !== undefined && URI_RULE.test(x.site.rule);
      const isJsxAttr = ts.isJsxAttribute(lit.parent);
      const raw = (s: number, e: number) => text.slice(s, e);
      // A whole literal was stored decoded (src/migrate/plan/literals.ts) and goes as a whole; a part of one
      // with an escape inside would be written back into the code escaped or not, never both.
      const wholeLiteral = (ts.isStringLiteral(lit) || ts.isNoSubstitutionTemplateLiteral(lit)) && items.length === 1
        && items[0]!.start === lit.getStart(sf) + 1 && items[0]!.end === lit.end - 1;
      if (!wholeLiteral && items.some((x) => raw(x.start, x.end).includes('\\'))) {
        fail('the value contains escape sequences, so the stored text differs from what the program used');
        continue;
      }

      if (ts.isStringLiteral(lit) || ts.isNoSubstitutionTemplateLiteral(lit)) {
        const contentStart = lit.getStart(sf) + 1;
        const contentEnd = lit.end - 1;
        if (items.some((x) => x.start < contentStart || x.end > contentEnd)) {
          fail('the value runs past the string literal');
          continue;
        }
        const whole = items.length === 1 && items[0]!.start === contentStart && items[0]!.end === contentEnd;
        if (whole) {
          const expr = refExpr(items[0]!.site);
          const wrapped = isJsxAttr ? `{${expr}}` : useHelper && needsParens(lit) ? `(${expr})` : expr;
          out.edits.push({ start: lit.getStart(sf), end: lit.end, replacement: wrapped });
        } else if (ts.isNoSubstitutionTemplateLiteral(lit)) {
          for (const x of items) out.edits.push({ start: x.start, end: x.end, replacement: `\${${wrapUri(refExpr(x.site), inUrl(x))}}` });
        } else {
          if (isJsxAttr) {
            fail('a JSX attribute string holds the secret among other text; write {`…${…}…`} by hand');
            continue;
          }
          if (OCTAL_ESCAPE.test(raw(contentStart, contentEnd))) {
            fail('the string has octal escapes, which a template literal cannot hold');
            continue;
          }
          const tpl = (s: string) => s.replace(/`/g, '\\`').replace(/\$\{/g, '\\${');
          let body = '';
          let pos = contentStart;
          for (const x of items) {
            body += tpl(raw(pos, x.start)) + `\${${wrapUri(refExpr(x.site), inUrl(x))}}`;
            pos = x.end;
          }
          body += tpl(raw(pos, contentEnd));
          out.edits.push({ start: lit.getStart(sf), end: lit.end, replacement: '`' + body + '`' });
        }
      } else {
        // A head/middle/tail of a template with substitutions: each site becomes one more substitution.
        const partStart = lit.getStart(sf) + 1;
        const partEnd = lit.end - (ts.isTemplateTail(lit) ? 1 : 2);
        if (items.some((x) => x.start < partStart || x.end > partEnd)) {
          fail('the value runs across a template substitution');
          continue;
        }
        for (const x of items) out.edits.push({ start: x.start, end: x.end, replacement: `\${${wrapUri(refExpr(x.site), inUrl(x))}}` });
      }
      if (lazy) {
        // `key: <fetch>` -> a getter (and a setter that makes it a plain value again, as merges assign).
        const mine = out.edits.splice(editsBefore);
        const start = lazy.initializer.getStart(sf);
        const expr = applyEdits(text.slice(start, lazy.initializer.end), mine.map((e) => ({ ...e, start: e.start - start, end: e.end - start })));
        const name = lazy.name.getText(sf);
        const key = JSON.stringify((lazy.name as TS.Identifier | TS.StringLiteral).text);
        out.edits.push({ start: lazy.getStart(sf), end: lazy.end, replacement:
          `get ${name}() { return ${expr}; }, set ${name}(v) { Object.defineProperty(this, ${key}, { value: v, writable: true, enumerable: true, configurable: true }); }` });
      }
      if (useHelper) usesHelper = true;
      else if (helpers) {
        usesSync = true;
        syncFallback += secrets.length;
      }
    }

    if (usesHelper || usesSync) {
      out.helper = { path: posixJoin(path.posix.dirname(file.split(path.sep).join('/')), helperFileName(mod.helper)), kind: mod.helper };
      const imp = importEdit(sf, text, mod, [...(usesHelper ? [helperName] : []), ...(usesSync ? [HELPER_SYNC_FN] : [])]);
      if (imp) {
        out.edits.push(imp.edit);
        out.notes.push(`${file}: added \`${imp.line}\``);
      }
    }
    if (syncFallback) {
      out.notes.push(`${file}: ${syncFallback} value(s) sit where \`await\` is not allowed (a synchronous function, a class field, or the top level of a CommonJS module), so they use ${HELPER_SYNC_FN}(), which fetches in a short child process`);
    } else if (!backend.capabilities.helpers && out.edits.length) {
      out.notes.push(`${file}: reads process.env; load .env when it runs (\`node --env-file=.env\`, or \`secret-sweep run -- <command>\`)`);
    }
    noteUnhandled(out);
    return guardParses(text, input.sites, out, (after) => {
      const errs = syntaxErrors(parseJs(file, after));
      return errs.length ? errs[0] : undefined;
    }) as JsRewriteResult;
  }

  /**
   * The helper module a rewritten file needs (one per folder and kind); the same content for the same tree.
   * `prefetch`: the secrets a helper's synchronous reader fetches together (sync-prefetch.ts).
   */
  helperFiles(results: ReadonlyArray<Pick<JsRewriteResult, 'helper'>>, backend: Backend = awsBackend, prefetch?: (helper: string) => readonly string[]): Array<{ path: string; content: string }> {
    const seen = new Map<string, HelperKind>();
    for (const r of results) if (r.helper) seen.set(r.helper.path, r.helper.kind);
    return [...seen].sort(([a], [b]) => a.localeCompare(b)).flatMap(([p, kind]) => {
      const content = backend.helperSource(helperLanguage(kind), helperFileName(kind), prefetch ? { prefetch: prefetch(p) } : undefined);
      return content === undefined ? [] : [{ path: p, content }];
    });
  }
}

function posixJoin(dir: string, name: string): string {
  return dir === '.' || dir === '' ? name : `${dir}/${name}`;
}

function wrapUri(expr: string, uri: boolean): string {
  return uri ? `encodeURIComponent(${expr})` : expr;
}

/** The innermost string/template literal that contains [start, end), or undefined. */
function literalAt(sf: TS.SourceFile, start: number, end: number): TS.Node | undefined {
  const ts = typescript();
  let found: TS.Node | undefined;
  const visit = (n: TS.Node): void => {
    if (n.getStart(sf) > start || n.end < end) return;
    if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n) || ts.isTemplateHead(n) || ts.isTemplateMiddle(n) || ts.isTemplateTail(n)) {
      found = n;
      return;
    }
    ts.forEachChild(n, visit);
  };
  ts.forEachChild(sf, visit);
  return found;
}

function inComment(sf: TS.SourceFile, text: string, pos: number): boolean {
  const ts = typescript();
  let hit = false;
  const scan = (ranges: TS.CommentRange[] | undefined) => {
    for (const r of ranges ?? []) if (r.pos <= pos && pos < r.end) hit = true;
  };
  const visit = (n: TS.Node): void => {
    if (hit || n.pos > pos || n.end < pos) return;
    scan(ts.getLeadingCommentRanges(text, n.pos));
    scan(ts.getTrailingCommentRanges(text, n.end));
    ts.forEachChild(n, visit);
  };
  visit(sf);
  scan(ts.getLeadingCommentRanges(text, sf.endOfFileToken.pos));
  return hit;
}

/** The quote character the file's module specifiers (else its first string) use. */
function fileQuote(sf: TS.SourceFile): string {
  const ts = typescript();
  for (const s of sf.statements) {
    if (ts.isImportDeclaration(s)) return s.moduleSpecifier.getText(sf)[0] === '"' ? '"' : "'";
  }
  let q: string | undefined;
  const visit = (n: TS.Node): void => {
    if (q) return;
    if (ts.isStringLiteral(n)) {
      q = n.getText(sf)[0] === '"' ? '"' : "'";
      return;
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return q ?? "'";
}

/** `getSecret`, or `sweepGetSecret` when the file already binds `getSecret` to something of its own. */
function helperBindingName(sf: TS.SourceFile): string {
  const ts = typescript();
  if (!sf.text.includes(HELPER_FN)) return HELPER_FN;
  let clash = false;
  const visit = (n: TS.Node): void => {
    if (clash) return;
    if (ts.isIdentifier(n) && n.text === HELPER_FN && !fromOurHelper(n)) clash = true;
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return clash ? HELPER_ALIAS : HELPER_FN;
}

function fromOurHelper(id: TS.Node): boolean {
  const ts = typescript();
  for (let n: TS.Node | undefined = id; n; n = n.parent) {
    if (ts.isImportDeclaration(n)) return ts.isStringLiteral(n.moduleSpecifier) && n.moduleSpecifier.text.includes(HELPER_BASENAME);
    if (ts.isVariableStatement(n)) return n.getText().includes(HELPER_BASENAME);
    if (ts.isCallExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === HELPER_FN) return true; // a call of ours
  }
  return false;
}

/** The text of the file's imports (or requires) of the helper. */
function helperImports(sf: TS.SourceFile): string {
  const ts = typescript();
  return sf.statements.filter((s) => (ts.isImportDeclaration(s) && ts.isStringLiteral(s.moduleSpecifier) && s.moduleSpecifier.text.includes(HELPER_BASENAME))
    || (ts.isVariableStatement(s) && /require\s*\(\s*['"][^'"]*secret-sweep-secrets/.test(s.getText(sf)))).map((s) => s.getText(sf)).join('\n');
}

function isRequireStatement(s: TS.Statement, sf: TS.SourceFile): boolean {
  const ts = typescript();
  return ts.isVariableStatement(s) && s.declarationList.declarations.every((d) => d.initializer !== undefined && /^require\s*\(/.test(d.initializer.getText(sf)));
}

/**
 * The import (or require) of the helper's `names` (local names: `getSecret`, its alias `sweepGetSecret`,
 * `getSecretSync`) the file does not import yet, after the file's own imports; undefined when all are there.
 */
export function importEdit(sf: TS.SourceFile, text: string, mod: ModuleInfo, names: readonly string[]): { edit: TextEdit; line: string } | undefined {
  const ts = typescript();
  const have = helperImports(sf);
  const missing = names.filter((n) => !new RegExp(`\\b${n}\\b`).test(have));
  if (missing.length === 0) return undefined;
  const imports = sf.statements.filter((s) => (mod.syntax === 'esm' ? ts.isImportDeclaration(s) || ts.isImportEqualsDeclaration(s) : isRequireStatement(s, sf)));
  const q = fileQuote(sf);
  // The file's semicolon style, from a statement that takes one (an interface or a class never does).
  const ref = imports[0] ?? sf.statements.find((s) => ts.isVariableStatement(s) || ts.isExpressionStatement(s) || ts.isExportAssignment(s) || ts.isTypeAliasDeclaration(s));
  const semi = ref ? /;\s*$/.test(ref.getText(sf)) : true;
  const spec = `${q}${mod.helperSpecifier}${q}`;
  const bindings = missing.map((n) => (n === HELPER_ALIAS ? (mod.syntax === 'esm' ? `${HELPER_FN} as ${HELPER_ALIAS}` : `${HELPER_FN}: ${HELPER_ALIAS}`) : n)).join(', ');
  const line = mod.syntax === 'esm'
    ? `import { ${bindings} } from ${spec}${semi ? ';' : ''}`
    : `const { ${bindings} } = require(${spec})${semi ? ';' : ''}`;
  const last = imports[imports.length - 1];
  if (last) return { edit: { start: last.end, end: last.end, replacement: `\n${line}` }, line };
  // No imports: before the first statement that is not a directive ('use strict'), after its comments.
  const first = sf.statements.find((s) => !(ts.isExpressionStatement(s) && ts.isStringLiteral(s.expression)));
  if (!first) return { edit: { start: text.length, end: text.length, replacement: `${text.endsWith('\n') || text === '' ? '' : '\n'}${line}\n` }, line };
  return { edit: { start: first.getStart(sf), end: first.getStart(sf), replacement: `${line}\n\n` }, line };
}

/** The helper module the AWS backend generates for `kind` (kept here for the tests that run it). */
export function jsHelperSource(kind: HelperKind): string {
  return awsBackend.helperSource(helperLanguage(kind), helperFileName(kind))!;
}

/**
 * JavaScript / TypeScript code that loads a `.env` into `process.env` (dotenv's `config()` in any of its
 * spellings, `require('dotenv/config')`, `import 'dotenv/config'`, Node's `process.loadEnvFile()`) whose
 * values migrate turned into `sm://` references: right after the load, the rewritten code resolves them
 * itself (synchronously, in one child process), so `node app.js` (or the tsc build in dist/) runs as
 * before, not only under `secret-sweep run`:
 *
 *   require('dotenv').config();   ->  require('dotenv').config();
 *                                     require('./secret-sweep-secrets.cjs').resolveEnvSync();
 *   import dotenv from 'dotenv';  ->  import dotenv from 'dotenv';
 *   dotenv.config();                  import { resolveEnvSync } from './secret-sweep-secrets.mjs';
 *                                     dotenv.config();
 *                                     resolveEnvSync();
 *
 * The helper is the one the JS rewriter would import in that file (javascript.ts moduleInfo): `.cjs`,
 * `.mjs`, or `.ts` for TypeScript, so tsc compiles it into the output beside the file that imports it.
 * An ES module's `import 'dotenv/config'` runs before any statement: a statement would come too late for
 * the modules imported after the load, which may read the variables when imported. So the resolution is
 * an import too, of a generated module placed right after the load (`secret-sweep-env.cjs`, or
 * `secret-sweep-env.ts` in TypeScript), which resolves when it runs:
 *
 *   import 'dotenv/config';       ->  import 'dotenv/config';
 *                                     import './secret-sweep-env.cjs';
 *
 * Vite's `loadEnv(mode, dir, prefixes)` (in vite.config) returns the .env files' variables as an object, without
 * process.env's references resolved into it (its process.env keeps priority): the object is resolved after it.
 *
 *   const env = loadEnv(mode, process.cwd(), '')  ->  const env = loadEnv(mode, process.cwd(), '')
 *                                                      resolveEnvSync(env)
 *
 * NestJS's `ConfigModule.forRoot()` (@nestjs/config) loads `.env` itself: a generated module imported first in
 * that file loads and resolves it before, and ConfigModule keeps what process.env holds (nestConfigEdit).
 *
 * Under `secret-sweep run` the variables already hold the values (dotenv keeps what is set): nothing to do.
 * Cautious: only a load that is a whole statement (or declares one variable: `const result = dotenv.config()`)
 * ending its line, in a list of statements, called on a name bound to dotenv (`dotenv.config()`, `config()` from `import { config } from 'dotenv'`, and what tsc or Babel
 * compile them to in a committed build: `dotenv_1.default.config()`, `(0, dotenv_1.config)()`). A load already followed
 * by the resolution is left alone, so a second run writes nothing.
 */
import path from 'node:path';
import { GENERATED_MARKER } from '../backend/backend.js';
import { detectEol } from './fixer.js';
import type * as TS from 'typescript';
import { HELPER_BASENAME, importEdit, isTsFile, moduleInfo, parseJs, typescript, type HelperKind } from './javascript.js';
import type { TextEdit } from './rewriter.js';

export const JS_RESOLVE_HELPER = 'secret-sweep-secrets.cjs';
export const JS_RESOLVE_MODULE = 'secret-sweep-env.cjs';
const ENV_MODULE_BASENAME = 'secret-sweep-env';
const SOURCE = /\.(c|m)?(j|t)s$/i;

/** The module an ES module imports after `import 'dotenv/config'`: it resolves what the load brought. */
export function jsResolveModuleSource(eol = '\n', kind: 'cjs' | 'js' | 'ts' = 'cjs', helperSpecifier = `./${HELPER_BASENAME}`): string {
  return [
    `// ${ENV_MODULE_BASENAME}.${kind}: ${GENERATED_MARKER}. Safe to edit; secret-sweep replaces it only while this line stays.`,
    "// Imported right after `import 'dotenv/config'` (or preloaded with `node --env-file=… --require`): replaces",
    '// the sm:// references the load put in process.env by their values, before the modules after it read them.',
    ...(kind !== 'ts'
      ? ["'use strict';", `require('./${HELPER_BASENAME}.${kind}').resolveEnvSync();`]
      : [`import { resolveEnvSync } from '${helperSpecifier}';`, '', 'resolveEnvSync();']),
    '',
  ].join(eol);
}

export interface JsDotenvResolve {
  edits: TextEdit[];
  /** `ConfigModule.forRoot()` calls of a shape the edits cannot make resolve (1-based line, why): start under `secret-sweep run`. */
  unresolved?: Array<{ line: number; what: string }>;
  /** 1-based lines of the loads now followed by the resolution. */
  lines: number[];
  /** The helpers the edits use (repository-relative) and their kinds. */
  helpers: Array<{ path: string; kind: HelperKind }>;
  /** The module an ES module's edits import (it calls the helper), repository-relative, and its source. */
  module?: { path: string; content: string };
}

export interface JsModuleContext {
  /** The `type` of the package.json nearest the file. */
  packageType?: (file: string) => string | undefined;
  /** Whether the tsconfig compiling a TypeScript file allows a top-level await. */
  tsTopLevelAwait?: (file: string) => boolean | undefined;
  /** Whether Babel compiles the file (babel.ts). */
  babel?: (file: string) => boolean;
}

/** The names a file binds to dotenv: `receivers` (`dotenv.config()`) and `functions` (`config()`); `objects`: Vite's loadEnv. */
function dotenvBindings(text: string): { receivers: Set<string>; functions: Set<string>; objects: Set<string> } {
  const receivers = new Set<string>();
  const functions = new Set<string>();
  for (const m of text.matchAll(new RegExp(String.raw`\bimport\s+(?:\*\s+as\s+)?([A-Za-z_$][\w$]*)\s*(?:,\s*\{[^}]*\}\s*)?from\s*(['"])dotenv\2`, 'g'))) receivers.add(m[1]!);
  for (const m of text.matchAll(new RegExp(String.raw`\bimport\s+([A-Za-z_$][\w$]*)\s*=\s*require\(\s*(['"])dotenv\2\s*\)`, 'g'))) receivers.add(m[1]!);
  // Also what tsc and Babel emit for an import: `const dotenv_1 = __importDefault(require("dotenv"))`.
  for (const m of text.matchAll(new RegExp(String.raw`\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=\s*(?:[\w$.]*(?:__importDefault|__importStar|_interopRequireDefault|_interopRequireWildcard)\()?require\(\s*(['"])dotenv\2\s*\)`, 'g'))) receivers.add(m[1]!);
  // Vite's `import { loadEnv } from 'vite'` (`{ loadEnv as readEnv }`): a load that returns an object.
  const objects = new Set<string>();
  for (const m of text.matchAll(/\bimport\s*\{([^}]*)\}\s*from\s*['"]vite['"]/g)) {
    for (const part of m[1]!.split(',')) {
      const b = /^\s*loadEnv\s*(?:as\s*([A-Za-z_$][\w$]*))?\s*$/.exec(part);
      if (b) objects.add(b[1] ?? 'loadEnv');
    }
  }
  // `import { config } from 'dotenv'`, `{ config as loadEnv }`, `const { config } = require('dotenv')`, `{ config: loadEnv }`.
  const named = [...text.matchAll(new RegExp(String.raw`\bimport\s+(?:[A-Za-z_$][\w$]*\s*,\s*)?\{([^}]*)\}\s*from\s*['"]dotenv['"]`, 'g'))].map((m) => ({ list: m[1]!, sep: 'as' }))
    .concat([...text.matchAll(/\b(?:const|let|var)\s*\{([^}]*)\}\s*=\s*require\(\s*(['"])dotenv\2\s*\)/g)].map((m) => ({ list: m[1]!, sep: ':' })));
  for (const { list, sep } of named) {
    for (const part of list.split(',')) {
      const m = new RegExp(String.raw`^\s*config\s*(?:${sep}\s*([A-Za-z_$][\w$]*))?\s*$`).exec(part);
      if (m) functions.add(m[1] ?? 'config');
    }
  }
  return { receivers, functions, objects };
}

/** The edits that make a JS/TS file resolve references after each load of a .env; undefined when none. */
export function jsDotenvResolveEdits(file: string, text: string, ctx: JsModuleContext = {}): JsDotenvResolve | undefined {
  if (!SOURCE.test(file) || !/\bdotenv\b|\bloadEnvFile\b|@nestjs\/config|\bloadEnv\b/.test(text)) return undefined;
  const dir = path.posix.dirname(file);
  const inDir = (name: string) => (dir === '.' ? name : `${dir}/${name}`);
  const sf = parseJs(file, text);
  const mod = moduleInfo(file, sf, text, ctx.packageType?.(file), isTsFile(file) ? ctx.tsTopLevelAwait?.(file) : undefined, ctx.babel?.(file));
  const ts = mod.helper === 'ts';
  const { receivers, functions, objects } = dotenvBindings(text);
  // Plain CommonJS JavaScript requires the helper on the spot (as earlier versions wrote it); the others import it.
  const inline = mod.syntax === 'cjs' && !ts;
  // What an ES module's env module requires: the .cjs helper (.js in a package Babel compiles).
  const cjsKind: 'cjs' | 'js' = mod.helper === 'js' ? 'js' : 'cjs';
  let module: JsDotenvResolve['module'];
  const handled = new Set<TS.Node>();
  const loads = loadStatements(sf, text, receivers, functions, objects, mod.syntax === 'esm', handled);
  const vite = objects.size ? viteLoadsElsewhere(sf, objects, handled) : [];
  const r = insertAfterLoads(text, (line, next, i) => {
    const load = loads.get(i);
    if (load === undefined) return undefined;
    if (load.import) {
      if (next.includes(ENV_MODULE_BASENAME)) return undefined;
      // TypeScript names it as the file names the helper (`./secret-sweep-env.js`, or without extension).
      const spec = ts ? mod.helperSpecifier.replace(HELPER_BASENAME, ENV_MODULE_BASENAME) : `./${ENV_MODULE_BASENAME}.${cjsKind}`;
      module = ts
        ? { path: inDir(`${ENV_MODULE_BASENAME}.ts`), content: jsResolveModuleSource('\n', 'ts', mod.helperSpecifier) }
        : { path: inDir(`${ENV_MODULE_BASENAME}.${cjsKind}`), content: jsResolveModuleSource('\n', cjsKind) };
      return `${load.indent}import '${spec}'${semicolon(line, next)}`;
    }
    // Already resolved, also as tsc compiles the call (`(0, secret_sweep_secrets_1.resolveEnvSync)()`).
    if (/\bresolveEnvSync\b/.test(next)) return undefined;
    const call = `resolveEnvSync(${load.object ?? ''})`;
    return `${load.indent}${inline ? `require('./${HELPER_BASENAME}.${mod.helper}').${call}` : call}${semicolon(line, next)}`;
  });
  const nest = nestConfigEdit(sf, text, mod, inDir, cjsKind);
  let out = r;
  // A file whose `import 'dotenv/config'` now imports the env module resolves before forRoot() runs already.
  if (nest?.edit && !module) {
    module = nest.module;
    out ??= { edits: [], lines: [], added: [] };
    out.edits.push(nest.edit);
    out.lines.push(nest.line);
  }
  const unresolved = [...(nest?.unresolved ?? []), ...vite];
  if (!out) return unresolved.length ? { edits: [], lines: [], helpers: [], unresolved } : undefined;
  return finish(out, text, sf, mod, inDir, inline, module, unresolved);
}

function finish(r: { edits: TextEdit[]; lines: number[]; added: string[] }, text: string, sf: TS.SourceFile, mod: ReturnType<typeof moduleInfo>, inDir: (n: string) => string,
  inline: boolean, module: JsDotenvResolve['module'], unresolved: Array<{ line: number; what: string }> | undefined): JsDotenvResolve | undefined {
  const ts = mod.helper === 'ts';
  const cjsKind: 'cjs' | 'js' = mod.helper === 'js' ? 'js' : 'cjs';
  const helpers: JsDotenvResolve['helpers'] = [];
  const need = (kind: HelperKind) => {
    if (!helpers.some((h) => h.kind === kind)) helpers.push({ path: inDir(`${HELPER_BASENAME}.${kind}`), kind });
  };
  // The .cjs module an ES module imports requires the .cjs helper; the .ts one imports the .ts helper.
  if (module) need(ts ? 'ts' : cjsKind);
  if (r.added.some((a) => /^\s*resolveEnvSync\(/.test(a))) {
    // A file that binds resolveEnvSync to something else of its own: left alone.
    if (/\bresolveEnvSync\b/.test(text) && !text.includes(HELPER_BASENAME)) return undefined;
    const imp = importEdit(sf, text, mod, ['resolveEnvSync']);
    if (imp) r.edits.push(imp.edit);
    need(mod.helper);
  } else if (inline) {
    need(mod.helper);
  }
  return { edits: r.edits, lines: r.lines, helpers, ...(module ? { module } : {}), ...(unresolved?.length ? { unresolved } : {}) };
}

const NEST_MODULE_BASENAME = 'secret-sweep-nest-env';

/**
 * NestJS's `ConfigModule.forRoot()` (@nestjs/config) reads `.env` with dotenv's parser when the module that
 * calls it is evaluated, and assigns only the variables process.env does not hold yet; `validate` and
 * `ConfigService` see process.env over the file. So a module imported first in that file reads the same
 * `.env` the same way, resolved: ConfigModule then keeps the values. Only the default file (`envFilePath`
 * absent) with process.env in use (no `ignoreEnvVars`), unexpanded (`expandVariables` expands the file's values, but
 * ConfigModule keeps process.env's, which the module would set unexpanded); another shape is reported, to start under `secret-sweep run`.
 */
function nestConfigEdit(sf: TS.SourceFile, text: string, mod: ReturnType<typeof moduleInfo>, inDir: (n: string) => string, cjsKind: 'cjs' | 'js'):
  { edit?: TextEdit; line: number; module?: { path: string; content: string }; unresolved: Array<{ line: number; what: string }> } | undefined {
  const ts = typescript();
  const names = new Set([...text.matchAll(/\bimport\s*\{([^}]*)\}\s*from\s*['"]@nestjs\/config['"]/g)].flatMap((m) => m[1]!.split(','))
    .map((p) => /^\s*ConfigModule(?:\s+as\s+([A-Za-z_$][\w$]*))?\s*$/.exec(p)).filter((m) => m).map((m) => m![1] ?? 'ConfigModule'));
  if (!names.size) return undefined;
  const calls: TS.CallExpression[] = [];
  const visit = (n: TS.Node): void => {
    if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && n.expression.name.text === 'forRoot' && names.has(n.expression.expression.getText(sf))) calls.push(n);
    ts.forEachChild(n, visit);
  };
  visit(sf);
  if (!calls.length) return undefined;
  const unresolved: Array<{ line: number; what: string }> = [];
  let ok = false;
  for (const c of calls) {
    const line = sf.getLineAndCharacterOfPosition(c.getStart(sf)).line + 1;
    const arg = c.arguments[0];
    const props = arg && ts.isObjectLiteralExpression(arg) ? arg.properties.map((p) => (p.name && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) ? p.name.text : '...')) : undefined;
    const odd = c.arguments.length > 1 || (arg && !props) ? 'options not written out' : props?.find((p) => ['envFilePath', 'ignoreEnvFile', 'ignoreEnvVars', 'expandVariables', '...'].includes(p));
    if (odd) unresolved.push({ line, what: `ConfigModule.forRoot() with ${odd === 'options not written out' ? odd : `its ${odd === '...' ? 'spread or computed option' : odd}`}` });
    else ok = true;
  }
  // One call of another shape in the file: none of them is changed (the preload would run before each).
  if (!ok || unresolved.length) return { line: 0, unresolved };
  const tsFile = mod.helper === 'ts';
  const spec = tsFile ? mod.helperSpecifier.replace(HELPER_BASENAME, NEST_MODULE_BASENAME) : `./${NEST_MODULE_BASENAME}.${cjsKind}`;
  if (text.includes(NEST_MODULE_BASENAME)) return { line: 0, unresolved };
  // First in the file, after a leading comment or 'use strict': before what it imports reads process.env.
  const first = sf.statements.find((s) => !(ts.isExpressionStatement(s) && ts.isStringLiteral(s.expression)));
  const at = first ? first.getStart(sf) : text.length;
  const eol = detectEol(text);
  const semi = /;\s*(\r?\n|$)/.test(text) ? ';' : '';
  const stmt = mod.syntax === 'esm' ? `import '${spec}'${semi}` : `require('${spec}')${semi}`;
  return {
    edit: { start: at, end: at, replacement: `${stmt} // before ConfigModule.forRoot() reads .env: its sm:// references, resolved${eol}` },
    line: sf.getLineAndCharacterOfPosition(at).line + 1,
    module: tsFile
      ? { path: inDir(`${NEST_MODULE_BASENAME}.ts`), content: nestModuleSource('ts', mod.helperSpecifier) }
      : { path: inDir(`${NEST_MODULE_BASENAME}.${cjsKind}`), content: nestModuleSource(cjsKind) },
    unresolved,
  };
}

/** The module imported before `ConfigModule.forRoot()`: .env read as ConfigModule reads it, then resolved. */
export function nestModuleSource(kind: 'cjs' | 'js' | 'ts', helperSpecifier = `./${HELPER_BASENAME}`): string {
  const head = [
    `// ${NEST_MODULE_BASENAME}.${kind}: ${GENERATED_MARKER}. Safe to edit; secret-sweep replaces it only while this line stays.`,
    '// Imported before ConfigModule.forRoot() (@nestjs/config) runs: reads ./.env as it does (its own dotenv, keeping what',
    '// process.env holds), then replaces the sm:// references by their values, which ConfigModule then keeps.',
  ];
  const body = [
    "const file = resolve(process.cwd(), '.env');",
    'if (existsSync(file)) {',
    "  const fromApp = createRequire(resolve(process.cwd(), 'package.json'));",
    `  const { parse } = createRequire(fromApp.resolve('@nestjs/config'))('dotenv')${kind === 'ts' ? ' as { parse(src: Buffer): Record<string, string> }' : ''};`,
    '  for (const [k, v] of Object.entries(parse(readFileSync(file)))) if (!(k in process.env)) process.env[k] = v;',
    '}',
    'resolveEnvSync();',
    '',
  ];
  return [...head, ...(kind === 'ts'
    ? ["import { existsSync, readFileSync } from 'fs';", "import { createRequire } from 'module';", "import { resolve } from 'path';", `import { resolveEnvSync } from '${helperSpecifier}';`, '']
    : ["'use strict';", "const { existsSync, readFileSync } = require('fs');", "const { createRequire } = require('module');", "const { resolve } = require('path');",
        `const { resolveEnvSync } = require('./${HELPER_BASENAME}.${kind}');`]), ...body].join('\n');
}

/** A statement's parent where one more statement may follow it. */
function inStatementList(n: TS.Node): boolean {
  const ts = typescript();
  const p = n.parent;
  return ts.isSourceFile(p) || ts.isBlock(p) || ts.isModuleBlock(p) || ts.isCaseClause(p) || ts.isDefaultClause(p);
}

/**
 * The loads of a .env in the file, by the 0-based line their statement ends on (which nothing else
 * follows but a comment): `import 'dotenv/config'` (`import: true`, ES modules only), and a statement that
 * is, or declares one variable from, a call of dotenv's config under a name bound to it (over several
 * lines too: `dotenv.config({\n  path: path.resolve(process.cwd(), '.env'),\n})`), `require('dotenv/config')`
 * or `process.loadEnvFile()`; and a variable declared from Vite's `loadEnv(…)` (`object`: its name, resolved in place),
 * or a statement putting its result into process.env. `handled` receives the statements found.
 */
function loadStatements(sf: TS.SourceFile, text: string, receivers: ReadonlySet<string>, functions: ReadonlySet<string>, objects: ReadonlySet<string>, esm: boolean, handled?: Set<TS.Node>):
  Map<number, { import: boolean; indent: string; object?: string }> {
  const ts = typescript();
  const out = new Map<number, { import: boolean; indent: string; object?: string }>();
  const callsLoadEnv = (n: TS.Node): boolean => (ts.isCallExpression(n) && ts.isIdentifier(n.expression) && objects.has(n.expression.text)) || (ts.forEachChild(n, callsLoadEnv) ?? false);
  // `process.env = { ...process.env, ...loadEnv(…) }`, `Object.assign(process.env, loadEnv(…))`: process.env is resolved.
  const intoProcessEnv = (e: TS.Expression): boolean => {
    const target = ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.EqualsToken ? e.left
      : ts.isCallExpression(e) && e.expression.getText(sf).replace(/\s+/g, '') === 'Object.assign' ? e.arguments[0] : undefined;
    return target !== undefined && target.getText(sf).replace(/\s+/g, '') === 'process.env' && callsLoadEnv(e);
  };
  const objectLoad = (n: TS.Node): string | undefined => {
    if (!ts.isVariableStatement(n) || n.declarationList.declarations.length !== 1) return undefined;
    const d = n.declarationList.declarations[0]!;
    const init = d.initializer;
    return ts.isIdentifier(d.name) && init && ts.isCallExpression(init) && ts.isIdentifier(init.expression) && objects.has(init.expression.text) ? d.name.text : undefined;
  };
  const isLoad = (e: TS.Expression | undefined): boolean => {
    if (!e || !ts.isCallExpression(e)) return false;
    const callee = e.expression.getText(sf).replace(/\s+/g, '');
    if (callee === 'process.loadEnvFile' || /^require\((['"])dotenv\1\)\.config$/.test(callee)) return true;
    if (callee === 'require') return e.arguments.length === 1 && ts.isStringLiteral(e.arguments[0]!) && e.arguments[0].text === 'dotenv/config';
    // `dotenv.config`, `dotenv_1.default.config`, `(0,dotenv_1.config)` (tsc's call of a named import): a name bound to dotenv.
    const dot = /^(?:\(0,)?([A-Za-z_$][\w$]*)(?:\.default)?\.config\)?$/.exec(callee)?.[1];
    return dot !== undefined ? receivers.has(dot) : functions.has(callee);
  };
  const visit = (n: TS.Node): void => {
    const object = objectLoad(n);
    const load = object !== undefined || (ts.isImportDeclaration(n) ? esm && !n.importClause && ts.isStringLiteral(n.moduleSpecifier) && /^dotenv\/config(\.js)?$/.test(n.moduleSpecifier.text)
      : ts.isExpressionStatement(n) ? isLoad(n.expression) || (objects.size > 0 && intoProcessEnv(n.expression))
        : ts.isVariableStatement(n) && n.declarationList.declarations.length === 1 && isLoad(n.declarationList.declarations[0]!.initializer));
    if (load && inStatementList(n)) {
      const end = sf.getLineAndCharacterOfPosition(n.end);
      const lineEnd = text.indexOf('\n', n.end);
      if (/^[ \t]*(\/\/.*)?\r?$/.test(text.slice(n.end, lineEnd < 0 ? text.length : lineEnd))) {
        const first = sf.getLineAndCharacterOfPosition(n.getStart(sf)).line;
        out.set(end.line, { import: ts.isImportDeclaration(n), indent: /^[ \t]*/.exec(text.split('\n')[first] ?? '')![0], ...(object !== undefined ? { object } : {}) });
        handled?.add(n);
      }
      return;
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

/** Vite's loadEnv() calls that no statement of `handled` holds (its result used in place): they read the references as text. */
function viteLoadsElsewhere(sf: TS.SourceFile, objects: ReadonlySet<string>, handled: ReadonlySet<TS.Node>): Array<{ line: number; what: string }> {
  const ts = typescript();
  const out: Array<{ line: number; what: string }> = [];
  const visit = (n: TS.Node): void => {
    if (handled.has(n)) return;
    if (ts.isCallExpression(n) && ts.isIdentifier(n.expression) && objects.has(n.expression.text)) {
      out.push({ line: sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1, what: "Vite's loadEnv(), its result not kept in a variable (nor put into process.env),", });
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

/**
 * The file's style: a semicolon when the load has one, none when it has none (`standard` refuses an extra
 * one), unless the next line starts with what would continue the statement without it (`(`, `[`, a template…).
 */
function semicolon(line: string, next: string): string {
  return /;\s*(?:\/\/.*)?\r?$/.test(line) || /^\s*[([`+\-/]/.test(next) ? ';' : '';
}

/** After each line for which `statement` gives one (it sees the line and the next), that statement on its own line. */
function insertAfterLoads(text: string, statement: (line: string, next: string, index: number) => string | undefined): { edits: TextEdit[]; lines: number[]; added: string[] } | undefined {
  const eol = detectEol(text);
  const lines = text.split('\n');
  const edits: TextEdit[] = [];
  const at: number[] = [];
  const added: string[] = [];
  let offset = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const start = offset;
    offset += line.length + 1;
    const add = statement(line, lines[i + 1] ?? '', i);
    if (add === undefined) continue;
    const last = i + 1 >= lines.length;
    const insertAt = last ? start + line.length : offset;
    edits.push({ start: insertAt, end: insertAt, replacement: `${last ? eol : ''}${add} // the sm:// references it loaded, resolved${eol}` });
    at.push(i + 1);
    added.push(add);
  }
  return edits.length ? { edits, lines: at, added } : undefined;
}

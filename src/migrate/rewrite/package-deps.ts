/**
 * A generated JS/TS helper imports `@aws-sdk/client-secrets-manager`: the package that holds the
 * rewritten file must declare it, or a fresh `npm ci` leaves it out (ERR_MODULE_NOT_FOUND). This adds
 * it to the nearest package.json's `dependencies`, as a text insertion that keeps the file's
 * formatting (indentation, line endings, key order), with the version range secret-sweep itself uses.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { typescript } from './javascript.js';
import { detectEol } from './fixer.js';

export const SDK_PACKAGE = '@aws-sdk/client-secrets-manager';
const DEP_FIELDS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'];

/** The folder (relative to the root, '.' for the root) of the package.json nearest to `file`, or undefined. */
export function nearestPackageDir(file: string, exists: (rel: string) => boolean): string | undefined {
  let dir = path.posix.dirname(file.split(path.sep).join('/'));
  for (;;) {
    if (exists(dir === '.' ? 'package.json' : `${dir}/package.json`)) return dir;
    if (dir === '.' || dir === '/' || dir === '') return undefined;
    dir = path.posix.dirname(dir);
  }
}

/**
 * For each file (relative to `root`), `derive` of its nearest package.json (parsed; undefined when it is
 * not a JSON object) and that package's folder; undefined when no package.json holds the file. Cached per package.
 */
export function packageJsonFinder<T>(root: string, derive: (json: Record<string, unknown> | undefined, dir: string) => T): (file: string) => T | undefined {
  const cache = new Map<string, T>();
  return (file) => {
    const dir = nearestPackageDir(file, (rel) => existsSync(path.join(root, rel)));
    if (dir === undefined) return undefined;
    if (!cache.has(dir)) {
      let json: Record<string, unknown> | undefined;
      try {
        const v: unknown = JSON.parse(readFileSync(path.join(root, dir, 'package.json'), 'utf8'));
        json = v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
      } catch {
        json = undefined;
      }
      cache.set(dir, derive(json, dir));
    }
    return cache.get(dir);
  };
}

/**
 * package.json text with `name: range` added to `dependencies`; the same text when any dependency field
 * already names it; undefined when the file is not a JSON object (then a human adds it).
 */
export function withDependency(text: string, name: string, range: string): string | undefined {
  const ts = typescript();
  const sf = ts.parseJsonText('package.json', text);
  const top = sf.statements[0]?.expression;
  if (!top || !ts.isObjectLiteralExpression(top) || (sf as unknown as { parseDiagnostics: unknown[] }).parseDiagnostics.length) return undefined;
  const prop = (obj: import('typescript').ObjectLiteralExpression, key: string) =>
    obj.properties.find((p) => ts.isPropertyAssignment(p) && ts.isStringLiteral(p.name) && p.name.text === key) as import('typescript').PropertyAssignment | undefined;
  for (const field of DEP_FIELDS) {
    const f = prop(top, field);
    if (f && ts.isObjectLiteralExpression(f.initializer) && prop(f.initializer, name)) return text;
  }
  const eol = detectEol(text);
  const indentOf = (pos: number) => /^[ \t]*/.exec(text.slice(text.lastIndexOf('\n', pos - 1) + 1))![0];
  const firstKey = top.properties[0];
  const unit = firstKey ? indentOf(firstKey.getStart(sf)) || '  ' : '  ';
  const entry = `${JSON.stringify(name)}: ${JSON.stringify(range)}`;
  const insert = (at: number, s: string) => text.slice(0, at) + s + text.slice(at);
  const deps = prop(top, 'dependencies');
  if (deps && ts.isObjectLiteralExpression(deps.initializer)) {
    const obj = deps.initializer;
    const last = obj.properties[obj.properties.length - 1];
    if (last) return insert(last.end, `,${eol}${indentOf(last.getStart(sf))}${entry}`);
    const outer = indentOf(deps.getStart(sf));
    return text.slice(0, obj.getStart(sf)) + `{${eol}${outer}${unit}${entry}${eol}${outer}}` + text.slice(obj.end);
  }
  if (deps) return undefined; // "dependencies" that is not an object: a human decides
  const last = top.properties[top.properties.length - 1];
  const block = `${JSON.stringify('dependencies')}: {${eol}${unit}${unit}${entry}${eol}${unit}}`;
  if (last) return insert(last.end, `,${eol}${unit}${block}`);
  return text.slice(0, top.getStart(sf)) + `{${eol}${unit}${block}${eol}}` + text.slice(top.end);
}

/**
 * The SDK's own NodeVersionSupportWarning (@aws-sdk/core) says the releases published after the first
 * week of January 2027 require Node 22; their package.json `engines` will say so, which npm only warns
 * about (yarn 1 refuses to install) and the code may then use what Node 20 lacks.
 */
const SDK_NEXT_NODE_MAJOR = 22;

/** The lowest Node major a package.json `engines.node` range admits (`>=18`, `^20.11 || >=22`, `20.x`); undefined when unreadable. */
export function lowestNodeMajor(range: string): number | undefined {
  let lowest: number | undefined;
  for (const alt of range.split('||')) {
    const a = alt.trim();
    if (a === '' || a === '*' || a === 'x') return 0;
    const hyphen = /^v?(\d+)\S*\s+-\s+/.exec(a);
    const bound = hyphen ? Number(hyphen[1]) : (() => {
      const lower = /(?:^|\s)(?:>=?|\^|~|=)?\s*v?(\d+)(?![\d])/.exec(a.replace(/<=?\s*v?\d+\S*/g, ''));
      return lower ? Number(lower[1]) : /^<=?\s*v?\d/.test(a) ? 0 : undefined;
    })();
    if (bound === undefined) return undefined;
    lowest = Math.min(lowest ?? bound, bound);
  }
  return lowest;
}

/**
 * The range to declare for the SDK in a package: `range` (secret-sweep's own, `^3.x`) unless the package
 * may run on a Node older than the SDK's next requirement, by its `engines.node`, else by its `.nvmrc` /
 * `.node-version`, else by the Node running migrate: then `~3.x`, so a later install keeps a release that
 * supports that Node (the lock pins the same). `nodeDeclared` is what was read, for the report.
 */
export function sdkRangeFor(range: string, json: Record<string, unknown> | undefined, pkgDirAbs: string): { range: string; oldestNode: number; from: string } {
  const engines = json?.engines as Record<string, unknown> | undefined;
  let oldest: number | undefined;
  let from = '';
  if (engines && typeof engines.node === 'string') {
    oldest = lowestNodeMajor(engines.node) ?? 0;
    from = `engines.node "${engines.node}"`;
  } else {
    for (const f of ['.nvmrc', '.node-version']) {
      const p = path.join(pkgDirAbs, f);
      if (!existsSync(p)) continue;
      const m = /^\s*v?(\d+)/.exec(readFileSync(p, 'utf8'));
      if (m) { oldest = Number(m[1]); from = `${f} ${m[1]}`; break; }
    }
  }
  if (oldest === undefined) {
    oldest = Number(process.versions.node.split('.')[0]);
    from = `the Node running migrate (${process.versions.node})`;
  }
  const pinned = oldest < SDK_NEXT_NODE_MAJOR && /^\^\d+\.\d+\.\d+$/.test(range) ? `~${range.slice(1)}` : range;
  return { range: pinned, oldestNode: oldest, from };
}

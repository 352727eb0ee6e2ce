/**
 * The generated Python helper imports boto3 when it fetches a secret: the project that holds the
 * rewritten file must declare it, or a fresh deployment (`pip install -r requirements.txt`,
 * `pip install .`) leaves it out and the first secret fails with ModuleNotFoundError. This adds `boto3`
 * to the nearest `requirements.txt` and to the nearest `pyproject.toml`'s PEP 621 `[project]
 * dependencies` or `[tool.poetry.dependencies]` and to a Pipfile's `[packages]`, as text insertions that
 * keep the rest of the file (a hash-pinned requirements.txt is left alone: see lockfiles/python-locks.ts).
 * A project declared only in setup.py / setup.cfg, or a pyproject whose list cannot be edited safely,
 * gets a note instead.
 */
import path from 'node:path';
import { detectEol } from './fixer.js';

export const PY_SDK = 'boto3';

/** Python dependency files this module edits, by name. */
export const PY_DEP_FILES = ['requirements.txt', 'pyproject.toml', 'Pipfile'] as const;

/** A requirements file for development, not what a deployment installs (`requirements-dev.txt`, `requirements/test.txt`). */
const DEV_REQUIREMENTS = /(?:^|[-_.])(?:dev|develop|development|tests?|testing|lint|docs?|ci|local|debug|typing|mypy|style|format)(?:[-_.]|$)/i;

/**
 * Where a folder has none of PY_DEP_FILES, the requirements files it has under other names, as a
 * deployment installs from them (`pip install -r …`): `requirement.txt` (a common misspelling),
 * `requirements-prod.txt` / `requirements_prod.txt` / `requirements.pip`, or `requirements/*.txt` (only its
 * `base.txt` / `common.txt` when there is one: the others include it with `-r`); never the development
 * ones (dev, test, lint, docs, ci). `list` names the files of a folder (repository-relative).
 */
export function otherRequirementFiles(dir: string, list: (rel: string) => readonly string[]): string[] {
  const at = (n: string) => (dir === '.' ? n : `${dir}/${n}`);
  const here = list(dir).filter((n) => /^(?:requirement\.txt|requirements?[-_.][A-Za-z0-9_.-]+\.txt|requirements\.pip|reqs\.txt)$/i.test(n))
    .filter((n) => !DEV_REQUIREMENTS.test(n.replace(/^requirements?|\.(?:txt|pip)$/gi, ''))).sort();
  if (here.length) return here.map(at);
  const sub = list(at('requirements')).filter((n) => /\.txt$/i.test(n) && !DEV_REQUIREMENTS.test(n.replace(/\.txt$/i, ''))).sort();
  const base = sub.filter((n) => /^(?:base|common)\.txt$/i.test(n));
  return (base.length ? base : sub).map((n) => at(`requirements/${n}`));
}

/**
 * The folder nearest to `file` (itself or above, '.' the root) holding one of PY_DEP_FILES, setup.py /
 * setup.cfg, or (with `list`) a requirements file named otherwise (otherRequirementFiles).
 */
export function nearestPythonProjectDir(file: string, exists: (rel: string) => boolean, list?: (rel: string) => readonly string[]): string | undefined {
  let dir = path.posix.dirname(file.split(path.sep).join('/'));
  for (;;) {
    const at = (n: string) => exists(dir === '.' ? n : `${dir}/${n}`);
    if ([...PY_DEP_FILES, 'setup.py', 'setup.cfg'].some(at) || (list && otherRequirementFiles(dir, list).length)) return dir;
    if (dir === '.' || dir === '/' || dir === '') return undefined;
    dir = path.posix.dirname(dir);
  }
}

const names = (line: string, pkg: string) => new RegExp(`^\\s*${pkg}(?![A-Za-z0-9_.-])`, 'i').test(line);

/** requirements.txt text with `boto3` added; the same text when a line already names it. */
export function withRequirement(text: string, pkg = PY_SDK): string {
  if (text.split(/\r?\n/).some((l) => names(l, pkg))) return text;
  const eol = detectEol(text);
  return text + (text === '' || text.endsWith('\n') ? '' : eol) + pkg + eol;
}

/**
 * pyproject.toml text with `boto3` declared: in `[project] dependencies = [...]` (PEP 621) or
 * `[tool.poetry.dependencies]`; the same text when it is declared already; undefined when the file has
 * neither (or a list this cannot edit safely): then a human adds it.
 */
export function withPyprojectDependency(text: string, pkg = PY_SDK): string | undefined {
  const next = withArrayItem(text, 'project', 'dependencies', pkg);
  return next ?? withTableEntry(text, 'tool.poetry.dependencies', pkg);
}

/**
 * pyproject.toml text with `module` in setuptools' `[tool.setuptools] py-modules = [...]`, when that
 * list exists (else undefined: packages found by setuptools take every module in their folders). A
 * single-module project installs only the modules listed there, so the helper beside it must be too.
 */
export function withPyModule(text: string, module: string): string | undefined {
  return withArrayItem(text, 'tool.setuptools', 'py-modules', module);
}

/**
 * `item` appended to the TOML array `key = [...]` of table `table` (one line, or one item a line); the same
 * text when it is there; undefined without that array or when it cannot be edited safely.
 */
function withArrayItem(text: string, table: string, key: string, item: string): string | undefined {
  const tables = [...text.matchAll(/^[ \t]*\[([^\]\n]+)\][ \t]*(?:#.*)?$/gm)].map((m) => ({ name: m[1]!.trim(), start: m.index!, bodyStart: m.index! + m[0].length }));
  const i = tables.findIndex((t) => t.name === table);
  if (i < 0) return undefined;
  const b = { start: tables[i]!.bodyStart, end: i + 1 < tables.length ? tables[i + 1]!.start : text.length };
  const seg = text.slice(b.start, b.end);
  const m = new RegExp(`^([ \\t]*)${key.replace(/-/g, '\\-')}[ \\t]*=[ \\t]*\\[`, 'm').exec(seg);
  if (!m) return undefined;
  return withListItem(text, b.start + m.index + m[0].length, ']', item);
}

/**
 * `item` appended to the list whose opening bracket ends just before `open` (TOML or Python: strings
 * and `#` comments skipped), one line or one item a line; the same text when it is there; undefined
 * when the list cannot be edited safely.
 */
function withListItem(text: string, open: number, closer: ']' | ')', item: string): string | undefined {
  const eol = detectEol(text);
  const close = closingBracket(text, open, closer);
  if (close < 0) return undefined;
  const items = text.slice(open, close);
  if (new RegExp(`["']${item}(?![A-Za-z0-9_.-])`, 'i').test(items)) return text;
  const entry = JSON.stringify(item);
  if (!items.includes('\n')) {
    const trimmed = items.trim();
    const sep = trimmed === '' ? '' : trimmed.endsWith(',') ? ' ' : ', ';
    return text.slice(0, open) + items.replace(/\s*$/, '') + sep + entry + text.slice(close);
  }
  // One item a line: a new line after the last item, with its indentation (a comma added after it if it had none).
  const lines = items.split('\n');
  let last = lines.length - 1;
  while (last >= 0 && /^\s*(#.*)?\r?$/.test(lines[last]!)) last--;
  if (last < 0) return text.slice(0, open) + `${eol}    ${entry},` + items + text.slice(close);
  const cr = lines[last]!.endsWith('\r') ? '\r' : '';
  const [, code, comment = ''] = /^(.*?)(\s+#.*)?$/.exec(lines[last]!.slice(0, lines[last]!.length - cr.length))!;
  if (!/["',]\s*$/.test(code!)) return undefined;
  const indent = /^[ \t]*/.exec(code!)![0];
  lines[last] = `${code!.trimEnd().endsWith(',') ? code : code!.trimEnd() + ','}${comment}${cr}\n${indent}${entry},${cr}`;
  return text.slice(0, open) + lines.join('\n') + text.slice(close);
}

/**
 * setup.py text with `item` added to the literal list or tuple of `setup(key=[...])` (py_modules,
 * install_requires); the same text when it is listed; undefined when the keyword is not written once
 * as a literal list (a variable, a comprehension): then a human edits it.
 */
export function withSetupPyListItem(text: string, key: string, item: string): string | undefined {
  const found = [...text.matchAll(new RegExp(`\\b${key}\\s*=\\s*([[(])`, 'g'))];
  if (found.length !== 1) return undefined;
  const m = found[0]!;
  return withListItem(text, m.index! + m[0].length, m[1] === '(' ? ')' : ']', item);
}

/**
 * setup.py text with `key=["item"]` as the first keyword of its one `setup(...)` call (on a line of its
 * own, indented as the next one, when the call spans lines); undefined unless there is exactly one call.
 */
export function withSetupPyKeyword(text: string, key: string, item: string): string | undefined {
  const found = [...text.matchAll(/(?<![\w.])(?<!def\s+)(?:setuptools\.)?setup\s*\(/g)];
  if (found.length !== 1) return undefined;
  const at = found[0]!.index! + found[0]![0].length;
  const kw = `${key}=[${JSON.stringify(item)}]`;
  const rest = /^[ \t]*(\r?\n)([ \t]*)/.exec(text.slice(at));
  if (rest) return text.slice(0, at) + `${rest[1]}${rest[2] || '    '}${kw},` + text.slice(at);
  return text.slice(0, at) + (/^\s*\)/.test(text.slice(at)) ? kw : `${kw}, `) + text.slice(at);
}

/**
 * setup.cfg text with `item` added to option `key` of `[section]` (`[options] py_modules`, a comma
 * list, or `install_requires`, a `;` list; either may be one item a line); the same text when it is
 * listed; undefined without that option.
 */
export function withSetupCfgListItem(text: string, section: string, key: string, item: string, sep: ',' | ';'): string | undefined {
  const lines = text.split('\n');
  let inSection = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '');
    const header = /^\s*\[([^\]]+)\]/.exec(line);
    if (header) {
      inSection = header[1]!.trim() === section;
      continue;
    }
    const opt = inSection ? new RegExp(`^(${key})\\s*[=:]\\s*(.*)$`).exec(line) : null;
    if (!opt) continue;
    let last = i;
    while (last + 1 < lines.length && /^[ \t]+\S/.test(lines[last + 1]!) && !/^\s*[#;]/.test(lines[last + 1]!)) last++;
    const values = [opt[2]!, ...lines.slice(i + 1, last + 1)].join('\n').split(/[\n,;]/).map((x) => x.trim());
    if (values.some((x) => new RegExp(`^${item}(?![A-Za-z0-9_.-])`, 'i').test(x))) return text;
    const cr = lines[i]!.endsWith('\r') ? '\r' : '';
    if (last > i) {
      const indent = /^[ \t]*/.exec(lines[last]!)![0];
      lines.splice(last + 1, 0, `${indent}${item}${cr}`);
    } else if (opt[2]!.trim() === '') {
      lines.splice(i + 1, 0, `    ${item}${cr}`);
    } else {
      lines[i] = `${line.trimEnd()}${sep} ${item}${cr}`;
    }
    return lines.join('\n');
  }
  return undefined;
}

/**
 * The folder, relative to the project's, that holds its top-level modules: `src` for setuptools'
 * `package-dir = {"" = "src"}` (pyproject), `package_dir={"": "src"}` (setup.py) or `package_dir = =src`
 * (setup.cfg); '.' otherwise.
 */
export function moduleRootOf(text: string): string {
  const m = /package[-_]dir\s*[=:]\s*(?:\{\s*(["'])\1\s*[:=]\s*["']([^"']+)["']|\r?\n?\s*=\s*(\S+))/.exec(text);
  const dir = (m?.[2] ?? m?.[3] ?? '.').replace(/^\.\//, '').replace(/\/+$/, '');
  return dir === '' ? '.' : dir;
}

/** Pipfile text with `boto3 = "*"` in `[packages]` (the table added when there is none); the same text when it is there. */
export function withPipfilePackage(text: string, pkg = PY_SDK): string {
  const next = withTableEntry(text, 'packages', pkg);
  if (next !== undefined) return next;
  const eol = detectEol(text);
  return text + (text === '' || text.endsWith('\n') ? '' : eol) + `${eol}[packages]${eol}${pkg} = "*"${eol}`;
}

/** `pkg = "*"` after the last non-blank line of TOML table `table`; the same text when it sets pkg; undefined without the table. */
function withTableEntry(text: string, table: string, pkg: string): string | undefined {
  const eol = detectEol(text);
  const tables = [...text.matchAll(/^[ \t]*\[([^\]\n]+)\][ \t]*(?:#.*)?$/gm)];
  const i = tables.findIndex((t) => t[1]!.trim() === table);
  if (i < 0) return undefined;
  const start = tables[i]!.index! + tables[i]![0].length;
  const end = i + 1 < tables.length ? tables[i + 1]!.index! : text.length;
  const seg = text.slice(start, end);
  if (new RegExp(`^[ \\t]*["']?${pkg}["']?[ \\t]*=`, 'mi').test(seg)) return text;
  const trimmedEnd = start + seg.replace(/\s*$/, '').length;
  return text.slice(0, trimmedEnd) + `${eol}${pkg} = "*"` + text.slice(trimmedEnd);
}

/** The index of the `closer` closing the list opened just before `from`, skipping strings and comments; -1 if none. */
function closingBracket(text: string, from: number, closer: ']' | ')' = ']'): number {
  const opener = closer === ']' ? '[' : '(';
  let depth = 1;
  for (let i = from; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"' || c === "'") {
      const end = text.indexOf(c, i + 1);
      if (end < 0) return -1;
      i = end;
    } else if (c === '#') {
      const nl = text.indexOf('\n', i);
      if (nl < 0) return -1;
      i = nl;
    } else if (c === opener) depth++;
    else if (c === closer && --depth === 0) return i;
  }
  return -1;
}

/** A setup.py / setup.cfg edited to install the helper module and to require boto3. */
export interface SetupFileEdit {
  file: string;
  text: string;
  /** What was added: the helper module's name, `boto3`. */
  added: string[];
}

/**
 * Edits to the setup.py / setup.cfg of project folder `dir` ('.' the root): the helper module joins a
 * `py_modules` list (setuptools installs only the modules listed there, so an installed copy of a
 * single-module tool could not import a helper left out), and, when `requireSdk` (no requirements.txt,
 * pyproject.toml or Pipfile declares it), boto3 joins `install_requires`. What cannot be edited is a note.
 */
export function setupFileEdits(dir: string, helperPaths: readonly string[], read: (rel: string) => string | undefined, requireSdk: boolean): { edits: SetupFileEdit[]; notes: string[]; sdkDeclared: boolean } {
  const edits: SetupFileEdit[] = [];
  const notes: string[] = [];
  let sdkDeclared = false;
  for (const name of ['setup.py', 'setup.cfg'] as const) {
    const rel = dir === '.' ? name : `${dir}/${name}`;
    const text = read(rel);
    if (text === undefined) continue;
    let next: string | undefined = text;
    const added: string[] = [];
    const helper = helperPaths.find((h) => path.posix.dirname(h) === path.posix.join(dir, moduleRootOf(text)));
    const listsModules = name === 'setup.py' ? /\bpy_modules\s*=/.test(text) : /^py_modules\s*[=:]/m.test(text);
    const installsScript = helperPaths.some((h) => installsScriptOf(name, text, path.posix.relative(dir, path.posix.dirname(h))));
    // A setup.py that lists only packages and installs a script: the helper is installed as a module of its own.
    const addsModules = helper !== undefined && !listsModules && installsScript && name === 'setup.py' && /\bpackages\s*=/.test(text);
    if (helper && addsModules) {
      const module = path.posix.basename(helper, '.py');
      const edited = withSetupPyKeyword(next, 'py_modules', module);
      if (edited === undefined) notes.push(`${rel}: add py_modules=["${module}"] to setup() by hand, or an installed copy of its scripts cannot import the helper`);
      else {
        next = edited;
        added.push(module);
      }
    } else if (helper && listsModules) {
      const module = path.posix.basename(helper, '.py');
      const edited = name === 'setup.py' ? withSetupPyListItem(next, 'py_modules', module) : withSetupCfgListItem(next, 'options', 'py_modules', module, ',');
      if (edited === undefined) notes.push(`${rel}: add "${module}" to py_modules by hand, or an installed copy cannot import the helper`);
      else if (edited !== next) {
        next = edited;
        added.push(module);
      }
    }
    // A script setuptools copies into bin/ (`scripts=`) runs there, away from the helper beside it; it
    // imports the helper from site-packages once that is installed as a module (installedScriptHelperDirs).
    const helperInstalled = helper !== undefined && (listsModules || addsModules) && !notes.some((n) => n.startsWith(`${rel}: add `));
    for (const h of helperPaths) {
      if (!helperInstalled && installsScriptOf(name, text, path.posix.relative(dir, path.posix.dirname(h)))) {
        notes.push(`${rel}: installs a script of ${path.posix.relative(dir, path.posix.dirname(h))}/ (scripts=): an installed copy runs in bin/ and cannot import ${h}; install the helper as a module (py_modules) or run the script from the repository`);
      }
    }
    if (requireSdk) {
      const edited = name === 'setup.py' ? withSetupPyListItem(next, 'install_requires', PY_SDK) : withSetupCfgListItem(next, 'options', 'install_requires', PY_SDK, ';');
      if (edited !== undefined) {
        sdkDeclared = true;
        if (edited !== next) {
          next = edited;
          added.push(PY_SDK);
        }
      }
    }
    if (added.length) edits.push({ file: rel, text: next, added });
  }
  return { edits, notes, sdkDeclared };
}

/**
 * pyproject.toml text for a hatchling project whose wheel is one module: with no `[tool.hatch.build…]`
 * settings, hatchling packs only `<name>.py` when that file is all there is of the project (no package
 * of that name), so an installed copy could not import the helper beside it. The same selection is
 * written out with the helper in it (`only-include`). Undefined for any other project (hatchling with
 * settings of its own: a human edits them).
 */
export function withHatchModule(text: string, module: string, existsInProject: (rel: string) => boolean): string | undefined {
  if (!/^\s*build-backend\s*=\s*["']hatchling\.build["']/m.test(text) || /^\s*\[tool\.hatch\.build\b/m.test(text)) return undefined;
  const project = /^\s*\[project\]\s*$([\s\S]*?)(?=^\s*\[|(?![\s\S]))/m.exec(text)?.[1] ?? '';
  const raw = /^\s*name\s*=\s*["']([^"']+)["']/m.exec(project)?.[1];
  if (!raw) return undefined;
  // hatchling's normalize_file_name_component, of the name as written, then of its normalized form.
  const names = [raw, raw.toLowerCase().replace(/[-_.]+/g, '-')].map((n) => n.replace(/[^\w.]+/g, '_'));
  const name = names.find((n) => !existsInProject(`${n}/__init__.py`) && !existsInProject(`src/${n}/__init__.py`) && existsInProject(`${n}.py`));
  if (!name || name === module) return undefined;
  const eol = detectEol(text);
  return text + (text.endsWith('\n') ? '' : eol) + `${eol}[tool.hatch.build.targets.wheel]${eol}only-include = ["${name}.py", "${module}.py"]${eol}`;
}

/** Top-level module names setuptools' flat-layout discovery leaves out (setuptools.discovery.FlatLayoutModuleFinder). */
const FLAT_EXCLUDED_MODULES = /^(?:setup|conftest|tests?|examples?|build|toxfile|noxfile|pavement|dodo|tasks|fabfile|[Ss][Cc]onstruct|conanfile|manage|benchmarks?|exercises?|htmlcov|[._].*)$/;
/** Top-level folders its flat-layout package discovery leaves out (FlatLayoutPackageFinder); any other folder is a package to it. */
const FLAT_EXCLUDED_DIRS = /^(?:ci|bin|docs?|documentation|manpages|news|changelog|tests?|unit_tests?|examples?|scripts|tools|utils?|python|build|dist|venv|env|requirements|tasks|fabfile|site_scons|benchmarks?|exercises?|[._].*)$/;
const PY_IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * pyproject.toml text for a setuptools project that lists no modules or packages and is one module in a
 * flat layout: setuptools' auto-discovery installs that module, but refuses to build once the helper sits
 * beside it ("Multiple top-level modules discovered in a flat-layout"). The same selection is written out
 * with the helper in it (`[tool.setuptools] py-modules`). Undefined for any other project.
 * `entries`: the project folder's files and folders (names), the helper's file included.
 */
export function withFlatLayoutModules(text: string, module: string, entries: { files: readonly string[]; dirs: readonly string[] }): string | undefined {
  if (!/^\s*build-backend\s*=\s*["']setuptools\.build_meta["']/m.test(text) || !/^\s*\[project\]\s*$/m.test(text)) return undefined;
  // Anything that configures discovery (or a setup.py / setup.cfg that may): a human edits it.
  if (/^\s*\[tool\.setuptools\.packages\b/m.test(text) || /^\s*(?:packages|py-modules|package-dir)\s*=/m.test(text)) return undefined;
  if (entries.files.some((f) => f === 'setup.py' || f === 'setup.cfg') || entries.dirs.includes('src')) return undefined;
  // A folder discovery would take as a package comes first: then the root's modules were never installed.
  if (entries.dirs.some((d) => PY_IDENT.test(d) && !FLAT_EXCLUDED_DIRS.test(d))) return undefined;
  const modules = entries.files.filter((f) => f.endsWith('.py')).map((f) => f.slice(0, -3))
    .filter((m) => PY_IDENT.test(m) && !FLAT_EXCLUDED_MODULES.test(m) && m !== module);
  if (modules.length !== 1) return undefined;
  const eol = detectEol(text);
  const line = `py-modules = ${JSON.stringify([modules[0]!, module]).replace(/","/g, '", "')}`;
  const table = /^[ \t]*\[tool\.setuptools\][ \t]*(?:#.*)?\r?$/m.exec(text);
  if (table) {
    const at = text.indexOf('\n', table.index) + 1 || text.length;
    return text.slice(0, at) + (at === text.length && !text.endsWith('\n') ? eol : '') + line + eol + text.slice(at);
  }
  return text + (text.endsWith('\n') ? '' : eol) + `${eol}[tool.setuptools]${eol}${line}${eol}`;
}

/**
 * Folders ('.' the root) where the helper must also be, so that an installed copy of a script finds it:
 * a setup.py / setup.cfg / pyproject.toml that installs a script of a helper's folder (`scripts=`,
 * `script-files`: setuptools copies it into bin/, away from that helper) and lists `py_modules` (a
 * setup.py: or `packages`) gets the helper at its module root too, where setupFileEdits (withPyModule for
 * pyproject.toml) lists it and the script then imports it from site-packages.
 */
export function installedScriptHelperDirs(helperPaths: readonly string[], projectDirOf: (helper: string) => string | undefined, read: (rel: string) => string | undefined): string[] {
  const out = new Set<string>();
  for (const h of helperPaths) {
    const dir = projectDirOf(h);
    if (dir === undefined) continue;
    for (const name of ['setup.py', 'setup.cfg', 'pyproject.toml'] as const) {
      const text = read(dir === '.' ? name : `${dir}/${name}`);
      if (text === undefined || !installsScriptOf(name, text, path.posix.relative(dir, path.posix.dirname(h)))) continue;
      const listsModules = name === 'setup.py' ? /\b(?:py_modules|packages)\s*=/.test(text) : name === 'setup.cfg' ? /^py_modules\s*[=:]/m.test(text) : /^\s*py-modules\s*=/m.test(text);
      if (listsModules) out.add(path.posix.join(dir, moduleRootOf(text)));
    }
  }
  for (const h of helperPaths) out.delete(path.posix.dirname(h));
  return [...out].sort();
}

/** Whether setup.py / setup.cfg / pyproject.toml text installs a script (`scripts=`, `script-files`) of `folder` (project-relative). */
function installsScriptOf(name: 'setup.py' | 'setup.cfg' | 'pyproject.toml', text: string, folder: string): boolean {
  const scripts = name === 'setup.py' ? /\bscripts\s*=\s*[[(]([^\])]*)/.exec(text)?.[1]
    : name === 'setup.cfg' ? /^scripts\s*[=:]((?:.*\r?\n?)(?:[ \t]+\S.*\r?\n?)*)/m.exec(text)?.[1]
      : /^\s*script-files\s*=\s*\[([^\]]*)/m.exec(text)?.[1];
  return !!scripts && !!folder && !folder.startsWith('..') && new RegExp(`(^|["'\\s,])${folder.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/[^/"'\\s,]+`).test(scripts);
}

/**
 * A dependency file's text, and the bytes of an edited text in the file's own encoding. pip reads a
 * requirements file by its BOM, and PowerShell's `pip freeze > requirements.txt` writes UTF-16: read as
 * UTF-8 and written back, it would be garbage. Undefined when the bytes are neither UTF-8 nor BOM-marked UTF-16.
 */
export function decodeDepFile(bytes: Uint8Array): { text: string; encode: (text: string) => Uint8Array } | undefined {
  const b = Buffer.from(bytes);
  if (b[0] === 0xff && b[1] === 0xfe) return { text: b.subarray(2).toString('utf16le'), encode: (t) => Buffer.concat([b.subarray(0, 2), Buffer.from(t, 'utf16le')]) };
  if (b[0] === 0xfe && b[1] === 0xff) {
    const swap = (x: Buffer) => Buffer.from(x).swap16();
    return { text: swap(b.subarray(2, b.length & ~1)).toString('utf16le'), encode: (t) => Buffer.concat([b.subarray(0, 2), swap(Buffer.from(t, 'utf16le'))]) };
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(b), encode: (t) => Buffer.from(t, 'utf8') };
  } catch {
    return undefined;
  }
}

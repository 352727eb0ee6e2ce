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

/** The folder nearest to `file` (itself or above, '.' the root) holding one of PY_DEP_FILES, or setup.py / setup.cfg. */
export function nearestPythonProjectDir(file: string, exists: (rel: string) => boolean): string | undefined {
  let dir = path.posix.dirname(file.split(path.sep).join('/'));
  for (;;) {
    const at = (n: string) => exists(dir === '.' ? n : `${dir}/${n}`);
    if ([...PY_DEP_FILES, 'setup.py', 'setup.cfg'].some(at)) return dir;
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
  const eol = detectEol(text);
  const tables = [...text.matchAll(/^[ \t]*\[([^\]\n]+)\][ \t]*(?:#.*)?$/gm)].map((m) => ({ name: m[1]!.trim(), start: m.index!, bodyStart: m.index! + m[0].length }));
  const i = tables.findIndex((t) => t.name === table);
  if (i < 0) return undefined;
  const b = { start: tables[i]!.bodyStart, end: i + 1 < tables.length ? tables[i + 1]!.start : text.length };
  const seg = text.slice(b.start, b.end);
  const m = new RegExp(`^([ \\t]*)${key.replace(/-/g, '\\-')}[ \\t]*=[ \\t]*\\[`, 'm').exec(seg);
  if (!m) return undefined;
  const open = b.start + m.index + m[0].length;
  const close = closingBracket(text, open);
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

/** The index of the `]` closing the array opened just before `from`, skipping strings and comments; -1 if none. */
function closingBracket(text: string, from: number): number {
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
    } else if (c === '[') depth++;
    else if (c === ']' && --depth === 0) return i;
  }
  return -1;
}
